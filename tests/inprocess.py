"""The doctor's command line run inside the test process, as ``python -m langchain_doctor ARGS`` would run it.

A fresh interpreter for every run of the command line cost the fast tier about a third of its CPU (start-up and
the doctor's imports, 0.2-0.3 CPU-s a run) in tests that are about what a command reports, writes and caches,
not about the process. Those call ``run_doctor``: the same entry (``langchain_doctor.cli.main``, the command line's
guard included), the environment, working folder and standard streams the subprocess would have had, and the
exit status that ``python -m langchain_doctor`` turns ``SystemExit`` into. Everything is restored afterwards.
The probes still run in real interpreters (the doctor starts them, as always).

What only a process can show stays a real subprocess, at least once per command: the entry point's fast exit
and its flushing, interpreter start-up (``PYTHONPATH``, ``PYTHONIOENCODING``, locale, a closed descriptor), the
stdout encoding fallback, signals, and that the doctor's own process never imports LangChain.
"""

from __future__ import annotations

import io
import locale
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Optional, TextIO, Union

_SIGNALS = tuple(s for s in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)) if s is not None)


def _status(code: object) -> tuple[int, str]:
    """The exit status and stderr line the console entry makes of ``SystemExit(code)`` (doctor/__main__.py)."""
    if code is None:
        return 0, ""
    if isinstance(code, int):
        return code, ""
    from langchain_doctor.redact import for_process

    return 1, for_process().line(str(code)) + "\n"


def _stream(like: Optional[TextIO], default_errors: str) -> tuple[io.BytesIO, io.TextIOWrapper]:
    # A child's standard stream on a pipe has the encoding and error handler this process started with (the
    # locale's: UTF-8 and surrogateescape on stdout under C.UTF-8, backslashreplace on stderr).
    raw = io.BytesIO()
    encoding = getattr(like, "encoding", None) or locale.getpreferredencoding(False)
    errors = getattr(like, "errors", None) or default_errors
    return raw, io.TextIOWrapper(raw, encoding=encoding, errors=errors, write_through=True)


def _join_new_threads(before: set[threading.Thread]) -> None:
    # A process ends its threads when it exits. Here the run's background threads (``locate`` discovers the
    # target while a command starts, and may still be running when the command fails early) must end before the
    # next test runs: a doctor thread that outlived its run would still be starting processes in the next test
    # (and, in a process that plays the command line's part with the subreaper set, its sweep would kill that
    # test's own children).
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=300)
        if thread.is_alive():
            raise AssertionError(f"the doctor's thread {thread.name!r} outlived its run by five minutes")


def _text(data: bytes) -> str:
    # What subprocess.run(..., text=True) reads: the locale's encoding, strictly, with universal newlines.
    return data.decode(locale.getpreferredencoding(False)).replace("\r\n", "\n").replace("\r", "\n")


def run_doctor(args: Sequence[Union[str, Path]], *, env: Optional[Mapping[str, str]] = None,
               cwd: Optional[Union[str, Path]] = None, input: Optional[str] = None,
               ) -> subprocess.CompletedProcess[str]:
    """Run ``langchain-doctor ARGS`` in this process, with exactly ``env`` as its environment (this process's when
    None) and ``cwd`` as its working folder; standard input holds ``input`` (empty when None), not a terminal.

    Returns what ``subprocess.run([sys.executable, "-m", "langchain_doctor", *args], capture_output=True,
    text=True, env=env, cwd=cwd, input=input)`` would."""
    done = run_doctor_bytes(args, env=env, cwd=cwd, input=input)
    return subprocess.CompletedProcess(done.args, done.returncode, _text(done.stdout), _text(done.stderr))


def run_doctor_bytes(args: Sequence[Union[str, Path]], *, env: Optional[Mapping[str, str]] = None,
                     cwd: Optional[Union[str, Path]] = None, input: Optional[str] = None,
                     ) -> subprocess.CompletedProcess[bytes]:
    """``run_doctor`` with the output as bytes (``subprocess.run`` without ``text=True``)."""
    from langchain_doctor import cli

    argv = [str(a) for a in args]
    saved_env = dict(os.environ)
    saved_cwd = os.getcwd()
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_signals = {s: signal.getsignal(s) for s in _SIGNALS}
    threads_before = set(threading.enumerate())
    out, stdout = _stream(sys.__stdout__, "strict")
    err, stderr = _stream(sys.__stderr__, "backslashreplace")
    stdin = io.TextIOWrapper(io.BytesIO((input or "").encode(stdout.encoding)), encoding=stdout.encoding)
    try:
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        if cwd is not None:
            os.chdir(cwd)
        sys.stdin, sys.stdout, sys.stderr = stdin, stdout, stderr
        try:
            cli.main(argv)
            code: object = 0
        except SystemExit as exc:
            code = exc.code
        finally:
            _join_new_threads(threads_before)
        status, line = _status(code)
        stderr.write(line)
        stdout.flush()
        stderr.flush()
        return subprocess.CompletedProcess(["langchain-doctor", *argv], status, out.getvalue(), err.getvalue())
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.chdir(saved_cwd)
        os.environ.clear()
        os.environ.update(saved_env)
        for sig, handler in saved_signals.items():
            if handler is not None:
                signal.signal(sig, handler)
