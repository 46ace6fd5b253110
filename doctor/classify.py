"""The matching engine of the signature table: exception type + message + traceback -> a rendered match.

The table itself is data, in ``doctor/knowledge/signatures.py``; this module holds the row type, the derivers
rows call to fill in values (which distribution, which provider, which folder), and the first-match matcher.
One engine for classifying a failure, shared by ``explain`` (pasted tracebacks, logs, notebooks) and by the
probes (exceptions raised in the target).

Rules that keep the matcher safe on hostile input (a 10 MB log, random bytes):
- patterns are searched in a bounded slice of the message (``_MAX_MESSAGE``) and the traceback;
- no nested quantifiers; every open-ended repetition is bounded (``.{0,N}``, ``[^']{1,N}``);
- the first matching row wins, so rows go from the most specific to the most general.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Optional

from .findings import with_python
from .knowledge.modules import OTHER_MODULE_DISTRIBUTIONS
from .knowledge.providers import (
    BY_NAME,
    CHAT_CLASS_PATTERN,
    EXCEPTION_MODULES,
    MODULE_TOPS,
    NAMED_VARS,
    SDK_MODULE_DISTRIBUTIONS,
    SDK_MODULE_PROVIDER,
    SDK_TOPS,
    SECRET_VARS,
    by_class,
    by_module,
    module_row,
    provider_of,
)
from .knowledge.providers import STABLE_SUBMODULES as _PROVIDER_STABLE_SUBMODULES
from .model import Fix, Kind, Severity

_MAX_MESSAGE = 20_000
_MAX_TRACEBACK = 60_000

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO


@dataclass(frozen=True)
class SignatureMatch:
    """The verdict of the table on one exception: what it means and how to repair it."""

    signature_id: str
    """Stable id of the table row, e.g. ``pydantic-modify-schema``."""
    kind: Kind
    severity: Severity
    title: str
    """One line."""
    explanation: str
    fix_summary: str
    fix_commands: tuple[str, ...]
    """Shell commands; ``{python}`` stands for the target interpreter."""
    provider: Optional[str]
    """Contract provider name when the wording itself names one (an SDK's own message, a key variable)."""
    integration: Optional[str] = None
    """Integration distribution the message or traceback points at (``langchain-openai``), if any."""
    install: tuple[str, ...] = ()
    """Requirements the fix installs or upgrades together (the structured form of the pip command)."""
    manual: bool = False
    """True when the fix is a step for a person (a login, a key), never run automatically."""
    reinstall: bool = False
    """True when the command reinstalls (``--force-reinstall``) rather than upgrades: damaged files."""
    groups: tuple[tuple[str, str], ...] = ()
    """Named parts taken from the message (``module``, ``var``...)."""
    subject: Optional[str] = None
    """What the finding is about (package, env var name, path) when the message says."""

    def fix(self, python: str) -> Fix:
        """The fix as a :class:`doctor.model.Fix` for the interpreter ``python``."""
        cmds = tuple(with_python(c, python) for c in self.fix_commands)
        return Fix(self.fix_summary, cmds, install=self.install, manual=self.manual)

    def with_integration(self, package: Optional[str]) -> SignatureMatch:
        """The same verdict with its fix tailored to the integration ``package`` (the probe knows which)."""
        if not package or package == self.integration:
            return self
        from .knowledge.signatures import BY_ID

        row = BY_ID[self.signature_id]
        values = dict(self.groups)
        values["integration"] = package
        return _render(row, values, self.provider, package)


Deriver = Callable[[dict[str, str]], Optional[dict[str, str]]]
"""Computes extra template values from the named groups; returns None to reject the match."""


@dataclass(frozen=True)
class Signature:
    """One row of the table."""

    id: str
    kind: Kind
    severity: Severity
    pattern: Optional[re.Pattern[str]]
    """Searched in the (bounded) message; named groups feed the templates; None: any message."""
    title: str
    """One line; ``{name}`` placeholders take named groups and derived values."""
    explanation: str
    fix_summary: str
    exc: tuple[str, ...] = ()
    """Bare exception class names that qualify; empty: any type (wrapped errors keep the SDK's words)."""
    context: Optional[re.Pattern[str]] = None
    """Must also be found in the traceback text (module paths) when given."""
    install: tuple[str, ...] = ()
    """Requirements to install together; ``{integration}`` is dropped when unknown."""
    reinstall: bool = False
    """Install with --force-reinstall (damaged files) instead of -U."""
    commands: tuple[str, ...] = ()
    """Other commands (logins); ``{python}`` is the interpreter."""
    manual: bool = False
    provider: Optional[str] = None
    derive: Optional[Deriver] = None
    subject: str = ""
    """Template of the finding's subject (``{var}``, ``{dist}``...); empty: the integration or provider."""
    source: str = ""
    """Where the wording comes from (library file, issue)."""


# ----------------------------------------------------------------------------------------------- helpers

# Import names whose distribution is not the name with ``_`` -> ``-``: the provider SDKs' from the providers table,
# the rest from the one module table in doctor/knowledge/modules.py.
MODULE_DISTRIBUTIONS: Mapping[str, str] = {**SDK_MODULE_DISTRIBUTIONS, **OTHER_MODULE_DISTRIBUTIONS}


def distribution_for(module: str) -> str:
    """The distribution that provides the import name ``module`` (best knowledge; PEP 503 form)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        known = MODULE_DISTRIBUTIONS.get(".".join(parts[:n]))
        if known:
            return known
    row = module_row(parts[0])
    if row is not None:
        return row.package
    return parts[0].replace("_", "-").lower()


# Variables that name their provider (keys, admin keys, required settings, credential files): the providers table.
_KEY_VARS: Mapping[str, str] = NAMED_VARS
_SECRET_VARS = frozenset(SECRET_VARS)
_VAR_IN_TEXT = re.compile(r"\b[A-Z][A-Z0-9_]{2,60}\b")
_CLASS_IN_TEXT = re.compile(r"\b(?:" + CHAT_CLASS_PATTERN + r")\b")


def sdk_provider(module: str) -> Optional[str]:
    """The provider whose SDK provides the import name ``module`` (longest dotted prefix), if any."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        found = SDK_MODULE_PROVIDER.get(".".join(parts[:n]))
        if found:
            return found
    return None


def provider_for_var(name: str) -> Optional[str]:
    """The provider whose credential variable is ``name`` (``GROQ_API_KEY`` -> ``groq``)."""
    return _KEY_VARS.get(name)


def _providers_named(text: str) -> Optional[str]:
    for m in _VAR_IN_TEXT.finditer(text[:4000]):
        p = _KEY_VARS.get(m.group(0))
        if p:
            return p
    return None


# Exception modules that name their provider (``groq.AuthenticationError``, a langchain_x wrapper): the table.
_EXC_MODULE_PROVIDER = EXCEPTION_MODULES

_INTEGRATION_IN_TB = re.compile(r"[/\\\"'. ](langchain_[a-z][a-z0-9_]{1,40})[/\\.]")


def integration_in(text: str) -> Optional[str]:
    """The last provider-integration package whose module appears in ``text`` (traceback paths, dotted names)."""
    found: Optional[str] = None
    for m in _INTEGRATION_IN_TB.finditer(text[-_MAX_TRACEBACK:]):
        row = module_row(m.group(1))
        if row is not None:
            found = row.package
    return found


def provider_of_exception(exc_type: str) -> Optional[str]:
    """The provider an exception's dotted module names, if any."""
    for prefix, prov in _EXC_MODULE_PROVIDER:
        if exc_type.startswith(prefix):
            return prov
    return None


_SITE = re.compile(r"(?:site|dist)-packages")


_FRAME_FILE = re.compile(r"File \"(?P<p>[^\"\n]{1,500})\", line \d{1,7}|^File (?P<q>[^\s,]{1,500}?):\d{1,7}",
                         re.MULTILINE)
_STDLIB = re.compile(r"[/\\]lib[/\\]python\d\.\d{1,2}[/\\]|[/\\]Lib[/\\]|^<")

# Import names users shadow with a file or folder of their own (openai.py, langchain/): the integrations and SDKs
# of the providers table, and the libraries around them.
SHADOWABLE: frozenset[str] = MODULE_TOPS | frozenset(
    {"langchain", "langchain_core", "langchain_community", "langchain_classic", "langchain_text_splitters",
     "google", "pydantic", "pydantic_core", "httpx", "requests", "tiktoken", "tenacity", "langsmith",
     "langgraph", "numpy", "pandas", "typing_extensions"}
)
SDK_MODULES: frozenset[str] = SDK_TOPS | frozenset({"google", "httpx", "tiktoken"})
# Submodules present in every release of their package: if missing, the package found is not the real one.
STABLE_SUBMODULES: frozenset[str] = _PROVIDER_STABLE_SUBMODULES | frozenset({
    "langchain.chat_models", "langchain.embeddings", "langchain.agents", "langchain.tools",
    "langchain_core.messages", "langchain_core.language_models", "langchain_core.prompts", "langchain_core.runnables",
    "langchain_core.outputs", "langchain_core.utils", "langchain_core.callbacks", "langchain_core.tools",
    "pydantic.fields", "pydantic.main",
})


def frame_paths(traceback_text: str) -> list[str]:
    """The files of a traceback's frames, outermost first (Python and IPython formats)."""
    return [m.group("p") or m.group("q") for m in _FRAME_FILE.finditer(traceback_text)]


def _in_site(path: str, top: str) -> bool:
    return bool(re.search(rf"(?:site|dist)-packages[/\\]{re.escape(top)}(?:[/\\]|\.py)", path))


def shadow_in(traceback_text: str) -> Optional[tuple[str, str]]:
    """(path, name) of a frame file or folder of the user's that is named like a package (``openai.py``)."""
    for path in frame_paths(traceback_text):
        if _SITE.search(path) or _STDLIB.search(path):
            continue
        parts = re.split(r"[/\\\\]", path)
        name = parts[-1][:-3] if parts[-1].endswith(".py") else ""
        shown = path
        if name == "__init__" and len(parts) > 1:
            name = parts[-2]
            shown = path[: len(path) - len(parts[-1]) - 1]
        if name in SHADOWABLE:
            return shown, name
    return None


def derive_shadow(values: dict[str, str]) -> Optional[dict[str, str]]:
    found = shadow_in(values.get("_tb", ""))
    if found is None:
        return None
    return {"path": found[0], "top": found[1], "dist": distribution_for(found[1])}


def derive_own_submodule_missing(values: dict[str, str]) -> Optional[dict[str, str]]:
    module = values.get("module", "")
    if "." not in module:
        return None
    top = module.split(".")[0]
    paths = frame_paths(values.get("_tb", ""))
    if not paths or not _in_site(paths[-1], top):
        return None
    return {"top": top, "dist": distribution_for(top)}


def derive_stable_submodule_missing(values: dict[str, str]) -> Optional[dict[str, str]]:
    module = values.get("module", "")
    if module not in STABLE_SUBMODULES:
        return None
    top = module.split(".")[0]
    if any(_in_site(p, top) for p in frame_paths(values.get("_tb", ""))):
        return None
    return {"top": top, "dist": distribution_for(top)}


def derive_integration_class(values: dict[str, str]) -> Optional[dict[str, str]]:
    providers = by_module(values.get("module", ""))
    if not providers or "." in values.get("module", ""):
        return None
    if not any(values.get("name") in p.chat_classes for p in providers):
        return None
    row = module_row(values.get("module", ""))
    return {"dist": row.package, "top": row.module} if row else None


def derive_sdk_attribute(values: dict[str, str]) -> Optional[dict[str, str]]:
    module = values.get("module", "")
    top = module.split(".")[0]
    if top not in SDK_MODULES:
        return None
    return {"top": top, "dist": distribution_for(module)}


def derive_first_site_package(values: dict[str, str]) -> Optional[dict[str, str]]:
    for path in frame_paths(values.get("_tb", "")):
        m = re.search(r"(?:site|dist)-packages[/\\]([A-Za-z_][\w]{0,80})", path)
        if m:
            return {"pkg": distribution_for(m.group(1))}
    return {"pkg": ""}


def derive_local_path(values: dict[str, str]) -> Optional[dict[str, str]]:
    path = values.get("path", "")
    if not path or _SITE.search(path) or "/lib/python" in path or "\\Lib\\" in path:
        return None
    return {}


def derive_installed_path(values: dict[str, str]) -> Optional[dict[str, str]]:
    return {} if _SITE.search(values.get("path", "")) else None


def derive_dist(values: dict[str, str]) -> Optional[dict[str, str]]:
    module = values.get("module", "")
    if not module:
        return None
    return {"dist": distribution_for(module), "top": module.split(".")[0]}


def derive_langchain_moved(values: dict[str, str]) -> Optional[dict[str, str]]:
    from .knowledge.compat import moved

    module = values.get("module", "")
    name = values.get("name", "")
    row = moved(module, (name,) if name else ())
    if row is None:
        return None
    return {"new": row.new, "move_install": " ".join(row.install)}


def derive_secret_var(values: dict[str, str]) -> Optional[dict[str, str]]:
    var = values.get("var", "")
    from .redact import is_secret_name

    if var in _SECRET_VARS or (is_secret_name(var) and var not in _KEY_VARS):
        return {}
    return None


def derive_core_versions(values: dict[str, str]) -> Optional[dict[str, str]]:
    want = values.get("want", "").rstrip(".")
    have = values.get("have", "").rstrip(".")
    return {"want": want, "have": have, "pin": f"pydantic-core=={want}" if want else "pydantic pydantic-core"}


def rows() -> tuple[Signature, ...]:
    """The signature table (``doctor/knowledge/signatures.py``), first match wins."""
    from .knowledge.signatures import SIGNATURES

    return SIGNATURES



class _Values(dict[str, str]):
    def __missing__(self, key: str) -> str:
        return ""


def _render(row: Signature, values: dict[str, str], provider: Optional[str],
            integration: Optional[str]) -> SignatureMatch:
    v = _Values({k: val for k, val in values.items() if val is not None})
    v["integration"] = integration or ""
    v["integration_or"] = integration or "the integration package"
    v.setdefault("cls_or", f"`{v['cls']}`" if v.get("cls") else "a model")
    v["move_install_or"] = v.get("move_install") or "nothing extra"
    v["pkg_or"] = v.get("pkg") or "a compiled package"
    v["dist"] = v.get("dist") or v.get("d1") or v.get("d2") or ""
    install = []
    for req in row.install:
        text = req.format_map(v).strip()
        for part in text.split():
            if part and part not in install:
                install.append(part)
    if row.reinstall and install:
        pip = "{python} -m pip install --force-reinstall " + shlex.join(install)
    elif install:
        pip = "{python} -m pip install -U " + shlex.join(install)
    else:
        pip = ""
    commands = tuple(c.format_map(v) for c in row.commands)
    if pip:
        commands = (pip, *commands)
    subject = row.subject.format_map(v) if row.subject else ""
    groups = tuple(sorted((k, val) for k, val in values.items()
                          if val and k != "integration" and not k.startswith("_")))
    return SignatureMatch(
        signature_id=row.id, kind=row.kind, severity=row.severity,
        title=row.title.format_map(v), explanation=row.explanation.format_map(v),
        fix_summary=row.fix_summary.format_map(v), fix_commands=commands, provider=provider,
        integration=integration, install=tuple(install), manual=row.manual and not pip,
        reinstall=row.reinstall and bool(install),
        groups=groups, subject=subject or None,
    )


def bare_name(exc_type: str) -> str:
    """``pydantic.errors.PydanticUserError`` -> ``PydanticUserError``."""
    return exc_type.strip().rsplit(".", 1)[-1]


def classify(exc_type: str, message: str, traceback_text: str = "") -> Optional[SignatureMatch]:
    """The first row of the table that fits this exception, rendered; None when no row does."""
    bare = bare_name(exc_type)
    msg = message[:_MAX_MESSAGE]
    tb = traceback_text[-_MAX_TRACEBACK:]
    for row in rows():
        if row.exc and bare not in row.exc:
            continue
        m = row.pattern.search(msg) if row.pattern is not None else None
        if row.pattern is not None and m is None:
            continue
        if row.context is not None and not row.context.search(tb):
            continue
        values: dict[str, str] = {k: v for k, v in (m.groupdict() if m else {}).items() if v is not None}
        values["exc"] = bare
        values["_tb"] = tb
        values["_msg"] = msg
        if row.derive is not None:
            extra = row.derive(values)
            if extra is None:
                continue
            values.update(extra)
        provider = row.provider or _provider_from(values, msg, exc_type)
        integration = _integration_from(values, exc_type, tb, provider)
        return _render(row, values, provider, integration)
    return None


def _provider_from(values: Mapping[str, str], message: str, exc_type: str) -> Optional[str]:
    var = values.get("var")
    if var and var in _KEY_VARS:
        return _KEY_VARS[var]
    named = _providers_named(message)
    if named:
        return named
    for m in _CLASS_IN_TEXT.finditer(message[:4000]):
        p = by_class(m.group(0))
        if p is not None:
            return p.name
    module = values.get("module") or values.get("top")
    if module:
        row = module_row(module)
        if row is not None:
            return row.name
        sdk = sdk_provider(module)
        if sdk:
            return sdk
    dist = values.get("dist")
    if dist:
        provider = provider_of(dist.lower().replace("_", "-"))
        if provider:
            return provider
    return provider_of_exception(exc_type)


def _integration_from(values: Mapping[str, str], exc_type: str, tb: str, provider: Optional[str]) -> Optional[str]:
    module = values.get("module")
    if module:
        row = module_row(module)
        if row is not None:
            return row.package
    for prefix, _prov in _EXC_MODULE_PROVIDER:
        if prefix.startswith("langchain_") and exc_type.startswith(prefix):
            return prefix.rstrip(".").replace("_", "-")
    found = integration_in(tb)
    if found:
        return found
    if provider and provider in BY_NAME:
        return BY_NAME[provider].package
    return None


def kinds_covered() -> frozenset[Kind]:
    """The contract kinds some row of the table produces."""
    return frozenset(s.kind for s in rows())
