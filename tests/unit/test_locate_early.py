"""The target's interpreter is started by the thread that asks, and read later: no thread competes with the
doctor's imports before the child even exists, and what the run would do anyway is done while the child answers.

Nothing here measures time: each test waits for an event (a file the child writes) with a generous bound, and
asserts on order and on results, so that a busy machine gives the same answers.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor import builtin, locate, runner, subproc
from langchain_doctor.context import Options
from langchain_doctor.target import TargetError


def _wait_for(path: Path, bound: float = 120.0) -> bool:
    """Whether ``path`` appears within ``bound`` seconds (a safety net, not a measurement)."""
    end = time.monotonic() + bound
    while time.monotonic() < end:
        if path.exists():
            return True
        time.sleep(0.01)
    return False


def test_start_runs_the_child_before_result_is_asked_for(tmp_path: Path) -> None:
    mark = tmp_path / "ran"
    code = f"import pathlib, sys; pathlib.Path({str(mark)!r}).write_text('x'); print('out'); sys.exit(3)"
    running = subproc.start([sys.executable, "-c", code], timeout=120)
    assert _wait_for(mark), "the child did not run before result() was called"
    done = running.result()
    assert (done.returncode, done.stdout.strip(), done.timed_out) == (3, "out", False)
    assert running.result() is done  # read once


def test_start_reads_what_run_reads(tmp_path: Path) -> None:
    code = "import sys; sys.stdout.write('a' * 200000); sys.stderr.write('tail')"
    started = subproc.start([sys.executable, "-c", code], timeout=120).result()
    ran = subproc.run([sys.executable, "-c", code], timeout=120)
    assert (started.returncode, started.stdout, started.stderr, started.stdout_truncated) == \
        (ran.returncode, ran.stdout, ran.stderr, ran.stdout_truncated)


def test_a_child_that_closes_its_pipes_and_lingers_is_still_waited_for(tmp_path: Path) -> None:
    code = "import os, time; os.close(1); os.close(2); time.sleep(0.3); raise SystemExit(5)"
    assert subproc.run([sys.executable, "-c", code], timeout=120).returncode == 5
    assert subproc.start([sys.executable, "-c", code], timeout=120).result().returncode == 5


def test_a_child_that_cannot_start_is_a_result_not_an_exception(tmp_path: Path) -> None:
    done = subproc.start([str(tmp_path / "missing")], timeout=10).result()
    assert done.returncode == 127 and "FileNotFoundError" in done.stderr


def test_a_replaced_runner_is_called_when_the_result_is_asked_for(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Sequence[str]] = []

    def fake(argv: Sequence[str], **kw: Any) -> subproc.Completed:
        calls.append(argv)
        return subproc.Completed(tuple(argv), 0, "fake", "", False, 0.0)

    monkeypatch.setattr(subproc, "RUNNER", fake)
    running = subproc.start(["anything"], timeout=1)
    assert calls == []
    assert running.result().stdout == "fake" and calls == [["anything"]]


def _options(python: str, **kw: Any) -> Options:
    return Options(python=python, probe=False, use_cache=False, **kw)


def test_without_notebooks_no_thread_is_started_and_the_child_answers_meanwhile(tmp_path: Path) -> None:
    threads = set(threading.enumerate())
    pending = locate.start(_options(sys.executable), dict(os.environ), tmp_path)
    assert set(threading.enumerate()) == threads
    assert pending.answering
    located = pending.result()
    assert not pending.answering
    assert Path(located.target.python).exists() and located.notebooks == ()
    assert pending.result() is located


def test_an_interpreter_that_is_no_interpreter_fails_in_result_not_in_start(tmp_path: Path) -> None:
    pending = locate.start(_options(str(tmp_path / "nowhere" / "python")), dict(os.environ), tmp_path)
    with pytest.raises(TargetError):
        pending.result()
    script = tmp_path / "fake-python"
    script.write_text("#!/bin/sh\nexit 9\n")
    script.chmod(0o755)
    pending = locate.start(_options(str(script)), dict(os.environ), tmp_path)
    assert pending.answering
    with pytest.raises(TargetError, match="exit 9"):
        pending.result()


def test_the_checks_are_imported_while_the_target_answers_when_they_will_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    real_checks = builtin.checks
    real_result = locate.Pending.result

    def checks() -> Any:
        events.append("checks")
        return real_checks()

    def result(self: locate.Pending) -> Any:
        events.append(f"result(answering={self.answering})")
        return real_result(self)

    monkeypatch.setattr(builtin, "checks", checks)
    monkeypatch.setattr(locate.Pending, "result", result)
    environ = {**os.environ, "LANGCHAIN_DOCTOR_CACHE_DIR": str(tmp_path / "cache")}
    runner.check(_options(sys.executable), environ=environ, cwd=tmp_path)
    assert events[:2] == ["checks", "result(answering=True)"]
    # With the cache on, a replayed report needs no check: nothing is imported before the answer.
    events.clear()
    runner.check(Options(python=sys.executable, probe=False, use_cache=True), environ=environ, cwd=tmp_path)
    assert events[0].startswith("result(")
