"""``%load_ext doctor`` and ``%langchain_doctor`` in a real IPython kernel started with jupyter_client.

The kernel runs in a test venv (ipykernel, jupyter-client and the doctor's dependencies from PyPI); the doctor
comes from this checkout through PYTHONPATH (a folder whose `langchain_doctor` links to `doctor/`), as an
editable install would provide it.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.realenv import import_root, real_venv, venv_python

pytestmark = pytest.mark.integration

KERNEL_VENV = ["ipykernel", "jupyter-client", "nbclient", "nbformat", "click>=8.1", "rich>=13", "packaging>=23",
               "importlib-metadata>=6.8"]

# Runs in the kernel venv: starts a kernel from the notebook's folder, runs each cell, prints what came back.
DRIVER = r'''
import json, sys
from jupyter_client.manager import start_new_kernel

cwd, env_json, cells_json = sys.argv[1], sys.argv[2], sys.argv[3]
km, kc = start_new_kernel(kernel_name="python3", cwd=cwd, env=json.loads(env_json), startup_timeout=120)
out = []
try:
    for code in json.loads(cells_json):
        got = {"code": code, "results": [], "displays": [], "streams": [], "errors": []}

        def hook(msg, got=got):
            kind, content = msg["msg_type"], msg["content"]
            if kind == "execute_result":
                got["results"].append(content["data"])
            elif kind == "display_data":
                got["displays"].append(content["data"])
            elif kind == "stream":
                got["streams"].append([content["name"], content["text"]])
            elif kind == "error":
                got["errors"].append([content["ename"], content["evalue"]])

        reply = kc.execute_interactive(code, timeout=300, output_hook=hook)
        got["status"] = reply["content"]["status"]
        out.append(got)
finally:
    kc.stop_channels()
    km.shutdown_kernel(now=True)
print("RESULT " + json.dumps(out))
'''


# Runs in the kernel venv: a notebook of these cells executed by nbclient, as `jupyter nbconvert --execute` would;
# prints each cell's outputs as nbformat stores them.
NB_DRIVER = r'''
import json, sys
import nbformat
from nbclient import NotebookClient

cwd, cells_json = sys.argv[1], sys.argv[2]
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in json.loads(cells_json)])
nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
               resources={"metadata": {"path": cwd}}).execute()
print("RESULT " + json.dumps([cell.outputs for cell in nb.cells]))
'''


def _execute_notebook(venv: Path, cwd: Path, cells: list[str]) -> list[list[dict[str, Any]]]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONHOME", "COLUMNS")}
    env["PYTHONPATH"] = str(import_root(cwd.parent))
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    driver = cwd.parent / "nb_driver.py"
    driver.write_text(NB_DRIVER)
    done = subprocess.run([str(venv_python(venv)), str(driver), str(cwd), json.dumps(cells)],
                          capture_output=True, text=True, timeout=900, cwd=str(cwd), env=env)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line is not None, done.stdout[-3000:] + done.stderr[-3000:]
    outputs: list[list[dict[str, Any]]] = json.loads(line[len("RESULT "):])
    return outputs


def _run_cells(venv: Path, cwd: Path, cells: list[str]) -> list[dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONHOME")}
    env["PYTHONPATH"] = str(import_root(cwd.parent))
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    driver = cwd.parent / "driver.py"
    driver.write_text(DRIVER)
    done = subprocess.run([str(venv_python(venv)), str(driver), str(cwd), json.dumps(env), json.dumps(cells)],
                          capture_output=True, text=True, timeout=900, cwd=str(cwd), env=env)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("RESULT ")), None)
    assert line is not None, done.stdout[-3000:] + done.stderr[-3000:]
    results: list[dict[str, Any]] = json.loads(line[len("RESULT "):])
    return results


@pytest.fixture(scope="module")
def kernel_venv() -> Path:
    return real_venv(KERNEL_VENV)


def test_magic_checks_the_kernels_interpreter_from_the_notebooks_folder(kernel_venv: Path, tmp_path: Path) -> None:
    nb = tmp_path / "notebooks"
    nb.mkdir()
    # settings next to the notebook: found because the magic works from the notebook's folder
    (nb / "pyproject.toml").write_text('[tool.langchain-doctor]\nproviders = ["openai"]\n')
    cells = [
        "%load_ext langchain_doctor",
        "import sys; sys.executable",
        "%langchain_doctor --format json --no-probe",
        "%langchain_doctor --no-probe",
        "%langchain_doctor --fail-on loud",
        "r = %langchain_doctor --no-probe\nr.exit_code, type(r.report).__name__",
    ]
    load, exe, as_json, as_console, bad, value = _run_cells(kernel_venv, nb, cells)
    assert load["status"] == "ok" and not load["errors"], load

    kernel_python = json.loads(exe["results"][0]["text/plain"].replace("'", '"'))
    assert Path(kernel_python) == venv_python(kernel_venv).absolute()

    assert as_json["status"] == "ok", as_json
    [data] = as_json["results"]
    report = data["application/json"]
    assert report["schema_version"] == 1
    assert report["target"]["python"] == kernel_python
    providers = {p["name"]: p for p in report["providers"]}
    assert providers["openai"]["needed"] is True  # from the pyproject.toml in the notebook's folder
    assert "LCD103" in {f["code"] for f in report["findings"]}
    assert json.loads(data["text/plain"])["target"]["python"] == kernel_python

    [rich] = as_console["results"]
    assert "<pre" in rich["text/html"] and "langchain-doctor" in rich["text/html"]
    assert kernel_python in rich["text/plain"] and "LCD103" in rich["text/plain"]

    assert bad["status"] == "ok" and not bad["errors"] and not bad["results"]  # a message, not a traceback
    stderr = "".join(text for name, text in bad["streams"] if name == "stderr")
    assert stderr.startswith("langchain-doctor: ") and "loud" in stderr and stderr.count("\n") == 1

    assert value["results"][0]["text/plain"] == "(1, 'Report')"


def test_under_nbclient_each_magic_cell_renders_once(kernel_venv: Path, tmp_path: Path) -> None:
    nb = tmp_path / "notebooks"
    nb.mkdir()
    cells = [
        "%load_ext langchain_doctor",
        "%langchain_doctor --no-probe --provider openai",
        "r = %langchain_doctor --no-probe --provider openai",
        "r.exit_code, type(r.report).__name__",
        "%langchain_doctor --no-probe --provider openai --format markdown",
    ]
    load, console_cell, assigned, value, markdown_cell = _execute_notebook(kernel_venv, nb, cells)
    assert load == []
    # One output: the execute result, HTML for front ends that show it and plain text for the others.
    [out] = console_cell
    assert out["output_type"] == "execute_result", console_cell
    html, plain = out["data"]["text/html"], out["data"]["text/plain"]
    assert html.count("<pre") == 1 and "LCD103" in html and "\x1b[" not in html
    assert "LCD103" in plain and "\x1b[" not in plain
    # `r = %langchain_doctor` keeps the report and prints nothing.
    assert assigned == []
    [result] = value
    assert result["data"]["text/plain"] == "(1, 'Report')"
    [md] = markdown_cell
    assert md["output_type"] == "execute_result" and "# langchain-doctor check" in md["data"]["text/markdown"]
