"""The signature table: exception type + message pattern + context -> kind, severity, explanation and fix.

Data, not engine: the row type, the derivers and the matcher live in ``doctor/classify.py``. Every row quotes where
its wording comes from (``source``). Rows go from the most specific to the most general: the first match wins.
Patterns keep the matcher's rules for hostile input: no nested quantifiers, every open-ended repetition bounded.
"""

from __future__ import annotations

import re

from ..classify import (
    E,
    I,
    Signature,
    W,
    derive_core_versions,
    derive_dist,
    derive_integration_class,
    derive_langchain_moved,
    derive_local_path,
    derive_own_submodule_missing,
    derive_sdk_attribute,
    derive_secret_var,
    derive_shadow,
    derive_stable_submodule_missing,
)
from ..model import Kind
from ..skew import (
    derive_attribute_skew,
    derive_descriptors,
    derive_import_skew,
    derive_keyword_skew,
    derive_known_bad,
    derive_known_keyword_skew,
    derive_local_port,
    derive_local_server,
    derive_moved_from_package,
    derive_namespace_missing,
    derive_numpy_abi,
    derive_protobuf,
    derive_recursive_guard,
    derive_runtime_module,
    derive_service_floor,
    derive_service_floor_in_traceback,
    derive_v1_python,
)
from .providers import module_path_pattern


def _rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_PYD_FIX = "Upgrade {integration_or} together with langchain-core in one pip command"
_PYD_WHY = ("An integration written for langchain-core < 0.3 (pydantic v1 models) runs under langchain-core >= 0.3 "
            "(pydantic v2 models), or the reverse: pydantic cannot mix the two.")
_INSTALL_PYD = ("{integration}", "langchain-core")
_ADC_LOGIN = "gcloud auth application-default login"

# ----------------------------------------------------------------------------------------------- the table

