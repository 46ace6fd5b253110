"""Turns the package steps of many findings into one consistent set for the target environment.

Every requirement of the set is bounded to the release line the environment is on (``knowledge.lines``): pip's
``-U`` never carries a 0.3 environment to 1.x unless asked (``line=``). A finding that cannot be fixed on the
line, or that has no step the doctor can run, is listed with the reason instead.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple, Optional

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from ..findings import pip_install, pip_uninstall, remove_path
from ..inventory import canonicalize_name, read_requirement
from ..knowledge import lines
from . import cmdline, coverage

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from packaging.specifiers import Specifier

    from ..inventory import Inventory, Req
    from ..model import Finding


class Unfixable(NamedTuple):
    """A finding the plan does not repair, and why."""

    code: str
    subject: str
    reason: str


class ChangeSet(NamedTuple):
    """One repair plan: cleanups first, then one package step, then what a person must do."""

    remove_paths: tuple[str, ...]
    uninstall: tuple[str, ...]
    install: tuple[str, ...]
    reinstall: tuple[str, ...]
    manual: tuple[str, ...]
    """Summaries of fixes only a person can apply (logins, keys)."""
    line: Optional[str] = None
    """The release line every LangChain-family requirement is bounded to (None: the environment has none)."""
    moves_line: bool = False
    """True when the user asked for another line than the environment's (``fix --line``)."""
    cannot: tuple[Unfixable, ...] = ()
    """Findings of the covered kinds with no step here: each says why (``cannot be fixed automatically because``)."""

    def commands(self, python: str) -> list[str]:
        """The shell commands of the plan, in order."""
        out = [remove_path(p) for p in self.remove_paths]
        if self.uninstall:
            out.append(pip_uninstall(python, self.uninstall))
        if self.reinstall:
            out.append(pip_install(python, self.reinstall, upgrade=False, reinstall=True))
        if self.install:
            out.append(pip_install(python, self.install))
        return out

    def touched(self) -> tuple[str, ...]:
        """Names of the distributions its package steps name (installed, reinstalled or removed)."""
        return tuple(dict.fromkeys(_name(r) for r in (*self.uninstall, *self.reinstall, *self.install)))


_name = cmdline.project_name


def _merge_requirements(reqs: Sequence[str]) -> list[str]:
    # One entry per project: specifiers of the same project are joined so pip sees every constraint at once.
    merged: dict[str, Req] = {}
    for text in reqs:
        r = read_requirement(text)  # a fresh one: its specifier is merged below
        if r is None:
            continue
        key = canonicalize_name(r.name)
        if key in merged:
            prev = merged[key]
            prev.specifier &= r.specifier
        else:
            merged[key] = r
    return [str(r) for r in merged.values()]


def _dependents_of_core(inventory: Inventory) -> list[str]:
    # Everything installed that pins langchain-core must move with it, or pip leaves a new conflict behind.
    out = []
    for d in inventory.by_name.values():
        if d.family != "langchain" or d.name == "langchain-core":
            continue
        for r in d.requirements():
            if canonicalize_name(r.name) == "langchain-core":
                out.append(d.name)
                break
    return out


# --- release-line bounds ---

_LOWER = (">=", ">", "==", "~=", "===")
_UPPER = ("<", "<=", "==", "~=", "===")
_ORDER = {op: i for i, op in enumerate(("===", "==", "~=", ">=", ">", "!=", "<=", "<"))}


def feasible(spec: SpecifierSet) -> bool:
    """True when some version satisfies ``spec``: tried on its own boundary versions and just above each."""
    candidates = [Version("0")]
    for s in spec:
        try:
            v = Version(s.version.rstrip(".*"))
        except ValueError:
            return True  # an arbitrary-equality or odd spec: let the resolver judge
        candidates += [v, Version(".".join(str(p) for p in (*v.release, 1)))]
    return any(spec.contains(c, prereleases=True) for c in candidates)


def _has(spec: SpecifierSet, ops: tuple[str, ...]) -> bool:
    return any(s.operator in ops for s in spec)


def _tightest(spec: SpecifierSet) -> list[Specifier]:
    """The highest lower bound and the lowest upper bound only (``>=1,>=1.8.3,<2`` is ``>=1.8.3,<2``)."""
    lows = [s for s in spec if s.operator in (">=", ">")]
    highs = [s for s in spec if s.operator in ("<", "<=")]
    rest = [s for s in spec if s.operator not in (">=", ">", "<", "<=")]

    def v(s: Specifier) -> Version:
        return Version(s.version)

    keep = rest
    if lows:
        keep.append(max(lows, key=lambda s: (v(s), s.operator == ">")))
    if highs:
        keep.append(min(highs, key=lambda s: (v(s), s.operator == "<=")))
    return keep


