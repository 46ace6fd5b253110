"""The one door for subprocesses: every command the doctor runs goes through ``run``.

Limits that do not trust the child:

- Output is read from pipes while the child runs and kept up to :data:`MAX_CAPTURE` bytes per stream (the head of
  stdout, the tail of stderr); the rest is read and dropped, so a flood costs time, never memory, and no file.
- The child runs in its own session; when it ends or is killed, its process group is killed too. On Linux the
  doctor's command line is also a child subreaper (``PR_SET_CHILD_SUBREAPER``, :func:`own_process`): a descendant
  that escapes the group (``setsid``, a double fork) is re-parented to the doctor, not to init, and :func:`sweep`
  kills it. On other systems only the process group is killed: a descendant that calls ``setsid`` there outlives
  the probe. The same holds where the doctor is a guest in someone else's process (``langchain_doctor.check()``,
  the IPython magic, ``%run -m``): there every child that is not the doctor's is the host's, so the doctor neither
  becomes the reaper nor sweeps, and leaves the host's signal handlers alone.
- An optional :class:`Channel` receives the child's results over an inherited pipe (no file the child could find
  by name) and decides, every tick, whether the child may go on (per-item deadlines live there).
- :func:`install_signal_cleanup` makes SIGINT/SIGTERM/SIGHUP kill every child (and sweep) before the doctor exits;
  only :func:`own_process` (the console entry points) installs it.

Tests that must not start processes replace ``RUNNER``; integration tests use real interpreters.
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from typing import TYPE_CHECKING, Callable, NamedTuple, Optional, Protocol, Union

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

# Output beyond this is dropped: a probe that prints megabytes must not exhaust the doctor's memory.
MAX_CAPTURE = 64 * 1024
# A channel (the probe's results) may send at most this much in all, and no line longer than MAX_LINE.
MAX_CHANNEL = 32 * 1024 * 1024
MAX_LINE = 4 * 1024 * 1024
_TICK = 0.05


class Completed(NamedTuple):
    """What a finished (or killed) process left behind."""

    argv: tuple[str, ...]
    returncode: Optional[int]
    """None when it was killed (timeout, or a channel's verdict)."""
    stdout: str
    """At most MAX_CAPTURE bytes (head), decoded leniently."""
    stderr: str
    """At most MAX_CAPTURE bytes (tail, where tracebacks end), decoded leniently."""
    timed_out: bool
    duration: float
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    killed: str = ""
    """Why the doctor killed the child ("" when it ended by itself or on the plain timeout)."""


class Channel(Protocol):
    """A results pipe from the child, and the judge of whether it may keep running."""

    def line(self, data: bytes) -> None:
        """One complete line the child sent (without the newline)."""

    def verdict(self, pid: int, now: float) -> Optional[str]:
        """Called every tick: a reason to kill the child now, or None to let it run."""


# ---- descendants ----------------------------------------------------------------------------------------------

_LOCK = threading.Lock()
_LIVE: dict[int, subprocess.Popen[bytes]] = {}
_subreaper: Optional[bool] = None
_owner = False


def own_process() -> None:
    """This process is the doctor's alone (a console entry point, not a host that imported it): every child it has
    is one the doctor started. Become the reaper of orphaned descendants, and kill every child on SIGINT, SIGTERM
    and SIGHUP. Never called in a host's process: there the sweep would kill the host's own children (a notebook
    kernel's), and the subreaper would leave the host its other children's orphans to reap. The subreaper itself
    is set when the first child is started (``ctypes`` costs a command that starts none, such as ``list-checks``)."""
    global _owner
    _owner = True
    install_signal_cleanup()


def reaping() -> bool:
    """True when orphaned descendants come back to this process and :func:`sweep` kills them (the report says so)."""
    return bool(_subreaper)


def _enable_subreaper() -> bool:
    """Make this process the reaper of its orphaned descendants (Linux); False where that does not exist. Only for a
    process that is the doctor's alone (:func:`own_process`, and tests whose process plays that part)."""
    global _subreaper
    if _subreaper is None:
        _subreaper = False
        if sys.platform.startswith("linux"):
            try:
                import ctypes

                libc = ctypes.CDLL(None, use_errno=True)
                _subreaper = libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
            except (OSError, AttributeError):
                _subreaper = False
    return _subreaper


def _children_of(pid: int) -> list[int]:
    out: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/children", encoding="ascii") as fh:
                out += [int(x) for x in fh.read().split()]
        except (OSError, ValueError):
            continue
    return out


def sweep() -> int:
    """Kill every descendant of the doctor that is not a child it is running now; how many were killed.

    Only once the process is the subreaper (:func:`own_process`): then every child is the doctor's, and whatever a
    probe left behind (a daemon that called ``setsid`` and forked twice) is one; its descendants die with it.
    """
    if not _subreaper:
        return 0
    killed = 0
    for _ in range(20):
        with _LOCK:
            strays = [p for p in _children_of(os.getpid()) if p not in _LIVE]
            for pid in strays:
                stack, tree = [pid], []
                while stack:
                    p = stack.pop()
                    tree.append(p)
                    stack += _children_of(p)
                for p in tree:
                    try:
                        os.kill(p, signal.SIGKILL)
                        killed += 1
                    except OSError:
                        pass
        if not strays:
            break
        for pid in strays:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            except OSError:
                pass
    return killed


def _kill_group(pgid: int) -> None:
    # The child ran in its own session: killing the group also ends grandchildren it left running.
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


STOPPING = threading.Event()
"""Set once the doctor is interrupted: no new child is started after that."""


def kill_all() -> None:
    """Kill every child the doctor is running (and their groups), start no more, and sweep what they left."""
    STOPPING.set()
    with _LOCK:
        live = list(_LIVE)
    for pid in live:
        _kill_group(pid)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    sweep()


_installed = False


def install_signal_cleanup() -> None:
    """On SIGINT, SIGTERM or SIGHUP: kill every child and descendant first, then exit as the signal would."""
    global _installed
    if _installed or threading.current_thread() is not threading.main_thread():
        return
    _installed = True

    def handler(signum: int, frame: object) -> None:
        kill_all()
        if signum == signal.SIGINT:
            raise KeyboardInterrupt
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    for sig in (signal.SIGINT, signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if sig is not None:
            try:
                signal.signal(sig, handler)
            except (OSError, ValueError):
                pass


# ---- CPU progress ---------------------------------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") and "SC_CLK_TCK" in os.sysconf_names else 100


def cpu_state(pid: int) -> Optional[tuple[str, float]]:
    """(scheduler state letter, CPU seconds used) of a process, from /proc (Linux); None where unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    fields = text[text.rfind(")") + 2:].split()
    try:
        return fields[0], (int(fields[11]) + int(fields[12])) / _TICKS
    except (IndexError, ValueError):
        return None


# ---- running --------------------------------------------------------------------------------------------------

class _Capture:
    """Bounded capture of one stream: the head or the tail, at most MAX_CAPTURE bytes; the rest is dropped."""

    def __init__(self, tail: bool) -> None:
        self.tail = tail
        self.buf = bytearray()
        self.truncated = False

    def add(self, data: bytes) -> None:
        if self.tail:
            self.buf += data
            if len(self.buf) > MAX_CAPTURE:
                del self.buf[:len(self.buf) - MAX_CAPTURE]
                self.truncated = True
        else:
            room = MAX_CAPTURE - len(self.buf)
            if len(data) > room:
                self.truncated = True
            if room > 0:
                self.buf += data[:room]

    def text(self) -> str:
        return bytes(self.buf).decode("utf-8", "replace")


class _Lines:
    """Splits a channel's bytes into lines, bounded per line and in total."""

    def __init__(self, channel: Channel) -> None:
        self.channel = channel
        self.buf = bytearray()
        self.total = 0
        self.skipping = False
        self.over = False

    def add(self, data: bytes) -> None:
        self.total += len(data)
        if self.total > MAX_CHANNEL:
            self.over = True
            return
        self.buf += data
        while True:
            nl = self.buf.find(b"\n")
            if nl < 0:
                if len(self.buf) > MAX_LINE:
                    self.buf.clear()
                    self.skipping = True  # drop the rest of an over-long line
                return
            line = bytes(self.buf[:nl])
            del self.buf[:nl + 1]
            if self.skipping:
                self.skipping = False
                continue
            self.channel.line(line)


class _Child(NamedTuple):
    """A child started by :func:`_spawn`, not yet read."""

    argv: tuple[str, ...]
    proc: subprocess.Popen[bytes]
    rfd: int
    stdin: Optional[bytes]
    channel: Optional[Channel]
    timeout: float
    start: float


def _spawn(argv: Sequence[str], *, timeout: float, cwd: Optional[str] = None, env: Optional[Mapping[str, str]] = None,
           stdin: Optional[bytes] = None, channel: Optional[Channel] = None) -> Union[Completed, _Child]:
    """Start ``argv`` in its own session (the subreaper set first); a Completed when it could not be started."""
    start = time.monotonic()
    if STOPPING.is_set():
        return Completed(tuple(argv), None, "", "interrupted", False, 0.0, killed="was interrupted")
    if _owner:
        _enable_subreaper()  # before the child exists: whatever it leaves behind comes back to this process
    rfd = wfd = -1
    if channel is not None:
        rfd, wfd = os.pipe()
        env = dict(env if env is not None else os.environ)
        env["LCDOCTOR_PROBE_FD"] = str(wfd)
    try:
        with _LOCK:
            if STOPPING.is_set():
                raise OSError("interrupted")
            proc = subprocess.Popen(
                list(argv), cwd=cwd, env=dict(env) if env is not None else None,
                stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
                pass_fds=(wfd,) if wfd >= 0 else (),
            )
            _LIVE[proc.pid] = proc
    except OSError as exc:
        for fd in (rfd, wfd):
            if fd >= 0:
                os.close(fd)
        return Completed(tuple(argv), 127, "", f"{type(exc).__name__}: {exc}", False, time.monotonic() - start)
    if wfd >= 0:
        os.close(wfd)
    return _Child(tuple(argv), proc, rfd, stdin, channel, timeout, start)


def _collect(child: _Child) -> Completed:
    """Read a started child to its end (or its time limit, or its channel's verdict), and reap it."""
    proc, rfd, stdin, channel, timeout, start = (child.proc, child.rfd, child.stdin, child.channel, child.timeout,
                                                 child.start)
    out, err = _Capture(tail=False), _Capture(tail=True)
    lines = _Lines(channel) if channel is not None else None
    sel = selectors.DefaultSelector()
    assert proc.stdout is not None and proc.stderr is not None
    sinks: dict[int, Callable[[bytes], None]] = {proc.stdout.fileno(): out.add, proc.stderr.fileno(): err.add}
    if lines is not None:
        sinks[rfd] = lines.add
    for fd in sinks:
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ)
    pending = memoryview(stdin) if stdin is not None else None
    stdin_fd = -1
    if proc.stdin is not None:
        stdin_fd = proc.stdin.fileno()
        os.set_blocking(stdin_fd, False)
        sel.register(stdin_fd, selectors.EVENT_WRITE)
    timed_out, killed = False, ""
    exited_at: Optional[float] = None
    try:
        open_fds = set(sinks)
        while open_fds or proc.poll() is None:
            now = time.monotonic()
            if exited_at is None and proc.poll() is not None:
                exited_at = now
                # What the child left running would keep the pipes open: it dies with the child.
                _kill_group(proc.pid)
                sweep()
            elif exited_at is not None and now - exited_at > 2.0:
                break  # a descendant we could not kill still holds a pipe: stop reading
            if now - start > timeout:
                timed_out = True
                break
            if lines is not None and lines.over:
                killed = f"sent more than {MAX_CHANNEL // (1024 * 1024)} MiB of results"
                break
            if channel is not None and proc.poll() is None:
                reason = channel.verdict(proc.pid, now)
                if reason:
                    killed = reason
                    break
            if not sel.get_map():
                # Every pipe is closed but the child is not reaped yet (it is exiting, or lives on): wait for it,
                # bounded, and wake as soon as it ends (a fixed sleep here cost up to a tick per run).
                try:
                    proc.wait(timeout=max(0.0, min(_TICK, timeout - (now - start))))
                except subprocess.TimeoutExpired:
                    pass
                continue
            for key, _ in sel.select(_TICK):
                fd = int(key.fd)
                if fd == stdin_fd:
                    try:
                        assert pending is not None
                        n = os.write(fd, pending[:65536])
                        pending = pending[n:]
                    except (BrokenPipeError, BlockingIOError, OSError):
                        pending = pending[:0] if pending is not None else None
                    if not pending:
                        sel.unregister(fd)
                        stdin_fd = -1
                        if proc.stdin is not None:
                            proc.stdin.close()
                    continue
                try:
                    data = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                except OSError:
                    data = b""
                if data:
                    sinks[fd](data)
                else:
                    sel.unregister(fd)
                    open_fds.discard(fd)
    finally:
        _kill_group(proc.pid)
        if timed_out or killed:
            try:
                proc.kill()
            except OSError:
                pass
        proc.wait()
        with _LOCK:
            _LIVE.pop(proc.pid, None)
        sel.close()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        if rfd >= 0:
            os.close(rfd)
        sweep()
    stopped = timed_out or bool(killed)
    return Completed(
        child.argv, None if stopped else proc.returncode, out.text(), err.text(), timed_out,
        time.monotonic() - start, out.truncated, err.truncated, killed,
    )


def _run(
    argv: Sequence[str],
    *,
    timeout: float,
    cwd: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
    stdin: Optional[bytes] = None,
    channel: Optional[Channel] = None,
) -> Completed:
    return _read(_spawn(argv, timeout=timeout, cwd=cwd, env=env, stdin=stdin, channel=channel))


def _read(child: Union[Completed, _Child]) -> Completed:
    """A started child read to its end; what :func:`_spawn` said when it could not start one."""
    return child if isinstance(child, Completed) else _collect(child)


class Runner(Protocol):
    """The signature of :data:`RUNNER` (tests replace it)."""

    def __call__(self, argv: Sequence[str], *, timeout: float, cwd: Optional[str] = None,
                 env: Optional[Mapping[str, str]] = None, stdin: Optional[bytes] = None,
                 channel: Optional[Channel] = None) -> Completed: ...


RUNNER: Runner = _run


def run(
    argv: Sequence[str],
    *,
    timeout: float,
    cwd: Optional[str] = None,
    env: Optional[Mapping[str, str]] = None,
    stdin: Optional[bytes] = None,
    channel: Optional[Channel] = None,
) -> Completed:
    """Run ``argv`` in its own session, bounded in time and captured output; never raises for the child.

    ``timeout`` is a hard bound on the whole run. With ``channel``, the child inherits the write end of a pipe
    whose number is in ``$LCDOCTOR_PROBE_FD``; each line it writes goes to ``channel.line``, and
    ``channel.verdict`` may stop the child earlier.
    """
    return RUNNER(argv, timeout=timeout, cwd=cwd, env=env, stdin=stdin, channel=channel)


class Running:
    """A child :func:`start` began; :meth:`result` reads it to its end, as :func:`run` would have."""

    def __init__(self, read: Callable[[], Completed]) -> None:
        self._read = read
        self._done: Optional[Completed] = None

    def result(self) -> Completed:
        if self._done is None:
            self._done = self._read()
        return self._done


def start(argv: Sequence[str], *, timeout: float, cwd: Optional[str] = None,
          env: Optional[Mapping[str, str]] = None) -> Running:
    """:func:`run`, begun now in the calling thread and read by ``.result()``: the child works while the caller
    does something else, with no thread to schedule first (a thread competing with an importing main thread for the
    GIL started the target's interpreter milliseconds late). The child's output waits in its pipes meanwhile (a
    child that fills them waits too; its time limit counts from now). Where :data:`RUNNER` is replaced (tests), it
    is called by ``.result()``, as :func:`run` would."""
    if RUNNER is not _run:
        return Running(lambda: RUNNER(argv, timeout=timeout, cwd=cwd, env=env))
    child = _spawn(argv, timeout=timeout, cwd=cwd, env=env)
    return Running(lambda: _read(child))
