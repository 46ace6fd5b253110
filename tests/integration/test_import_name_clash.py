"""A PyPI project called ``doctor`` installed beside langchain-doctor cannot break it (issue 17, item 7).

The stand-in is a tiny local wheel holding ``doctor/__init__.py`` and ``doctor/__main__.py`` (what such a project
installs); both are installed with pip into one fresh venv, in both orders, then ``langchain-doctor --version``,
a check, the Python API and ``python -m langchain_doctor`` must still work, and the stand-in keeps its own module.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.integration._helpers import copy_project

pytestmark = pytest.mark.integration

_COPY = ("doctor", "checks", "pyproject.toml", "README.md", "LICENSE")


def _stand_in_wheel(folder: Path) -> Path:
    """``doctor-9.9.9-py3-none-any.whl``: a package named doctor that is not ours."""
    files = {
        "doctor/__init__.py": 'NAME = "the other doctor"\n',
        "doctor/__main__.py": 'print("the other doctor")\n',
        "doctor-9.9.9.dist-info/METADATA": "Metadata-Version: 2.1\nName: doctor\nVersion: 9.9.9\n",
        "doctor-9.9.9.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
                                        "Tag: py3-none-any\n",
    }
    record = []
    for name, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{name},sha256={digest},{len(text.encode())}")
    record.append("doctor-9.9.9.dist-info/RECORD,,")
    files["doctor-9.9.9.dist-info/RECORD"] = "\n".join(record) + "\n"
    wheel = folder / "doctor-9.9.9-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return wheel


@pytest.mark.parametrize("stand_in_first", [True, False])
def test_another_doctor_package_beside_it_breaks_nothing(tmp_path: Path, stand_in_first: bool) -> None:
    project = tmp_path / "langchain-doctor"
    project.mkdir()
    copy_project(project, _COPY)
    wheel = _stand_in_wheel(tmp_path)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    py = venv / "bin" / "python"
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}

    def pip(*args: str) -> None:
        done = subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args],
                              capture_output=True, text=True, timeout=900, env=env)
        assert done.returncode == 0, done.stderr[-3000:]

    for step in ([str(wheel)], [str(project)]) if stand_in_first else ([str(project)], [str(wheel)]):
        pip(*step)

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(argv), capture_output=True, text=True, timeout=300, env=env, cwd=tmp_path)

    version = run(str(venv / "bin" / "langchain-doctor"), "--version")
    assert version.returncode == 0 and version.stdout.startswith("langchain-doctor "), version.stderr
    check = run(str(venv / "bin" / "langchain-doctor"), "check", "--python", str(py), "--no-probe", "--no-cache",
                "--format", "json")
    assert check.returncode in (0, 1), check.stderr
    report = json.loads(check.stdout)
    assert report["target"]["python"] == str(py)
    assert "doctor" in {p["name"] for p in report["packages"]}  # the stand-in is just another package there
    module = run(str(py), "-m", "langchain_doctor", "list-checks", "LCD201")
    assert module.returncode == 0 and module.stdout.startswith("LCD201 "), module.stderr
    api = run(str(py), "-c", "import langchain_doctor, doctor; print(langchain_doctor.__version__, doctor.NAME)")
    assert api.returncode == 0 and api.stdout.strip().endswith("the other doctor"), api.stderr
    # `python -m doctor` is the other project's: the doctor does not claim that name.
    other = run(str(py), "-m", "doctor")
    assert other.stdout.strip() == "the other doctor"
