"""Real venvs for the failures of issue 15: each one reproduces the real failure, `check` names it (kind, subject,
fix), and the doctor's own fix commands, run in a private copy of the venv, make the failure go away."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.integration._helpers import NO_COMPILE, clean_environ, run_doctor
from tests.realenv import RealVenvError, named_venv, venv_python

pytestmark = pytest.mark.integration


def _run(py: Path, code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(py), "-c", code], capture_output=True, text=True, timeout=300,
                          env={**clean_environ(), **(env or {})})


def _check(venv: Path, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> dict[str, Any]:
    code, data, err = run_doctor("check", "--python", str(venv_python(venv)), "--format", "json", "--no-cache",
                                 *args, env=env, cwd=cwd)
    assert code in (0, 1), err
    assert isinstance(data, dict)
    return data


def _finding(data: dict[str, Any], code: str) -> dict[str, Any]:
    found = [f for f in data["findings"] if f["code"] == code]
    assert found, [(f["code"], f["title"]) for f in data["findings"]]
    return found[0]


def _apply(finding: dict[str, Any], shared: Path, private: Path) -> None:
    """Run the finding's fix commands against the private copy (its interpreter instead of the shared one's)."""
    old, new = str(venv_python(shared)), str(venv_python(private))
    for cmd in finding["fix"]["commands"]:
        argv = [new if a == old else a for a in shlex.split(cmd)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=600, env={**clean_environ(), **NO_COMPILE})
        assert done.returncode == 0, (cmd, done.stderr[-2000:])


def test_httpx_proxies_family_1(tmp_path: Path) -> None:
    venv = named_venv("httpx-proxies")
    construct = "import openai; openai.OpenAI(api_key='sk-test', base_url='http://127.0.0.1:9')"
    real = _run(venv_python(venv), construct)
    assert "unexpected keyword argument 'proxies'" in real.stderr
    f = _finding(_check(venv, "--no-probe"), "LCD702")
    assert f["kind"] == "version-skew" and f["subject"] == "openai" and f["provider"] == "openai"
    assert "openai>=1.55.3" in " ".join(f["fix"]["commands"]) and "httpx<0.28.0" in f["fix"]["summary"]
    # The probe sees it too, at construction, and names the same boundary.
    probed = _check(venv, "--provider", "openai")
    skew = [x for x in probed["findings"] if x["kind"] == "version-skew" and x["code"] == "LCD705"]
    assert skew and "openai>=1.55.3" in " ".join(skew[0]["fix"]["commands"]), probed["findings"]
    private = named_venv("httpx-proxies", dest=tmp_path / "venv")
    _apply(f, venv, private)
    assert _run(venv_python(private), construct).returncode == 0


def test_core_floor_family_2(tmp_path: Path) -> None:
    venv = named_venv("core-floor")
    real = _run(venv_python(venv), "import langchain.messages")
    assert "cannot import name 'InputTokenDetails'" in real.stderr
    # pip check is clean: langchain 1.0.3 declares langchain-core>=1.0.0
    assert subprocess.run([str(venv_python(venv)), "-m", "pip", "check"], capture_output=True).returncode == 0
    data = _check(venv, "--no-probe")
    f = next(x for x in data["findings"] if x["code"] == "LCD701" and x["subject"] == "langchain-core")
    assert f["kind"] == "version-skew" and "InputTokenDetails" in f["title"]
    assert "langchain-core>=1.0.2" in " ".join(f["fix"]["commands"])
    private = named_venv("core-floor", dest=tmp_path / "venv")
    _apply(f, venv, private)
    assert _run(venv_python(private), "import langchain.messages").returncode == 0


def test_known_bad_tenacity_family_3(tmp_path: Path) -> None:
    venv = named_venv("tenacity-bad")
    assert "No module named 'tenacity.asyncio'" in _run(venv_python(venv), "import tenacity").stderr
    f = _finding(_check(venv, "--no-probe"), "LCD703")
    assert f["kind"] == "known-bad-release" and "tenacity==8.4.1" in " ".join(f["fix"]["commands"])
    private = named_venv("tenacity-bad", dest=tmp_path / "venv")
    _apply(f, venv, private)
    assert _run(venv_python(private), "import tenacity").returncode == 0


def test_numpy_abi_family_5(tmp_path: Path) -> None:
    venv = named_venv("numpy-abi")
    assert "numpy.dtype size changed" in _run(venv_python(venv), "import pandas").stderr
    nb = tmp_path / "nb"
    nb.mkdir()
    (nb / "analysis.py").write_text("import pandas\n", encoding="utf-8")
    data = _check(venv, "--notebook", str(nb / "analysis.py"))
    f = next(x for x in data["findings"] if x["kind"] == "binary-incompatible")
    assert f["code"] == "LCD706" and "numpy" in f["fix"]["summary"] and "pandas" in " ".join(f["fix"]["commands"])
    private = named_venv("numpy-abi", dest=tmp_path / "venv")
    _apply(f, venv, private)
    assert _run(venv_python(private), "import pandas").returncode == 0


def test_typing_extensions_too_old_family_7(tmp_path: Path) -> None:
    # pydantic declares typing-extensions>=4.6.1 here, so pip check is not clean: version-conflict is the right
    # kind (the pip-clean variants of family 7 are explained from the thread texts).
    venv = named_venv("typing-ext-old")
    assert "cannot import name 'TypeAliasType'" in _run(venv_python(venv), "from pydantic import BaseModel").stderr
    data = _check(venv, "--no-probe")
    f = next(x for x in data["findings"] if x["subject"] in ("pydantic", "pydantic-core")
             and "typing-extensions" in " ".join(x["fix"]["commands"]))
    assert f["kind"] == "version-conflict"
    private = named_venv("typing-ext-old", dest=tmp_path / "venv")
    _apply(f, venv, private)
    assert _run(venv_python(private), "from pydantic import BaseModel").returncode == 0


def test_langchain_1_moves_family_9(tmp_path: Path) -> None:
    venv = named_venv("lc1-community-old")
    line = "from langchain.chains import LLMChain"
    assert "No module named 'langchain.chains'" in _run(venv_python(venv), line).stderr
    nb = tmp_path / "nb"
    nb.mkdir()
    (nb / "chain.py").write_text(line + "\n", encoding="utf-8")
    data = _check(venv, "--notebook", str(nb / "chain.py"))
    f = _finding(data, "LCD310")
    assert f["kind"] == "moved-api" and "langchain_classic.chains" in f["title"]
    assert "langchain-classic" in " ".join(f["fix"]["commands"])
    private = named_venv("lc1-community-old", dest=tmp_path / "venv")
    _apply(f, venv, private)
    assert _run(venv_python(private), "from langchain_classic.chains import LLMChain").returncode == 0


def test_missing_ca_bundle_family_10(tmp_path: Path) -> None:
    venv = named_venv("requests-only")
    missing = str(tmp_path / "corp-ca.pem")
    env = {"REQUESTS_CA_BUNDLE": missing}
    get = "import requests; requests.get('https://127.0.0.1:9', timeout=2)"
    assert "Could not find a suitable TLS CA certificate bundle" in _run(venv_python(venv), get, env).stderr
    f = _finding(_check(venv, "--no-probe", env=env), "LCD710")
    assert f["kind"] == "network-config" and f["subject"] == "REQUESTS_CA_BUNDLE"
    assert f["fix"]["commands"] == ["unset REQUESTS_CA_BUNDLE"]
    # The fix is a setting: unset it, and the TLS bundle error is gone (what remains is the closed port).
    after = _run(venv_python(venv), get, {})
    assert "CA certificate bundle" not in after.stderr and "ConnectionError" in after.stderr


def test_azure_api_version_family_11() -> None:
    venv = named_venv("healthy7")
    env = {"AZURE_OPENAI_ENDPOINT": "https://example-resource.openai.azure.com",
           "AZURE_OPENAI_API_KEY": "0123456789abcdef0123456789abcdef"}
    build = "from langchain_openai import AzureChatOpenAI; AzureChatOpenAI(azure_deployment='gpt-4o')"
    assert "api_version" in _run(venv_python(venv), build, env).stderr
    data = _check(venv, "--provider", "azure-openai", env=env)
    f = next(x for x in data["findings"] if x["subject"] == "OPENAI_API_VERSION")
    assert f["kind"] == "missing-config" and f["severity"] == "error"
    assert _run(venv_python(venv), build, {**env, "OPENAI_API_VERSION": "2024-10-21"}).returncode == 0


def test_protobuf_gencode_newer_than_runtime_family_6(tmp_path: Path) -> None:
    venv = named_venv("protobuf-gencode-newer")
    imp = "from google.rpc import status_pb2"
    real = _run(venv_python(venv), imp)
    assert "Detected mismatched Protobuf Gencode/Runtime major versions" in real.stderr
    assert "gencode 6.33.5 runtime 5.29.5" in real.stderr
    f = _finding(_check(venv, "--no-probe"), "LCD712")
    assert f["kind"] == "version-skew" and f["subject"] == "googleapis-common-protos"
    assert "6.33.5" in f["title"] and "protobuf>=6.33.5,<7" in " ".join(f["fix"]["commands"])
    # The probe sees it too when code imports a generated module, and names the same runtime.
    nb = tmp_path / "nb"
    nb.mkdir()
    (nb / "rpc.py").write_text(imp + "\n", encoding="utf-8")
    probed = _check(venv, "--notebook", str(nb / "rpc.py"))
    skew = [x for x in probed["findings"] if x["code"] == "LCD705"]
    assert skew and "6.33.5" in skew[0]["title"] and "protobuf>=6.33.5,<7" in " ".join(skew[0]["fix"]["commands"])
    # fix: a package step the plan can run (not "cannot be fixed automatically")
    private = named_venv("protobuf-gencode-newer", dest=tmp_path / "venv")
    _apply(f, venv, private)
    assert _run(venv_python(private), imp).returncode == 0


def test_protobuf_old_gencode_family_6(tmp_path: Path) -> None:
    venv = named_venv("protobuf-old-gencode")
    imp = "from google.rpc import status_pb2"
    assert "Descriptors cannot be created directly" in _run(venv_python(venv), imp).stderr
    # pip check is clean: googleapis-common-protos 1.56.0 declares protobuf>=3.12.0
    assert subprocess.run([str(venv_python(venv)), "-m", "pip", "check"], capture_output=True).returncode == 0
    f = _finding(_check(venv, "--no-probe"), "LCD712")
    assert f["kind"] == "version-skew" and f["subject"] == "googleapis-common-protos"
    assert "googleapis-common-protos>1.56.0" in " ".join(f["fix"]["commands"]) and "protobuf<4" in f["fix"]["summary"]
    private = named_venv("protobuf-old-gencode", dest=tmp_path / "venv")
    _apply(f, venv, private)
    assert _run(venv_python(private), imp).returncode == 0


def test_pydantic_v1_recursive_guard_on_python_313_family_4(tmp_path: Path) -> None:
    # pydantic 1.10.13 has a pure-Python wheel, so it installs on 3.13 without compiling; langchain-core 0.1.52
    # builds pydantic-v1 models with string annotations at import.
    try:
        venv = named_venv("pydantic-v1-py313")
    except RealVenvError as exc:
        if "no Python 3.13" in str(exc):
            pytest.skip("no Python 3.13 interpreter on this machine (pyenv or PATH)")
        raise
    imp = "import langchain_core.prompts"
    real = _run(venv_python(venv), imp)
    assert "ForwardRef._evaluate() missing 1 required keyword-only argument: 'recursive_guard'" in real.stderr
    f = _finding(_check(venv, "--no-probe"), "LCD704")
    assert f["kind"] == "python-incompatible" and f["subject"] == "pydantic"
    assert "pydantic>=1.10.16,<2" in " ".join(f["fix"]["commands"])
    # The probe of code that imports it names the same bound, from pydantic 1's own frames.
    nb = tmp_path / "nb"
    nb.mkdir()
    (nb / "prompts.py").write_text(imp + "\n", encoding="utf-8")
    probed = _check(venv, "--notebook", str(nb / "prompts.py"))
    seen = [x for x in probed["findings"] if x["code"] == "LCD708"]
    assert seen and "pydantic>=1.10.16,<2" in " ".join(seen[0]["fix"]["commands"]), probed["findings"]
    private = named_venv("pydantic-v1-py313", dest=tmp_path / "venv")
    _apply(f, venv, private)
    assert _run(venv_python(private), imp).returncode == 0
