"""Notebooks checked against real venvs, with real folders next to them: what the cells would really do."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.integration._helpers import codes, run_doctor
from tests.realenv import named_venv, venv_python
from tests.unit.test_notebook import notebook

pytestmark = pytest.mark.integration

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_local_folder_standing_in_for_a_missing_package(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "nb.ipynb", "from langchain_fireworks import ChatFireworks\nChatFireworks(model='m')")
    (tmp_path / "langchain_fireworks" / "__pycache__").mkdir(parents=True)
    rc, data, _ = run_doctor("--python", str(named_venv("anthropic-03")), "--notebook", str(nb), "--format",
                             "json")
    fw = [f for f in data["findings"] if f["provider"] == "fireworks" and f["kind"] == "missing-package"]
    assert [f["code"] for f in fw] == ["LCD311"], data["findings"]
    assert fw[0]["subject"] == str(tmp_path / "langchain_fireworks")
    assert "notebook's folder" in fw[0]["title"]
    assert rc == 1


def test_local_file_hiding_an_installed_package(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "nb.ipynb", "from langchain_openai import ChatOpenAI")
    (tmp_path / "langchain_openai.py").write_text("# my scratch file\nX = 1\n")
    rc, data, _ = run_doctor("--python", str(named_venv("old-consistent-pyd2")), "--notebook", str(nb),
                             "--format", "json")
    [f] = [f for f in data["findings"] if f["code"] == "LCD304"]
    assert f["kind"] == "shadowed-module" and f["subject"] == str(tmp_path / "langchain_openai.py")
    assert f["provider"] == "openai"


def test_basecache_construction_failure(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "nb.ipynb", "from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model='gpt-4o')")
    rc, data, _ = run_doctor("--python", str(named_venv("basecache")), "--notebook", str(nb), "--format", "json")
    [f] = [f for f in data["findings"] if f["code"] == "LCD220"]
    assert "confirmed by probe" in f["evidence"] and "BaseCache" in f["evidence"]
    assert "langchain-core>=0.3.39" in f["fix"]["commands"][-1]
    stages = {p["name"]: p["stages"] for p in data["providers"]}
    assert {k: stages["openai"][k] for k in ("import", "class", "construct")} == {
        "import": "ok", "class": "ok", "construct": "error"}


def test_langchain_0x_imports_under_langchain_1(tmp_path: Path) -> None:
    nb = notebook(tmp_path / "nb.ipynb",
                  "from langchain.chains import LLMChain",
                  "from langchain.chat_models import ChatOpenAI",
                  "from langchain.schema import HumanMessage",
                  "from langchain.chat_models import init_chat_model")
    rc, data, _ = run_doctor("--python", str(named_venv("lc1-community-old")), "--notebook", str(nb), "--format",
                             "json")
    moved = {f["subject"]: f for f in data["findings"] if f["code"] == "LCD310"}
    assert set(moved) == {"langchain.chains", "langchain.chat_models.ChatOpenAI", "langchain.schema"}, data
    assert "langchain_classic.chains" in moved["langchain.chains"]["title"]
    assert "langchain-classic" in moved["langchain.chains"]["fix"]["commands"][-1]
    assert "from langchain_openai import ChatOpenAI" in moved["langchain.chat_models.ChatOpenAI"]["title"]
    assert "cell 1" in moved["langchain.chains"]["evidence"]


def test_seed_notebook_on_the_seed_environment(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "response-metadata.ipynb", tmp_path / "nb.ipynb")
    rc, data, _ = run_doctor("--python", str(named_venv("seed-broken")), "--notebook", str(tmp_path / "nb.ipynb"),
                             "--format", "json", "--no-cache")
    assert rc == 1
    by = {}
    for f in data["findings"]:
        by.setdefault(f["provider"], []).append(f)
    assert [f["code"] for f in by["openai"] if f["kind"] == "pydantic-schema"] == ["LCD201"]
    assert [f["code"] for f in by["aws"] if f["kind"] == "pydantic-schema"] == ["LCD201"]
    assert "__modify_schema__" in [f for f in by["openai"] if f["code"] == "LCD201"][0]["evidence"]
    assert "extra_fields_behavior" in [f for f in by["aws"] if f["code"] == "LCD201"][0]["evidence"]
    status = {p["name"]: p for p in data["providers"]}
    assert status["together"]["status"] == "error" and status["together"]["via"] == "openai"
    for name in ("anthropic", "mistralai", "groq", "fireworks", "google-vertexai"):
        assert "LCD103" in [f["code"] for f in by[name]], name
    assert all(p["needed"] for p in data["providers"] if p["name"] in by)
    [nb] = data["notebooks"]
    assert nb["env_vars"] == ["TOGETHER_API_KEY"] and nb["provider_packages"]["together"] == "langchain-openai"


def test_kernelspec_selects_the_interpreter(tmp_path: Path) -> None:
    venv = named_venv("a")
    spec = tmp_path / "jupyter" / "kernels" / "seed-env"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({"argv": [str(venv_python(venv)), "-m", "ipykernel_launcher",
                                                           "-f", "{connection_file}"], "language": "python"}))
    nb = notebook(tmp_path / "nb.ipynb", "from langchain_openai import ChatOpenAI", kernel="seed-env")
    rc, data, _ = run_doctor("--notebook", str(nb), "--format", "json", "--no-probe",
                             env={"JUPYTER_PATH": str(tmp_path / "jupyter")})
    assert data["target"]["selected_by"] == "notebook kernel"
    assert data["target"]["python"] == str(venv_python(venv))
    assert "LCD201" in codes(data)
