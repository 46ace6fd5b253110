"""explain on errors produced right now by real packages in real venvs, and its fixes run for real.

Network: PyPI (venv builds, the fix's pip install) and loopback servers only.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_doctor.explain import explain_text
from langchain_doctor.model import Kind

from tests.fixtures.explain.generate import (
    ADC,
    GOOGLE_INVALID_RAPT,
    JUPYTER_VENV,
    NOTEBOOK_CELLS,
    SEED_BROKEN,
    Server,
)
from tests.integration._helpers import NO_COMPILE
from tests.realenv import named_venv, real_venv, uv_available, venv_python

pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not uv_available(), reason="uv is needed to build real venvs")]

CLEAN_ENV = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "PYTHONDONTWRITEBYTECODE": "1"}


def run_py(python: Path, code: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, cwd=cwd, timeout=300,
                          env={**CLEAN_ENV, "HOME": str(cwd), **env})


def test_seed_failure_explained_and_its_fix_works(tmp_path: Path) -> None:
    venv = real_venv(["langchain-openai==0.1.25"], then_no_deps=SEED_BROKEN, dest=tmp_path / "venv")
    py = venv_python(venv)
    broken = run_py(py, "from langchain_openai import ChatOpenAI", tmp_path)
    assert broken.returncode != 0
    report = explain_text(broken.stderr, environ={})
    (f,) = [f for f in report.findings if f.kind is Kind.PYDANTIC_SCHEMA]
    assert f.provider == "openai" and f.subject == "langchain-openai"
    assert f.fix is not None
    (command,) = f.fix.commands
    # The interpreter named by the traceback's site-packages paths is the venv's own.
    assert shlex.split(command)[0] == str(venv / "bin" / "python")
    done = subprocess.run(shlex.split(command), capture_output=True, text=True, timeout=900,
                          env={**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", **NO_COMPILE})
    assert done.returncode == 0, done.stderr[-2000:]
    fixed = run_py(py, "from langchain_openai import ChatOpenAI; print('ok')", tmp_path)
    assert fixed.returncode == 0 and fixed.stdout.strip() == "ok", fixed.stderr[-2000:]


def test_pydantic_core_mismatch_from_a_real_venv(tmp_path: Path) -> None:
    py = venv_python(named_venv("pydcore-old-core"))
    done = run_py(py, "import pydantic\nclass M(pydantic.BaseModel):\n    x: int\n", tmp_path)
    assert done.returncode != 0
    (f,) = explain_text(done.stderr, environ={}).findings
    assert f.kind is Kind.PYDANTIC_CORE_MISMATCH and f.fix is not None
    assert "pydantic-core" in f.fix.commands[0]


def test_tenacity_retry_storm_of_a_real_reauth(tmp_path: Path) -> None:
    """google-auth refreshing against a loopback token endpoint that says invalid_rapt, retried by tenacity."""
    py = venv_python(named_venv("healthy7"))
    adc = tmp_path / ".config" / "gcloud" / "application_default_credentials.json"
    adc.parent.mkdir(parents=True)
    adc.write_text(json.dumps(ADC))
    server = Server(400, GOOGLE_INVALID_RAPT)
    code = f"""
import logging, google.auth, google.auth.transport.requests
from tenacity import before_sleep_log, retry, stop_after_attempt, wait_fixed
logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s", level=logging.INFO)
creds, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/cloud-platform"])
creds = creds.with_token_uri("http://127.0.0.1:{server.port}/token")
@retry(stop=stop_after_attempt(5), wait=wait_fixed(0.02), reraise=True,
       before_sleep=before_sleep_log(logging.getLogger("calls"), logging.WARNING))
def refresh():
    creds.refresh(google.auth.transport.requests.Request())
refresh()
"""
    try:
        done = run_py(py, code, tmp_path, GCE_METADATA_HOST="127.0.0.1:9")
    finally:
        server.close()
    assert "Reauthentication is needed" in done.stderr
    errors = [f for f in explain_text(done.stderr, environ={}).findings if f.severity.value == "error"]
    (f,) = errors
    assert f.kind is Kind.REAUTH_REQUIRED and f.provider == "google-vertexai"
    assert "4 retries, 0.08 s lost" in f.title
    assert f.fix is not None and f.fix.commands == ("gcloud auth application-default login",)


def test_notebook_run_by_a_real_kernel(tmp_path: Path) -> None:
    venv = real_venv(JUPYTER_VENV["requirements"], then_no_deps=JUPYTER_VENV["then_no_deps"])
    py = venv_python(venv)
    nb = {"cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [], "source": s}
                    for s in NOTEBOOK_CELLS],
          "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
          "nbformat": 4, "nbformat_minor": 5}
    (tmp_path / "nb.ipynb").write_text(json.dumps(nb))
    code = ("import nbformat, nbclient; nb = nbformat.read('nb.ipynb', as_version=4); "
            "nbclient.NotebookClient(nb, timeout=300, kernel_name='python3', allow_errors=True).execute(); "
            "nbformat.write(nb, 'nb.ipynb')")
    done = run_py(py, code, tmp_path, PATH=f"{venv}/bin:/usr/bin:/bin", JUPYTER_PLATFORM_DIRS="1")
    assert done.returncode == 0, done.stderr[-2000:]
    result = subprocess.run([sys.executable, "-m", "langchain_doctor", "explain", str(tmp_path / "nb.ipynb"), "--format",
                             "json"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    found = {(f["kind"], f["provider"], f["evidence"].split(":")[0]) for f in json.loads(result.stdout)["findings"]}
    assert found == {("pydantic-schema", "openai", "cell 2"), ("missing-credential", "together", "cell 3"),
                     ("missing-package", "fireworks", "cell 4")}
