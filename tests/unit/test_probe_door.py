"""The probe door without real interpreters: result lines the target cannot forge, the shared bound, --timeout."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from langchain_doctor import probe, subproc
from langchain_doctor.cli import main
from langchain_doctor.probe import Item, Result


def _batch(results: dict[str, Result]) -> probe._Batch:
    return probe._Batch("t0ken", [Item("a", "import", module="m"), Item("b", "import", module="n")], results, 2.0)


@pytest.mark.parametrize("line", [
    b"not json", b'wrong {"id": "a", "status": "ok"}', b'{"id": "a", "status": "ok"}', b"t0ken [1, 2]",
    b't0ken {"id": 5, "status": "ok"}', b't0ken {"id": "zz", "status": "ok"}', b't0ken {"id": "a", "status": "good"}',
    b't0ken {"status": "ok"}', b"t0ken " + b"[" * 100_000,
])
def test_forged_or_malformed_lines_are_ignored(line: bytes) -> None:
    results: dict[str, Result] = {}
    b = _batch(results)
    b.line(line)
    assert results == {} and b.forged == 1


def test_wrong_types_in_a_tokened_line_become_safe_defaults() -> None:
    results: dict[str, Result] = {}
    b = _batch(results)
    b.line(b"t0ken " + json.dumps({"id": "a", "status": "error", "frames": 5, "duration": "x", "warnings": [1, {"a": 2}],
                                   "origin": "here", "http": [], "message": {"k": 1}}).encode())
    r = results["a"]
    assert (r.frames, r.duration, r.origin, dict(r.http)) == ((), 0.0, None, {})
    assert r.warnings == ({"a": "2"},) and r.message == "{'k': 1}"
    b.line(b't0ken {"id": "a", "status": "ok"}')  # a second result for the same item cannot replace the first
    assert results["a"].status == "error"


def test_timeouts_and_crashes_are_never_cacheable() -> None:
    assert {s for s in ("ok", "error", "skipped", "crashed", "timeout") if Result("x", s).transient} == {
        "crashed", "timeout"}


def test_the_bound_on_probe_interpreters_is_shared_by_every_run(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Any) -> None:
    lock = threading.Lock()
    now = peak = 0
    gate = threading.Event()

    def fake(argv: Any, *, timeout: float, cwd: Any = None, env: Any = None, stdin: Any = None,
             channel: Any = None) -> subproc.Completed:
        nonlocal now, peak
        with lock:
            now += 1
            peak = max(peak, now)
        gate.wait(0.05)
        job = json.loads(stdin)
        for item in job["items"]:
            channel.line(f"{job['token']} {json.dumps({'id': item['id'], 'status': 'ok'})}".encode())
        with lock:
            now -= 1
        return subproc.Completed(tuple(argv), 0, "", "", False, 0.0)

    monkeypatch.setattr(subproc, "RUNNER", fake)
    monkeypatch.setattr(probe, "USE_NETNS", False)
    seen: list[str] = []

    class T:
        python = "python"

    def one(n: int) -> None:
        batches = [[Item(f"{n}:{i}", "import", module="json")] for i in range(10)]
        probe.run(T(), batches, cwd=str(tmp_path), environ={}, timeout=5, workers=10,  # type: ignore[arg-type]
                  on_result=lambda r: seen.append(r.id))

    threads = [threading.Thread(target=one, args=(n,)) for n in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 50 and peak <= probe.SLOTS
    assert probe.running() == ()


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "-1", "0", "1e9"])
def test_timeout_must_be_a_finite_positive_number(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["check", "--no-probe", "--timeout", value])
    assert exc.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--timeout" in err[0]


def test_the_facts_say_which_network_block_held(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe.sys, "platform", "linux")
    monkeypatch.setattr(probe, "USE_SECCOMP", True)
    sealed = {"a": Result("a", "ok", network_filter="seccomp"), "b": Result("b", "timeout")}
    assert probe.facts(sealed)["network_filter"] == "seccomp"
    refused = {"a": Result("a", "ok", network_filter="unavailable: seccomp refused the filter: Invalid argument")}
    assert probe.facts(refused)["network_filter"].startswith("unavailable: seccomp refused")
    assert probe.facts({"a": Result("a", "crashed")})["network_filter"] == "unknown"
    monkeypatch.setattr(probe.sys, "platform", "darwin")
    assert probe.facts(sealed)["network_filter"] == "unavailable: no seccomp on this system"


def test_a_result_line_carries_the_loaded_files_bounded() -> None:
    results: dict[str, Result] = {}
    b = _batch(results)
    b.line(b"t0ken " + json.dumps({"id": "a", "status": "ok", "filter": "seccomp",
                                   "loaded": ["/site/m.py", 5, "", "/x" * 5000, "/site/n.so"]}).encode())
    r = results["a"]
    assert r.loaded == ("/site/m.py", "/site/n.so") and not r.loaded_truncated and r.network_filter == "seccomp"
    b.line(b"t0ken " + json.dumps({"id": "b", "status": "ok", "loaded": "/not/a/list", "loaded_truncated": 1}).encode())
    assert results["b"].loaded == () and results["b"].loaded_truncated


def test_the_filter_is_asked_only_for_offline_jobs_on_linux(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(probe.sys, "platform", "linux")
    monkeypatch.setattr(probe, "USE_SECCOMP", True)
    prefix = probe._filter_prefix(False)
    assert prefix[:4] == [probe.sys.executable, "-I", "-S", "-c"] and "PR_SET_SECCOMP" in prefix[4]
    assert probe._filter_prefix(True) == []  # smoke calls and credential snippets have the network
    monkeypatch.setattr(probe.sys, "frozen", True, raising=False)
    assert probe._filter_prefix(False) == []
    assert probe.facts({"a": Result("a", "ok")})["network_filter"].startswith("unavailable: no plain interpreter")
    monkeypatch.setattr(probe.sys, "platform", "darwin")
    assert probe._filter_prefix(False) == []