def spec_text(spec: SpecifierSet) -> str:
    """Lower bounds first (``>=0.3.81,<0.4``): the way people write a range; redundant bounds left out."""
    try:
        items = _tightest(spec)
    except ValueError:
        items = list(spec)
    return ",".join(str(s) for s in sorted(items, key=lambda s: (_ORDER.get(s.operator, 9), s.version)))


def _with(r: Req, spec: SpecifierSet) -> str:
    extras = f"[{','.join(sorted(r.extras))}]" if r.extras else ""
    marker = f"; {r.marker}" if r.marker else ""
    return f"{r.name}{extras}{spec_text(spec)}{marker}"


def family_member(name: str) -> bool:
    """LangChain-family packages (the ones a release line binds)."""
    return name.startswith(("langchain", "langgraph")) and name != "langchain-doctor"


def bound(text: str, versions: Mapping[str, Version], line: Optional[str]) -> tuple[Optional[str], str]:
    """``(requirement with its line's bounds written in, "")``, or ``(None, why)`` when it cannot stay on ``line``.

    LangChain-family packages are bounded to ``line``; other installed packages at 1.0 or later keep their major
    when the requirement gives a floor (``openai>=1.55.3`` stays below 2); the packages released in lockstep with
    langchain-core are never taken below the installed version unless the requirement excludes it.
    """
    r = read_requirement(text)
    if r is None:
        return text, ""
    name = canonicalize_name(r.name)
    spec = SpecifierSet(str(r.specifier))
    fam = family_member(name)
    if _has(spec, ("==", "===")):
        # An exact pin is kept as it is, unless it names a release off the line (``langchain-core==99.0.0``
        # asked by a broken requirement must not carry a 0.3 environment across a major line unseen).
        keep_pin = lines.line_spec(name, line) if (fam and line) else None
        pins = [s for s in spec if s.operator == "=="]
        try:
            off_line = keep_pin is not None and bool(pins) and not keep_pin.contains(Version(pins[0].version),
                                                                                     prereleases=True)
        except InvalidVersion:
            off_line = False
        if off_line and keep_pin is not None:
            return None, f"{text} needs a release outside the {line} line (there {name} is {spec_text(keep_pin)})"
        return text, ""
    installed = versions.get(name)
    keep: Optional[SpecifierSet] = lines.line_spec(name, line) if (fam and line) else None
    if keep is None and not fam and installed is not None and installed.major >= 1 and _has(spec, _LOWER) \
            and not _has(spec, _UPPER):
        keep = SpecifierSet(f"<{installed.major + 1}")
    if keep is not None:
        joined = spec & keep
        if feasible(joined):
            spec = joined
        elif fam:
            shown = spec_text(keep)
            return None, (f"{text} needs a release outside the {line} line (there {name} is {shown})"
                          if str(keep) != "<0" else f"{name} has no release on the {line} line")
    # No silent downgrade of the packages that define the line; integrations and other packages may go down when
    # the line needs it (langchain-openai 0.2 is core-0.3 only: on the 0.2 line it must go back to 0.1).
    if installed is not None and not installed.is_prerelease and lines.lockstep(name):
        floor = spec & SpecifierSet(f">={installed}")
        if spec.contains(installed, prereleases=True) and feasible(floor):
            spec = floor
    return _with(r, spec), ""


def _installed_versions(inventory: Inventory) -> dict[str, Version]:
    return {d.name: v for d in inventory.by_name.values() if (v := d.version) is not None}


