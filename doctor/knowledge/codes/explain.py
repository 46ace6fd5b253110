"""LCD5xx: what `explain` finds in a pasted traceback, log or notebook output (one code per contract kind)."""

from __future__ import annotations

from ...model import Kind, Severity
from ...registry import CodeInfo

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

_SEEN = "Seen in the text given to `explain`: "

CODES = (
    CodeInfo(
        "LCD501", Kind.PYDANTIC_SCHEMA, E, "explain-pydantic-schema",
        what=_SEEN + "pydantic v1 and v2 mixed (`__modify_schema__`, `extra_fields_behavior`, `FieldInfo` inputs, "
        "`error checking inheritance`, `not fully defined; ... BaseCache`, v1 config-key warnings).",
        why="An integration built for langchain-core < 0.3 runs under langchain-core >= 0.3 (or the reverse); "
        "nothing from that integration imports or constructs.",
        fix="Upgrade the integration together with langchain-core in one pip command.",
    ),
    CodeInfo(
        "LCD502", Kind.PYDANTIC_CORE_MISMATCH, E, "explain-pydantic-core-mismatch",
        what=_SEEN + "pydantic and pydantic-core that do not belong together (`SystemError ... incompatible with "
        "the current pydantic version`, unexpected-keyword `TypeError`s inside pydantic, missing pydantic_core).",
        why="Every import of pydantic, and so of LangChain, fails.",
        fix="Install the pydantic-core that pydantic pins (or both together).",
    ),
    CodeInfo(
        "LCD503", Kind.VERSION_CONFLICT, E, "explain-version-conflict",
        what=_SEEN + "installed versions that violate a requirement (pip's `... requires X, but you have Y`, "
        "names missing from langchain-core, `langchain_core.pydantic_v1` gone).",
        why="pip installed them anyway; imports fail or behave differently from what was tested.",
        fix="Install the packages together in one pip command so that pip resolves them jointly.",
    ),
    CodeInfo(
        "LCD504", Kind.MISSING_PACKAGE, E, "explain-missing-package",
        what=_SEEN + "`ModuleNotFoundError`, including the modules langchain 1.0 moved out (`langchain.chains`).",
        why="The code imports something that is not installed in the interpreter that ran it.",
        fix="Install the package (the fix names it) in that interpreter, or import from the module's new home.",
    ),
    CodeInfo(
        "LCD505", Kind.BROKEN_INSTALL, E, "explain-broken-install",
        what=_SEEN + "an import that resolves to a folder without files (`(unknown location)`), missing metadata, "
        "or a compiled extension that cannot be loaded.",
        why="A failed install or uninstall left the package half there.",
        fix="Delete the leftover folder and reinstall the package.",
    ),
    CodeInfo(
        "LCD506", Kind.SHADOWED_MODULE, E, "explain-shadowed-module",
        what=_SEEN + "an import served by a local file (`cannot import name X from M (/your/folder/M.py)`, "
        "`partially initialized module`, `consider renaming`).",
        why="A file or folder of yours, earlier on sys.path, hides the installed package.",
        fix="Rename or remove the local file or folder, then restart the kernel.",
    ),
    CodeInfo(
        "LCD507", Kind.IMPORT_ERROR, E, "explain-import-error",
        what=_SEEN + "another failure to import (`cannot import name`), or the interpreter crashing.",
        why="Installed packages do not fit together, or a binary wheel does not fit the machine.",
        fix="Upgrade the packages named in the evidence together; reinstall a crashing one.",
    ),
    CodeInfo(
        "LCD508", Kind.MISSING_CREDENTIAL, E, "explain-missing-credential",
        what=_SEEN + "an SDK saying it has no key (`The api_key client option must be set`, `Missing credentials`, "
        "`Could not resolve authentication method`, `Did not find ..._api_key`, `KeyError: 'X_API_KEY'`), "
        "`DefaultCredentialsError`, `NoCredentialsError`.",
        why="The code runs without the credential its provider needs.",
        fix="Set the variable (or log in) in the environment that runs the code, then restart the kernel.",
    ),
    CodeInfo(
        "LCD509", Kind.INVALID_CREDENTIAL, E, "explain-invalid-credential",
        what=_SEEN + "a credential that was rejected (401/403, `invalid_api_key`, Bedrock `AccessDeniedException`) or "
        "a credentials file that is missing or not valid JSON.",
        why="Every request fails until the credential is replaced.",
        fix="Replace the key or file (the evidence names the variable), then restart the kernel.",
    ),
    CodeInfo(
        "LCD510", Kind.REAUTH_REQUIRED, E, "explain-reauth-required",
        what=_SEEN + "credentials that need an interactive login again: gcloud ADC `Reauthentication is needed`, "
        "`invalid_grant`/`invalid_rapt`, the 503 `Getting metadata from plugin failed` wrapper, an expired AWS SSO "
        "token.",
        why="Each call fails, often only after several retries (the seed notebook lost 30 s this way).",
        fix="Run the login command the fix names (`gcloud auth application-default login`, `aws sso login`), then "
        "restart the kernel.",
    ),
    CodeInfo(
        "LCD511", Kind.MISSING_CONFIG, E, "explain-missing-config",
        what=_SEEN + "a non-secret setting missing: AWS region (`You must specify a region`), Google Cloud project, "
        "a Bedrock model that needs an inference profile ID.",
        why="The client cannot be built or the request cannot be routed.",
        fix="Set the setting the fix names (AWS_REGION, GOOGLE_CLOUD_PROJECT, an inference profile model id).",
    ),
    CodeInfo(
        "LCD512", Kind.UNREACHABLE, W, "explain-unreachable",
        what=_SEEN + "a connection that failed (`Connection error`, `Connection refused`, name resolution).",
        why="No answer from the service: network, proxy or a wrong base URL.",
        fix="Check the network, proxy and any *_BASE_URL variable.",
    ),
    CodeInfo(
        "LCD513", Kind.VERSION_SKEW, E, "explain-version-skew",
        what=_SEEN + "two installed packages that do not work together although pip check is clean: an unexpected "
        "keyword argument or a missing name raised in one package and called from another (httpx `proxies`, a "
        "langchain-core or langgraph-checkpoint too old for its importer, typing_extensions, huggingface_hub "
        "`cached_download`, openai 1.0's removed `openai.error`), protobuf gencode/runtime mismatches, a botocore "
        "without `bedrock-runtime`.",
        why="The importer was released against another version of the package it calls; neither declares the bound.",
        fix="Upgrade the caller past the boundary, or bound the callee below the release that changed (the fix "
        "names both, with versions when the boundaries table knows them).",
    ),
    CodeInfo(
        "LCD514", Kind.BINARY_INCOMPATIBLE, E, "explain-binary-incompatible",
        what=_SEEN + "a compiled module built against numpy 1.x loaded under numpy 2 (`numpy.dtype size changed`, "
        "`compiled using NumPy 1.x cannot be run in NumPy 2`).",
        why="The import fails (or crashes) until the compiled package and numpy agree.",
        fix="Upgrade the compiled package to a release built for numpy 2, or install 'numpy<2'.",
    ),
    CodeInfo(
        "LCD515", Kind.KNOWN_BAD_RELEASE, E, "explain-known-bad-release",
        what=_SEEN + "the symptom of a release published broken (tenacity 8.4.0: `No module named "
        "'tenacity.asyncio'`), from the sourced known-bad table.",
        why="Every import that needs the missing part fails.",
        fix="Install the next good release (the fix names it).",
    ),
    CodeInfo(
        "LCD516", Kind.PYTHON_INCOMPATIBLE, E, "explain-python-incompatible",
        what=_SEEN + "a package that does not run on this Python: pydantic.v1 of pydantic < 2.7.4 on Python "
        ">= 3.12.4 (`recursive_guard`), pydantic.v1 on Python >= 3.14.",
        why="Every pydantic-v1 model fails to build on that interpreter.",
        fix="Upgrade the package past the boundary (pydantic>=2.7.4), or use an older Python.",
    ),
    CodeInfo(
        "LCD517", Kind.MOVED_API, E, "explain-moved-api",
        what=_SEEN + "an import of something LangChain 1.0 moved or removed (`langchain.schema`, `langchain.prompts`, "
        "`langchain.chains`, `AgentExecutor`, chat classes deleted from langchain-community).",
        why="The code was written for an older LangChain.",
        fix="Import from the new home the fix names (langchain-core, langchain-classic or the integration package).",
    ),
    CodeInfo(
        "LCD518", Kind.NETWORK_CONFIG, E, "explain-network-config",
        what=_SEEN + "a network setting that breaks requests: TLS verification failed behind an inspecting proxy, a "
        "CA bundle variable naming a missing file, a proxy refusing the connection (407), a proxy in front of "
        "localhost (502 from a local server).",
        why="Every request fails the same way until the setting is fixed.",
        fix="Fix the variable the finding names (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, HTTPS_PROXY, NO_PROXY) or use "
        "truststore.",
    ),
    CodeInfo(
        "LCD519", Kind.MODEL_NOT_FOUND, E, "explain-model-not-found",
        what=_SEEN + "a model or deployment the server does not have: Ollama `model not found, try pulling it first`, "
        "Azure `DeploymentNotFound`.",
        why="The client is set up right, but the model name does not exist where it points.",
        fix="Pull the model (`ollama pull NAME`) or use the deployment's name.",
    ),
    CodeInfo(
        "LCD520", Kind.UNCLASSIFIED, I, "explain-retry-storm",
        what=_SEEN + "repeated retries (`Retrying ... in N seconds`) of an error that the signature table does not "
        "place; collapsed into one finding with the count and the seconds lost.",
        why="Retries hide the real error and cost time.",
        fix="Look at the retried error in the evidence; lower max_retries while debugging.",
    ),
    CodeInfo(
        "LCD590", Kind.UNCLASSIFIED, I, "explain-unclassified",
        what=_SEEN + "an error that no signature matches; reported with its final exception line.",
        why="Not a known LangChain environment failure; it may still be the cause.",
        fix="Read the final exception line; run `langchain-doctor check` on the environment that produced it.",
    ),
    CodeInfo(
        "LCD591", Kind.DOCTOR, I, "explain-input-partly-read",
        what="Part of the input could not be read as given: a notebook that is not valid JSON (read as text), an "
        "input cut to its last part for size, or more distinct errors than are listed.",
        why="Findings may be missing for the part not read.",
        fix="Give the complete file (a valid .ipynb, or the full log).",
    ),
)

