"""LCD7xx: installed packages that do not work together although pip check is clean, bad releases, Pythons
a package does not support, and network settings that break every request (issue: the failures people hit)."""

from __future__ import annotations

from ...model import Kind, Severity
from ...registry import CodeInfo

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

_PROBE = "Importing or constructing in the target failed, and the exception shows "

CODES = (
    CodeInfo(
        "LCD701", Kind.VERSION_SKEW, E, "imported-name-missing",
        what="An installed LangChain-family package imports a name (`from langchain_core.messages import X`, "
        "`from langgraph.checkpoint.base import X`, `from typing_extensions import X`) that the installed "
        "release of the other package does not define; found by reading both with `ast`, before anything runs.",
        why="pip check is clean (the importer's declared floor is too low), and the import fails at run time with "
        "`cannot import name 'X'`.",
        fix="Upgrade the package that lacks the name (to the release the boundaries table names when it knows it), "
        "together with the importer.",
    ),
    CodeInfo(
        "LCD702", Kind.VERSION_SKEW, E, "installed-versions-skew",
        what="Two installed versions on either side of a known boundary (httpx >= 0.28 with openai < 1.55.3, "
        "anthropic < 0.40.0 or groq < 0.13.0; huggingface-hub >= 0.26 with sentence-transformers < 2.3.0; a "
        "botocore without `bedrock-runtime` under a Bedrock integration), from the sourced boundaries table.",
        why="Construction or import fails (`unexpected keyword argument 'proxies'`, `cannot import name "
        "'cached_download'`, `Unknown service: 'bedrock-runtime'`) although pip check is clean.",
        fix="Upgrade the older side past its boundary, or bound the newer side below the release that changed.",
    ),
    CodeInfo(
        "LCD703", Kind.KNOWN_BAD_RELEASE, E, "known-bad-release-installed",
        what="An installed release is in the sourced table of releases published broken (tenacity 8.4.0).",
        why="Imports fail (`No module named 'tenacity.asyncio'`).",
        fix="Install the next good release (the fix names it).",
    ),
    CodeInfo(
        "LCD704", Kind.PYTHON_INCOMPATIBLE, E, "python-unsupported",
        what="The target's Python is outside what an installed package supports: pydantic < 2.7.4 on Python >= "
        "3.12.4 under code that uses pydantic.v1; pydantic.v1 users on Python >= 3.14.",
        why="`ForwardRef._evaluate() missing 1 required keyword-only argument: 'recursive_guard'`, or "
        "`Core Pydantic V1 functionality isn't compatible with Python 3.14`.",
        fix="Upgrade the package past the boundary (pydantic>=2.7.4), or use an older Python.",
    ),
    CodeInfo(
        "LCD705", Kind.VERSION_SKEW, E, "probe-version-skew",
        probe_classified=True,
        what=_PROBE + "two installed packages that do not work together (an unexpected keyword argument or a "
        "missing name raised in one, called from the other; protobuf gencode/runtime; an unknown AWS service). A "
        "static finding that predicted the same failure with the same repair (LCD701, LCD702, LCD712) is folded "
        "into its evidence: one cause, one finding.",
        why="The notebook cell fails the same way.",
        fix="The fix names both packages: upgrade the caller, or bound the callee.",
    ),
    CodeInfo(
        "LCD706", Kind.BINARY_INCOMPATIBLE, E, "probe-binary-incompatible",
        probe_classified=True,
        what=_PROBE + "a compiled module built against numpy 1.x loaded under numpy 2.",
        why="The notebook cell fails the same way (or the kernel crashes).",
        fix="Upgrade the compiled package to a release built for numpy 2, or install 'numpy<2'.",
    ),
    CodeInfo(
        "LCD707", Kind.KNOWN_BAD_RELEASE, E, "probe-known-bad-release",
        probe_classified=True,
        what=_PROBE + "the symptom of a release published broken.",
        why="The notebook cell fails the same way.",
        fix="Install the next good release.",
    ),
    CodeInfo(
        "LCD708", Kind.PYTHON_INCOMPATIBLE, E, "probe-python-incompatible",
        probe_classified=True,
        what=_PROBE + "a package that does not support this Python (pydantic.v1 on 3.12.4+ or 3.14+).",
        why="The notebook cell fails the same way.",
        fix="Upgrade the package past the boundary, or use an older Python.",
    ),
    CodeInfo(
        "LCD709", Kind.MOVED_API, E, "probe-moved-api",
        probe_classified=True,
        what=_PROBE + "an import of something LangChain 1.0 moved or removed.",
        why="The notebook's import line fails the same way.",
        fix="Import from the new home the fix names (langchain-core, langchain-classic or the integration).",
    ),
    CodeInfo(
        "LCD710", Kind.NETWORK_CONFIG, E, "ca-bundle-missing",
        what="SSL_CERT_FILE, SSL_CERT_DIR, REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names a file or folder that does "
        "not exist (checked offline).",
        why="Every HTTPS client fails before connecting: requests with `Could not find a suitable TLS CA "
        "certificate bundle, invalid path`, httpx and ssl with `FileNotFoundError`.",
        fix="Point the variable at an existing CA bundle, or unset it.",
    ),
    CodeInfo(
        "LCD713", Kind.NETWORK_CONFIG, E, "ca-bundle-unusable",
        what="SSL_CERT_FILE, REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE names something that is not a usable CA bundle: a "
        "named pipe or a device, a file too large to be one, or a file holding no PEM certificate (checked "
        "offline, read with a size cap).",
        why="Every HTTPS client fails before connecting (ssl: `[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate "
        "or crl found`), or blocks opening a named pipe.",
        fix="Point the variable at a PEM CA bundle (for example certifi's: python -m certifi), or unset it.",
    ),
    CodeInfo(
        "LCD711", Kind.NETWORK_CONFIG, W, "proxy-without-no-proxy-localhost",
        what="A proxy variable (HTTP_PROXY, HTTPS_PROXY, ALL_PROXY) is set, a local server is needed (Ollama, a "
        "base_url on localhost), and NO_PROXY does not list localhost.",
        why="Requests to the local server go to the proxy, which answers 502 Bad Gateway.",
        fix="export NO_PROXY=localhost,127.0.0.1,::1 (and no_proxy).",
    ),
    CodeInfo(
        "LCD712", Kind.VERSION_SKEW, E, "protobuf-gencode-runtime",
        what="A package ships protobuf-generated modules (`*_pb2.py`) that the installed protobuf runtime refuses: "
        "code generated for a newer protobuf (its `ValidateProtobufRuntimeVersion` call, checked against the "
        "rules of the installed runtime's `runtime_version.py`), or code from protoc < 3.19 under protobuf 4+; "
        "found by reading the head of each generated module, nothing imported.",
        why="Importing it fails: `Detected mismatched Protobuf Gencode/Runtime major versions`, `Runtime version "
        "cannot be older than the linked gencode version`, `cannot import name 'runtime_version' from "
        "'google.protobuf'`, or `Descriptors cannot be created directly`. pip check is silent when the package's "
        "declared protobuf range is wider than its generated code allows.",
        fix="Install the protobuf runtime the generated code needs (its major, not older), or upgrade the package "
        "that ships the old generated code (or bound protobuf below 4).",
    ),
)
