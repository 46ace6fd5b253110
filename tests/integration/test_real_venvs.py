"""The foundation's scenarios on real virtual environments with real packages from PyPI."""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.integration._helpers import NO_COMPILE, check_snapshot, codes, errors, normalise, run_doctor
from tests.realenv import named_venv, uninstall_leaving_folder, venv_python

pytestmark = pytest.mark.integration


def test_a_openai_025_under_core_03_is_pydantic_schema(tmp_path: Path) -> None:
    venv = named_venv("a")
    rc, data, _ = run_doctor("--python", str(venv), "--format", "json", cwd=tmp_path)
    assert rc == 1
    [f] = [f for f in data["findings"] if f["code"] == "LCD201"]
    assert f["kind"] == "pydantic-schema" and f["provider"] == "openai" and f["subject"] == "langchain-openai"
    # static evidence and the probe's real exception, in one finding
    assert "requires langchain-core<0.3.0,>=0.2.40" in f["evidence"]
    assert "langchain_core.pydantic_v1" in f["evidence"]
    assert "__modify_schema__" in f["evidence"] and "confirmed by probe" in f["evidence"]
    assert not [g for g in data["findings"] if g["code"].startswith("LCD30")]
    check_snapshot("a-openai-0.1.25-core-0.3.0", normalise(data, venv))


def test_a_fix_repairs_it(tmp_path: Path) -> None:
    venv = named_venv("a", dest=tmp_path / "venv")
    rc, data, _ = run_doctor("--python", str(venv), "--format", "json", cwd=tmp_path)
    [cmd] = {f["fix"]["commands"][-1] for f in errors(data)}
    assert cmd.startswith(str(venv_python(venv)))
    subprocess.run(shlex.split(cmd), check=True, capture_output=True, timeout=600, env={**os.environ, **NO_COMPILE})
    rc, data, _ = run_doctor("--python", str(venv), "--format", "json", cwd=tmp_path)
    assert errors(data) == [], errors(data)
    stages = {p["name"]: p["stages"] for p in data["providers"]}
    assert {k: stages["openai"][k] for k in ("import", "class", "construct")} == {
        "import": "ok", "class": "ok", "construct": "ok"}
    done = subprocess.run([str(venv_python(venv)), "-c",
                           "from langchain_openai import ChatOpenAI; ChatOpenAI(model='x', api_key='sk-fake')"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_b_current_seven_integrations_have_no_error(tmp_path: Path) -> None:
    venv = named_venv("healthy7")
    rc, data, _ = run_doctor("--python", str(venv), "--format", "json", cwd=tmp_path)
    assert errors(data) == [], errors(data)
    assert rc == 0
    names = {p["name"]: p for p in data["providers"]}
    for name in ("openai", "anthropic", "google-vertexai", "aws", "mistralai", "groq", "fireworks"):
        assert names[name]["status"] in ("ok", "warning"), names[name]
        assert names[name]["stages"]["import"] == "ok"
        assert names[name]["stages"]["construct"] == "ok", (name, data["findings"])
    check_snapshot("b-healthy7", normalise(data, venv))


def test_c_stray_fireworks_folder_is_broken_install(tmp_path: Path) -> None:
    venv = named_venv("fireworks", dest=tmp_path / "venv")
    folder = uninstall_leaving_folder(venv, "langchain-fireworks", "langchain_fireworks")
    rc, data, _ = run_doctor("--python", str(venv), "--format", "json", cwd=tmp_path)
    assert rc == 1
    [f] = [f for f in data["findings"] if f["code"] == "LCD111"]
    assert f["kind"] == "broken-install" and f["provider"] == "fireworks" and f["subject"] == str(folder)
    assert f"rm -rf {folder}" in f["fix"]["commands"]
    check_snapshot("c-stray-fireworks", normalise(data, tmp_path / "venv"))


@pytest.mark.parametrize("name", ["old-consistent-pyd2", "old-consistent-pyd1"])
def test_d_consistent_older_sets_have_no_error(tmp_path: Path, name: str) -> None:
    venv = named_venv(name)
    rc, data, _ = run_doctor("--python", str(venv), "--format", "json", cwd=tmp_path)
    assert errors(data) == [], errors(data)
    assert rc == 0
    stages = {p["name"]: p["stages"] for p in data["providers"]}
    assert stages["openai"]["construct"] == "ok"
    check_snapshot(f"d-{name}", normalise(data, venv))


def test_known_issue_rows_against_real_venvs(tmp_path: Path) -> None:
    # LCD220: the failure really happens at construction, and the row says so first.
    rc, data, _ = run_doctor("--python", str(named_venv("basecache")), "--format", "json", cwd=tmp_path)
    [f] = [f for f in data["findings"] if f["code"] == "LCD220"]
    assert f["severity"] == "error" and "not fully defined" in f["evidence"]
    assert "confirmed by probe" in f["evidence"]
    # LCD221
    rc, data, _ = run_doctor("--python", str(named_venv("lc1-community-old")), "--format", "json", cwd=tmp_path)
    assert "LCD221" in codes(data)
    # LCD222: a warning only, since the probe shows it importing and constructing fine.
    rc, data, _ = run_doctor("--python", str(named_venv("lc1-mistral-02")), "--format", "json", cwd=tmp_path)
    [f] = [f for f in data["findings"] if f["code"] == "LCD222"]
    assert f["severity"] == "warning" and rc == 0
    assert {p["name"]: p["stages"] for p in data["providers"]}["mistralai"]["construct"] == "ok"


def test_static_only_does_not_start_probes(tmp_path: Path) -> None:
    rc, data, _ = run_doctor("--python", str(named_venv("a")), "--format", "json", "--no-probe", cwd=tmp_path)
    [f] = [f for f in data["findings"] if f["code"] == "LCD201"]
    assert "confirmed by probe" not in f["evidence"]
    assert all("import" not in p.get("stages", {}) for p in data["providers"])


def test_console_output_is_a_checklist(tmp_path: Path) -> None:
    rc, text, _ = run_doctor("--python", str(named_venv("seed-broken")), cwd=tmp_path, env={"NO_COLOR": "1"})
    assert "[✗] openai" in text and "[✗] aws" in text
    assert "LCD201" in text and "fix:" in text and "Summary: 2 error(s)" in text


@pytest.mark.parametrize("name", ["healthy7", "seed-broken", "old-consistent-pyd1"])
def test_inventory_agrees_with_importlib_metadata(name: str) -> None:
    # The inventory reads METADATA headers itself (start-up time); importlib-metadata is the reference.
    import importlib_metadata
    from langchain_doctor.inventory import scan
    from packaging.utils import canonicalize_name

    from tests.realenv import site_packages

    site = str(site_packages(named_venv(name)))
    ours = {d.name: d for d in scan([site]).dists}
    reference = list(importlib_metadata.distributions(path=[site]))
    assert len(reference) == len(ours) > 10
    for dist in reference:
        mine = ours[canonicalize_name(dist.metadata["Name"])]
        assert mine.raw_version == dist.version, mine.name
        assert list(mine.requires) == list(dist.requires or []), mine.name
        assert mine.problems == (), mine.name
