"""Compatibility knowledge as data: the pydantic boundary of langchain-core and known undeclared incompatibilities."""

from __future__ import annotations

from dataclasses import dataclass

from packaging.specifiers import SpecifierSet
from packaging.version import Version

# langchain-core 0.3.0 moved from pydantic v1 models (via langchain_core.pydantic_v1) to pydantic v2.
# Source: https://python.langchain.com/docs/versions/v0_3/ and langchain PR #25986.
PYDANTIC_V2_CORE = Version("0.3.0")

# Representative releases of each line; a requirement on langchain-core is placed on a side of the
# boundary by which of these it admits (packaging decides; no string matching on specifiers).
_V1_ERA_CORES = tuple(Version(v) for v in ("0.1.0", "0.1.52", "0.2.0", "0.2.43"))
_V2_ERA_CORES = tuple(Version(v) for v in ("0.3.0", "0.3.40", "0.3.79", "1.0.0", "1.8.0"))


def core_era(spec: SpecifierSet) -> str:
    """'v1' when ``spec`` admits only pre-0.3 cores, 'v2' when only 0.3+, 'both' or 'none' otherwise."""
    v1 = any(spec.contains(v, prereleases=True) for v in _V1_ERA_CORES)
    v2 = any(spec.contains(v, prereleases=True) for v in _V2_ERA_CORES)
    if v1 and v2:
        return "both"
    if v1:
        return "v1"
    if v2:
        return "v2"
    return "none"


def installed_core_era(version: Version) -> str:
    """'v1' for langchain-core < 0.3, else 'v2'."""
    return "v1" if version < PYDANTIC_V2_CORE else "v2"


# pydantic v1 idioms that betray an integration written for the old line (file scan, heuristic).
V1_IDIOMS: tuple[tuple[str, str], ...] = (
    ("langchain_core.pydantic_v1", "imports langchain_core.pydantic_v1"),
    ("from pydantic.v1", "imports pydantic.v1"),
    ("import pydantic.v1", "imports pydantic.v1"),
    ("Extra.forbid", "uses Extra.forbid (pydantic v1 config)"),
    ("Extra.ignore", "uses Extra.ignore (pydantic v1 config)"),
    ("allow_population_by_field_name", "uses v1 Config key allow_population_by_field_name"),
)


@dataclass(frozen=True)
class KnownIssue:
    """An incompatibility no package declares; every row is sourced and checked against a real venv in tests."""

    code: str
    when: tuple[tuple[str, str], ...]
    """All must hold: (distribution, specifier) pairs evaluated with packaging."""
    title: str
    evidence: str
    """What the user sees."""
    fix_install: tuple[str, ...]
    """Requirements that repair it, installed together."""
    source: str


KNOWN_ISSUES: tuple[KnownIssue, ...] = (
    KnownIssue(
        "LCD220",
        (("langchain-core", ">=0.3.0,<0.3.39"), ("pydantic", ">=2.11")),
        "langchain-core {langchain-core} with pydantic {pydantic}: chat models are 'not fully defined'",
        "PydanticUserError: `ChatOpenAI` is not fully defined; you should define `BaseCache`, then call "
        "`ChatOpenAI.model_rebuild()`.",
        ("langchain-core>=0.3.39",),
        "langchain-ai/langchain issue #29951 (pydantic 2.11) and PR #32080: fixed since langchain-core 0.3.39",
    ),
    KnownIssue(
        "LCD221",
        (("langchain", ">=1.0.0a1"), ("langchain-community", "<0.4")),
        "langchain {langchain} with langchain-community {langchain-community}: community imports "
        "modules langchain 1.0 removed",
        "ModuleNotFoundError: No module named 'langchain.chains'",
        ("langchain-community>=0.4",),
        "langchain 1.0 release (October 2025): chains, agents and schema moved to langchain-classic",
    ),
)


def spec(text: str) -> SpecifierSet:
    """A SpecifierSet from table text."""
    return SpecifierSet(text)
