"""Compatibility knowledge as data: the pydantic boundary of langchain-core and known undeclared incompatibilities."""

from __future__ import annotations

from typing import NamedTuple, Optional

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
# Not `pydantic.v1` alone: current integrations import it on purpose, to accept users' v1 schemas
# (langchain-openai 1.7.4 chat_models/base.py: `from pydantic.v1 import BaseModel as BaseModelV1`).
V1_IDIOMS: tuple[tuple[str, str], ...] = (
    ("langchain_core.pydantic_v1", "imports langchain_core.pydantic_v1"),
    ("Extra.forbid", "uses Extra.forbid (pydantic v1 config)"),
    ("Extra.ignore", "uses Extra.ignore (pydantic v1 config)"),
    ("allow_population_by_field_name", "uses v1 Config key allow_population_by_field_name"),
)


class KnownIssue(NamedTuple):
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


class Moved(NamedTuple):
    """A module or name that langchain 1.0 removed, and where it lives now."""

    old: str
    """Module (``langchain.chains``) or module.Name (``langchain.chat_models.ChatOpenAI``) prefix."""
    new: str
    """Where to import it from now."""
    install: tuple[str, ...]


# langchain 1.0 kept only agents (create_agent), chat_models/embeddings (init_*), messages, tools, rate_limiters;
# the rest moved to langchain-classic or to langchain-core / the integration packages.
LANGCHAIN_1_MOVES: tuple[Moved, ...] = (
    Moved("langchain.chat_models.ChatOpenAI", "from langchain_openai import ChatOpenAI", ("langchain-openai",)),
    Moved("langchain.chat_models.ChatAnthropic", "from langchain_anthropic import ChatAnthropic",
          ("langchain-anthropic",)),
    Moved("langchain.chat_models.ChatVertexAI", "from langchain_google_vertexai import ChatVertexAI",
          ("langchain-google-vertexai",)),
    Moved("langchain.llms.OpenAI", "from langchain_openai import OpenAI", ("langchain-openai",)),
    Moved("langchain.embeddings.OpenAIEmbeddings", "from langchain_openai import OpenAIEmbeddings",
          ("langchain-openai",)),
    Moved("langchain.schema", "langchain_core.messages / langchain_core.documents (or langchain_classic.schema)",
          ("langchain-core",)),
    Moved("langchain.prompts", "langchain_core.prompts", ("langchain-core",)),
    Moved("langchain.text_splitter", "langchain_text_splitters", ("langchain-text-splitters",)),
    Moved("langchain.chains", "langchain_classic.chains", ("langchain-classic",)),
    Moved("langchain.memory", "langchain_classic.memory", ("langchain-classic",)),
    Moved("langchain.retrievers", "langchain_classic.retrievers", ("langchain-classic",)),
    Moved("langchain.indexes", "langchain_classic.indexes", ("langchain-classic",)),
    Moved("langchain.callbacks", "langchain_core.callbacks (or langchain_classic.callbacks)", ("langchain-classic",)),
    Moved("langchain.llms", "langchain_community.llms or the integration package", ("langchain-community",)),
    Moved("langchain.document_loaders", "langchain_community.document_loaders", ("langchain-community",)),
    Moved("langchain.vectorstores", "langchain_community.vectorstores or the integration package",
          ("langchain-community",)),
    Moved("langchain.agents.AgentExecutor", "langchain_classic.agents.AgentExecutor (or langchain.agents.create_agent)",
          ("langchain-classic",)),
    # langchain-community 0.4.2 deleted its deprecated chat classes (PR #403/#404, 2025-11-04; ollama.py and
    # anthropic.py verified absent from the 0.4.2 wheel, tests/threads/BOUNDARIES.md).
    Moved("langchain_community.chat_models.ChatOllama", "from langchain_ollama import ChatOllama",
          ("langchain-ollama",)),
    Moved("langchain_community.chat_models.ollama", "from langchain_ollama import ChatOllama", ("langchain-ollama",)),
    Moved("langchain_community.chat_models.ChatAnthropic", "from langchain_anthropic import ChatAnthropic",
          ("langchain-anthropic",)),
    Moved("langchain_community.chat_models.anthropic", "from langchain_anthropic import ChatAnthropic",
          ("langchain-anthropic",)),
    Moved("langchain.agents.initialize_agent", "langchain_classic.agents.initialize_agent", ("langchain-classic",)),
)


def moved(module: str, names: tuple[str, ...] = ()) -> Optional[Moved]:
    """The LANGCHAIN_1_MOVES row for ``from module import names`` (most specific first), or None."""
    candidates = [f"{module}.{n}" for n in names] + [module]
    for cand in candidates:
        for row in LANGCHAIN_1_MOVES:
            if cand == row.old or cand.startswith(row.old + "."):
                return row
    return None
