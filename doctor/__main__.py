"""``python -m doctor`` and the console script: ``--version`` answers before anything heavy is imported."""

from __future__ import annotations

import os
import sys


def main() -> None:
    """Entry point: the fast path for --version, else the click command line; ends the process itself."""
    if sys.argv[1:] == ["--version"]:
        from . import __version__

        sys.stdout.write(f"langchain-doctor {__version__}\n")
        raise SystemExit(0)
    if not _hosted():
        # A run lives for a fraction of a second and ends with os._exit: the cyclic collector only costs time
        # (38 collections, 6 ms of a static check, for ~500 objects freed). Left on when hosted: a kernel lives on.
        import gc

        gc.disable()
        # The process is the doctor's alone: what its probes leave behind comes back to it and is killed, and a
        # signal kills every child first. Hosted (a kernel's ``%run -m``), the children are the host's: left alone.
        from .subproc import own_process

        own_process()
    from .cli import main as cli_main

    try:
        cli_main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    _leave(code)


def _leave(code: object) -> None:
    """Flush and end the process without the interpreter's teardown.

    Tearing down the ~300 modules a run imports takes about 10 ms on every command, a tenth of a static
    check (measured: 13 ms from the last write to the exit seen by the shell, 3 ms with os._exit). mypy's
    command line ends the same way. Nothing is lost: every file the doctor writes is closed by then, its
    temporary folders are context-managed, its worker threads have been joined, and it registers no atexit
    handlers. Only the console entry points end this way, and not when the process is hosted (``_hosted``);
    ``doctor.cli.main`` (used in-process) never does.
    """
    status: int
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # SystemExit("message"): what the interpreter would print (redacted), and its exit status
        from .redact import for_process

        _say(for_process().line(str(code)))
        status = 1
    if _hosted():
        raise SystemExit(code)
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except BrokenPipeError:  # a closed pipe (``| head``): 120, as the interpreter's own exit gives
            status = 120
        except (OSError, ValueError) as exc:  # a full disk (/dev/full), an I/O error: the report is lost
            if stream is sys.stdout:
                _say(f"langchain-doctor: cannot write the output: {getattr(exc, 'strerror', None) or exc}")
                status = 2
            else:
                status = status or 2
    os._exit(status)


def _say(line: str) -> None:
    """One line on stderr, if stderr can take it."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def _hosted() -> bool:
    """True when this process is not only the doctor's, so that its exit must stay the interpreter's own.

    Under coverage, cProfile, pyinstrument or a debugger, whose reports are written at interpreter exit; in
    an IPython kernel (``%run -m doctor`` must not kill the notebook's kernel); with ``python -i``.
    """
    if sys.gettrace() is not None or sys.getprofile() is not None:
        return True
    if sys.flags.inspect or sys.flags.interactive:
        return True
    return any(name in sys.modules for name in ("IPython", "ipykernel"))


if __name__ == "__main__":
    main()
