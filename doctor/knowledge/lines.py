"""Release lines of the LangChain family: which versions of each package belong to one line of langchain-core.

A line is named by langchain-core's release series: ``0.2``, ``0.3`` (both 0.x minor series), then ``1``, ``2``...
(majors). The packages released in lockstep with langchain-core (langchain, langchain-text-splitters) share its
numbers; langchain-community and langchain-classic have their own; integrations moved to a new major with
langchain-core 1.0 (``Provider.core1_line``). Sources: the v0.3 and v1.0 release notes
(https://python.langchain.com/docs/versions/v0_3/, https://docs.langchain.com/oss/python/migrate/langchain-v1),
and each package's Requires-Dist on PyPI (checked 2026-11-30).
"""

from __future__ import annotations

from typing import Optional

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from .providers import PROVIDERS

# Packages released with langchain-core, per line: the specifier that keeps a package on that line.
# A line missing from a package's row means the package has no release on that line.
_LOCKSTEP: dict[str, dict[str, str]] = {
    "langchain-core": {"0.1": ">=0.1,<0.2", "0.2": ">=0.2,<0.3", "0.3": ">=0.3,<0.4", "1": ">=1,<2"},
    "langchain": {"0.1": ">=0.1,<0.2", "0.2": ">=0.2,<0.3", "0.3": ">=0.3,<0.4", "1": ">=1,<2"},
    "langchain-text-splitters": {"0.2": ">=0.2,<0.3", "0.3": ">=0.3,<0.4", "1": ">=1,<2"},
    # community 0.4 is the langchain-core 1.x line (it requires langchain-core>=1.0.1)
    "langchain-community": {"0.2": ">=0.2,<0.3", "0.3": ">=0.3,<0.4", "1": ">=0.4,<1"},
    # langchain-classic exists only from the 1.0 split on
    "langchain-classic": {"1": ">=1,<2"},
}

KNOWN_LINES = ("0.1", "0.2", "0.3", "1")
"""Lines the table knows, oldest first."""


def line_of(version: Version) -> str:
    """The line a langchain-core version is on: ``0.3`` for 0.3.79, ``1`` for 1.0.7."""
    return f"0.{version.minor}" if version.major == 0 else str(version.major)


def parse_line(text: str) -> str:
    """Normalise a user's ``--line`` value (``1``, ``1.x``, ``0.3``, ``0.3.x``); ValueError when it is not one."""
    t = text.strip().lower().removesuffix(".x").removesuffix(".*")
    try:
        v = Version(t)
    except InvalidVersion:
        raise ValueError(f"not a release line: {text!r} (examples: 0.3, 1)") from None
    return line_of(v)


def environment_line(versions: dict[str, Version]) -> Optional[str]:
    """The line the environment is on: langchain-core's, else langchain's; None without either."""
    for name in ("langchain-core", "langchain"):
        v = versions.get(name)
        if v is not None:
            return line_of(v)
    return None


def _generic(line: str) -> str:
    v = Version(line)
    if v.major == 0:
        return f">=0.{v.minor},<0.{v.minor + 1}"
    return f">={v.major},<{v.major + 1}"


def lockstep(name: str) -> bool:
    """True for the packages whose own versions name the line (langchain-core, langchain, text-splitters...)."""
    return name in _LOCKSTEP


def line_spec(name: str, line: str) -> Optional[SpecifierSet]:
    """The specifier that keeps ``name`` on ``line``; None when the family table says nothing about ``name``.

    An empty SpecifierSet is never returned: a package with no release on the line gets ``<0`` (admits nothing),
    so callers see the conflict.
    """
    row = _LOCKSTEP.get(name)
    if row is not None:
        if line in row:
            return SpecifierSet(row[line])
        if name in ("langchain-core", "langchain") and line not in KNOWN_LINES:
            return SpecifierSet(_generic(line))
        return SpecifierSet("<0")
    for p in PROVIDERS:
        if p.package == name and p.core1_line:
            first = Version(p.core1_line)
            if Version(line) >= Version("1"):
                return SpecifierSet(f">={first},<{first.major + 1}") if line == "1" else None
            return SpecifierSet(f"<{first}")
    return None
