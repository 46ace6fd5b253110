"""Family 7, second half (issue 15): huggingface-hub 0.26 removed `cached_download`, which sentence-transformers
< 2.3.0 imports; neither declares the bound, so pip check is clean. A real venv (torch from the local CPU wheel, never
from PyPI): the real import fails, `check` names the kind and a fix naming sentence-transformers >= 2.3.0, the probe's
fact and the metadata's prediction are one finding, and the doctor's own fix, run in a private copy, makes the import
succeed.

The venv is heavy (torch; ~1.4 GB, 4 min to build with a cold uv cache on 2 busy cores), so it runs with
LANGCHAIN_DOCTOR_FULL_FIX_MATRIX=1, as the heavy venvs of the fix matrix do, and not in CI's budget.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from typing import TYPE_CHECKING, Any

import pytest

from tests.integration._helpers import clean_environ, run_doctor
from tests.realenv import SPECS, installed_versions, named_venv, venv_python

if TYPE_CHECKING:
    from pathlib import Path

NAME = "hf-cached-download"
IMPORT = "from sentence_transformers import SentenceTransformer"

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(os.environ.get("LANGCHAIN_DOCTOR_FULL_FIX_MATRIX") != "1",
                       reason="heavy venv (torch): LANGCHAIN_DOCTOR_FULL_FIX_MATRIX=1 runs it"),
    pytest.mark.skipif(bool(SPECS[NAME].get("unavailable")), reason=str(SPECS[NAME].get("unavailable"))),
]


def _run(py: Path, code: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(py), "-c", code], capture_output=True, text=True, timeout=600,
                          env={**clean_environ(), **(env or {})})


def _check(venv: Path, *args: str, cwd: Path | None = None) -> dict[str, Any]:
    code, data, err = run_doctor("check", "--python", str(venv_python(venv)), "--format", "json", "--no-cache",
                                 *args, cwd=cwd, timeout=600)
    assert code in (0, 1) and isinstance(data, dict), err
    return data


def _same_cause(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for f in data["findings"] if "sentence-transformers" in " ".join((f["fix"] or {}).get("commands", ()))]


def test_cached_download_removed_under_old_sentence_transformers(tmp_path: Path) -> None:
    venv = named_venv(NAME)
    versions = installed_versions(venv)
    assert versions["sentence-transformers"] == "2.2.2" and versions["huggingface-hub"] == "0.36.0"
    assert versions["torch"] == "2.13.0+cpu"  # the local wheel, not a build from PyPI
    real = _run(venv_python(venv), IMPORT)
    assert "cannot import name 'cached_download' from 'huggingface_hub'" in real.stderr, real.stderr[-2000:]
    # pip check is clean: sentence-transformers 2.2.2 declares huggingface-hub>=0.4.0
    assert subprocess.run([str(venv_python(venv)), "-m", "pip", "check"], capture_output=True).returncode == 0

    # Statically, from the boundaries table.
    [f] = _same_cause(_check(venv, "--no-probe"))
    assert f["code"] == "LCD702" and f["kind"] == "version-skew" and f["subject"] == "sentence-transformers"
    assert "sentence-transformers>=2.3.0" in " ".join(f["fix"]["commands"])
    assert "huggingface-hub<0.26.0" in f["fix"]["summary"]

    # With the probe importing what the code imports: the probe's fact, with the prediction folded in (one finding).
    nb = tmp_path / "nb"
    nb.mkdir()
    (nb / "embed.py").write_text(IMPORT + "\n", encoding="utf-8")
    probed = _check(venv, "--notebook", str(nb / "embed.py"), cwd=nb)
    [seen] = _same_cause(probed)
    assert seen["code"] == "LCD705" and seen["kind"] == "version-skew", probed["findings"]
    assert "cached_download" in seen["title"] and "sentence-transformers>=2.3.0" in " ".join(seen["fix"]["commands"])
    assert "predicted from metadata too (LCD702)" in seen["evidence"]

    # The doctor's fix, run against a private copy, makes the real import succeed. A constraint keeps pip from
    # ever replacing torch with a build from PyPI (the fix does not need it to).
    private = named_venv(NAME, dest=tmp_path / "venv")
    constraint = tmp_path / "keep-torch.txt"
    constraint.write_text(f"torch=={versions['torch']}\n", encoding="utf-8")
    old, new = str(venv_python(venv)), str(venv_python(private))
    for cmd in seen["fix"]["commands"]:
        argv = [new if a == old else a for a in shlex.split(cmd)]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=1200,
                              env={**clean_environ(), "PIP_CONSTRAINT": str(constraint)})
        assert done.returncode == 0, (cmd, done.stderr[-2000:])
    after = installed_versions_now(private)
    assert after["torch"] == versions["torch"]
    assert _run(venv_python(private), IMPORT).returncode == 0
    assert not _same_cause(_check(private, "--notebook", str(nb / "embed.py"), cwd=nb))


def installed_versions_now(venv: Path) -> dict[str, str]:
    """What the venv holds now (installed_versions reads what it held when built)."""
    out = _run(venv_python(venv), "import json, importlib.metadata as m; print(json.dumps({d.metadata['Name'].lower()"
               ": d.version for d in m.distributions()}))")
    import json

    return dict(json.loads(out.stdout))