SIGNATURES: tuple[Signature, ...] = (
    # ---- pydantic v1/v2 mixing (contract kind pydantic-schema) -------------------------------------------
    Signature(
        "pydantic-modify-schema", Kind.PYDANTIC_SCHEMA, E,
        _rx(r"`?__modify_schema__`? method is not supported in Pydantic v2(?:.{0,200}?in class `(?P<cls>\w{1,80})`)?"),
        "pydantic v1 model inside pydantic v2 (`__modify_schema__` of {cls_or}): integration built for "
        "langchain-core < 0.3",
        _PYD_WHY, _PYD_FIX, exc=("PydanticUserError",), install=_INSTALL_PYD,
        source="pydantic/_internal/_generate_schema.py (pydantic 2.x); the seed notebook's OpenAI and Together cells",
    ),
    Signature(
        "pydantic-extra-forbid", Kind.PYDANTIC_SCHEMA, E,
        _rx(r"extra_fields_behavior"),
        "pydantic v1 config (`Extra.forbid`) under pydantic v2: integration built for langchain-core < 0.3",
        _PYD_WHY, _PYD_FIX, exc=("SchemaError",), install=_INSTALL_PYD,
        source="pydantic-core schema validation; the seed notebook's Bedrock cell",
    ),
    Signature(
        "pydantic-v1-typealias-inheritance", Kind.PYDANTIC_SCHEMA, E,
        _rx(r"error checking inheritance of .{0,300}\(type: TypeAliasType\)"),
        "pydantic v1 code meets a typing `TypeAliasType`: integration built for langchain-core < 0.3",
        "The integration still builds pydantic v1 models (langchain_core.pydantic_v1, pydantic.v1 or pydantic 1.x); "
        "pydantic v1 cannot check the `TypeAliasType` annotations current SDKs and typing-extensions use.",
        "Upgrade {integration_or} together with langchain-core (and pydantic) in one pip command",
        exc=("RuntimeError",), install=("{integration}", "langchain-core", "pydantic"),
        source="pydantic/v1/validators.py find_validators "
        "(RuntimeError 'error checking inheritance of ... (type: ...)')",
    ),
    Signature(
        "pydantic-fieldinfo-input", Kind.PYDANTIC_SCHEMA, E,
        _rx(r"input_(?:value|type)=FieldInfo\b"),
        "A pydantic v1 `Field(...)` default reached a pydantic v2 model (validation error on a `FieldInfo` "
        "value)",
        _PYD_WHY, _PYD_FIX, install=_INSTALL_PYD,
        source="pydantic-core ValidationError text (input_value=FieldInfo(...)) when v1 and v2 fields mix",
    ),
    Signature(
        "pydantic-fieldinfo-attribute", Kind.PYDANTIC_SCHEMA, E,
        _rx(r"'FieldInfo' object has no attribute '?(?P<attr>\w{1,80})"),
        "pydantic v1 and v2 models mixed: `'FieldInfo' object has no attribute '{attr}'`",
        _PYD_WHY, _PYD_FIX, exc=("AttributeError",), install=_INSTALL_PYD,
        source="AttributeError raised when pydantic v1 code reads a pydantic v2 FieldInfo (or the reverse)",
    ),
    Signature(
        "pydantic-basecache-not-defined", Kind.PYDANTIC_SCHEMA, E,
        _rx(r"`?(?P<cls>\w{1,80})`? is not fully defined; you should define `?BaseCache"),
        "`{cls}` is not fully defined (`BaseCache`): langchain-core older than 0.3.39 with pydantic >= 2.11",
        "pydantic 2.11 no longer resolves the forward reference to BaseCache that langchain-core < 0.3.39 leaves "
        "in chat models; every chat model construction fails.",
        "Upgrade langchain-core to 0.3.39 or later (or pin pydantic < 2.11)",
        install=("langchain-core>=0.3.39",),
        source="pydantic/_internal/_mock_val_ser.py; langchain-ai/langchain issue #29951, fixed in langchain-core "
        "0.3.39",
    ),
    Signature(
        "pydantic-not-fully-defined", Kind.PYDANTIC_SCHEMA, E,
        _rx(r"`?(?P<cls>\w{1,80})`? is not fully defined; you should define `?(?P<missing>\w{1,80})"),
        "`{cls}` is not fully defined (`{missing}`): langchain-core and pydantic versions that do not match",
        "A model references a type pydantic could not resolve: usually a langchain-core older than the installed "
        "pydantic supports.",
        "Upgrade langchain-core and {integration_or} together",
        exc=("PydanticUserError",), install=_INSTALL_PYD,
        source="pydantic/_internal/_mock_val_ser.py (PydanticUserError '... is not fully defined; you should define')",
    ),
    Signature(
        "pydantic-v1-root-validator", Kind.PYDANTIC_SCHEMA, E,
        _rx(r"`?@root_validator`? with `?pre=False`? .{0,80}skip_on_failure=True"),
        "pydantic v1 `@root_validator` run by pydantic v2: integration built for langchain-core < 0.3",
        _PYD_WHY, _PYD_FIX, exc=("PydanticUserError",), install=_INSTALL_PYD,
        source="pydantic/deprecated/class_validators.py (root_validator without skip_on_failure)",
    ),
    Signature(
        "pydantic-mixing-v1-v2", Kind.PYDANTIC_SCHEMA, E,
        _rx(r"Mixing V1 (?:models )?and V2 models"),
        "pydantic v1 and v2 models mixed: integration and langchain-core from different lines",
        _PYD_WHY, _PYD_FIX, install=_INSTALL_PYD,
        source="pydantic/_internal/_generate_schema.py and pydantic/v1/validators.py (UserWarning 'Mixing V1 ...')",
    ),
    Signature(
        "pydantic-v1-no-validator-for-v2", Kind.PYDANTIC_SCHEMA, E,
        _rx(r"no validator found for <class '(?P<cls>langchain_core\.[\w.]{1,200})'>"),
        "A pydantic v1 model has a field of langchain-core's pydantic v2 class `{cls}`",
        _PYD_WHY, _PYD_FIX, exc=("RuntimeError",), install=_INSTALL_PYD,
        source="pydantic/v1/validators.py find_validators "
        "('no validator found for ..., see `arbitrary_types_allowed`')",
    ),
    Signature(
        "pydantic-v1-deepcopy-v2", Kind.PYDANTIC_SCHEMA, E,
        _rx(r"cannot pickle '\w{1,80}' object"),
        "A pydantic v1 model copies a pydantic v2 default: integration built for langchain-core < 0.3",
        _PYD_WHY, _PYD_FIX, exc=("TypeError",), context=_rx(r"pydantic[/\\]v1[/\\]"), install=_INSTALL_PYD,
        source="pydantic/v1/utils.py smart_deepcopy on a v2 object (copy.deepcopy TypeError 'cannot pickle')",
    ),
    Signature(
        "langchain-pydantic-v1-shim-warning", Kind.PYDANTIC_SCHEMA, W,
        _rx(r"langchain_core\.pydantic_v1 module was a compatibility shim"),
        "Code written for langchain-core < 0.3 imports the langchain_core.pydantic_v1 shim",
        "langchain-core 0.3 uses pydantic v2; code that still builds v1 models through the shim breaks when it "
        "meets langchain-core's v2 models.",
        _PYD_FIX, install=_INSTALL_PYD,
        source="langchain_core/pydantic_v1/__init__.py (LangChainDeprecationWarning 'As of langchain-core 0.3.0 ...')",
    ),
    Signature(
        "langchain-deprecated-class", Kind.VERSION_CONFLICT, I,
        _rx(r"The class `(?P<cls>\w{1,80})` was deprecated in LangChain [\w.]{1,20}.{0,200}? exists in the "
            r"(?P<dist>[\w\-]{1,80}) package"),
        "`{cls}` used here is the deprecated one; the maintained class lives in {dist}",
        "LangChain moved provider classes out of langchain and langchain-community into their own packages; the old "
        "ones are no longer updated and break with newer langchain-core.",
        "Install {dist} and import `{cls}` from it",
        install=("{dist}",), subject="{dist}",
        source="langchain_core/_api/deprecation.py (LangChainDeprecationWarning 'The class `X` was deprecated in "
        "LangChain ... An updated version of the class exists in the Y package')",
    ),
    Signature(
        "pydantic-v1-config-keys", Kind.PYDANTIC_SCHEMA, W,
        _rx(r"Valid config keys have changed in V2|'(?:allow_population_by_field_name|orm_mode|anystr_strip_whitespace"
            r"|underscore_attrs_are_private|schema_extra|validate_all|smart_union)' has been (?:renamed|removed)"),
        "pydantic v2 reads a pydantic v1 `Config` (config keys renamed): a v1-era model is loaded",
        "pydantic 2 warns when a model still uses v1 config keys; in LangChain this precedes the v1/v2 mixing "
        "errors of an integration built for langchain-core < 0.3.",
        _PYD_FIX, install=_INSTALL_PYD,
        source="pydantic/_internal/_config.py (UserWarning 'Valid config keys have changed in V2'); seed notebook",
    ),
    Signature(
        "langchain-core-pydantic-v1-removed", Kind.VERSION_CONFLICT, E,
        _rx(r"No module named '(?P<module>langchain_core\.pydantic_v1)"),
        "`langchain_core.pydantic_v1` is gone (langchain-core 1.0): {integration_or} predates langchain-core 1.x",
        "langchain-core 1.0 removed the langchain_core.pydantic_v1 shim that integrations of the 0.2 line import.",
        "Upgrade {integration_or} together with langchain-core",
        exc=("ModuleNotFoundError", "ImportError"), install=_INSTALL_PYD,
        source="langchain-core 1.0 package contents (no pydantic_v1 module)",
    ),
    # ---- pydantic and pydantic-core that do not belong together ---------------------------------------------
    Signature(
        "pydantic-core-incompatible", Kind.PYDANTIC_CORE_MISMATCH, E,
        _rx(r"pydantic-core version \((?P<have>[\w.+\-]{1,40})\) is incompatible with the current pydantic "
            r"version(?:, which requires (?P<want>[\w.+\-]{1,40}))?"),
        "pydantic-core {have} does not match the installed pydantic",
        "pydantic checks at import that its compiled core is the exact version it was released with.",
        "Install the pydantic-core that pydantic pins",
        exc=("SystemError",), install=("{pin}",), derive=derive_core_versions, subject="pydantic-core",
        source="pydantic/version.py _ensure_pydantic_core_version (pydantic >= 2.11)",
    ),
    Signature(
        "pydantic-core-missing", Kind.PYDANTIC_CORE_MISMATCH, E,
        _rx(r"No module named '(?P<module>pydantic_core(?:\._pydantic_core)?)'"),
        "pydantic-core is missing or its compiled module is gone",
        "pydantic 2 cannot work without its compiled core (pydantic_core._pydantic_core).",
        "Install pydantic and pydantic-core together so that pip picks a matching pair",
        exc=("ModuleNotFoundError", "ImportError"), install=("pydantic", "pydantic-core"),
        subject="pydantic-core", source="Python import system; pydantic/__init__.py imports pydantic_core",
    ),
    Signature(
        "pydantic-core-import-name", Kind.PYDANTIC_CORE_MISMATCH, E,
        _rx(r"cannot import name '(?P<name>\w{1,80})' from 'pydantic_core(?:\.\w{1,40})?'"),
        "pydantic cannot import `{name}` from pydantic-core: the two do not belong together",
        "pydantic imports names that exist only in the pydantic-core version it pins.",
        "Install pydantic and pydantic-core together so that pip picks a matching pair",
        exc=("ImportError",), install=("pydantic", "pydantic-core"), subject="pydantic-core",
        source="Python import system (ImportError 'cannot import name ... from ...')",
    ),
    Signature(
        "keyword-skew-known", Kind.VERSION_SKEW, E,
        _rx(r"(?P<callee>[\w.]{0,120})\(\) got an unexpected keyword argument '(?P<arg>\w{1,80})"),
        "{skew_title}",
        "The caller was released against an older API of the package it calls; a later release of that package "
        "removed the argument. pip check is silent: neither side declares the bound.",
        "Upgrade {a} ({upgrade}){alt}",
        install=("{upgrade}",), derive=derive_known_keyword_skew, subject="{dist}",
        source="doctor/knowledge/boundaries.py SKEWS (httpx 0.28 removed `proxies`); ranked before the pydantic-core "
        "row because the error passes through pydantic validators when a chat model builds its client",
    ),
    Signature(
        "pydantic-core-unexpected-keyword", Kind.PYDANTIC_CORE_MISMATCH, E,
        _rx(r"unexpected keyword argument '?(?P<arg>\w{1,80})"),
        "pydantic passes `{arg}` that the installed pydantic-core does not know: versions do not match",
        "pydantic and pydantic-core are released in lockstep; an older or newer core rejects new arguments.",
        "Install pydantic and pydantic-core together so that pip picks a matching pair",
        exc=("TypeError",), context=_rx(r"pydantic[/\\]_internal|pydantic_core|pydantic[/\\]main\.py"),
        install=("pydantic", "pydantic-core"), subject="pydantic-core",
        source="TypeError raised inside pydantic/_internal when pydantic-core is another release",
    ),
    # ---- a Python newer than a package supports (contract kind python-incompatible) -------------------------
    Signature(
        "pydantic-v1-recursive-guard", Kind.PYTHON_INCOMPATIBLE, E,
        _rx(r"_evaluate\(\) missing 1 required keyword-only argument: 'recursive_guard'"),
        "{line} does not run on Python {pyspec} (`recursive_guard`)",
        "Python 3.12.4 made `recursive_guard` a keyword-only argument of ForwardRef._evaluate; pydantic.v1 before "
        "pydantic 2.7.4 (and pydantic 1.x before 1.10.16) passes it positionally, so every pydantic-v1 model "
        "({importer} uses them) fails to build.",
        "Install {req} (or run Python < 3.12.4)",
        install=("{req}",), derive=derive_recursive_guard, subject="pydantic",
        source="pydantic/v1/typing.py 2.7.3 vs 2.7.4, pydantic/typing.py 1.10.15 vs 1.10.16 (wheels); "
        "langchain-ai/langgraph#639; doctor/knowledge/boundaries.py PYTHON_BOUNDARIES",
    ),
    Signature(
        "pydantic-v1-python-314", Kind.PYTHON_INCOMPATIBLE, E,
        _rx(r"Core Pydantic V1 functionality isn.{1,6}t compatible with Python (?P<pyver>3\.\d{1,2})"),
        "{importer} imports pydantic.v1, which does not work on Python {pyver} or later",
        "pydantic's v1 compatibility layer is not supported on Python 3.14+; code that still imports pydantic.v1 "
        "breaks there.",
        "Run this environment on Python 3.13 or older, or upgrade {importer} and pydantic to releases that do not "
        "import pydantic.v1",
        install=("{importer}", "pydantic"), derive=derive_v1_python, subject="{importer}",
        source="pydantic/v1/__init__.py (pydantic 2.12, UserWarning 'Core Pydantic V1 functionality isn't "
        "compatible with Python 3.14 or greater'); NixOS/nixpkgs PR #481516",
    ),
    # ---- two installed packages that do not work together (contract kind version-skew) ------------------
    Signature(
        "keyword-skew", Kind.VERSION_SKEW, E,
        _rx(r"(?P<callee>[\w.]{0,120})\(\) got an unexpected keyword argument '(?P<arg>\w{1,80})"),
        "{skew_title}",
        "The caller was released against an older API of the package it calls; a later release of that package "
        "removed the argument. pip check is silent: neither side declares the bound.",
        "Upgrade {a} ({upgrade}){alt}",
        install=("{upgrade}",), derive=derive_keyword_skew, subject="{dist}",
        source="two-package skew rule (doctor/skew.py) with doctor/knowledge/boundaries.py SKEWS (httpx 0.28 "
        "removed `proxies`)",
    ),
    Signature(
        "protobuf-gencode-runtime", Kind.VERSION_SKEW, E,
        # The version groups end at a digit (or a suffix such as -rc1): the message goes on with a full stop.
        _rx(r"Detected (?:mismatched|incompatible) Protobuf Gencode/Runtime (?:major versions|version suffixes|"
            r"versions)(?:\s{1,4}when\s{1,4}loading\s{1,4}(?P<proto>[\w./\-]{1,200}))?(?::\s{0,4}gencode "
            r"(?P<gencode>\d{1,4}(?:\.\d{1,6}){0,3}(?:-\w{1,20})?) runtime (?P<runtime>\d{1,4}(?:\.\d{1,6}){0,3}"
            r"(?:-\w{1,20})?))?|Runtime version cannot be older than the linked gencode version"),
        "protobuf runtime and generated code do not match: {why}",
        "Since protobuf 5.27 each generated _pb2 module checks at import that the protobuf runtime has its major "
        "version (and is not older); grpc, google and opentelemetry packages ship such modules.",
        "Install {req} (the runtime the generated code needs){owner_note}",
        install=("{req}",), derive=derive_protobuf, subject="protobuf",
        source="google/protobuf/runtime_version.py (protobuf 5.27.0+); doctor/knowledge/boundaries.py",
    ),
    Signature(
        "protobuf-descriptors", Kind.VERSION_SKEW, E,
        _rx(r"Descriptors cannot (?:not )?be created directly"),
        "{owner_or} has _pb2 files generated by protoc < 3.19, and protobuf 4+ is installed",
        "protobuf 4 and later refuse descriptors made by old generated code; the generating package is older than "
        "the runtime.",
        "Upgrade {owner_or}, or install '{bound}' (or set PROTOCOL_BUFFERS_PYTHON_IMPLEMENTATION=python, slower)",
        install=("{owner}", "protobuf"), derive=derive_descriptors, subject="protobuf",
        source="protobuf >= 4 (upb) TypeError 'Descriptors cannot be created directly'; doctor/knowledge/boundaries.py",
    ),
    Signature(
        "protobuf-runtime-module-missing", Kind.VERSION_SKEW, E,
        _rx(r"cannot import name 'runtime_version' from 'google\.protobuf'"),
        "{owner_or} has _pb2 files generated for protobuf 5.27 or later, and the installed protobuf is older",
        "Generated code from protoc 27 on imports google.protobuf.runtime_version to check the runtime; protobuf "
        "runtimes before 5.27.0 do not have that module, so the import fails before any check runs.",
        "Install '{req}' (a runtime with runtime_version; the static check names the exact runtime the generated "
        "code needs){owner_note}",
        exc=("ImportError",), install=("{req}",), derive=derive_runtime_module, subject="protobuf",
        source="protobuf 5.26.1 wheel has no google/protobuf/runtime_version.py, 5.27.0 has it; doctor/knowledge/"
        "boundaries.py PROTOBUF_ERAS",
    ),
    Signature(
        "aws-unknown-service", Kind.VERSION_SKEW, E,
        _rx(r"Unknown service: '(?P<service>[\w\-]{1,80})'"),
        "botocore does not know the `{service}` service: boto3/botocore predate it (botocore >= {bc_floor} needed)",
        "Each AWS service is a data folder inside botocore; a boto3/botocore older than the service cannot build "
        "its client. LangChain's Bedrock classes need `bedrock-runtime`.",
        "Upgrade boto3 and botocore together ({req1}, {req2})",
        install=("{req1}", "{req2}"), derive=derive_service_floor, provider="aws", subject="botocore",
        source="botocore/exceptions.py UnknownServiceError; botocore/data/bedrock-runtime first in 1.31.57 (wheels)",
    ),
    Signature(
        "aws-unknown-service-wrapped", Kind.VERSION_SKEW, E,
        _rx(r"Could not load credentials to authenticate with AWS client"),
        "botocore does not know the `{service}` service: boto3/botocore predate it (botocore >= {bc_floor} needed); "
        "LangChain reported it as a credentials error",
        "LangChain's Bedrock classes catch every error raised while the boto3 client is created and re-raise it as "
        "'Could not load credentials'; the chained UnknownServiceError above it says the installed botocore has no "
        "data for the service (it predates Bedrock).",
        "Upgrade boto3 and botocore together ({req1}, {req2})",
        install=("{req1}", "{req2}"), derive=derive_service_floor_in_traceback, provider="aws", subject="botocore",
        context=_rx(r"Unknown service: '"),
        source="langchain_community/llms/bedrock.py validate_environment (raise ValueError('Could not load "
        "credentials ...') from e); botocore/exceptions.py UnknownServiceError; doctor/knowledge/boundaries.py",
    ),
    # ---- compiled against another numpy (contract kind binary-incompatible) ------------------------------
    Signature(
        "numpy-abi", Kind.BINARY_INCOMPATIBLE, E,
        _rx(r"numpy\.dtype size changed, may indicate binary incompatibility|compiled using NumPy 1\.x cannot be run"
            r"(?: in)?\s{0,4}(?:NumPy 2)?|_ARRAY_API not found|numpy\.core\.multiarray failed to import"),
        "{pkg_or} was compiled against numpy 1.x and numpy 2 is installed (binary incompatibility)",
        "numpy 2.0 changed the C ABI: a compiled module built for numpy 1.x cannot load under numpy 2.",
        "Upgrade {pkg_or} to a release built for numpy 2, or install '{bound}' (numpy below 2)",
        derive=derive_numpy_abi, install=("{pkg}",), subject="numpy",
        source="numpy C-API import check ('numpy.dtype size changed, may indicate binary incompatibility'; 'A module "
        "that was compiled using NumPy 1.x cannot be run in NumPy 2'); doctor/knowledge/boundaries.py",
    ),
    # ---- damaged installs, shadowing and moved modules -----------------------------------------------------
    Signature(
        "shadowed-by-frame-file", Kind.SHADOWED_MODULE, E,
        None,
        "Your file `{path}` is named like the package `{top}` and is imported instead of it",
        "A file or folder of yours named like a package (openai.py, langchain/) sits first on sys.path (the "
        "script's or notebook's folder), so imports of that package get your file.",
        "Rename `{path}` (and delete its __pycache__), then restart the kernel",
        exc=("ImportError", "AttributeError", "ModuleNotFoundError"), derive=derive_shadow, manual=True,
        subject="{path}",
        source="CPython import system: the traceback's frames show the user's file under the package's name",
    ),
    Signature(
        "namespace-part-missing", Kind.MISSING_PACKAGE, E,
        _rx(r"cannot import name '(?P<name>\w{1,120})' from '(?P<module>[\w.]{1,200})' \(unknown location\)"),
        "`{full}` is not installed ({dist}): `{module}` is a namespace package shared by many distributions",
        "`{module}` is a namespace package, so '(unknown location)' is normal there; the part `{name}` comes from "
        "its own distribution, which is not installed in this interpreter.",
        "Install {dist} in the interpreter that runs the code",
        install=("{dist}",), derive=derive_namespace_missing, subject="{dist}",
        source="PEP 420 namespace packages (google, azure...); doctor/knowledge/modules.py NAMESPACE_TOPS",
    ),
    Signature(
        "unknown-location", Kind.BROKEN_INSTALL, E,
        _rx(r"cannot import name '(?P<name>\w{1,120})' from '(?P<module>[\w.]{1,200})' \(unknown location\)"),
        "`{module}` is a folder without its package files (namespace package): `{name}` cannot be imported",
        "Python found a folder named like the package but no __init__.py (a failed uninstall, a stray or local "
        "folder), and imported it as an empty namespace package.",
        "Delete the leftover `{top}` folder (site-packages or next to the notebook) and reinstall {dist}",
        exc=("ImportError",), install=("{dist}",), reinstall=True, derive=derive_dist, subject="{dist}",
        source="Python import system (namespace packages report '(unknown location)'); seed notebook's Fireworks cell",
    ),
    Signature(
        "shadowed-by-local-file", Kind.SHADOWED_MODULE, E,
        _rx(r"cannot import name '(?P<name>\w{1,120})' from '(?P<module>[\w.]{1,200})' \((?P<path>[^()\n]{1,500})\)"),
        "A local file `{path}` hides the installed `{module}`",
        "The import found a file or folder of your own (often next to the notebook) before the real package.",
        "Rename or remove `{path}` (and its __pycache__), then restart the kernel",
        exc=("ImportError",), derive=derive_local_path, manual=True, subject="{path}",
        source="Python import system: 'cannot import name X from M (path)' names the file actually imported",
    ),
    Signature(
        "shadowed-consider-renaming", Kind.SHADOWED_MODULE, E,
        _rx(r"consider renaming '(?P<path>[^'\n]{1,500})' (?:since it has|if it has) the same name as"),
        "A local file `{path}` hides a module of the same name",
        "Python 3.13 detects that a file of yours shadows a library or standard-library module.",
        "Rename or remove `{path}` (and its __pycache__), then restart the kernel",
        manual=True, subject="{path}",
        source="CPython 3.13 Objects/moduleobject.c (AttributeError hint 'consider renaming')",
    ),
    Signature(
        "partially-initialized", Kind.SHADOWED_MODULE, E,
        _rx(r"partially initialized module '(?P<module>[\w.]{1,200})'.{0,300}circular import"),
        "`{module}` imported itself while loading: a local `{top}.py` likely shadows the package",
        "A file named like the package (e.g. openai.py next to the notebook) is imported instead of it and "
        "imports the package name again, or a genuine circular import.",
        "Rename any local `{top}.py` or `{top}/` next to your code, then restart the kernel",
        exc=("AttributeError", "ImportError"), derive=derive_dist, manual=True, subject="{top}",
        source="CPython import system ('partially initialized module ... (most likely due to a circular import)')",
    ),
    Signature(
        "known-bad-release", Kind.KNOWN_BAD_RELEASE, E,
        _rx(r"No module named '(?P<module>[\w.]{1,200})'"),
        "{dist} {bad} is a known-bad release (it lacks `{module}`)",
        "This release was published broken; every import that needs `{module}` fails. The next release fixed it.",
        "Install {dist} {fixed} (any release but {bad})",
        install=("{req}",), derive=derive_known_bad, subject="{dist}",
        source="doctor/knowledge/boundaries.py KNOWN_BAD (tenacity 8.4.0 wheel lacks tenacity/asyncio/)",
    ),
    Signature(
        "stable-submodule-missing", Kind.SHADOWED_MODULE, E,
        _rx(r"No module named '(?P<module>[\w.]{1,200})'"),
        "`{module}` is missing from the `{top}` that was imported: a local `{top}` folder likely hides the package",
        "Every release of {dist} has `{module}`; when it cannot be found, the `{top}` imported is another folder "
        "(often one next to the notebook) or a damaged install.",
        "Rename any `{top}/` folder or `{top}.py` next to your code; if there is none, reinstall {dist}",
        exc=("ModuleNotFoundError",), derive=derive_stable_submodule_missing, manual=True, subject="{top}",
        source="package contents of langchain 0.x/1.x, langchain-core, openai, pydantic (modules present in every "
        "release)",
    ),
    Signature(
        "own-submodule-missing", Kind.BROKEN_INSTALL, E,
        _rx(r"No module named '(?P<module>[\w.]{1,200})'"),
        "{dist} is missing its own module `{module}`: a damaged install",
        "The package imports one of its own modules and the file is not there (an interrupted install or "
        "uninstall, a cleanup tool).",
        "Reinstall {dist}",
        exc=("ModuleNotFoundError",), derive=derive_own_submodule_missing, install=("{dist}",), reinstall=True,
        subject="{dist}",
        source="Python import system: the importing frame lies inside the same package in site-packages",
    ),
    Signature(
        "integration-class-missing", Kind.BROKEN_INSTALL, E,
        _rx(r"module '(?P<module>[\w.]{1,200})' has no attribute '(?P<name>\w{1,120})'"),
        "`{module}` has no `{name}`: the package folder is there without its files",
        "A partial uninstall left the package folder (often only __pycache__), which Python imports as an empty "
        "namespace package.",
        "Delete the leftover `{top}` folder and reinstall {dist}",
        exc=("AttributeError",), derive=derive_integration_class, install=("{dist}",), reinstall=True, subject="{dist}",
        source="CPython: attribute lookup on a namespace package left by a partial uninstall",
    ),
    Signature(
        "attribute-removed-skew", Kind.VERSION_SKEW, E,
        _rx(r"module '(?P<module>[\w.]{1,200})' has no attribute '(?P<name>\w{1,120})'"),
        "{skew_title}",
        "A package reads a name that a newer release of another installed package removed; both are installed and "
        "pip check is clean when the reader declares no upper bound.",
        "{fix_verb} {upgrade}{alt}",
        exc=("AttributeError",), install=("{upgrade}",), derive=derive_attribute_skew, subject="{dist}",
        source="two-package skew rule (doctor/skew.py) with doctor/knowledge/boundaries.py SYMBOLS (removed names)",
    ),
    Signature(
        "sdk-attribute-missing", Kind.SHADOWED_MODULE, E,
        _rx(r"module '(?P<module>[\w.]{1,200})' has no attribute '(?P<name>\w{1,120})'"),
        "`{module}` has no `{name}`: a local `{top}.py` hides the SDK (or the SDK is far too old)",
        "The integration uses a name every recent {dist} has; a file of yours named `{top}.py` (or a `{top}/` "
        "folder) imported in its place lacks it.",
        "Rename any local `{top}.py` / `{top}/` next to your code; if there is none, upgrade {dist}",
        exc=("AttributeError",), derive=derive_sdk_attribute, install=("{dist}",), subject="{top}",
        source="CPython attribute lookup on a shadowing module (Python < 3.13 gives no 'consider renaming' hint)",
    ),
    Signature(
        "shared-library", Kind.BROKEN_INSTALL, E,
        _rx(r"(?:cannot open shared object file|undefined symbol|DLL load failed|mach-o file, but is an "
            r"incompatible architecture|(?:wrong|incompatible) ELF class)"),
        "A compiled extension cannot be loaded: a wheel for another platform or Python, or a damaged install",
        "The binary part of a package does not match this interpreter or machine.",
        "Reinstall the package named in the traceback for this interpreter",
        exc=("ImportError", "OSError"), install=("{integration}",), reinstall=True,
        source="dynamic loader messages (glibc dlopen, Windows LoadLibrary, macOS dyld)",
    ),
    Signature(
        "package-metadata-missing", Kind.BROKEN_INSTALL, E,
        _rx(r"No package metadata was found for (?P<dist>[\w.\-]{1,120})"),
        "{dist} is imported but has no installed metadata (copied files or an interrupted install)",
        "importlib.metadata cannot find the .dist-info of a package whose code is on the path.",
        "Reinstall {dist}",
        exc=("PackageNotFoundError",), install=("{dist}",), reinstall=True, subject="{dist}",
        source="importlib.metadata.PackageNotFoundError",
    ),
    Signature(
        "moved-module-imported-by-package", Kind.VERSION_SKEW, E,
        _rx(r"No module named '(?P<module>langchain\.[\w.]{1,200})'"),
        "{importer} imports `{module}`, which langchain 1.0 moved out: {importer} predates the installed langchain",
        "The import is in the installed package's own code, not yours: that release was built for langchain 0.x and "
        "does not work with langchain 1.x, although its declared range may admit it.",
        "Upgrade {importer} ({req}) to a release built for langchain 1.x",
        exc=("ModuleNotFoundError", "ImportError"), install=("{req}",), derive=derive_moved_from_package,
        subject="{importer}",
        source="two-package skew rule (doctor/skew.py); doctor/knowledge/compat.py KNOWN_ISSUES LCD221 "
        "(langchain-community < 0.4 under langchain 1.0)",
    ),
    Signature(
        "langchain-1-moved-module", Kind.MOVED_API, E,
        _rx(r"No module named '(?P<module>langchain\.[\w.]{1,200})'"),
        "`{module}` was moved out of langchain 1.0",
        "langchain 1.0 kept only agents, chat_models/embeddings (init_*), messages and tools; chains, memory, "
        "retrievers and the old schema moved to langchain-classic, integrations to their own packages.",
        "Import it from its new home ({new}); install {move_install_or}",
        exc=("ModuleNotFoundError", "ImportError"), install=("{move_install}",), derive=derive_langchain_moved,
        subject="{module}",
        source="LangChain v1 migration guide; doctor/knowledge.py LANGCHAIN_1_MOVES",
    ),
    Signature(
        "langchain-1-moved-name", Kind.MOVED_API, E,
        _rx(r"cannot import name '(?P<name>\w{1,120})' from '(?P<module>langchain(?:\.[\w.]{1,200})?)'"),
        "`{name}` is no longer importable from `{module}` (langchain 1.0 moved it)",
        "langchain 1.0 removed the re-exports of integration classes and the old chains/schema modules.",
        "Import it from its new home ({new}); install {move_install_or}",
        exc=("ImportError",), install=("{move_install}",), derive=derive_langchain_moved, subject="{module}",
        source="LangChain v1 migration guide; doctor/knowledge.py LANGCHAIN_1_MOVES",
    ),
    Signature(
        "install-it-with-pip", Kind.MISSING_PACKAGE, E,
        _rx(r"(?:requires the (?P<d1>[\w\-.]{1,100}) package|Could not import (?P<d2>[\w\-.]{1,100}) python package)"
            r"\.{0,1}.{0,200}?[Pp]lease install it with `?pip install (?:-U )?(?P<dist>[\w\-.\[\]]{1,100})"),
        "{dist} is not installed (needed here)",
        "LangChain imports optional integrations and SDKs only when used, and says which package to install.",
        "Install {dist} in the interpreter that runs the code",
        install=("{dist}",), subject="{dist}",
        source="langchain/chat_models/base.py _import_module ('Initializing X requires the Y package. Please install "
        "it with `pip install Y`'); langchain_community ('Could not import X python package. Please install it with "
        "`pip install X`.')",
    ),
    Signature(
        "module-not-found", Kind.MISSING_PACKAGE, E,
        _rx(r"No module named '(?P<module>[\w.]{1,200})'"),
        "`{module}` is not installed in this environment ({dist})",
        "The code imports a module that no installed distribution provides in the interpreter that ran it.",
        "Install {dist} in the interpreter that runs the code",
        exc=("ModuleNotFoundError", "ImportError"), install=("{dist}",), derive=derive_dist, subject="{dist}",
        source="Python import system (ModuleNotFoundError 'No module named ...')",
    ),
    Signature(
        "community-chat-class-removed", Kind.MOVED_API, E,
        _rx(r"cannot import name '(?P<name>\w{1,120})' from '(?P<module>langchain_community\.chat_models"
            r"(?:\.\w{1,80})?)'"),
        "`{name}` is no longer in langchain-community ({new})",
        "langchain-community 0.4.2 deleted the deprecated chat classes whose maintained versions live in the "
        "providers' own packages.",
        "Import it with `{new}`; install {move_install_or}",
        exc=("ImportError",), install=("{move_install}",), derive=derive_langchain_moved, subject="{module}",
        source="langchain-community PR #403/#404 (0.4.2, 2025-11-04); doctor/knowledge/compat.py LANGCHAIN_1_MOVES",
    ),
    Signature(
        "import-name-skew", Kind.VERSION_SKEW, E,
        _rx(r"cannot import name '(?P<name>\w{1,120})' from '(?P<module>[\w.]{1,200})'(?:\s{0,4}\((?P<path>[^()\n]"
            r"{1,500})\))?"),
        "{skew_title}",
        "A package imports a name from another installed package whose release does not have it; both are "
        "installed and pip check is clean, because the importer's declared range admits that release.",
        "{fix_verb} {upgrade}{alt}",
        install=("{upgrade}",), derive=derive_import_skew, subject="{dist}",
        source="two-package skew rule (doctor/skew.py) with doctor/knowledge/boundaries.py SYMBOLS/SKEWS",
    ),
    Signature(
        "import-name-missing", Kind.IMPORT_ERROR, E,
        _rx(r"cannot import name '(?P<name>\w{1,120})' from '(?P<module>[\w.]{1,200})'"),
        "`{name}` cannot be imported from `{module}`: installed versions do not fit together",
        "A package imports a name another installed package does not have (a version mismatch).",
        "Upgrade {dist} together with the packages that import it",
        exc=("ImportError",), install=("{dist}",), derive=derive_dist, subject="{dist}",
        source="Python import system ('cannot import name X from M')",
    ),
    # ---- pip's own words ----------------------------------------------------------------------------------
    Signature(
        "pip-requirement-conflict", Kind.VERSION_CONFLICT, E,
        _rx(r"(?P<dist>[A-Za-z0-9][\w.\-]{0,100}) (?P<ver>[\w.+!\-]{1,60}) (?:requires|has requirement) "
            r"(?P<req>.{1,400}?), but you have (?P<hname>[\w.\-]{1,100}) (?P<hver>[\w.+!\-]{1,60}?)\.?(?: |$)"),
        "{dist} {ver} requires {req}, but {hname} {hver} is installed",
        "pip installed a version that another installed package does not accept (a later install step, --no-deps, "
        "or an upgrade of one side).",
        "Install {dist} and {hname} together in one pip command so that pip resolves them jointly",
        exc=("pip",), install=("{dist}", "{hname}"), subject="{dist}",
        source="pip/_internal/commands/install.py _warn_about_conflicts ('... requires ..., but you have ... which is "
        "incompatible.') and pip check ('... has requirement ..., but you have ...')",
    ),
    Signature(
        "pip-requirement-missing", Kind.MISSING_PACKAGE, E,
        _rx(r"(?P<dist>[A-Za-z0-9][\w.\-]{0,100}) (?P<ver>[\w.+!\-]{1,60}) requires (?P<req>.{1,400}?), which is "
            r"not installed"),
        "{dist} {ver} requires {req}, which is not installed",
        "A declared dependency is missing (installed with --no-deps, or removed afterwards).",
        "Install {req}",
        exc=("pip",), install=("{req}",), subject="{dist}",
        source="pip/_internal/commands/install.py and pip check ('... requires ..., which is not installed.')",
    ),
    # ---- credentials: missing ------------------------------------------------------------------------------
    Signature(
        "api-key-option-missing", Kind.MISSING_CREDENTIAL, E,
        _rx(r"The api_key client option must be set.{0,200}?(?P<var>[A-Z][A-Z0-9_]{1,60}_API_KEY)"),
        "{var} is not set (the SDK found no API key)",
        "The provider SDK needs an API key from the constructor or the environment variable.",
        "Set {var} in the environment the code runs in (or pass api_key=...), then restart the kernel",
        manual=True, subject="{var}",
        source="openai/_client.py, groq/_client.py, fireworks/_client.py (Stainless SDKs): 'The api_key client "
        "option must be set ...'",
    ),
    Signature(
        "openai-missing-credentials", Kind.MISSING_CREDENTIAL, E,
        _rx(r"Missing credentials\. Please pass .{0,300}?`(?P<var>(?:AZURE_)?OPENAI_API_KEY)`"),
        "{var} is not set (the OpenAI SDK found no credentials)",
        "The OpenAI SDK needs an API key (or Azure AD token) from the constructor or the environment.",
        "Set {var} in the environment the code runs in (or pass api_key=...), then restart the kernel",
        manual=True, subject="{var}",
        source="openai/lib/_client_auth.py and openai/lib/azure.py: 'Missing credentials. Please pass ...'",
    ),
    Signature(
        "anthropic-no-auth", Kind.MISSING_CREDENTIAL, E,
        _rx(r"Could not resolve authentication method"),
        "ANTHROPIC_API_KEY is not set (the Anthropic SDK found no credentials)",
        "The Anthropic SDK needs api_key (ANTHROPIC_API_KEY) or an auth token before it sends a request.",
        "Set ANTHROPIC_API_KEY in the environment the code runs in, then restart the kernel",
        manual=True, provider="anthropic", subject="ANTHROPIC_API_KEY",
        source="anthropic/_client.py _validate_headers ('Could not resolve authentication method ...')",
    ),
    Signature(
        "must-specify-api-key", Kind.MISSING_CREDENTIAL, E,
        _rx(r"You must specify an api key.{0,200}?`(?P<var>[A-Z][A-Z0-9_]{1,60})`"),
        "{var} is not set",
        "The integration checks for its API key when the chat model is constructed.",
        "Set {var} in the environment the code runs in (or pass api_key=...), then restart the kernel",
        manual=True, subject="{var}",
        source="langchain_fireworks/chat_models.py validate_environment ('You must specify an api key ...')",
    ),
    Signature(
        "did-not-find-setting", Kind.MISSING_CREDENTIAL, E,
        _rx(r"Did not find (?P<field>\w{1,80}), please add an environment variable `(?P<var>[A-Z][A-Z0-9_]{1,60})`"),
        "{var} is not set (`{field}` not found)",
        "LangChain's get_from_env found neither the argument nor the environment variable.",
        "Set {var} in the environment the code runs in (or pass {field}=...), then restart the kernel",
        manual=True, derive=derive_secret_var, subject="{var}",
        source="langchain_core/utils/env.py get_from_env ('Did not find ..., please add an environment variable')",
    ),
    Signature(
        "did-not-find-config", Kind.MISSING_CONFIG, E,
        _rx(r"Did not find (?P<field>\w{1,80}), please add an environment variable `(?P<var>[A-Z][A-Z0-9_]{1,60})`"),
        "{var} is not set (`{field}` not found)",
        "LangChain's get_from_env found neither the argument nor the environment variable.",
        "Set {var} in the environment the code runs in (or pass {field}=...), then restart the kernel",
        manual=True, subject="{var}",
        source="langchain_core/utils/env.py get_from_env",
    ),
    Signature(
        "key-env-var-missing", Kind.MISSING_CREDENTIAL, E,
        _rx(r"\A\s{0,4}['\"](?P<var>[A-Z][A-Z0-9_]{1,60})['\"]\s{0,4}(?:\n|\Z)"),
        "{var} is not set (the code reads it with os.environ[...])",
        "The code indexes os.environ with a key variable that the kernel's environment does not have.",
        "Set {var} before starting Jupyter (or load it from a .env file in the notebook), then restart the kernel",
        exc=("KeyError",), manual=True, derive=derive_secret_var, subject="{var}",
        source="KeyError raised by os.environ['NAME'] (the seed notebook's Together cell reads TOGETHER_API_KEY)",
    ),
    # ---- credentials: Google ADC ---------------------------------------------------------------------------
    Signature(
        "google-reauth", Kind.REAUTH_REQUIRED, E,
        _rx(r"Reauthentication is needed\. Please run `?gcloud auth (?P<cmd>application-default login|login "
            r"--update-adc)"),
        "Google credentials need a re-login (gcloud ADC: reauthentication is needed)",
        "The Application Default Credentials' refresh token was rejected until you re-authenticate "
        "(Google's reauth policy: invalid_rapt / rapt_required); every call fails, after its retries.",
        "Run `gcloud auth application-default login`, then restart the kernel",
        commands=(_ADC_LOGIN,), manual=True, provider="google-vertexai", subject="gcloud ADC",
        source="google/oauth2/reauth.py refresh_grant (current wording); google-auth < 2.x used "
        "'gcloud auth login --update-adc'; the seed notebook's Vertex AI cell",
    ),
    Signature(
        "google-invalid-rapt", Kind.REAUTH_REQUIRED, E,
        _rx(r"invalid_rapt|rapt_required"),
        "Google credentials need a re-login (invalid_grant: reauth related error)",
        "Google requires you to re-authenticate before the ADC refresh token can be used again.",
        "Run `gcloud auth application-default login`, then restart the kernel",
        commands=(_ADC_LOGIN,), manual=True, provider="google-vertexai", subject="gcloud ADC",
        source="google/oauth2/reauth.py (_REAUTH_NEEDED_ERROR_INVALID_RAPT, _REAUTH_NEEDED_ERROR_RAPT_REQUIRED)",
    ),
    Signature(
        "google-invalid-jwt", Kind.INVALID_CREDENTIAL, E,
        _rx(r"invalid_grant: Invalid JWT(?: Signature)?|Invalid JWT Signature|account not found"),
        "The service account key was rejected (deleted or disabled key, or a clock far off)",
        "Google no longer accepts the key in the service account JSON file.",
        "Create a new key for the service account (or use `gcloud auth application-default login`)",
        commands=(_ADC_LOGIN,), manual=True, provider="google-vertexai", subject="GOOGLE_APPLICATION_CREDENTIALS",
        source="Google OAuth token endpoint error bodies ('invalid_grant', 'Invalid JWT Signature.')",
    ),
    Signature(
        "google-invalid-grant", Kind.REAUTH_REQUIRED, E,
        _rx(r"invalid_grant"),
        "Google credentials were rejected (invalid_grant: expired or revoked): log in again",
        "The refresh token in the Application Default Credentials expired or was revoked.",
        "Run `gcloud auth application-default login`, then restart the kernel",
        exc=("RefreshError", "ServiceUnavailable", "Unauthenticated", "GoogleAuthError", "TransportError"),
        commands=(_ADC_LOGIN,), manual=True, provider="google-vertexai", subject="gcloud ADC",
        source="google/oauth2/_client.py _handle_error_response (RefreshError 'invalid_grant: ...')",
    ),
    Signature(
        "google-adc-not-found", Kind.MISSING_CREDENTIAL, E,
        _rx(r"Your default credentials were not found|Could not automatically determine credentials|"
            r"DefaultCredentialsError\(_CLOUD_SDK_MISSING_CREDENTIALS\)"),
        "No Google Application Default Credentials found",
        "google-auth looked at GOOGLE_APPLICATION_CREDENTIALS, the gcloud ADC file and the metadata server and "
        "found nothing.",
        "Run `gcloud auth application-default login` (or point GOOGLE_APPLICATION_CREDENTIALS at a key file)",
        commands=(_ADC_LOGIN,), manual=True, provider="google-vertexai", subject="gcloud ADC",
        source="google/auth/_default.py (_CLOUD_SDK_MISSING_CREDENTIALS; older: 'Could not automatically determine "
        "credentials')",
    ),
    Signature(
        "google-adc-file-missing", Kind.INVALID_CREDENTIAL, E,
        _rx(r"File (?P<path>[^\n]{1,500}?) was not found"),
        "GOOGLE_APPLICATION_CREDENTIALS points to a file that does not exist ({path})",
        "google-auth reads the file named by GOOGLE_APPLICATION_CREDENTIALS first and fails when it is missing.",
        "Point GOOGLE_APPLICATION_CREDENTIALS at an existing key file, or unset it and run "
        "`gcloud auth application-default login`",
        exc=("DefaultCredentialsError",), manual=True, provider="google-vertexai",
        subject="GOOGLE_APPLICATION_CREDENTIALS",
        source="google/auth/_default.py load_credentials_from_file ('File {} was not found.')",
    ),
    Signature(
        "google-adc-bad-json", Kind.INVALID_CREDENTIAL, E,
        _rx(r"File (?P<path>[^\n]{1,500}?) is not a valid json file"),
        "The Google credentials file is not valid JSON ({path})",
        "google-auth could not parse the credentials file.",
        "Replace the file with a valid key or ADC file, or run `gcloud auth application-default login`",
        exc=("DefaultCredentialsError",), manual=True, provider="google-vertexai",
        subject="GOOGLE_APPLICATION_CREDENTIALS",
        source="google/auth/_default.py load_credentials_from_file ('File {} is not a valid json file.')",
    ),
    Signature(
        "google-adc-bad-type", Kind.INVALID_CREDENTIAL, E,
        _rx(r"does not have a valid type|is not a supported credential type|Failed to load (?:service account|"
            r"authorized user) credentials"),
        "The Google credentials file is of an unknown type or misses fields",
        "google-auth recognises authorized_user, service_account, external_account and impersonated files.",
        "Replace the file with a valid key or ADC file, or run `gcloud auth application-default login`",
        exc=("DefaultCredentialsError",), manual=True, provider="google-vertexai",
        subject="GOOGLE_APPLICATION_CREDENTIALS",
        source="google/auth/_default.py (_get_credential_type checks and loaders)",
    ),
    Signature(
        "google-metadata-plugin", Kind.INVALID_CREDENTIAL, E,
        _rx(r"Getting metadata from plugin failed with error: (?P<inner>.{0,300})"),
        "Google credentials failed while authorizing a request (the gRPC credential plugin raised)",
        "gRPC asks google-auth for an access token before each call; the credential refresh itself failed.",
        "Check the Google credentials: `gcloud auth application-default login`, then restart the kernel",
        commands=(_ADC_LOGIN,), manual=True, provider="google-vertexai", subject="gcloud ADC",
        source="grpc metadata plugin wrapper (google.api_core ServiceUnavailable 503 'Getting metadata from plugin "
        "failed with error: ...')",
    ),
    Signature(
        "google-project-missing", Kind.MISSING_CONFIG, E,
        _rx(r"Unable to find your project\. Please provide a project ID"),
        "No Google Cloud project is configured for Vertex AI",
        "Vertex AI needs a project: from the argument, GOOGLE_CLOUD_PROJECT, gcloud config or the credentials.",
        "Set GOOGLE_CLOUD_PROJECT (or `gcloud config set project PROJECT_ID`, or pass project=...)",
        manual=True, provider="google-vertexai", subject="GOOGLE_CLOUD_PROJECT",
        source="google/cloud/aiplatform/initializer.py "
        "('Unable to find your project. Please provide a project ID by:')",
    ),
    Signature(
        "google-api-key-invalid", Kind.INVALID_CREDENTIAL, E,
        _rx(r"API key not valid\. Please pass a valid API key|API_KEY_INVALID"),
        "The Google API key was rejected (API key not valid)",
        "The Gemini API refused GOOGLE_API_KEY / GEMINI_API_KEY.",
        "Create a new key in Google AI Studio and set GOOGLE_API_KEY, then restart the kernel",
        manual=True, provider="google-genai", subject="GOOGLE_API_KEY",
        source="Gemini API 400 INVALID_ARGUMENT body (reason API_KEY_INVALID)",
    ),
    # ---- credentials: AWS ------------------------------------------------------------------------------------
    Signature(
        "aws-no-region", Kind.MISSING_CONFIG, E,
        _rx(r"You must specify a region"),
        "No AWS region is configured for Bedrock",
        "botocore resolves the region from region_name, AWS_REGION / AWS_DEFAULT_REGION or the profile; none "
        "was set.",
        "Set AWS_REGION (e.g. `export AWS_REGION=us-east-1`) or pass region_name=..., then restart the kernel",
        commands=("export AWS_REGION=us-east-1",), manual=True, provider="aws", subject="AWS_REGION",
        source="botocore/exceptions.py NoRegionError ('You must specify a region.'), wrapped by "
        "langchain_aws/utils.py",
    ),
    Signature(
        "bedrock-could-not-load-credentials", Kind.MISSING_CONFIG, E,
        _rx(r"Could not load credentials to authenticate with AWS client"),
        "Bedrock could not build its AWS client: region or credentials missing (LangChain's wrapper hides which)",
        "langchain's Bedrock classes catch every botocore error while creating the client (NoRegionError too) and "
        "re-raise it as 'Could not load credentials'; a missing region is the most common cause.",
        "Set AWS_REGION (e.g. `export AWS_REGION=us-east-1`) or pass region_name=..., and check the profile's "
        "credentials (`aws sts get-caller-identity`)",
        commands=("export AWS_REGION=us-east-1",), manual=True, provider="aws", subject="AWS_REGION",
        source="langchain_community/llms/bedrock.py and langchain_aws validate_environment ('Could not load "
        "credentials to authenticate with AWS client. Please check that credentials in the specified profile name "
        "are valid.'); tests/threads/credentials",
    ),
    Signature(
        "aws-sso-expired", Kind.REAUTH_REQUIRED, E,
        _rx(r"Token has expired and refresh failed|The SSO session associated with this profile has expired|"
            r"Error loading SSO Token|reauthenticate using 'aws login'"),
        "The AWS SSO session has expired: log in again",
        "The cached AWS SSO token is expired and botocore could not refresh it.",
        "Run `aws sso login` (with --profile NAME for a named profile), then restart the kernel",
        commands=("aws sso login",), manual=True, provider="aws", subject="AWS SSO",
        source="botocore/tokens.py ('Token has expired and refresh failed'), botocore/exceptions.py "
        "UnauthorizedSSOTokenError, SSOTokenLoadError, LoginRefreshRequired",
    ),
    Signature(
        "aws-expired-token", Kind.REAUTH_REQUIRED, E,
        _rx(r"ExpiredToken|The security token included in the request is expired|Request has expired"),
        "The AWS session credentials have expired",
        "Temporary AWS credentials (SSO, STS, a role) have a lifetime; these are past it.",
        "Refresh the credentials (`aws sso login`, or renew the session token), then restart the kernel",
        commands=("aws sso login",), manual=True, provider="aws", subject="AWS credentials",
        source="AWS error codes ExpiredTokenException / ExpiredToken (botocore ClientError text)",
    ),
    Signature(
        "aws-no-credentials", Kind.MISSING_CREDENTIAL, E,
        _rx(r"Unable to locate credentials|Partial credentials found in (?P<where>[\w\-]{1,60})"),
        "No AWS credentials were found for Bedrock",
        "botocore's credential chain (env vars, shared files, profile, SSO, instance role) found nothing usable.",
        "Configure AWS credentials (`aws configure`, `aws sso login`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
        manual=True, provider="aws", subject="AWS credentials",
        source="botocore/exceptions.py NoCredentialsError ('Unable to locate credentials'), "
        "PartialCredentialsError",
    ),
    Signature(
        "aws-invalid-token", Kind.INVALID_CREDENTIAL, E,
        _rx(r"UnrecognizedClientException|The security token included in the request is invalid|"
            r"InvalidSignatureException|SignatureDoesNotMatch|InvalidClientTokenId"),
        "AWS rejected the credentials (invalid access key or signature)",
        "The access key, secret or session token is wrong for this account.",
        "Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN or the profile's keys",
        manual=True, provider="aws", subject="AWS credentials",
        source="AWS error codes UnrecognizedClientException, InvalidSignatureException (botocore ClientError text)",
    ),
    Signature(
        "bedrock-access-denied", Kind.INVALID_CREDENTIAL, E,
        _rx(r"AccessDeniedException|You don't have access to the model with the specified model ID|"
            r"is not authorized to perform: bedrock:"),
        "Bedrock denied access to the model (model access not enabled, or IAM permissions)",
        "The credentials are valid but may not invoke this model in this region: model access must be granted in "
        "the Bedrock console, and IAM must allow bedrock:InvokeModel.",
        "Enable access to the model in the Bedrock console for this region and check the IAM policy",
        manual=True, provider="aws", subject="AWS credentials",
        source="Bedrock runtime AccessDeniedException as botocore prints it, quoted in "
        "github.com/dirkpetersen/our-chat issue #3 and aws-samples/generative-ai-to-build-a-devsecops-chatbot issue #3",
    ),
    Signature(
        "bedrock-on-demand-throughput", Kind.MISSING_CONFIG, E,
        _rx(r"with on-demand throughput isn.t supported"),
        "This Bedrock model cannot be called by its plain model ID: use an inference profile ID",
        "Newer Bedrock models are invoked through a cross-region inference profile (e.g. `us.` + model ID).",
        "Use the inference profile ID or ARN as model_id (e.g. `us.anthropic.claude-...`)",
        manual=True, provider="aws", subject="model_id",
        source="Bedrock runtime ValidationException ('Invocation of model ID ... with on-demand throughput isn’t "
        "supported. Retry your request with the ID or ARN of an inference profile that contains this model.') as "
        "botocore prints it, quoted in github.com/terricain/aioboto3 issue #352",
    ),
    # ---- credentials: rejected by the API (401/403) ----------------------------------------------------------
    Signature(
        "api-key-rejected", Kind.INVALID_CREDENTIAL, E,
        _rx(r"Error code: 401|invalid_api_key|Incorrect API key provided|invalid x-api-key|Invalid API Key|"
            r"authentication_error|\b401\b.{0,40}Unauthorized|Unauthorized.{0,40}\b401\b"),
        "The API rejected the key (401 Unauthorized)",
        "The key is set but wrong: revoked, for another provider or project, or with stray characters.",
        "Check the key's value (no quotes or spaces) and that it belongs to this provider, then restart the kernel",
        manual=True, subject="API key",
        source="OpenAI/Anthropic/Groq 401 bodies as raised by the SDKs ('Error code: 401 - {...}')",
    ),
    Signature(
        "permission-denied", Kind.INVALID_CREDENTIAL, E,
        _rx(r"Error code: 403|permission_error|PERMISSION_DENIED|\b403\b.{0,40}Forbidden"),
        "The API refused the request (403 Forbidden): the key or account lacks access",
        "The credential is valid but not allowed to use this model or project.",
        "Check the key's project, organisation and model access",
        manual=True, subject="API key",
        source="SDK PermissionDeniedError texts ('Error code: 403 - {...}')",
    ),
    Signature(
        "authentication-error", Kind.INVALID_CREDENTIAL, E,
        None,
        "The API rejected the credentials ({exc})",
        "The provider answered that the credential is not valid.",
        "Check the key's value and that it belongs to this provider, then restart the kernel",
        exc=("AuthenticationError", "PermissionDeniedError", "Unauthenticated", "PermissionDenied"),
        manual=True, subject="API key",
        source="SDK exception classes AuthenticationError / PermissionDeniedError (openai, anthropic, groq...)",
    ),
    # ---- network, TLS and proxies (contract kind network-config) -------------------------------------------
    Signature(
        "ca-bundle-invalid-path", Kind.NETWORK_CONFIG, E,
        _rx(r"Could not find a suitable TLS CA certificate bundle, invalid path: (?P<path>[^\s_]{1,500})"),
        "The CA bundle named by REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE does not exist ({path})",
        "requests reads REQUESTS_CA_BUNDLE, then CURL_CA_BUNDLE, and refuses to start a TLS connection when the file "
        "is missing.",
        "Point REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE at an existing CA file, or unset them",
        commands=("unset REQUESTS_CA_BUNDLE CURL_CA_BUNDLE",), manual=True, subject="REQUESTS_CA_BUNDLE",
        source="requests/adapters.py cert_verify ('Could not find a suitable TLS CA certificate bundle, invalid "
        "path: ...')",
    ),
    Signature(
        "ssl-cert-file-missing", Kind.NETWORK_CONFIG, E,
        _rx(r"No such file or directory"),
        "SSL_CERT_FILE (or SSL_CERT_DIR) names a CA file that does not exist",
        "httpx < 0.28 and Python's ssl read SSL_CERT_FILE / SSL_CERT_DIR when building the TLS context; a missing "
        "file fails every client at construction.",
        "Point SSL_CERT_FILE at an existing CA file, or unset it",
        exc=("FileNotFoundError", "OSError"), context=_rx(r"load_verify_locations|create_ssl_context|"
                                                         r"create_default_context\(cafile"),
        commands=("unset SSL_CERT_FILE SSL_CERT_DIR",), manual=True, subject="SSL_CERT_FILE",
        source="ssl.SSLContext.load_verify_locations FileNotFoundError under httpx/_config.py create_ssl_context",
    ),
    Signature(
        "tls-verify-failed", Kind.NETWORK_CONFIG, E,
        _rx(r"CERTIFICATE_VERIFY_FAILED|certificate verify failed|SSLCertVerificationError"),
        "TLS verification failed: a proxy or firewall re-signs HTTPS (self-signed certificate in the chain)",
        "A TLS-inspecting proxy presents its own CA, which Python's bundle (certifi) does not trust.",
        "Trust your organisation's CA: set SSL_CERT_FILE and REQUESTS_CA_BUNDLE to its bundle, or install "
        "truststore and call truststore.inject_into_ssl() to use the system's store",
        manual=True, subject="SSL_CERT_FILE",
        source="ssl.SSLCertVerificationError ('[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
        "self-signed certificate in certificate chain')",
    ),
    Signature(
        "proxy-auth-required", Kind.NETWORK_CONFIG, E,
        _rx(r"407 Proxy Authentication Required|Unable to connect to proxy|Cannot connect to proxy|ProxyError"),
        "The HTTP(S) proxy refused the connection (proxy authentication or address)",
        "HTTPS_PROXY / HTTP_PROXY route the requests through a proxy that wants credentials or cannot be reached.",
        "Check HTTPS_PROXY / HTTP_PROXY (http://user:password@proxy:port), or add the host to NO_PROXY",
        manual=True, subject="HTTPS_PROXY",
        source="httpcore.ProxyError / urllib3 ProxyError ('Tunnel connection failed: 407 Proxy Authentication "
        "Required')",
    ),
    Signature(
        "proxy-in-front-of-localhost", Kind.NETWORK_CONFIG, E,
        _rx(r"(?:localhost|127\.0\.0\.1)(?::(?P<port>\d{2,5}))?[^\s\"']{0,200}[\"']?\s{0,3}[\"']?HTTP/1\.[01] 502|"
            r"502 Bad Gateway' for url '?https?://(?:localhost|127\.0\.0\.1)(?::(?P<port2>\d{2,5}))?|"
            r"Ollama call failed with status code 502"),
        "A local server answered 502 Bad Gateway: a proxy stands between the client and localhost",
        "With HTTP_PROXY / HTTPS_PROXY / ALL_PROXY set and localhost missing from NO_PROXY, requests to the local "
        "server (Ollama) go to the proxy, which cannot reach it.",
        "Add localhost and 127.0.0.1 to NO_PROXY (and no_proxy), then restart the process",
        commands=("export NO_PROXY=localhost,127.0.0.1,::1 no_proxy=localhost,127.0.0.1,::1",), manual=True,
        derive=derive_local_port, subject="NO_PROXY",
        source="proxy environment variables as honoured by httpx/requests; ollama/ollama issues about 502 behind a "
        "proxy (tests/threads/network-tls)",
    ),
    # ---- models and deployments that do not exist (contract kind model-not-found) ---------------------------
    Signature(
        "ollama-model-not-pulled", Kind.MODEL_NOT_FOUND, E,
        _rx(r"model ['\"\\]{0,2}(?P<model>[\w.:/\-]{1,200})['\"\\]{0,2} not found, try pulling it first"),
        "The Ollama server has no model `{model}`: it was not pulled",
        "Ollama serves only models pulled to its host.",
        "Pull the model on the machine that runs Ollama: `ollama pull {model}`",
        commands=("ollama pull {model}",), manual=True, provider="ollama", subject="{model}",
        source="ollama server ('model \"x\" not found, try pulling it first'); langchain_community Ollama "
        "('Ollama call failed with status code 404')",
    ),
    Signature(
        "azure-deployment-not-found", Kind.MODEL_NOT_FOUND, E,
        _rx(r"DeploymentNotFound|The API deployment for this resource does not exist"),
        "Azure OpenAI has no deployment of that name on this resource (404 DeploymentNotFound)",
        "Azure routes by deployment name, not model name; the name given (azure_deployment / model) is not a "
        "deployment of the resource in AZURE_OPENAI_ENDPOINT (or it was created minutes ago).",
        "Use the deployment name shown in Azure AI Foundry as azure_deployment, on the resource of "
        "AZURE_OPENAI_ENDPOINT",
        manual=True, provider="azure-openai", subject="azure_deployment",
        source="Azure OpenAI 404 body {'code': 'DeploymentNotFound'}",
    ),
    # ---- Azure OpenAI api_version (contract kind missing-config) --------------------------------------------
    Signature(
        "azure-api-version-too-old", Kind.MISSING_CONFIG, E,
        _rx(r"enabled only for api versions (?P<ver>[\w.\-]{4,40}) and later"),
        "The Azure OpenAI api_version is too old for this model (needs {ver} or later)",
        "Azure enables new models and features per API version; OPENAI_API_VERSION / api_version is older.",
        "Set OPENAI_API_VERSION={ver} (or pass api_version=\"{ver}\"), then restart the kernel",
        commands=("export OPENAI_API_VERSION={ver}",), manual=True, provider="azure-openai",
        subject="OPENAI_API_VERSION",
        source="Azure OpenAI 400 BadRequest ('Model o1 is enabled only for api versions 2024-12-01-preview and later')",
    ),
    Signature(
        "azure-api-version-unrecognized-argument", Kind.MISSING_CONFIG, E,
        _rx(r"Unrecognized request argument supplied: (?P<arg>\w{1,80})"),
        "The Azure OpenAI api_version predates `{arg}`: set a newer OPENAI_API_VERSION",
        "Azure accepts request fields per API version; an older api_version rejects newer ones (tools, "
        "response_format...).",
        "Set OPENAI_API_VERSION to a current version (e.g. 2024-10-21) or pass api_version=..., then restart",
        commands=("export OPENAI_API_VERSION=2024-10-21",), manual=True, provider="azure-openai",
        subject="OPENAI_API_VERSION",
        source="Azure OpenAI 404 invalid_request_error ('Unrecognized request argument supplied: tools')",
    ),
    Signature(
        "azure-api-version-required", Kind.MISSING_CONFIG, E,
        _rx(r"An API version is required for the Azure API type|Must provide either the `api_version` argument"),
        "No Azure OpenAI api_version is set",
        "The Azure OpenAI client needs an API version: OPENAI_API_VERSION or api_version=.",
        "Set OPENAI_API_VERSION (e.g. 2024-10-21) or pass api_version=..., then restart the kernel",
        commands=("export OPENAI_API_VERSION=2024-10-21",), manual=True, provider="azure-openai",
        subject="OPENAI_API_VERSION",
        source="openai 0.x api_requestor ('An API version is required for the Azure API type'); openai>=1 "
        "lib/azure.py ('Must provide either the `api_version` argument or the `OPENAI_API_VERSION` environment "
        "variable')",
    ),
    # ---- a local server that is not running (contract kind unreachable) --------------------------------------
    Signature(
        "local-server-unreachable", Kind.UNREACHABLE, W,
        _rx(r"(?:host='?(?:localhost|127\.0\.0\.1)'?, port=|(?:localhost|127\.0\.0\.1|0\.0\.0\.0)['\"]?[:,] ?)"
            r"(?P<port>\d{2,5})"),
        "Nothing answers on {host_port} ({server} is not running there{docker_note})",
        "The client connects to a local server that is not listening: not started, another port, or — inside a "
        "container — `localhost` is the container itself.",
        "Start {server} (`{start}`) or point the base URL at where it runs (from a container: "
        "http://host.docker.internal:{port})",
        commands=("{start}",), manual=True, derive=derive_local_server, subject="{server}",
        source="connection errors of requests/httpx/aiohttp to localhost; doctor/knowledge/boundaries.py LOCAL_SERVERS",
    ),
    # ---- could not connect --------------------------------------------------------------------------------
    Signature(
        "connection-failed", Kind.UNREACHABLE, W,
        _rx(r"Connection error|Connection refused|Name or service not known|nodename nor servname|Temporary "
            r"failure in name resolution|getaddrinfo failed|Failed to establish a new connection|Could not connect "
            r"to the endpoint URL|Max retries exceeded with url|Network is unreachable|ConnectTimeout|timed out"),
        "The service could not be reached (network, proxy or base URL)",
        "The request never got an answer: no network, a proxy or firewall, or a wrong base URL.",
        "Check the network/proxy and any *_BASE_URL variable, then retry",
        manual=True, subject="network",
        source="httpx ConnectError, openai/anthropic APIConnectionError ('Connection error.'), botocore "
        "EndpointConnectionError, requests ConnectionError",
    ),
    Signature(
        "connection-error-type", Kind.UNREACHABLE, W,
        None,
        "The service could not be reached ({exc})",
        "The request never got an answer: no network, a proxy or firewall, or a wrong base URL.",
        "Check the network/proxy and any *_BASE_URL variable, then retry",
        exc=("APIConnectionError", "APITimeoutError", "ConnectError", "ConnectTimeout", "EndpointConnectionError",
             "ConnectionError", "ConnectionRefusedError", "ReadTimeout", "TransportError"),
        manual=True, subject="network",
        source="connection exception classes of httpx, requests, botocore and the Stainless SDKs",
    ),
    # ---- other import failures and crashes ------------------------------------------------------------------
    Signature(
        "import-time-failure", Kind.IMPORT_ERROR, E,
        None,
        "Importing {integration_or} failed ({exc})",
        "The exception was raised while a LangChain or provider package was being imported.",
        "Reinstall {integration_or} together with langchain-core",
        # The modules: any langchain package, and the integrations and SDKs of the providers table.
        context=_rx(r"[/\\](?:langchain(?:_[a-z_]{1,40})?|" + module_path_pattern() + ")"
                    r"[/\\][^\n]{0,300}(?:\", line \d{1,7}|:\d{1,7}), in <module>"),
        install=_INSTALL_PYD,
        source="the traceback's frames: module-level code (<module>) of an integration or SDK",
    ),
    # ---- crashes ----------------------------------------------------------------------------------------
    Signature(
        "interpreter-crashed", Kind.IMPORT_ERROR, E,
        _rx(r"Fatal Python error: (?P<what>[\w ]{1,80})|The kernel appears to have died|Segmentation fault"),
        "The Python process crashed",
        "A compiled extension crashed the interpreter (often a wheel built for another platform or Python).",
        "Reinstall the packages named in the traceback for this interpreter",
        install=("{integration}",), reinstall=True,
        source="CPython faulthandler ('Fatal Python error: Segmentation fault'); Jupyter kernel restart notice",
    ),
)

BY_ID: dict[str, Signature] = {s.id: s for s in SIGNATURES}