def build(findings: Sequence[Finding], inventory: Inventory, *, line: Optional[str] = None) -> ChangeSet:
    """Merge the structured fixes of ``findings`` (ignored ones excluded) into one plan bounded to a release line.

    ``line``: move the LangChain family to this line (``fix --line 1``); default: the environment's own.
    """
    versions = _installed_versions(inventory)
    own = lines.environment_line(versions)
    target_line = line or own
    remove: list[str] = []
    uninstall: list[str] = []
    install: list[str] = []
    manual: list[str] = []
    reinstall: list[str] = []
    asked_by: dict[str, list[Finding]] = {}
    cannot: list[Unfixable] = []
    for f in findings:
        if f.ignored is not None:
            continue
        reason = coverage.no_step_reason(f)
        if reason is not None:
            cannot.append(Unfixable(f.code, f.subject, reason))
        if f.fix is None:
            continue
        if f.fix.manual:
            manual.append(f.fix.summary)
            continue
        remove += [p for p in f.fix.remove_paths if p not in remove]
        uninstall += [u for u in f.fix.uninstall if u not in uninstall]
        given = coverage.installs(f.fix)
        install += list(given)
        for req in given:
            asked_by.setdefault(_name(req), []).append(f)
        reinstall += [r for r in (_pinned(x, inventory) for x in f.fix.reinstall) if r not in reinstall]
    # A reinstall of the version whose metadata is being removed (a stale copy) would bring the stale copy back.
    removed = {(d.name, d.raw_version) for d in inventory.dists if d.metadata_dir in remove}
    reinstall = [r for r in reinstall if (_name(r), r.partition("==")[2] or None) not in removed]
    names = {_name(r) for r in install}
    if "langchain-core" in names:
        install += [d for d in _dependents_of_core(inventory) if d not in names]
    bounded: list[str] = []
    hint = "" if line else " (`fix --line` moves to another line when you choose to)"
    # A requirement that cannot stay on the line on its own is left out before merging, so that it does not take
    # the others of the same package with it (``==99.0.0`` beside ``>=0.3.39``: the floor still applies).
    kept: list[str] = []
    for req in install:
        out, why = bound(req, versions, target_line)
        if out is not None:
            kept.append(req)
            continue
        for f in asked_by.get(_name(req), []):
            if req in (coverage.installs(f.fix) if f.fix else ()):
                cannot.append(Unfixable(f.code, f.subject, f"cannot be fixed on the {target_line} line: {why}{hint}"))
    install = kept
    for req in _merge_requirements(install):
        out, why = bound(req, versions, target_line)
        if out is not None:
            bounded.append(out)
            continue
        for f in asked_by.get(_name(req), []):
            cannot.append(Unfixable(f.code, f.subject, f"cannot be fixed on the {target_line} line: {why}{hint}"))
    return ChangeSet(tuple(remove), tuple(uninstall), tuple(bounded), tuple(reinstall), tuple(manual),
                     target_line, bool(line and own and line != own), tuple(_dedupe(cannot)))


def _pinned(req: str, inventory: Inventory) -> str:
    """A reinstall repairs files, it never changes the version: ``pydantic`` becomes ``pydantic==2.9.2``.

    (Unpinned, ``--force-reinstall --no-deps pydantic`` installs the newest pydantic next to the old
    pydantic-core: a fix that makes three errors out of one.)
    """
    r = read_requirement(req)
    if r is None:
        return req
    d = inventory.get(r.name)
    if r.specifier or d is None or not d.raw_version:
        return req
    return f"{r.name}=={d.raw_version}"


def _dedupe(items: Sequence[Unfixable]) -> list[Unfixable]:
    out: list[Unfixable] = []
    for u in items:
        if u not in out:
            out.append(u)
    return out


def unify(findings: Sequence[Finding], inventory: Inventory, python: str) -> list[Finding]:
    """Rewrite each package-step fix to the environment's single merged install command, so any one works.

    In an environment without pip (``uv venv`` makes those), the commands use ``uv pip ... --python``.
    """
    plan = build(findings, inventory)
    merged = pip_install(python, plan.install) if plan.install else None
    no_pip = inventory.get("pip") is None
    out = []
    for f in findings:
        if f.fix is not None and not f.fix.manual:
            commands = f.fix.commands
            if merged is not None and f.fix.install:
                commands = (*(c for c in commands if " -m pip install " not in c), merged)
            if no_pip:
                commands = tuple(_via_uv(c, python) for c in commands)
            if commands != f.fix.commands:
                f = replace(f, fix=replace(f.fix, commands=commands))
        out.append(f)
    return out


def _via_uv(command: str, python: str) -> str:
    """``PY -m pip install ARGS`` as ``uv pip install --python PY ARGS``, likewise ``uninstall`` (which asks nothing
    under uv: no ``-y``); other commands unchanged."""
    import shlex

    for verb in cmdline.VERBS:
        prefix = shlex.join(cmdline.base(verb, python))
        if command == prefix or command.startswith(prefix + " "):
            rest = command[len(prefix) + 1:]
            if verb == "uninstall":
                rest = " ".join(a for a in rest.split(" ") if a != "-y")
            return shlex.join(cmdline.base(verb, python, uv=["uv"])) + (" " + rest if rest else "")
    return command
