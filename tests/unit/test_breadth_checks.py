"""Static checks of issue 15 on fake environments: symbol scan, boundaries, known-bad releases, Pythons, network."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from langchain_doctor._checks import compat_static, network, symbols
from langchain_doctor._checks._symbols import Scanner, exported
from langchain_doctor.context import Options
from langchain_doctor.model import Kind

from tests.fakeenv import FakeSite, make_env

if TYPE_CHECKING:
    from pathlib import Path

NO_CACHE = Options(use_cache=False)

CORE_101 = {
    "langchain_core/__init__.py": "",
    # lazy imports as langchain-core 1.x writes them: __getattr__ reads a module-level dict
    "langchain_core/messages/__init__.py": (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from langchain_core.messages.ai import AIMessage, UsageMetadata\n"
        "__all__ = ('AIMessage', 'UsageMetadata')\n"
        "_dynamic_imports = {'AIMessage': 'ai', 'UsageMetadata': 'ai'}\n"
        "def __getattr__(attr_name):\n    module_name = _dynamic_imports.get(attr_name)\n    return module_name\n"),
    "langchain_core/messages/ai.py": "class AIMessage: ...\nclass UsageMetadata: ...\n",
}
LANGCHAIN_103 = {
    "langchain/__init__.py": "",
    "langchain/messages/__init__.py": (
        "from langchain_core.messages import (\n    AIMessage,\n    InputTokenDetails,  # since core 1.0.2\n"
        "    UsageMetadata,\n)\n"
        "try:\n    from langchain_core.messages import NotThere\nexcept ImportError:\n    NotThere = None\n"
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from langchain_core.messages import AlsoNotThere\n"
        "def f():\n    from langchain_core.messages import InsideFunction\n"),
}


def _site(tmp_path: Path) -> FakeSite:
    site = FakeSite(tmp_path / "site-packages")
    site.root.mkdir(parents=True)
    return site


def test_symbol_scan_finds_a_floor_too_low_and_names_the_release(tmp_path: Path) -> None:
    site = _site(tmp_path)
    site.add("langchain-core", "1.0.1", modules=CORE_101)
    site.add("langchain", "1.0.3", ["langchain-core>=1.0.0"], modules=LANGCHAIN_103)
    found = list(symbols.run(make_env(site, options=NO_CACHE)))
    assert [f.code for f in found] == ["LCD701"]
    f = found[0]
    assert f.kind is Kind.VERSION_SKEW and f.subject == "langchain-core"
    assert "InputTokenDetails" in f.title and "NotThere" not in f.title and "InsideFunction" not in f.title
    assert "AlsoNotThere" not in f.title  # under TYPE_CHECKING: never runs
    assert f.fix is not None and "langchain-core>=1.0.2" in f.fix.commands[0]
    assert any("langchain/messages/__init__.py:1" in e for e in f.evidence)


def test_symbol_scan_is_silent_when_the_name_exists_or_the_module_is_unknowable(tmp_path: Path) -> None:
    site = _site(tmp_path)
    core = dict(CORE_101)
    core["langchain_core/messages/ai.py"] += "class InputTokenDetails: ...\n"
    core["langchain_core/messages/__init__.py"] = core["langchain_core/messages/__init__.py"].replace(
        "'UsageMetadata': 'ai'}", "'UsageMetadata': 'ai', 'InputTokenDetails': 'ai'}")
    site.add("langchain-core", "1.0.2", modules=core)
    site.add("langchain", "1.0.3", modules={k: v.replace("NotThere", "AIMessage").replace("AlsoAIMessage", "AIMessage")
                                            for k, v in LANGCHAIN_103.items()})
    assert list(symbols.run(make_env(site, options=NO_CACHE))) == []
    # A module whose __getattr__ reads no module-level dict cannot be listed: nothing is said.
    site2 = _site(tmp_path / "two")
    site2.add("langchain-core", "1.0.1", modules={
        "langchain_core/__init__.py": "",
        "langchain_core/messages/__init__.py": "import importlib\ndef __getattr__(name):\n"
                                              "    return getattr(importlib.import_module('.ai', __name__), name)\n"})
    site2.add("langchain", "1.0.3", modules=LANGCHAIN_103)
    assert list(symbols.run(make_env(site2, options=NO_CACHE))) == []


def test_symbol_scan_follows_an_indented_star_import(tmp_path: Path) -> None:
    """langchain-core 0.2's pydantic_v1 re-exports pydantic.v1 inside ``try:``: its names are pydantic's, not missing.

    Seen on a real venv (langchain-openai 0.1.25, langchain-core 0.2.43): before, the indented ``import *`` went
    unseen and BaseModel, Field and SecretStr were called missing while the probe imported and constructed.
    """
    site = _site(tmp_path)
    site.add("pydantic", "2.14.4", modules={"pydantic/__init__.py": "",
                                           "pydantic/v1/__init__.py": "class BaseModel: ...\nclass Field: ...\n"})
    site.add("langchain-core", "0.2.43", modules={
        "langchain_core/__init__.py": "",
        "langchain_core/pydantic_v1/__init__.py": (
            "try:\n    from pydantic.v1 import *  # noqa: F403\nexcept ImportError:\n    from pydantic import *\n")})
    site.add("langchain-openai", "0.1.25", ["langchain-core>=0.2.40,<0.3"], modules={
        "langchain_openai/__init__.py": "from langchain_core.pydantic_v1 import BaseModel, Field\n"})
    assert list(symbols.run(make_env(site, options=NO_CACHE))) == []
    # ... and a name that none of the star-imported modules has is still found missing.
    site.add("langchain-anthropic", "0.1.0", ["langchain-core>=0.2.40,<0.3"], modules={
        "langchain_anthropic/__init__.py": "from langchain_core.pydantic_v1 import NoSuchName\n"})
    found = list(symbols.run(make_env(site, options=NO_CACHE)))
    assert [f.code for f in found] == ["LCD701"] and "NoSuchName" in found[0].title


def test_symbol_scan_cache_is_keyed_by_file_fingerprint(tmp_path: Path) -> None:
    site = _site(tmp_path)
    site.add("langchain-core", "1.0.1", modules=CORE_101)
    env = make_env(site)
    scanner = Scanner()
    names = exported(scanner, (str(site.root),), "langchain_core.messages")
    assert names is not None and "UsageMetadata" in names and "InputTokenDetails" not in names
    parsed = scanner.parsed
    exported(scanner, (str(site.root),), "langchain_core.messages")
    assert scanner.parsed == parsed  # unchanged file: read from the cache
    (site.root / "langchain_core/messages/ai.py").write_text("class UsageMetadata: ...\nclass InputTokenDetails: ...\n")
    path = site.root / "langchain_core/messages/__init__.py"
    path.write_text(path.read_text() + "# InputTokenDetails\n")
    names = exported(scanner, (str(site.root),), "langchain_core.messages")
    assert names is not None and "InputTokenDetails" in names and scanner.parsed > parsed
    assert env.options.use_cache


def test_boundary_rows_httpx_and_known_bad_and_python(tmp_path: Path) -> None:
    site = _site(tmp_path)
    site.add("openai", "1.55.2", ["httpx<1,>=0.23.0"])
    site.add("httpx", "0.28.1")
    site.add("tenacity", "8.4.0")
    site.add("pydantic", "2.7.3")
    site.add("langchain-core", "0.2.43")
    env = make_env(site)
    env = replace(env, target=replace(env.target, version_info=(3, 12, 4)))
    found = {f.code: f for f in compat_static.run(env)}
    assert set(found) == {"LCD702", "LCD703", "LCD704"}
    assert found["LCD702"].subject == "openai" and "openai>=1.55.3" in found["LCD702"].fix.commands[0]  # type: ignore[union-attr]
    assert "tenacity==8.4.1" in found["LCD703"].fix.commands[0]  # type: ignore[union-attr]
    assert found["LCD704"].kind is Kind.PYTHON_INCOMPATIBLE and "pydantic>=2.7.4" in found["LCD704"].fix.commands[0]  # type: ignore[union-attr]


def test_boundary_rows_name_only_the_pair_across_a_boundary(tmp_path: Path) -> None:
    site = _site(tmp_path)
    site.add("openai", "1.55.3")
    site.add("httpx", "0.28.1")
    site.add("anthropic", "0.39.0")  # the one pair across its boundary (anthropic < 0.40.0 with httpx 0.28)
    site.add("tenacity", "8.4.1")
    site.add("pydantic", "2.7.3")  # Python 3.11: not concerned
    found = list(compat_static.run(make_env(site)))
    assert [(f.code, f.subject) for f in found] == [("LCD702", "anthropic")]


def test_ca_bundle_variables_and_no_proxy(tmp_path: Path) -> None:
    site = _site(tmp_path)
    good = tmp_path / "ca.pem"
    good.write_text("-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    env = make_env(site, environ={"REQUESTS_CA_BUNDLE": str(tmp_path / "missing.pem"), "SSL_CERT_FILE": str(good),
                                  "HTTPS_PROXY": "http://proxy:3128"}, needed=("ollama",))
    found = list(network.run(env))
    assert [(f.code, f.subject) for f in found] == [("LCD710", "REQUESTS_CA_BUNDLE"), ("LCD711", "NO_PROXY")]
    assert found[0].fix is not None and found[0].fix.commands == ("unset REQUESTS_CA_BUNDLE",)
    ok = make_env(site, environ={"HTTPS_PROXY": "http://proxy:3128", "NO_PROXY": "localhost,127.0.0.1"},
                  needed=("ollama",))
    assert list(network.run(ok)) == []
    no_local = make_env(site, environ={"HTTPS_PROXY": "http://proxy:3128"}, needed=("openai",))
    assert list(network.run(no_local)) == []
