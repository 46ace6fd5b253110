"""``fix --apply`` on real virtual environments: the notebook's broken state repaired, a leftover folder removed,
a failing step reported honestly, and ``--online --dry-run`` changing nothing. Needs PyPI (pip/uv download)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from langchain_doctor.inventory import scan

from tests.integration._helpers import run_doctor
from tests.realenv import named_venv, real_venv, site_packages, uninstall_leaving_folder, venv_python

pytestmark = pytest.mark.integration

CONSTRUCT_BOTH = (
    "from langchain_openai import ChatOpenAI; ChatOpenAI(model='x', api_key='sk-fake'); "
    "from langchain_aws import ChatBedrock; ChatBedrock(model_id='x', region_name='us-east-1'); print('built')"
)


def _errors(data: dict[str, object]) -> list[str]:
    findings = data["findings"]
    assert isinstance(findings, list)
    return [f"{f['code']} {f['subject']}" for f in findings if f["severity"] == "error" and "ignored" not in f]


def _run_in(venv: Path, code: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k not in ("VIRTUAL_ENV",)}
    env.update({"AWS_ACCESS_KEY_ID": "AKIAFAKEFAKEFAKEFAKE", "AWS_SECRET_ACCESS_KEY": "fake-secret",
                "AWS_EC2_METADATA_DISABLED": "true", "OPENAI_API_KEY": "sk-fake"})
    return subprocess.run([str(venv_python(venv)), "-c", code], capture_output=True, text=True, env=env,
                          timeout=300)


def _versions(venv: Path) -> dict[str, str]:
    return {d.name: d.raw_version or "" for d in scan([str(site_packages(venv))]).by_name.values()}


def test_apply_repairs_the_notebooks_environment(tmp_path: Path) -> None:
    venv = named_venv("seed-broken", dest=tmp_path / "venv")
    assert _run_in(venv, CONSTRUCT_BOTH).returncode != 0  # broken to begin with
    # --timeout 60: probes import boto3 and openai; a loaded test machine must not turn slowness into a finding
    rc, data, err = run_doctor("fix", "--python", str(venv), "--apply", "--yes", "--format", "json",
                               "--timeout", "60", cwd=tmp_path, timeout=1200)
    assert isinstance(data, dict), err
    fix = data["fix"]
    assert fix["before"]["summary"]["error"] >= 2
    assert fix["plan"]["installer"] == "uv"  # realenv builds with uv: pyvenv.cfg has a uv line
    [step] = fix["plan"]["steps"]
    assert step["action"] == "install" and "--python" in step["command"]
    assert fix["applied"]["ok"] is True, fix["applied"]
    assert "LCD201 langchain-openai" in fix["comparison"]["resolved"]
    assert "LCD201 langchain-aws" in fix["comparison"]["resolved"]
    assert _errors(data) == [] and rc == 0, [f for f in data["findings"] if f["severity"] == "error"]
    # the check after is the fresh one: both providers import and construct in the probe
    stages = {p["name"]: p.get("stages", {}) for p in data["providers"]}
    assert stages["openai"].get("construct") == "ok" and stages["aws"].get("construct") == "ok", stages
    done = _run_in(venv, CONSTRUCT_BOTH)
    assert done.returncode == 0 and "built" in done.stdout, done.stderr[-2000:]
    # and a plain check agrees
    rc, data, _ = run_doctor("--python", str(venv), "--format", "json", "--timeout", "60", cwd=tmp_path)
    assert rc == 0 and _errors(data) == [], data["findings"]


def test_apply_removes_a_leftover_folder_with_pip(tmp_path: Path) -> None:
    venv = real_venv(["langchain-fireworks==1.7.1"], dest=tmp_path / "venv")
    cfg = venv / "pyvenv.cfg"
    # not uv-managed any more: the pip path of the fixer
    cfg.write_text("".join(ln for ln in cfg.read_text().splitlines(True) if not ln.startswith("uv")))
    leftover = uninstall_leaving_folder(venv, "langchain-fireworks", "langchain_fireworks")
    assert _run_in(venv, "from langchain_fireworks import ChatFireworks").returncode != 0
    rc, data, _ = run_doctor("--python", str(venv), "--format", "json", cwd=tmp_path)
    assert "LCD111" in {f["code"] for f in data["findings"]}

    rc, out, err = run_doctor("fix", "--python", str(venv), "--apply", "--yes", "--timeout", "60", cwd=tmp_path,
                              timeout=1200)
    assert isinstance(out, str)
    assert "with pip" in out and f"delete {leftover}" in out, out
    assert f"+ deleted {leftover}" in out and "installed langchain-fireworks" in out, out
    assert "Resolved: " in out and "LCD111" in out.split("Resolved: ", 1)[1]
    assert rc == 0, out + err
    done = _run_in(venv, "from langchain_fireworks import ChatFireworks; print(ChatFireworks.__name__)")
    assert done.returncode == 0 and "ChatFireworks" in done.stdout, done.stderr[-2000:]


def test_a_requirement_off_the_line_is_named_and_the_rest_is_repaired(tmp_path: Path) -> None:
    """A broken requirement asks for a langchain-core that would leave the 0.3 line (and does not exist): the plan
    names it as unfixable on this line instead of carrying the environment across; the rest is tried in a copy and
    applied, and the leftover folder that LCD114 could not judge before is named once the file list is readable.
    (A step that fails on the target, and its undo, is test_fix_holds_real's test_a_step_failing_halfway.)"""
    venv = real_venv(["langchain-core==0.3.0"], dest=tmp_path / "venv")
    sp = site_packages(venv)
    meta = sp / "langchain_text_splitters-0.3.0.dist-info"
    meta.mkdir()
    (meta / "METADATA").write_text("Metadata-Version: 2.1\nName: langchain-text-splitters\nVersion: 0.3.0\n"
                                   "Requires-Dist: langchain-core==99.0.0\n")
    leftover = sp / "langchain_fireworks"
    (leftover / "__pycache__").mkdir(parents=True)

    rc, out, err = run_doctor("fix", "--python", str(venv), "--apply", "--yes", cwd=tmp_path, timeout=1200)
    assert isinstance(out, str)
    assert rc == 1, out + err  # the leftover folder remains, now named
    assert "cannot be fixed on the 0.3 line: langchain-core==99.0.0 needs a release outside the 0.3 line" in out
    assert "'langchain-core>=0.3.39,<0.4'" in out and "99.0.0'" not in out.split("Not in the plan:")[0]
    assert "(cleaner)" in out and "Resolved: LCD101 langchain-text-splitters" in out
    assert "LCD111" in out and str(leftover) in out
    core = _versions(venv)["langchain-core"]
    assert core.startswith("0.3.") and core != "0.3.0", core  # repaired on its own line


def test_online_dry_run_shows_uvs_resolution_for_a_uv_made_venv_and_changes_nothing(tmp_path: Path) -> None:
    venv = named_venv("seed-broken")  # shared, made by uv (pyvenv.cfg has a uv line): must stay untouched
    before = _versions(venv)
    rc, data, err = run_doctor("fix", "--python", str(venv), "--online", "--dry-run", "--format", "json",
                               cwd=tmp_path, timeout=900)
    assert isinstance(data, dict), err
    dry = data["fix"]["dry_run"]
    assert dry["ok"] is True and dry["tool"] == "uv" and "pip install --dry-run --python" in dry["command"], dry
    moves = {m["name"]: m for m in dry["moves"]}
    assert moves["langchain-core"]["from"] == "0.3.0" and moves["langchain-core"]["to"].startswith("0.3."), moves
    assert moves["langchain-openai"]["from"] == "0.1.25", moves
    pv = data["fix"]["preview"]
    assert pv["source"] == "uv" and pv["exact"] is True
    assert {m["name"]: (m["from"], m["to"]) for m in pv["moves"]} == {
        n: (m["from"], m["to"]) for n, m in moves.items()}
    assert "would install langchain-core 0.3." in err and "(installed: 0.3.0)" in err and "Nothing was changed." in err
    assert _versions(venv) == before
    assert rc == 1  # the findings are still there
