"""Trusted verdicts (issue 13) on real venvs: statuses from every stage, facts over predictions, the cache key."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.integration._helpers import run_doctor
from tests.realenv import named_venv

pytestmark = pytest.mark.integration


def test_a_failed_import_is_never_ok_in_any_format(tmp_path: Path) -> None:
    """langchain-anthropic 0.3.22 whose import fails only through the pydantic-core mismatch (LCD210, no provider)."""
    venv = named_venv("anthropic-pydcore-mismatch")
    args = ("--python", str(venv), "--no-cache")
    rc, data, _ = run_doctor(*args, "--format", "json", cwd=tmp_path)
    assert rc == 1
    [lcd210] = [f for f in data["findings"] if f["code"] == "LCD210"]
    assert lcd210["provider"] is None and "confirmed by probe" in lcd210["evidence"]
    [anthropic] = [p for p in data["providers"] if p["name"] == "anthropic"]
    assert anthropic["stages"]["import"] == "error"
    assert anthropic["status"] == "error" and anthropic["explained_by"] == ["LCD210"]

    _, console, _ = run_doctor(*args, cwd=tmp_path)
    [line] = [ln for ln in str(console).splitlines() if " anthropic " in ln and "import" in ln]
    assert line.startswith("[✗]") and "import ✗" in line and "LCD210" in line

    _, markdown, _ = run_doctor(*args, "--format", "markdown", cwd=tmp_path)
    [row] = [ln for ln in str(markdown).splitlines() if ln.startswith("| anthropic | langchain-anthropic")]
    assert "| error |" in row

    _, junit, _ = run_doctor(*args, "--format", "junit", cwd=tmp_path)
    root = ET.fromstring(str(junit))
    cases = [c for c in root.iter("testcase") if c.get("name") == "anthropic"
             and c.get("classname", "").endswith(".imports")]
    assert cases and cases[0].find("failure") is not None


@pytest.fixture(scope="module")
def uv_tool_doctor(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The doctor installed as a user does with ``uv tool install``: its own isolated venv and a bin folder."""
    import os
    import subprocess
    import sys

    from tests.realenv import CACHE_ROOT

    root = tmp_path_factory.mktemp("uv-tool")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH")}
    env.update(UV_TOOL_DIR=str(root / "tools"), UV_TOOL_BIN_DIR=str(root / "bin"),
               UV_CACHE_DIR=str(CACHE_ROOT / "uv-cache"), UV_PYTHON_DOWNLOADS="never", UV_NO_CONFIG="1")
    base = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    done = subprocess.run([sys.executable, "-m", "uv", "tool", "install", "--python", base,
                           str(Path(__file__).resolve().parents[2])], capture_output=True, text=True, env=env,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    assert (root / "tools" / "langchain-doctor" / "uv-receipt.toml").is_file()
    return root / "bin"


def _run_tool(bindir: Path, path: str, cwd: Path, *args: str) -> tuple[int, str, str]:
    import os
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH")}
    env.update(PATH=path, HOME=str(cwd), LANGCHAIN_DOCTOR_CACHE_DIR=str(cwd / "cache"))
    done = subprocess.run([str(bindir / "langchain-doctor"), *args], capture_output=True, text=True, env=env,
                          cwd=cwd, timeout=600)
    return done.returncode, done.stdout, done.stderr


def test_a_uv_tool_install_examines_the_python3_on_path_and_says_so(uv_tool_doctor: Path, tmp_path: Path) -> None:
    import json

    venv = named_venv("anthropic-pydcore-mismatch")
    rc, out, err = _run_tool(uv_tool_doctor, f"{uv_tool_doctor}:{venv / 'bin'}:/usr/bin:/bin", tmp_path,
                             "--format", "json", "--timeout", "60")
    data = json.loads(out)
    assert data["target"]["python"] == str(venv / "bin" / "python3")
    assert data["target"]["selected_by"] == "PATH"
    assert "`uv tool` environment" in data["target"]["reason"] and "given with" not in data["target"]["reason"]
    assert rc == 1 and "LCD210" in {f["code"] for f in data["findings"]}  # not a false green on its own venv


def test_a_uv_tool_install_with_no_python_on_path_exits_2(uv_tool_doctor: Path, tmp_path: Path) -> None:
    rc, out, err = _run_tool(uv_tool_doctor, str(uv_tool_doctor), tmp_path, "--no-probe")
    assert rc == 2 and out == ""
    [line] = err.strip().splitlines()
    assert "--python" in line and "uv tool" in line


def test_a_stale_copy_of_cores_metadata_is_lcd110_not_a_false_pydantic_schema_error(tmp_path: Path) -> None:
    """langchain-openai 0.3 and langchain-core 0.3, plus a stale copy of core's dist-info renamed to 0.2.43."""
    import shutil

    from tests.realenv import site_packages

    venv = named_venv("openai-03", dest=tmp_path / "venv")
    sp = site_packages(venv)
    [real] = sorted(sp.glob("langchain_core-0.3.*.dist-info"))
    stale = sp / "langchain_core-0.2.43.dist-info"
    shutil.copytree(real, stale)
    meta = stale / "METADATA"
    meta.write_text(re.sub(r"(?m)^Version: .*$", "Version: 0.2.43", meta.read_text(encoding="utf-8"), count=1),
                    encoding="utf-8")
    assert "Version: 0.2.43" in meta.read_text(encoding="utf-8")
    rc, data, err = run_doctor("--python", str(venv), "--format", "json", "--no-cache", cwd=tmp_path)
    assert isinstance(data, dict), err
    [lcd110] = [f for f in data["findings"] if f["code"] == "LCD110"]
    assert lcd110["subject"] == "langchain-core"
    assert lcd110["fix"]["commands"][0].endswith(stale.name)  # the stale copy is what goes, not the real one
    assert not [f for f in data["findings"] if f["kind"] == "pydantic-schema"], data["findings"]
    core = {p["name"]: p["version"] for p in data["packages"]}["langchain-core"]
    assert core.startswith("0.3.")  # the version actually imported, from the RECORD that owns the files
    [openai] = [p for p in data["providers"] if p["name"] == "openai"]
    # The probe imported and constructed ChatOpenAI: nothing about openai itself is wrong (LCD110 is the
    # environment's).
    assert openai["stages"]["construct"] == "ok" and openai["status"] == "ok"
