"""The one door for subprocesses: every command the doctor runs goes through ``run``.

Tests that must not start processes replace ``RUNNER``; integration tests use real interpreters.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from typing import IO, TYPE_CHECKING, Callable, NamedTuple, Optional

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# Output beyond this is dropped: a probe that prints megabytes must not exhaust the doctor's memory.
MAX_CAPTURE = 64 * 1024


class Completed(NamedTuple):
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


def _scratch() -> IO[bytes]:
    """An anonymous file for a child's output: a memfd on Linux (no disk, no tempfile import), else a temp file."""
    if hasattr(os, "memfd_create"):
        try:
            return open(os.memfd_create("langchain-doctor", os.MFD_CLOEXEC), "w+b")  # noqa: SIM115 - closed by caller
        except OSError:  # e.g. a seccomp policy that forbids memfd_create
            pass
    import tempfile

    return tempfile.TemporaryFile()


def _read_bounded(fh: IO[bytes], tail: bool) -> tuple[str, bool]:
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


def _wait_watching(proc: subprocess.Popen[bytes], stdin: Optional[bytes], watch: str, idle: float) -> bool:
    """Wait while ``watch`` keeps growing; True (timed out) once it stalls for ``idle`` seconds."""
    if stdin is not None and proc.stdin is not None:
        try:
            proc.stdin.write(stdin)
            proc.stdin.close()
        except BrokenPipeError:
            pass
    last_size, last_change = -1, time.monotonic()
    while proc.poll() is None:
        try:
            size = os.path.getsize(watch)
        except OSError:
            size = -1
        now = time.monotonic()
        if size != last_size:
            last_size, last_change = size, now
        elif now - last_change > idle:
            return True
        time.sleep(0.02)
    return False


def _run(
    argv: Sequence[str],
    *,
    timeout: float,
    cwd: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
    stdin: Optional[bytes] = None,
    watch: Optional[str] = None,
) -> Completed:
    start = time.monotonic()
    with _scratch() as out, _scratch() as err:
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
            if watch is None:
                proc.communicate(input=stdin, timeout=timeout)
            else:
                timed_out = _wait_watching(proc, stdin, watch, timeout)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            if timed_out:
                _kill_group(proc.pid)
                proc.wait()
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
    watch: Optional[str] = None,
) -> Completed:
    """Run ``argv`` in its own process group, bounded in time and captured output; never raises for the child.

    With ``watch`` (a file the child appends progress to), ``timeout`` bounds the time without progress
    rather than the whole run: a probe working through many items is killed only when one of them hangs.
    """
    return RUNNER(argv, timeout=timeout, cwd=cwd, env=env, stdin=stdin, watch=watch)
