"""The GitHub Action run locally: its install step and its check step, taken from action.yml and run with bash
the way the runner would (RUNNER_TEMP, GITHUB_ACTION_PATH, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY set to temp files).
The script's pure parts (no processes) are tested in tests/unit/test_github_action.py.

The install step pip-installs a copy of this working tree into a fresh venv (the build backend comes from PyPI).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from tests.integration._helpers import CHECKOUT, copy_project
from tests.realenv import named_venv, real_venv, venv_python

_COPY = ("doctor", "checks", "scripts", "pyproject.toml", "README.md", "LICENSE", "action.yml")

NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
               "source": ["from langchain_openai import ChatOpenAI\n", "from langchain_aws import ChatBedrock\n"]}],
    "metadata": {}, "nbformat": 4, "nbformat_minor": 5,
}


# --- the action, run locally ---

def _steps() -> list[dict[str, Any]]:
    yaml_python = venv_python(real_venv(["pre-commit"]))  # pre-commit brings PyYAML
    done = subprocess.run([str(yaml_python), "-c", "import json, sys, yaml; "
                           "print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", str(CHECKOUT / "action.yml")],
                          capture_output=True, text=True, timeout=120, check=True)
    action = json.loads(done.stdout)
    assert action["runs"]["using"] == "composite"
    assert set(action["inputs"]) == {"python", "providers", "notebooks", "fail-on", "junit", "summary", "args",
                                     "version", "mode", "json", "artifact", "artifacts", "reports", "html"}
    steps: list[dict[str, Any]] = action["runs"]["steps"]
    return steps


def _outputs(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Run the install step once: the action's own copy of the doctor in a venv under RUNNER_TEMP."""
    root = tmp_path_factory.mktemp("action")
    action_path = root / "action"
    action_path.mkdir()
    copy_project(action_path, _COPY)
    steps = _steps()
    by_id = {s.get("id"): s for s in steps}
    install, check = by_id["install"], by_id["check"]
    # The other steps are GitHub's artifact actions, each only in its mode.
    others = [s for s in steps if s.get("id") not in ("install", "check")]
    assert sorted(s["uses"].split("@")[0] for s in others) == ["actions/download-artifact", "actions/upload-artifact"]
    assert all("inputs.mode" in s["if"] for s in others)
    outputs = root / "install-output"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env.update({"RUNNER_TEMP": str(root / "runner-temp"), "GITHUB_ACTION_PATH": str(action_path),
                "GITHUB_OUTPUT": str(outputs), "INPUT_VERSION": ""})
    (root / "runner-temp").mkdir()
    done = subprocess.run(["bash", "-c", install["run"]], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    python = _outputs(outputs)["python"]
    assert Path(python).is_file() and str(root / "runner-temp") in python
    return {"root": root, "action_path": action_path, "python": python, "check": check}


def _run_check(installed: dict[str, Any], workspace: Path, inputs: dict[str, str],
               path_prefix: str = "") -> tuple[int, str, str, dict[str, str], str]:
    step = installed["check"]
    run = step["run"].replace("${{ steps.install.outputs.python }}", installed["python"])
    assert "${{" not in run
    out_file, summary = workspace / "gh-output", workspace / "gh-summary.md"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH")}
    if path_prefix:
        env["PATH"] = path_prefix + os.pathsep + env.get("PATH", "")
    for key, expr in step["env"].items():
        name = re.fullmatch(r"\$\{\{ inputs\.([a-z-]+) \}\}", expr)
        assert name is not None and key == "INPUT_" + name.group(1).upper().replace("-", "_")
        env[key] = inputs.get(name.group(1), "")
    env.update({"GITHUB_ACTION_PATH": str(installed["action_path"]), "GITHUB_WORKSPACE": str(workspace),
                "GITHUB_OUTPUT": str(out_file), "GITHUB_STEP_SUMMARY": str(summary), "GITHUB_ACTIONS": "true",
                "NO_COLOR": "1"})
    done = subprocess.run(["bash", "-c", run], env=env, cwd=workspace, capture_output=True, text=True, timeout=900)
    return (done.returncode, done.stdout, done.stderr, _outputs(out_file) if out_file.exists() else {},
            summary.read_text() if summary.exists() else "")


@pytest.mark.integration
def test_action_reports_the_broken_environment(installed: dict[str, Any], tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    (workspace / "notebooks" / ".ipynb_checkpoints").mkdir(parents=True)
    (workspace / "notebooks" / "analysis.ipynb").write_text(json.dumps(NOTEBOOK, indent=1))
    # Jupyter's autosave copy: not a notebook of the project (a broken one would stop the run).
    (workspace / "notebooks" / ".ipynb_checkpoints" / "analysis-checkpoint.ipynb").write_text("not json")
    venv = named_venv("seed-broken")
    rc, out, err, outputs, summary = _run_check(installed, workspace, {
        "python": str(venv), "notebooks": "notebooks/*.ipynb", "providers": "openai,aws", "fail-on": "error",
        "junit": "reports/doctor.xml", "summary": "true"})
    assert rc == 1, out + err
    assert outputs["exit-code"] == "1" and outputs["junit"] == str(workspace / "reports" / "doctor.xml")
    root = ET.parse(workspace / "reports" / "doctor.xml").getroot()
    assert root.tag == "testsuites"
    failing = [c.find("failure").get("type") for c in root.iter("testcase")  # type: ignore[union-attr]
               if c.find("failure") is not None]
    assert failing.count("LCD201") == 2 and int(root.get("failures", "0")) == len(failing)
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["target.python"] == str(venv_python(venv))
    assert "LCD201" in summary and "|" in summary  # the Markdown report, with its tables
    # Annotations on the notebook lines that import each provider (line 1 of the cell is line 9 of the file).
    annotations = [ln for ln in out.splitlines() if ln.startswith("::error ") and "title=LCD201 " in ln]
    assert len(annotations) == 2, out
    assert {a.split(",title=")[0] for a in annotations} == {
        "::error file=notebooks/analysis.ipynb,line=9", "::error file=notebooks/analysis.ipynb,line=10"}
    assert "langchain-openai 0.1.25" in out  # the console report in the log


@pytest.mark.integration
def test_action_defaults_to_the_python_on_path(installed: dict[str, Any], tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    venv = named_venv("old-consistent-pyd2")  # consistent: nothing at error level without a notebook
    rc, out, err, outputs, summary = _run_check(installed, workspace, {"summary": "false", "args": "--timeout 60"},
                                                path_prefix=str(venv / "bin"))
    assert rc == 0, out + err
    assert outputs["exit-code"] == "0" and summary == ""
    root = ET.parse(workspace / "langchain-doctor-junit.xml").getroot()
    props = {p.get("name"): p.get("value") for p in root.iter("property")}
    assert props["target.python"] == str(venv / "bin" / "python3")
    assert root.get("failures") == "0"


@pytest.mark.integration
def test_action_summarize_mode_merges_the_matrix_jobs_reports(installed: dict[str, Any], tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    # Two matrix jobs, each writing its JSON report where the upload step would take it.
    for job, spec in (("py3.11-seed", "seed-broken"), ("py3.11-old", "old-consistent-pyd2")):
        rc, out, err, outputs, _ = _run_check(installed, workspace, {
            "python": str(named_venv(spec)), "json": f"artifacts/langchain-doctor-{job}/report.json",
            "summary": "false", "args": "--no-probe"})
        assert outputs["json"] == str(workspace / "artifacts" / f"langchain-doctor-{job}" / "report.json"), err
        assert json.loads(Path(outputs["json"]).read_text())["schema_version"] == 1
    rc, out, err, outputs, summary = _run_check(installed, workspace, {"mode": "summarize", "reports": "artifacts",
                                                                       "summary": "true"})
    assert rc == 1 and outputs["exit-code"] == "1", out + err
    assert "| langchain-doctor-py3.11-seed | 3.11.7 | ✓ | ✗ LCD201 |" in summary
    assert "| langchain-doctor-py3.11-old |" in summary and "### Problems" in summary
    assert "::error title=LCD201 langchain-openai::" in out
    page = Path(outputs["html"]).read_text()
    assert page.startswith("<!DOCTYPE html>") and "LCD201" in page
    rc, _, err, outputs, _ = _run_check(installed, workspace, {"mode": "summarize", "reports": "nothing/*.json"})
    assert rc == 2 and outputs["exit-code"] == "2" and err.count("\n") == 1


@pytest.mark.integration
def test_action_bad_input_is_exit_2_with_one_line(installed: dict[str, Any], tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    rc, out, err, outputs, _ = _run_check(installed, workspace, {"fail-on": "loud"})
    assert rc == 2
    assert err.count("\n") == 1 and err.startswith("langchain-doctor: ") and "loud" in err
    assert outputs == {"exit-code": "2"}
    assert "::error title=langchain-doctor::" in out
