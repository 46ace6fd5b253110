"""What a change will move before anything runs: packages (from -> to), line crossings, and notebook imports broken.

Offline, the moves come from the plan's bounded requirements (what the doctor can determine: the range each package
will land in, not the exact release). With a resolver's answer (pip's ``--dry-run --report``, uv's ``--dry-run``, or
the inventory of a throwaway copy after the change), the moves are exact.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from ..knowledge.compat import moved

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from ..inventory import Dist, Inventory


@dataclass(frozen=True)
class Move:
    """One package that will change."""

    name: str
    old: Optional[str]
    """Installed version, None when it is new."""
    new: Optional[str]
    """Exact version after the change (a resolver's answer), None when removed or not known exactly."""
    wanted: str = ""
    """Offline: the range it will land in (``>=0.3.0,<0.4``)."""
    crossing: str = ""
    """``major`` or ``minor`` when it leaves its installed release line, else empty."""

    def text(self) -> str:
        """``langchain-core 0.3.0 -> 0.3.79 (crosses a minor line)``."""
        to = self.new if self.new is not None else (self.wanted or "(removed)") if self.old else self.wanted
        mark = f"  [crosses a {self.crossing} line]" if self.crossing else ""
        return f"{self.name} {self.old or '(new)'} -> {to or '?'}{mark}"


@dataclass(frozen=True)
class Break:
    """A notebook import that the new versions no longer provide."""

    notebook: str
    cell: int
    line: int
    source: str
    instead: str
    """Where it lives now."""


@dataclass(frozen=True)
class Preview:
    """Every move, the crossings, and what they break in the given notebooks."""

    moves: tuple[Move, ...]
    breaks: tuple[Break, ...]
    exact: bool
    """True when a resolver (or a copy) gave the versions; False for the doctor's own estimate."""
    source: str
    """``pip``, ``uv``, ``copy`` or ``doctor``."""
    note: str = ""


def _v(text: Optional[str]) -> Optional[Version]:
    if text is None:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def crossing(old: Optional[str], new: Optional[str]) -> str:
    """``major``/``minor`` when ``new`` is on another release line than ``old`` (either way), else ``""``."""
    a, b = _v(old), _v(new)
    if a is None or b is None:
        return ""
    if a.major != b.major:
        return "major"
    return "minor" if a.minor != b.minor else ""


def _range_crossing(old: Optional[str], spec: SpecifierSet) -> str:
    a = _v(old)
    if a is None:
        return ""
    from .plan import feasible

    if not feasible(spec & SpecifierSet(f">={a.major},<{a.major + 1}")):
        return "major"
    if not feasible(spec & SpecifierSet(f">={a.major}.{a.minor},<{a.major}.{a.minor + 1}")):
        return "minor"
    return ""


def offline(requirements: Sequence[str], uninstall: Sequence[str], inventory: Inventory,
            facts: Sequence[object] = ()) -> Preview:
    """The moves as far as the doctor can tell without a resolver: each requirement's range."""
    moves: list[Move] = []
    for r, d in _installed(requirements, inventory):
        old = d.raw_version if d is not None else None
        spec = r.specifier
        wanted = _spec_text(spec) or "latest"
        moves.append(Move(canonicalize_name(r.name), old, None, wanted, _range_crossing(old, spec)))
    for name in uninstall:
        d = inventory.get(name)
        if d is not None:
            moves.append(Move(d.name, d.raw_version, None))
    return Preview(tuple(moves), tuple(breaks_for(_to_one(inventory, requirements), facts)), False, "doctor",
                   "offline: ranges from the plan's bounds, not a resolver's answer; add --online for exact versions"
                   if moves else "")


def _installed(requirements: Sequence[str], inventory: Inventory) -> Iterator[tuple[Requirement, Optional[Dist]]]:
    """Each well-formed requirement with the distribution of its project installed now (None when absent)."""
    for text in requirements:
        try:
            r = Requirement(text)
        except InvalidRequirement:
            continue
        yield r, inventory.get(r.name)


def _spec_text(spec: SpecifierSet) -> str:
    from .plan import spec_text

    return spec_text(spec)


def _to_one(inventory: Inventory, requirements: Sequence[str]) -> dict[str, tuple[Optional[str], bool]]:
    """name -> (installed, True when the requirement admits only langchain 1.x or later)."""
    out: dict[str, tuple[Optional[str], bool]] = {}
    from .plan import feasible

    for r, d in _installed(requirements, inventory):
        out[canonicalize_name(r.name)] = (d.raw_version if d else None,
                                          not feasible(r.specifier & SpecifierSet("<1")))
    return out


def exact(changes: Iterable[tuple[str, Optional[str], Optional[str]]], source: str,
          facts: Sequence[object] = ()) -> Preview:
    """Moves from a resolver's answer or a copy's inventory: (name, old, new) per changed package."""
    moves = sorted((Move(n, o, v, crossing=crossing(o, v)) for n, o, v in changes if o != v), key=lambda m: m.name)
    to_one = {m.name: (m.old, (_v(m.new) or Version("0")) >= Version("1")) for m in moves if m.new is not None}
    return Preview(tuple(moves), tuple(breaks_for(to_one, facts)), True, source)


def diff(before: Mapping[str, str], after: Mapping[str, str]) -> list[tuple[str, Optional[str], Optional[str]]]:
    """(name, old, new) for every package whose version differs between two ``{name: version}`` maps."""
    return [(n, before.get(n), after.get(n)) for n in sorted(set(before) | set(after)) if before.get(n) != after.get(n)]


def breaks_for(to_one: Mapping[str, tuple[Optional[str], bool]], facts: Sequence[object]) -> list[Break]:
    """Notebook imports that langchain 1.0 moved, when langchain or langchain-core crosses from 0.x to 1.x."""
    crosses = any(name in ("langchain", "langchain-core") and up and (_v(old) or Version("0")) < Version("1")
                  for name, (old, up) in to_one.items())
    if not crosses:
        return []
    out: list[Break] = []
    for nb in facts:
        for imp in getattr(nb, "imports", ()):
            row = moved(imp.module, tuple(imp.names))
            if row is not None:
                out.append(Break(str(getattr(nb, "path", "")), imp.cell, imp.line, imp.source, row.new))
    return out


_UV_LINE = re.compile(r"^\s*([+-])\s+([A-Za-z0-9_.\-\[\]]+)==(\S+)")


def parse_uv(lines: Iterable[str], installed: Mapping[str, str]) -> list[tuple[str, Optional[str], Optional[str]]]:
    """(name, old, new) from uv's ``--dry-run`` listing (`` - name==old`` / `` + name==new`` lines)."""
    gone: dict[str, str] = {}
    come: dict[str, str] = {}
    for ln in lines:
        m = _UV_LINE.match(ln)
        if m:
            (gone if m.group(1) == "-" else come)[canonicalize_name(m.group(2).split("[")[0])] = m.group(3)
    names = sorted(set(gone) | set(come))
    return [(n, gone.get(n, installed.get(n)), come.get(n)) for n in names if gone.get(n) != come.get(n)]
