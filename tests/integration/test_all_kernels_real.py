"""check --all-kernels over real environments registered as Jupyter kernels, then summarize of its output.

Eight real venvs (hard-linked clones of the cached real venvs: tests/fleetenv.py) plus four broken kernels. The
50-environment run is measured in benchmarks/ (item fleet), not here: this keeps CI's cost to under a minute.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from tests.fleetenv import make_fleet
from tests.integration._helpers import clean_environ, run_doctor

pytestmark = pytest.mark.integration

COUNT = 8


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("fleet")
    made = make_fleet(root, COUNT)
    home = root / "home"
    home.mkdir()
    private_tmp = root / "tmp"  # probe folders apart from any other doctor run on the machine
    private_tmp.mkdir()
    env = {"TMPDIR": str(private_tmp), "JUPYTER_PATH": str(root / "jupyter"), "HOME": str(home), "JUPYTER_DATA_DIR": str(home / "jd"),
           "LANGCHAIN_DOCTOR_CACHE_DIR": str(root / "cache"), "PATH": "/usr/bin:/bin"}
    return {"root": root, "made": made, "env": env}


def rows(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["name"]: r for r in doc["matrix"]["rows"]}


def test_every_kernel_is_a_row_with_its_own_verdict(fleet: dict[str, Any], tmp_path: Path) -> None:
    rc, doc, err = run_doctor("check", "--all-kernels", "--format", "json", cwd=tmp_path, env=fleet["env"])
    assert isinstance(doc, dict), err
    by = rows(doc)
    assert set(by) == set(fleet["made"])
    assert rc == 1 and doc["exit_code"] == 1
    for name, what in fleet["made"].items():
        row = by[name]
        if what in ("seed-broken", "a"):
            # Each clone of the seed's state has its own LCD201, in its own report, with its own fix.
            assert row["cells"]["openai"]["status"] == "error" and row["cells"]["openai"]["code"] == "LCD201", row
            report = doc["reports"][row["report"]]
            fix = next(f["fix"] for f in report["findings"] if f["code"] == "LCD201")
            assert fix["commands"][-1].startswith(str(fleet["root"] / "envs" / name / "bin" / "python"))
        elif what == "pydcore-old-core":
            assert row["cells"]["environment"]["code"] == "LCD210"
        elif what == "stray-openai" or what == "stray folder":
            assert row["cells"]["openai"]["status"] == "error"
            assert row["cells"]["openai"]["code"] in ("LCD111", "LCD303"), row
        elif what == "interpreter deleted":
            assert not row["examined"] and "does not exist" in row["reason"]
        elif what == "not an interpreter":
            assert not row["examined"] and "does not run as Python" in row["reason"]
        elif what == "kernel.json of the wrong shape":
            assert not row["examined"] and "'argv'" in row["reason"]
        else:
            assert row["examined"], row.get("reason")
    # One problem groups the environments it affects, each with its own interpreter in the fix.
    [p] = [p for p in doc["matrix"]["problems"] if p["code"] == "LCD201" and p["subject"] == "langchain-openai"]
    names = sorted(e["name"] for e in p["environments"])
    assert names == sorted(n for n, w in fleet["made"].items() if w in ("seed-broken", "a"))
    assert len({e["fix"]["commands"][-1].split()[0] for e in p["environments"]}) == len(names)
    # A warm re-run over the unchanged environments is served by the shared fingerprint cache, same verdicts.
    rc2, warm, _ = run_doctor("check", "--all-kernels", "--format", "json", cwd=tmp_path, env=fleet["env"])
    assert isinstance(warm, dict) and rc2 == rc
    assert all(r.get("cache", {}).get("hit") for r in warm["reports"]), [r.get("cache") for r in warm["reports"]]
    assert warm["matrix"]["rows"] == doc["matrix"]["rows"] and warm["matrix"]["problems"] == doc["matrix"]["problems"]
    # summarize of that output draws the same matrix.
    out = tmp_path / "fleet.json"
    out.write_text(json.dumps(doc))
    done = subprocess.run([sys.executable, "-m", "langchain_doctor", "summarize", str(out), "--format", "json"],
                          capture_output=True, text=True, cwd=tmp_path, env={**clean_environ(), **fleet["env"]},
                          timeout=120)
    merged = json.loads(done.stdout)
    assert done.returncode == rc
    assert [r["name"] for r in merged["matrix"]["rows"]] == [r["name"] for r in doc["matrix"]["rows"]]
    assert [r.get("cells") for r in merged["matrix"]["rows"]] == [r.get("cells") for r in doc["matrix"]["rows"]]
    rc4, console, _ = run_doctor("check", "--all-kernels", cwd=tmp_path, env=fleet["env"])
    assert isinstance(console, str) and "✗ LCD201" in console and "not examined" in console


def test_all_environments_share_one_bound_on_probe_interpreters(fleet: dict[str, Any], tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """However many environments are examined at once, at most probe.SLOTS probe interpreters run together."""
    from langchain_doctor import probe
    from langchain_doctor.context import Options
    from langchain_doctor.fleet import run, sources

    live = 0
    peak = 0
    lock = threading.Lock()
    real = probe._run_batch_unbounded

    def counted(*args: Any, **kw: Any) -> Any:
        nonlocal live, peak
        with lock:
            live += 1
            peak = max(peak, live)
        try:
            return real(*args, **kw)
        finally:
            with lock:
                live -= 1

    monkeypatch.setattr(probe, "_run_batch_unbounded", counted)
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", fleet["env"]["TMPDIR"])
    env = {**clean_environ(), **fleet["env"], "LANGCHAIN_DOCTOR_CACHE_DIR": str(tmp_path / "cold")}
    cands = [c for c in sources.collect(env, conda=False) if c.python is not None and c.name != "not-python"]
    assert len(cands) > probe.SLOTS
    entries = run.examine(cands, Options(timeout=60.0, use_cache=False), environ=env, cwd=tmp_path,
                          workers=len(cands))
    assert [e.reason for e in entries if e.report is None] == [] and peak >= 1
    assert peak <= probe.SLOTS, (peak, probe.SLOTS)
