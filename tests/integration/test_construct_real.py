"""A construction that fails only when the class is built (issue 15, family 13): langchain-community's BedrockChat
under a botocore that predates Bedrock. The notebook's own construction, with its literal arguments, is probed in
the real venv; `check --notebook` names it at its cell and line with a fix naming boto3/botocore and the floor, and
`fix --apply` on a private copy makes the real construction succeed."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor.inventory import scan
from packaging.version import Version

from tests.integration._helpers import clean_environ, run_doctor
from tests.realenv import installed_versions, named_venv, site_packages, venv_python

pytestmark = pytest.mark.integration

IMPORT = "from langchain_community.chat_models import BedrockChat\n"
BUILD = 'llm = BedrockChat(model_id="anthropic.claude-v2", region_name="us-east-1")\n'
# What the notebook's kernel would have: some AWS credentials (fake here; nothing reaches the network).
AWS = {"AWS_ACCESS_KEY_ID": "AKIDFAKEFAKEFAKE", "AWS_SECRET_ACCESS_KEY": "fake-secret-for-the-test"}


def _notebook(folder: Path) -> Path:
    path = folder / "bedrock.ipynb"
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None, "source": [line]}
             for line in ("import os\n", IMPORT, BUILD)]
    path.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    return path


def _build(venv: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(venv_python(venv)), "-c", IMPORT + BUILD], capture_output=True, text=True,
                          timeout=300, cwd=cwd, env={**clean_environ(), **AWS})


def _check(venv: Path, nb: Path) -> dict[str, Any]:
    code, data, err = run_doctor("check", "--python", str(venv_python(venv)), "--notebook", str(nb), "--format",
                                 "json", "--no-cache", cwd=nb.parent)
    assert code in (0, 1) and isinstance(data, dict), err
    return data


def test_bedrock_construction_under_old_botocore_is_named_and_fixed(tmp_path: Path) -> None:
    venv = named_venv("bedrock-botocore-old")
    versions = installed_versions(venv)
    assert (versions["botocore"], versions["boto3"], versions["langchain-community"]) == ("1.31.56", "1.28.56",
                                                                                          "0.0.38")
    nb = _notebook(tmp_path)
    real = _build(venv, tmp_path)
    assert real.returncode != 0 and "Unknown service: 'bedrock-runtime'" in real.stderr, real.stderr[-2000:]
    data = _check(venv, nb)
    built = [f for f in data["findings"] if f["code"] == "LCD705" and "BedrockChat" in f["subject"]]
    assert built, [(f["code"], f["title"]) for f in data["findings"]]
    f = built[0]
    assert f["kind"] == "version-skew" and "cell 3, line 1" in f["title"], f["title"]
    assert "bedrock-runtime" in f["title"] and "1.31.57" in f["title"]
    commands = " ".join(f["fix"]["commands"])
    assert "boto3>=1.28.57" in commands and "botocore>=1.31.57" in commands
    assert "bedrock.ipynb, cell 3, line 1: BedrockChat(model_id='anthropic.claude-v2', region_name='us-east-1')" \
        in f["evidence"], f["evidence"]
    # One cause, one finding: the static prediction (LCD702: botocore 1.31.56 has no bedrock-runtime data) is folded
    # into the probe's fact, not reported beside it.
    same = [x for x in data["findings"] if "botocore" in " ".join((x["fix"] or {}).get("commands", ()))]
    assert [x["code"] for x in same] == ["LCD705"], [(x["code"], x["title"]) for x in data["findings"]]
    assert "predicted from metadata too (LCD702): botocore 1.31.56 predates the `bedrock-runtime` service" \
        in f["evidence"], f["evidence"]
    # The plan holds a step for it (not a "cannot be fixed" line); applied to a private copy, the class builds.
    private = named_venv("bedrock-botocore-old", dest=tmp_path / "venv")
    rc, fixed, err = run_doctor("fix", "--python", str(venv_python(private)), "--notebook", str(nb), "--apply",
                                "--yes", "--format", "json", cwd=tmp_path, timeout=1200)
    assert isinstance(fixed, dict), err
    assert fixed["fix"]["applied"]["ok"] is True, fixed["fix"]
    assert any("botocore" in s["command"] for s in fixed["fix"]["plan"]["steps"]), fixed["fix"]["plan"]
    after = scan([str(site_packages(private))]).get("botocore")
    assert after is not None and after.version is not None and after.version >= Version("1.31.57"), after
    done = _build(private, tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    again = _check(private, nb)
    assert not [x for x in again["findings"] if x["code"] == "LCD705"], again["findings"]
