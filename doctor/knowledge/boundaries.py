"""Third-party boundaries and known-bad releases, as dated, sourced data.

Each row says which installed versions do not work together although ``pip check`` is clean, what the user sees,
and which install repairs it. ``verified`` says how the boundary was checked (``wheel``: both sides of the boundary
were downloaded from PyPI and the named file read; ``thread``: stated by a maintainer in the cited thread). The
evidence for every ``wheel`` row is written down in the repository's tests/threads/BOUNDARIES.md.

The static checks (``checks/compat_static.py``) evaluate the rows against the installed versions before anything
runs; ``explain`` and the probe classification (``doctor/skew.py``) use the same rows to turn an error text into the
two packages concerned and the exact bound.
"""

from __future__ import annotations

from typing import NamedTuple, Optional

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

_BOUNDARIES_DOC = "tests/threads/BOUNDARIES.md"


class Skew(NamedTuple):
    """Releases of ``older`` below ``older_below`` break with releases of ``newer`` from ``newer_from`` on."""

    id: str
    older: str
    """The distribution whose old releases use what ``newer`` changed (PEP 503 name)."""
    older_below: str
    """First release of ``older`` that works with the newer side."""
    newer: str
    newer_from: str
    """First release of ``newer`` that breaks old ``older`` releases."""
    symbol: str
    """The keyword argument or name involved (``proxies``, ``cached_download``)."""
    symptom: str
    """What the user sees."""
    source: str
    verified: str
    date: str
    """When the breaking release of ``newer`` came out (YYYY-MM-DD)."""

    @property
    def fix_upgrade(self) -> str:
        return f"{self.older}>={self.older_below}"

    @property
    def fix_bound(self) -> str:
        return f"{self.newer}<{self.newer_from}"


SKEWS: tuple[Skew, ...] = (
    Skew("httpx-proxies-openai", "openai", "1.55.3", "httpx", "0.28.0", "proxies",
         "TypeError: Client.__init__() got an unexpected keyword argument 'proxies'",
         "httpx 0.28.0 changelog (proxies removed); openai/_base_client.py 1.55.2 vs 1.55.3 (wheel); "
         "github.com/OpenBMB/ChatDev/issues/478; " + _BOUNDARIES_DOC, "wheel", "2024-11-28"),
    Skew("httpx-proxies-anthropic", "anthropic", "0.40.0", "httpx", "0.28.0", "proxies",
         "TypeError: __init__() got an unexpected keyword argument 'proxies'",
         "anthropic/_base_client.py 0.39.0 vs 0.40.0 (wheel); github.com/anthropics/anthropic-sdk-python/issues/766; "
         + _BOUNDARIES_DOC, "wheel", "2024-11-28"),
    Skew("httpx-proxies-groq", "groq", "0.13.0", "httpx", "0.28.0", "proxies",
         "TypeError: Client.__init__() got an unexpected keyword argument 'proxies'",
         "groq/_base_client.py 0.12.0 vs 0.13.0 (wheel); groq/groq-python PR #143; " + _BOUNDARIES_DOC,
         "wheel", "2024-11-28"),
    Skew("hf-cached-download", "sentence-transformers", "2.3.0", "huggingface-hub", "0.26.0", "cached_download",
         "ImportError: cannot import name 'cached_download' from 'huggingface_hub'",
         "huggingface_hub/__init__.py 0.25.2 vs 0.26.0; sentence_transformers/SentenceTransformer.py 2.2.2 vs 2.3.0 "
         "(wheels); github.com/UKPLab/sentence-transformers/issues/3001; " + _BOUNDARIES_DOC, "wheel", "2024-10-17"),
)


class Symbol(NamedTuple):
    """A name a module gained or lost at a known release of its distribution."""

    module: str
    name: str
    dist: str
    added: str = ""
    """First release that has it (importers need at least this)."""
    removed: str = ""
    """First release without it (importers need below this, or an upgrade of themselves)."""
    source: str = ""
    verified: str = ""


