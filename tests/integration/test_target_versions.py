"""The contract's target range, Python 3.9 to 3.13: discovery, inventory and probes work on both ends."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration._helpers import errors, run_doctor
from tests.realenv import _find_version, real_venv

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(("version", "requirement"), [
    ("3.9", "langchain-openai==0.3.28"),     # the last line that still supports 3.9
    ("3.13", "langchain-openai==1.7.4"),
])
def test_probe_on_both_ends_of_the_range(tmp_path: Path, version: str, requirement: str) -> None:
    if _find_version(version) is None:
        pytest.skip(f"no Python {version} on this machine")
    venv = real_venv([requirement], python=version)
    rc, data, _ = run_doctor("--python", str(venv), "--format", "json", cwd=tmp_path)
    assert data["target"]["python_version"].startswith(version + ".")
    assert errors(data) == [], errors(data)
    stages = {p["name"]: p["stages"] for p in data["providers"]}
    assert {k: stages["openai"][k] for k in ("import", "class", "construct")} == {
        "import": "ok", "class": "ok", "construct": "ok"}


@pytest.mark.parametrize(("version", "requirement"), [
    ("3.9", "langchain-openai==0.3.28"),
    ("3.13", "langchain-openai==1.7.4"),
])
def test_discovered_markers_are_packagings_own(tmp_path: Path, version: str, requirement: str) -> None:
    # Discovery computes the marker environment without importing platform; packaging's default_environment(),
    # run in the same target, is what pip evaluates requirements against.
    import ast
    import subprocess

    from langchain_doctor.target import discover

    from tests.realenv import venv_python

    if _find_version(version) is None:
        pytest.skip(f"no Python {version} on this machine")
    py = venv_python(real_venv([requirement], python=version))
    target = discover(str(py), cwd=tmp_path)
    done = subprocess.run([str(py), "-c", "from packaging.markers import default_environment as d; print(repr(d()))"],
                          capture_output=True, text=True, check=True, timeout=120)
    assert dict(target.markers) == ast.literal_eval(done.stdout.strip())
    assert target.version == ast.literal_eval(done.stdout.strip())["python_full_version"]
