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
    derive_first_site_package,
    derive_installed_path,
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
        "pydantic-core-unexpected-keyword", Kind.PYDANTIC_CORE_MISMATCH, E,
        _rx(r"unexpected keyword argument '?(?P<arg>\w{1,80})"),
        "pydantic passes `{arg}` that the installed pydantic-core does not know: versions do not match",
        "pydantic and pydantic-core are released in lockstep; an older or newer core rejects new arguments.",
        "Install pydantic and pydantic-core together so that pip picks a matching pair",
        exc=("TypeError",), context=_rx(r"pydantic[/\\]_internal|pydantic_core|pydantic[/\\]main\.py"),
        install=("pydantic", "pydantic-core"), subject="pydantic-core",
        source="TypeError raised inside pydantic/_internal when pydantic-core is another release",
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
        "langchain-1-moved-module", Kind.MISSING_PACKAGE, E,
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
        "langchain-1-moved-name", Kind.MISSING_PACKAGE, E,
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
        "core-name-missing", Kind.VERSION_CONFLICT, E,
        _rx(r"cannot import name '(?P<name>\w{1,120})' from '(?P<module>langchain_core(?:\.[\w.]{1,200})?)' "
            r"\((?P<path>[^()\n]{1,500})\)"),
        "`{name}` is missing from the installed langchain-core: {integration_or} expects another langchain-core",
        "Integrations import names that exist only in the langchain-core versions they were released with.",
        "Upgrade {integration_or} together with langchain-core",
        exc=("ImportError",), derive=derive_installed_path, install=_INSTALL_PYD,
        source="Python import system ('cannot import name X from M (path)') for a path in site-packages",
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
        _rx(r"Your default credentials were not found|Could not automatically determine credentials"),
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
        "numpy-abi", Kind.IMPORT_ERROR, E,
        _rx(r"numpy\.dtype size changed, may indicate binary incompatibility|compiled using NumPy 1\.x cannot be run"
            r" in\s{0,4}NumPy 2|_ARRAY_API not found|numpy\.core\.multiarray failed to import"),
        "{pkg_or} was built against another numpy major version (binary incompatibility)",
        "A compiled package built for numpy 1.x is imported with numpy 2 (or the reverse).",
        "Upgrade {pkg_or} to a release built for this numpy (or install 'numpy<2')",
        derive=derive_first_site_package, install=("{pkg}",),
        source="numpy C-API import check ('numpy.dtype size changed, may indicate binary incompatibility'; 'A module "
        "that was compiled using NumPy 1.x cannot be run in NumPy 2')",
    ),
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