SYMBOLS: tuple[Symbol, ...] = (
    Symbol("typing_extensions", "Self", "typing-extensions", added="4.0.0",
           source="typing_extensions.py 3.10.0.2 vs 4.0.0 (wheel); " + _BOUNDARIES_DOC, verified="wheel"),
    Symbol("typing_extensions", "deprecated", "typing-extensions", added="4.5.0",
           source="typing_extensions.py 4.4.0 vs 4.5.0 (wheel); " + _BOUNDARIES_DOC, verified="wheel"),
    Symbol("typing_extensions", "TypeAliasType", "typing-extensions", added="4.6.0",
           source="typing_extensions.py 4.5.0 vs 4.6.0 (wheel); pydantic#7106; " + _BOUNDARIES_DOC, verified="wheel"),
    Symbol("langchain_core.messages", "InputTokenDetails", "langchain-core", added="1.0.2",
           source="langchain_core/messages/__init__.py 1.0.1 vs 1.0.2 (wheel); langchain-ai/langchain#33770; "
           + _BOUNDARIES_DOC, verified="wheel"),
    Symbol("langchain_core.messages", "UsageMetadata", "langchain-core", added="0.2.2",
           source="langchain-ai/langchain-google PR #270 ('langchain-core 0.2.2 released a standard field')",
           verified="thread"),
    Symbol("huggingface_hub", "cached_download", "huggingface-hub", removed="0.26.0",
           source="huggingface_hub/__init__.py 0.25.2 vs 0.26.0 (wheel); " + _BOUNDARIES_DOC, verified="wheel"),
    # Read as ``openai.error.Timeout`` by langchain's and langchain-community's pre-1.0 retry code: an AttributeError
    # when called (nothing fails at import), which a shadowing ``openai.py`` would give too.
    Symbol("openai", "error", "openai", removed="1.0.0",
           source="openai/error.py in the openai 0.28.1 wheel, absent from 1.0.0 (wheels); the v1 migration guide, "
           "github.com/openai/openai-python/discussions/742; langchain-ai/langchain#13368, #16442; "
           + _BOUNDARIES_DOC, verified="wheel"),
)


class ServiceFloor(NamedTuple):
    """An AWS service that botocore knows only from a release on (its data folder ``botocore/data/<service>``)."""

    service: str
    botocore: str
    boto3: str
    source: str
    date: str
    sdk: str = "botocore"
    """The distribution that holds the service data (its import name too)."""
    companion: str = "boto3"
    """The distribution released in lockstep with ``sdk``, upgraded together."""

    @property
    def install(self) -> tuple[str, str]:
        """The companion's and the SDK's requirements, installed together."""
        return f"{self.companion}>={self.boto3}", f"{self.sdk}>={self.botocore}"

    def data_dir(self, location: str) -> str:
        """Where the installed SDK keeps this service's data."""
        import os

        return os.path.join(location, self.sdk, "data", self.service)


SERVICE_FLOORS: tuple[ServiceFloor, ...] = (
    ServiceFloor("bedrock-runtime", "1.31.57", "1.28.57",
                 "botocore/data/bedrock-runtime/ absent in 1.31.56, present in 1.31.57; boto3 1.28.57 requires "
                 "botocore>=1.31.57 (wheels from PyPI, files dated 2023-09-28); langchain PR #11161; "
                 + _BOUNDARIES_DOC, "2023-09-28"),
    # The control-plane service that LangChain's first Bedrock class (before PR #11161) built its client for.
    ServiceFloor("bedrock", "1.31.57", "1.28.57",
                 "botocore/data/bedrock/ absent in 1.31.56, present in 1.31.57 (wheels from PyPI, files dated "
                 "2023-09-28; Bedrock's general availability); github.com/langchain-ai/langchain/issues/11130",
                 "2023-09-28"),
)


class KnownBad(NamedTuple):
    """A release that is broken as published; the fix is any other release (``fixed`` is the next good one)."""

    dist: str
    versions: str
    """Specifier of the bad releases."""
    fixed: str
    missing_module: str
    """A module the bad release lacks (how it shows: ``No module named '<this>'``); empty when it shows otherwise."""
    symptom: str
    source: str
    verified: str
    date: str


KNOWN_BAD: tuple[KnownBad, ...] = (
    KnownBad("tenacity", "==8.4.0", "8.4.1", "tenacity.asyncio", "ModuleNotFoundError: No module named "
             "'tenacity.asyncio'",
             "tenacity 8.4.0 wheel has no tenacity/asyncio/ (8.4.1 has it); github.com/darwin-py/darwin-py/issues/867; "
             "github.com/jxnl/instructor/issues/766; " + _BOUNDARIES_DOC, "wheel", "2024-06-14"),
)


