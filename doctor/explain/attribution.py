"""Who and what an error is about: the provider, the integration package, the versions and interpreter in sight.

Sources, strongest first: the cell's code (a ``base_url`` host, the key variables it reads, its imports and chat
classes), the error's own words (an SDK's message, a key variable), the traceback's module paths.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Optional

from ..classify import integration_in, provider_for_var
from ..knowledge.providers import (
    BY_NAME,
    CHAT_CLASS_PATTERN,
    COMMUNITY_MODULES,
    INIT_CHAT_MODEL_NAMES,
    by_class,
    by_host,
    by_module,
    provider_of,
)

if TYPE_CHECKING:
    from ..knowledge.providers import Provider

_MAX_SCAN = 60_000

_URL_HOST = re.compile(r"https?://([A-Za-z0-9.\-]{1,200}(?::\d{1,5})?)")
_IMPORT = re.compile(r"\b(?:from|import)\s{1,8}(langchain_[a-z][a-z0-9_]{1,40})")
_CLASS_CALL = re.compile(r"\b(Chat[A-Z]\w{1,60})\s{0,4}\(")
_VAR = re.compile(r"\b[A-Z][A-Z0-9_]{2,60}\b")
_CLASS_NAME = re.compile(r"\b(" + CHAT_CLASS_PATTERN + r")\b")
# langchain-community keeps one module per provider: langchain_community/chat_models/openai.py.
_COMMUNITY = re.compile(r"langchain_community[/\\.](?:chat_models|embeddings|llms)[/\\.]([a-z_]{2,40})")
_INIT_CHAT = re.compile(r"init_chat_model\(\s{0,8}[\"']([a-z][a-z_\-]{1,40}):|model_provider\s{0,4}=\s{0,4}"
                        r"[\"']([a-z][a-z_\-]{1,40})[\"']")
_PYDANTIC_URL = re.compile(r"errors\.pydantic\.dev/(\d{1,2}\.\d{1,3})/")
_PY_SITE = re.compile(r"python(\d\.\d{1,2})[/\\]site-packages")
_DIST_PATH = re.compile(r"[/\\]((?:langchain|pydantic)[\w\-]{0,40}?)-(\d{1,4}(?:\.\d{1,6}){1,3})(?:\.dist-info|-py)")
# A venv or conda prefix in a traceback path: <prefix>/lib/pythonX.Y/site-packages/ or <prefix>\Lib\site-packages\.
_POSIX_PREFIX = re.compile(r"(/[^\s\"':,()]{1,300})/lib/python\d\.\d{1,2}$")
_WIN_PREFIX = re.compile(r"([A-Za-z]:\\[^\"':,()\n]{1,300})\\Lib$")


@dataclass(frozen=True)
class CodeFacts:
    """What a cell's code (or a block's text) says about providers."""

    host_provider: Optional[str] = None
    var_provider: Optional[str] = None
    import_packages: tuple[str, ...] = ()
    class_provider: Optional[str] = None


def _first(pattern: re.Pattern[str], text: str, name_of: Callable[[str], Optional[str]], group: int = 1
           ) -> Optional[str]:
    """The provider ``name_of`` gives for the first match of ``pattern`` in ``text`` that it recognises."""
    for m in pattern.finditer(text):
        name = name_of(m.group(group))
        if name:
            return name
    return None


def _name(p: Optional[Provider]) -> Optional[str]:
    return p.name if p is not None else None


def code_facts(code: str) -> CodeFacts:
    """Providers named by a base_url host, key variables, imports, chat classes or init_chat_model strings."""
    code = code[:_MAX_SCAN]
    host = _first(_URL_HOST, code, lambda h: _name(by_host(h)))
    var = _first(_VAR, code, provider_for_var, group=0) if "_" in code else None
    packages: list[str] = []
    for m in _IMPORT.finditer(code):
        for p in by_module(m.group(1)):
            if p.package not in packages:
                packages.append(p.package)
    cls = _first(_CLASS_CALL, code, lambda c: _name(by_class(c)))
    if cls is None:
        m2 = _INIT_CHAT.search(code)
        if m2 is not None:
            raw = m2.group(1) or m2.group(2)
            name = INIT_CHAT_MODEL_NAMES.get(raw, raw)
            cls = name if name in BY_NAME else None
    return CodeFacts(host, var, tuple(packages), cls)


def choose_provider(facts: CodeFacts, message_provider: Optional[str], traceback: str,
                    message: str = "") -> Optional[str]:
    """The provider of an error: the code's base_url host, the error's words, key vars, traceback, imports."""
    if facts.host_provider:
        return facts.host_provider
    if message_provider:
        return message_provider
    named = _first(_CLASS_NAME, message[:4000], lambda c: _name(by_class(c)))
    if named:
        return named
    if facts.var_provider:
        return facts.var_provider
    pkg = integration_in(traceback)
    if pkg and provider_of(pkg):
        return provider_of(pkg)
    community = _first(_COMMUNITY, traceback[-_MAX_SCAN:], _community_provider)
    if community:
        return community
    if facts.class_provider:
        return facts.class_provider
    return next((name for pkg in facts.import_packages if (name := provider_of(pkg))), None)


def _community_provider(module: str) -> Optional[str]:
    """The provider of a ``langchain_community`` chat module name, if it is one of ours."""
    name = COMMUNITY_MODULES.get(module, module)
    return name if name in BY_NAME else None


_FAMILY_FRAME = re.compile(r"(?:site|dist)-packages[/\\](langchain(?:_[a-z][a-z0-9_]{1,40})?)[/\\]")


def family_package_in(text: str) -> Optional[str]:
    """The LangChain-family distribution whose files the traceback runs through last (langchain-community...)."""
    found = None
    for m in _FAMILY_FRAME.finditer(text[-_MAX_SCAN:]):
        if m.group(1) != "langchain_core":
            found = m.group(1).replace("_", "-")
    return found


def choose_package(facts: CodeFacts, module_package: Optional[str], traceback: str,
                   provider: Optional[str]) -> Optional[str]:
    """The package an error is about: named by the error, in the traceback, imported, the provider's."""
    if module_package:
        return module_package
    pkg = integration_in(traceback)
    if pkg:
        return pkg
    pkg = family_package_in(traceback)
    if pkg:
        return pkg
    if facts.import_packages:
        if provider and provider in BY_NAME and BY_NAME[provider].package in facts.import_packages:
            return BY_NAME[provider].package
        return facts.import_packages[0]
    if provider and provider in BY_NAME:
        return BY_NAME[provider].package
    return None