KIND_CODES: dict[Kind, str] = {
    Kind.PYDANTIC_SCHEMA: "LCD501",
    Kind.PYDANTIC_CORE_MISMATCH: "LCD502",
    Kind.VERSION_CONFLICT: "LCD503",
    Kind.MISSING_PACKAGE: "LCD504",
    Kind.BROKEN_INSTALL: "LCD505",
    Kind.SHADOWED_MODULE: "LCD506",
    Kind.IMPORT_ERROR: "LCD507",
    Kind.MISSING_CREDENTIAL: "LCD508",
    Kind.INVALID_CREDENTIAL: "LCD509",
    Kind.REAUTH_REQUIRED: "LCD510",
    Kind.MISSING_CONFIG: "LCD511",
    Kind.UNREACHABLE: "LCD512",
    Kind.VERSION_SKEW: "LCD513",
    Kind.BINARY_INCOMPATIBLE: "LCD514",
    Kind.KNOWN_BAD_RELEASE: "LCD515",
    Kind.PYTHON_INCOMPATIBLE: "LCD516",
    Kind.MOVED_API: "LCD517",
    Kind.NETWORK_CONFIG: "LCD518",
    Kind.MODEL_NOT_FOUND: "LCD519",
    Kind.UNCLASSIFIED: "LCD590",
    Kind.DOCTOR: "LCD591",
}
"""The explain code of each contract kind (every Kind has one; a test walks them)."""