class PythonBoundary(NamedTuple):
    """Releases of ``dist`` that do not run on the Pythons of ``python``."""

    id: str
    dist: str
    below: str
    """Releases below this fail there; empty: every release (the fix is another Python or another importer)."""
    python: str
    """Specifier of the Python versions concerned."""
    needs_v1: bool
    """True when only code that imports ``pydantic.v1`` is concerned."""
    symptom: str
    source: str
    verified: str
    date: str
    line_fixes: tuple[str, ...] = ()
    """Older major lines fixed too, each from this release on (``"1.10.16"``: the 1.x line from 1.10.16)."""

    def affects(self, installed: Optional[str]) -> bool:
        """True when the release ``installed`` of ``dist`` fails on these Pythons."""
        v = version(installed)
        if v is None or (self.below and v >= Version(self.below)):
            return False
        return not any(v.major == Version(f).major and v >= Version(f) for f in self.line_fixes)

    def fix_for(self, installed: Optional[str]) -> str:
        """The requirement that repairs it while keeping the installed major line where that line has a fix."""
        v = version(installed)
        for f in self.line_fixes:
            if v is not None and v.major == Version(f).major:
                return f"{self.dist}>={f},<{v.major + 1}"
        return f"{self.dist}>={self.below}"


PYTHON_BOUNDARIES: tuple[PythonBoundary, ...] = (
    PythonBoundary("pydantic-v1-recursive-guard", "pydantic", "2.7.4", ">=3.12.4", True,
                   "TypeError: ForwardRef._evaluate() missing 1 required keyword-only argument: 'recursive_guard'",
                   "pydantic/v1/typing.py 2.7.3 vs 2.7.4 (wheel); pydantic/typing.py 1.10.15 vs 1.10.16 (wheels, "
                   "read 2026-12-02: 1.10.16 passes recursive_guard by keyword); langchain-ai/langgraph#639; "
                   + _BOUNDARIES_DOC, "wheel", "2024-06-12", ("1.10.16",)),
    PythonBoundary("pydantic-v1-python-314", "pydantic", "", ">=3.14", True,
                   "UserWarning: Core Pydantic V1 functionality isn't compatible with Python 3.14 or greater.",
                   "pydantic/v1/__init__.py (pydantic 2.12); NixOS/nixpkgs PR #481516 log; " + _BOUNDARIES_DOC,
                   "thread", "2025-10-07"),
)

# protobuf: generated code (``*_pb2.py``) checks the runtime when it is imported (``runtime_version.py``, from
# protobuf 5.27.0): the same major is required, and the runtime may not be older than the gencode.
PROTOBUF_RUNTIME_CHECK_SINCE = "5.27.0"
PROTOBUF_SOURCE = ("google/protobuf/runtime_version.py (protobuf 5.27.0+, wheel): 'Detected mismatched Protobuf "
                   "Gencode/Runtime major versions', 'Runtime version cannot be older than the linked gencode "
                   "version'; " + _BOUNDARIES_DOC)
# ``Descriptors cannot be created directly``: a protobuf >= 4 runtime with _pb2 files generated by protoc < 3.19.
PROTOBUF_DESCRIPTORS_BOUND = "protobuf<4"
PROTOBUF_UPB_SINCE = "4.21.0"
"""First protobuf 4 release (upb backend): old generated code that builds descriptors directly fails there."""
PROTOBUF_DESCRIPTORS_SOURCE = (
    "protobuf 4.21.0 release notes and its TypeError text ('If this call came from a _pb2.py file, your generated "
    "code is out of date and must be regenerated with protoc >= 3.19.0'); googleapis-common-protos 1.56.0 wheel "
    "(google/rpc/status_pb2.py: DESCRIPTOR = _descriptor.FileDescriptor(...)) vs 1.63.0 (AddSerializedFile); "
    + _BOUNDARIES_DOC)


class ProtobufEra(NamedTuple):
    """The gencode/runtime rules of protobuf runtimes from ``since`` on (until the next row), read from
    ``google/protobuf/runtime_version.py`` of each release (``ValidateProtobufRuntimeVersion``)."""

    since: str
    major: str
    """``same``: any other gencode major raises; ``one-older-warns``: a gencode one major older only warns, any
    other major raises; ``none``: no major rule (only "runtime older than gencode", compared as a whole version)."""
    source: str
    date: str
    """When ``since`` was released (YYYY-MM-DD)."""