def versions_seen(text: str) -> dict[str, str]:
    """Versions visible in the text: pydantic from its error URLs, Python and packages from site-packages paths."""
    out: dict[str, str] = {}
    text = text[-_MAX_SCAN:]
    m = _PYDANTIC_URL.search(text)
    if m:
        out["pydantic"] = m.group(1)
    m = _PY_SITE.search(text)
    if m:
        out["Python"] = m.group(1)
    for m in _DIST_PATH.finditer(text):
        out.setdefault(m.group(1).replace("_", "-").lower(), m.group(2))
    return out


def interpreter_seen(text: str) -> Optional[str]:
    """The interpreter of the environment whose site-packages the traceback shows (a venv or conda env)."""
    text = text[-_MAX_SCAN:]
    for sep, pattern in (("/", _POSIX_PREFIX), ("\\", _WIN_PREFIX)):
        idx = text.find(f"{sep}site-packages{sep}")
        if idx < 0:
            continue
        m = pattern.search(text[max(0, idx - 400):idx])
        if m is None:
            continue
        prefix = m.group(1)
        if sep == "\\":
            return f"{prefix}\\Scripts\\python.exe"
        if prefix in ("/usr", "/usr/local", "/opt/homebrew"):
            return None
        return f"{prefix}/bin/python"
    return None
