"""The one door for subprocesses: every command the doctor runs goes through ``run``.

Tests that must not start processes replace ``RUNNER``; integration tests use real interpreters.
"""

from __future__ import annotations

import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Callable, Optional

# Output beyond this is dropped: a probe that prints megabytes must not exhaust the doctor's memory.
MAX_CAPTURE = 64 * 1024


@dataclass(frozen=True)
class Completed:
    """What a finished (or killed) process left behind."""

    argv: tuple[str, ...]
    returncode: Optional[int]
    """None when it was killed for running past its timeout."""
    stdout: str
    """At most MAX_CAPTURE characters (head), decoded leniently."""
    stderr: str
    """At most MAX_CAPTURE characters (tail, where tracebacks end), decoded leniently."""
    timed_out: bool
    duration: float
    stdout_truncated: bool = False
    stderr_truncated: bool = False


def _read_bounded(fh: "tempfile._TemporaryFileWrapper[bytes]", tail: bool) -> tuple[str, bool]:
    fh.flush()
    size = fh.seek(0, os.SEEK_END)
    truncated = size > MAX_CAPTURE
    fh.seek(max(0, size - MAX_CAPTURE) if tail else 0)
    data = fh.read(MAX_CAPTURE)
    return data.decode("utf-8", "replace"), truncated


def _kill_group(pgid: int) -> None:
    # The child ran in its own session: killing the group also ends grandchildren it left running.
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _run(
    argv: Sequence[str],
    *,
    timeout: float,
    cwd: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
    stdin: Optional[bytes] = None,
) -> Completed:
    start = time.monotonic()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        try:
            proc = subprocess.Popen(
                list(argv),
                cwd=cwd,
                env=dict(env) if env is not None else None,
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,
            )
        except OSError as exc:
            return Completed(tuple(argv), 127, "", f"{type(exc).__name__}: {exc}", False,
                             time.monotonic() - start)
        timed_out = False
        try:
            proc.communicate(input=stdin, timeout=timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
            _kill_group(proc.pid)
            proc.wait()
        finally:
            _kill_group(proc.pid)
        so, so_trunc = _read_bounded(out, tail=False)
        se, se_trunc = _read_bounded(err, tail=True)
    return Completed(
        tuple(argv), None if timed_out else proc.returncode, so, se, timed_out,
        time.monotonic() - start, so_trunc, se_trunc,
    )


Runner = Callable[..., Completed]
RUNNER: Runner = _run


def run(
    argv: Sequence[str],
    *,
    timeout: float,
    cwd: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
    stdin: Optional[bytes] = None,
) -> Completed:
    """Run ``argv`` in its own process group, bounded in time and captured output; never raises for the child."""
    return RUNNER(argv, timeout=timeout, cwd=cwd, env=env, stdin=stdin)