_PB_WHEELS = "protobuf wheels from PyPI, google/protobuf/runtime_version.py read 2026-12-02; "
PROTOBUF_ERAS: tuple[ProtobufEra, ...] = (
    ProtobufEra("5.27.0", "same", _PB_WHEELS + "5.26.1 has no runtime_version.py; 5.27.0 raises 'Detected "
                "mismatched Protobuf Gencode/Runtime major versions' for any gen_major != MAJOR and 'Runtime "
                "version cannot be older than the linked gencode version' for MINOR/PATCH below the gencode's",
                "2024-05-22"),
    ProtobufEra("5.28.0", "one-older-warns", _PB_WHEELS + "5.28.0, 5.29.0, 5.29.5, 6.30.0, 6.31.1: gen_major == "
                "MAJOR - 1 only warns ('exactly one major version older'), other majors raise; MINOR/PATCH below "
                "the gencode's raise", "2024-08-26"),
    ProtobufEra("6.32.0", "none", _PB_WHEELS + "6.32.0, 6.32.1, 6.33.0, 6.33.1, 7.36.2: no major check; raises only "
                "when (MAJOR, MINOR, PATCH) is below the gencode's; github.com/protocolbuffers/protobuf "
                "python/google/protobuf/runtime_version.py (main, 7.35.0-dev) the same", "2025-08-14"),
)


def protobuf_gencode_error(gencode: tuple[int, int, int], runtime: Optional[str], location: str) -> Optional[str]:
    """The error a ``_pb2`` module generated for protobuf ``gencode`` (its ValidateProtobufRuntimeVersion call)
    raises on import under the protobuf ``runtime``, or None when it imports (a warning is not an error)."""
    rv = version(runtime)
    if rv is None:
        return None
    run = (rv.major, rv.minor, rv.micro)
    gen_text = ".".join(map(str, gencode))
    if rv < Version(PROTOBUF_RUNTIME_CHECK_SINCE):
        return "ImportError: cannot import name 'runtime_version' from 'google.protobuf'"
    era = [e for e in PROTOBUF_ERAS if rv >= Version(e.since)][-1]
    mismatched = (f"Detected mismatched Protobuf Gencode/Runtime major versions when loading {location}: gencode "
                  f"{gen_text} runtime {rv}. Same major version is required.")
    older = (f"Detected incompatible Protobuf Gencode/Runtime versions when loading {location}: gencode {gen_text} "
             f"runtime {rv}. Runtime version cannot be older than the linked gencode version.")
    if era.major == "none":
        return older if run < gencode else None
    if gencode[0] != run[0] and not (era.major == "one-older-warns" and gencode[0] == run[0] - 1):
        return mismatched
    if run[1:] < gencode[1:]:
        return older
    return None


def protobuf_runtime_for(gencode: tuple[int, int, int]) -> str:
    """The protobuf requirement every era accepts for this gencode: its major, not older than it."""
    return f"protobuf>={'.'.join(map(str, gencode))},<{gencode[0] + 1}"


# numpy 2.0 changed the C ABI: modules compiled against numpy 1.x fail to import under numpy 2.
NUMPY_ABI_BOUND = "numpy<2"
NUMPY_SOURCE = ("numpy C-API import check ('A module that was compiled using NumPy 1.x cannot be run in NumPy 2'); "
                "github.com/facebookresearch/faiss-wheels/issues/104; huggingface/datasets#6975")


def version(text: Optional[str]) -> Optional[Version]:
    """A Version, or None for text that is not one."""
    if not text:
        return None
    try:
        return Version(text)
    except InvalidVersion:
        return None


def within(installed: Optional[str], spec_text: str) -> bool:
    """True when the version text ``installed`` is in ``spec_text`` (prereleases included)."""
    v = version(installed)
    return v is not None and SpecifierSet(spec_text).contains(v, prereleases=True)


def skews_for(symbol: str) -> tuple[Skew, ...]:
    """The rows about ``symbol`` (an argument or a name)."""
    return tuple(s for s in SKEWS if s.symbol == symbol)


def symbol(module: str, name: str) -> Optional[Symbol]:
    """The SYMBOLS row of ``module.name`` (a row of a parent module counts too), or None."""
    for row in SYMBOLS:
        if row.name == name and (module == row.module or module.startswith(row.module + ".")
                                 or row.module.startswith(module + ".")):
            return row
    return None


def known_bad_module(module: str) -> Optional[KnownBad]:
    """The KNOWN_BAD row whose bad release lacks ``module``, or None."""
    return next((k for k in KNOWN_BAD if k.missing_module and k.missing_module == module), None)


def service_floor(service: str) -> Optional[ServiceFloor]:
    return next((s for s in SERVICE_FLOORS if s.service == service), None)


class LocalServer(NamedTuple):
    """A local model server by its default port: who it is and how it is started."""

    port: int
    name: str
    start: str
    provider: str
    module: str


LOCAL_SERVERS: tuple[LocalServer, ...] = (
    LocalServer(11434, "Ollama", "ollama serve", "ollama", "ollama"),
)


def local_server(port: str) -> Optional[LocalServer]:
    return next((s for s in LOCAL_SERVERS if str(s.port) == port), None)
