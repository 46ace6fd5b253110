"""Frames to distributions: which installed distribution owns each file a traceback (or a warning) names.

``explain`` reads the ``site-packages/<top>/...`` part of each path and maps the dotted module to its distribution
with the knowledge tables (``knowledge/modules.py``, then the engine's table and the providers table); ``check``
passes the target's RECORD-derived map (``owners``) instead, which is exact.

Paths in every format users paste are read: ``File "..."``, IPython's ``File /path:12``, pytest's ``path:12: in f``,
warnings' ``path:12: UserWarning``; Windows separators too. Every repetition is bounded (hostile input stays linear).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from collections.abc import Mapping

_SITE_PATH = re.compile(r"(?:site|dist)-packages[/\\](?P<rest>[A-Za-z_][\w.\-]{0,120}(?:[/\\][\w.\-]{1,120}){0,12})")
_MAX = 120_000


@dataclass(frozen=True)
class Frame:
    """One installed file named in a text."""

    path: str
    """As written (the part from ``site-packages`` on)."""
    module: str
    """Dotted module (``openai._base_client``)."""
    dist: str
    """Owning distribution (PEP 503 name)."""


def distribution(module: str) -> str:
    """The distribution that provides ``module``: the one module table and the provider rows, longest prefix first."""
    from .classify import distribution_for

    return distribution_for(module)


def _module_of(rest: str) -> Optional[str]:
    parts = [p for p in re.split(r"[/\\]", rest) if p]
    if not parts:
        return None
    if parts[0].endswith((".dist-info", ".egg-info", ".pth")):
        return None
    last = parts[-1]
    if last.endswith((".py", ".pyc", ".pyx", ".so", ".pyd")):
        parts[-1] = last.split(".", 1)[0]
    if parts[-1] == "__init__":
        parts.pop()
    mods = [p for p in parts if p.isidentifier()]
    if len(mods) != len(parts) or not mods:
        return ".".join(mods[:1]) or None
    return ".".join(mods)


def frames(text: str, owners: Optional[Mapping[str, str]] = None) -> list[Frame]:
    """Installed files named in ``text``, in order of appearance (outermost first for a traceback).

    ``owners``: top-level import name -> distribution, from the target's RECORD files (check); None in explain.
    """
    out: list[Frame] = []
    for m in _SITE_PATH.finditer(text[-_MAX:]):
        module = _module_of(m.group("rest"))
        if not module:
            continue
        top = module.split(".")[0]
        dist = owners.get(module) or owners.get(top) if owners else None
        out.append(Frame(m.group(0), module, dist or distribution(module)))
    return out


def innermost(text: str, owners: Optional[Mapping[str, str]] = None,
              skip: frozenset[str] = frozenset()) -> Optional[Frame]:
    """The last installed frame whose distribution is not in ``skip``."""
    for f in reversed(frames(text, owners)):
        if f.dist not in skip:
            return f
    return None


def distributions(text: str, owners: Optional[Mapping[str, str]] = None) -> list[str]:
    """Distinct distributions of the frames, innermost first."""
    seen: list[str] = []
    for f in reversed(frames(text, owners)):
        if f.dist not in seen:
            seen.append(f.dist)
    return seen
