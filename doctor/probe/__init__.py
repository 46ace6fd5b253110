"""The probe runner: the one door through which the doctor touches user code.

Items (import a module, import a class, construct it, run a notebook's import line, make one smoke call, run a
credential snippet) are sent in batches to ``_probe.py`` running in the target interpreter, in parallel workers.
Each item's result comes back as one line over an inherited pipe, tagged with a random per-run token; when a batch
dies or hangs, the item it was on is recorded as crashed/timed out and the rest of the batch is re-run in a fresh
process, so one hostile package cannot lose or corrupt the others' results. Nothing is written to disk.

Time limits (the same on a busy machine as on a quiet one):

- each item gets ``timeout`` seconds; past that it goes on only while it makes progress (uses CPU, or is runnable
  or in disk I/O: a slow import on a loaded machine), and is stopped as *waiting* once it has used no CPU for
  :func:`stall_window` seconds (a sleep, a lock, a network call: a hang);
- whatever it does, no item runs longer than ``HARD_FACTOR * timeout`` (then it is *busy*: an endless loop);
- a smoke call (``invoke``) has two phases, each with these limits: importing and constructing the class, then
  the network call, whose deadline counts from when it begins (the target says so, once per item), so that an
  import slowed by a loaded machine does not leave the wait for the answer (no CPU used) judged a hang;
- the progress measure is the interpreter's own CPU time (``/proc``, Linux); elsewhere ``timeout`` is the limit;
- an item judged out of time is first asked where it stands (``DUMP_SIGNAL``: faulthandler dumps its frames from
  the interrupted thread), then stopped :func:`stall_window` seconds later. Nothing dumps while an item is only
  slow: a faulthandler timer's watchdog thread reads a running import's frames without the GIL and can crash the
  interpreter, which turned a slow import on a loaded machine into a "crashed" verdict.

Without ``network``, the network is closed at three levels: on Linux a seccomp filter installed before the
target interpreter starts (``_launch.py``: no ``socket(2)`` but local families, for the probe and every child it
starts; where the kernel refuses, the results' ``network_filter`` says why); the target's Python sockets refuse to
connect or resolve (the friendly message); and, when the doctor runs as root where ``unshare`` works, an empty
network namespace (no interface but a downed loopback).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from .. import subproc
from ..config import PROBE_SLOTS
from ..redact import bound
from ..target import Target, probe_env

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_SCRIPT = Path(__file__).with_name("_probe.py")
_LAUNCHER = Path(__file__).with_name("_launch.py")
_RAW = 16000
"""Bound (whole words) on a dead probe's output kept here; the host redacts it whole, then cuts it smaller."""

SLOTS = PROBE_SLOTS
"""How many probe interpreters may run at once in this process, across every ``run`` call and thread."""
_SLOTS = threading.BoundedSemaphore(SLOTS)
# Item ids whose batch is running now (started, no result yet), for live progress displays.
_RUNNING: dict[str, int] = {}
_RUNNING_LOCK = threading.Lock()


def running() -> tuple[str, ...]:
    """Ids of the items that the target is working on right now (in any ``run`` of this process)."""
    with _RUNNING_LOCK:
        return tuple(sorted(_RUNNING))


def _mark(item_id: str, on: bool) -> None:
    with _RUNNING_LOCK:
        if on:
            _RUNNING[item_id] = _RUNNING.get(item_id, 0) + 1
        elif _RUNNING.get(item_id, 0) > 1:
            _RUNNING[item_id] -= 1
        else:
            _RUNNING.pop(item_id, None)


OnResult = Callable[["Result"], None]


HARD_FACTOR = 6
"""No item runs longer than this many times ``--timeout``, however much progress it makes."""

USE_NETNS = True
"""Run offline probes in an empty network namespace where that works (root and ``unshare``); tests turn it off
to prove that the in-process block holds on its own."""

USE_SECCOMP = True
"""Seal offline probes with the seccomp network filter (``_launch.py``) where the kernel allows it; tests turn it
off to prove that the attack tests see an escape when nothing stops it."""

_STATUSES = frozenset({"ok", "error", "skipped"})
_LOST_PIPE = 86  # _probe.py's exit status when its results pipe is gone


@dataclass(frozen=True)
class Item:
    """One thing to try in the target."""

    id: str
    op: str
    """import | getattr | construct | exec | invoke (one smoke call) | snippet (credential resolution)."""
    module: Optional[str] = None
    attr: Optional[str] = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    source: Optional[str] = None
    after: Optional[str] = None
    """Skip this item when that one failed (construct after import)."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Extra env vars for this item only (fake credentials for a construct)."""
    prompt: Optional[str] = None
    """The prompt of an ``invoke`` item."""
    args: Mapping[str, Any] = field(default_factory=dict)
    """The arguments of a ``snippet`` item (its global ``args``)."""

    def to_json(self) -> dict[str, Any]:
        """The item as the probe script reads it."""
        d: dict[str, Any] = {"id": self.id, "op": self.op}
        for key in ("module", "attr", "source", "after", "prompt"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        if self.kwargs:
            d["kwargs"] = dict(self.kwargs)
        if self.env:
            d["env"] = dict(self.env)
        if self.args:
            d["args"] = dict(self.args)
        return d


@dataclass(frozen=True)
class Result:
    """What happened to one item."""

    id: str
    status: str
    """ok | error | skipped | crashed | timeout."""
    exc_type: Optional[str] = None
    exc_module: Optional[str] = None
    message: str = ""
    frames: tuple[str, ...] = ()
    traceback: str = ""
    warnings: tuple[Mapping[str, str], ...] = ()
    origin: Optional[Mapping[str, Any]] = None
    stdout: str = ""
    stderr: str = ""
    duration: float = 0.0
    reason: str = ""
    value: Any = None
    """What an ``invoke`` or ``snippet`` item returned (JSON data)."""
    http: Mapping[str, Any] = field(default_factory=dict)
    """The HTTP status and error code of a failed ``invoke``."""
    stopped: str = ""
    """For a timeout: ``waiting`` (no CPU used: a hang), ``busy`` (still computing at the hard limit) or ``""``."""
    loaded: tuple[str, ...] = ()
    """Files of the modules the probe process loaded that no earlier item of that process had (paths only)."""
    loaded_truncated: bool = False
    """True when ``loaded`` is incomplete (a bound was reached, or ``sys.modules`` could not be read)."""
    network_filter: str = ""
    """``seccomp`` when the kernel filter sealed the probe's network, ``unavailable: why`` when it could not, ``""``
    when no filter was asked for (a job with the network open, a system without one)."""

    @property
    def ok(self) -> bool:
        """True when the item ran without an exception."""
        return self.status == "ok"

    @property
    def transient(self) -> bool:
        """A timeout or a crash: a fact about this run, not about the environment. Never cache it."""
        return self.status in ("timeout", "crashed")


def _s(v: Any) -> str:
    return v if isinstance(v, str) else ("" if v is None else str(v))


def _opt(v: Any) -> Optional[str]:
    return None if v is None else _s(v)


def _result_from(d: Mapping[str, Any]) -> Result:
    """A result line from the target, checked field by field: wrong types become strings or defaults."""
    frames = d.get("frames")
    warnings = d.get("warnings")
    origin = d.get("origin")
    http = d.get("http")
    duration = d.get("duration")
    loaded = d.get("loaded")
    return Result(
        id=_s(d["id"]), status=_s(d.get("status")), exc_type=_opt(d.get("exc_type")),
        exc_module=_opt(d.get("exc_module")), message=_s(d.get("message")),
        frames=tuple(_s(f) for f in frames) if isinstance(frames, list) else (),
        traceback=_s(d.get("traceback")),
        warnings=tuple({_s(k): _s(v) for k, v in w.items()} for w in warnings if isinstance(w, dict))
        if isinstance(warnings, list) else (),
        origin=origin if isinstance(origin, dict) else None,
        stdout=_s(d.get("stdout")), stderr=_s(d.get("stderr")),
        duration=float(duration) if isinstance(duration, (int, float)) and duration == duration else 0.0,
        reason=_s(d.get("reason")), value=d.get("value"), http=http if isinstance(http, dict) else {},
        loaded=tuple(p for p in loaded[:_MAX_LOADED] if isinstance(p, str) and 0 < len(p) <= _MAX_PATH)
        if isinstance(loaded, list) else (),
        loaded_truncated=bool(d.get("loaded_truncated")) or (isinstance(loaded, list) and len(loaded) > _MAX_LOADED),
        network_filter=_s(d.get("filter"))[:200],
    )


_MAX_LOADED = 20000
_MAX_PATH = 4096


def stall_window(timeout: float) -> float:
    """Seconds without CPU use after which an item past its ``timeout`` is judged to be waiting (a hang)."""
    return max(1.0, min(timeout, 3.0))


def hard_limit(timeout: float) -> float:
    """The most any one item may run, however much progress it makes."""
    return timeout * HARD_FACTOR


class _Batch:
    """The results channel of one probe process, and the judge of its per-item time limits."""

    def __init__(self, token: str, pending: Sequence[Item], results: dict[str, Result], timeout: float) -> None:
        self.token = token.encode()
        self.ids = {i.id for i in pending}
        self.results = results
        self.timeout = timeout
        self.hard = hard_limit(timeout)
        self.stall = stall_window(timeout)
        self.current: Optional[str] = None
        self.began = False
        self.phase_start = time.monotonic()
        self.samples: list[tuple[float, float]] = []
        self.last_sample = 0.0
        self.stopped = ""
        self.elapsed = 0.0
        self.forged = 0
        self.called: set[str] = set()
        self.asked_at: Optional[float] = None
        self.asked = ""

    def line(self, data: bytes) -> None:
        tag, _, body = data.partition(b" ")
        if not secrets.compare_digest(tag, self.token):
            self.forged += 1
            return
        try:
            d = json.loads(body)
            if not isinstance(d, dict) or d.get("id") not in self.ids or d["id"] in self.results:
                raise ValueError("not one of this batch's items")
            status = d.get("status")
            if status == "started" and d.get("phase") == "call":
                self._call(d["id"])
                return
            if status == "started":
                self._phase(d["id"])
                return
            if status not in _STATUSES:
                raise ValueError("unknown status")
            result = _result_from(d)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
            self.forged += 1
            return
        self._phase(None)
        self.results[result.id] = result

    def _call(self, item_id: str) -> None:
        """An invoke item's network call begins (its import and construction are done): the call's deadline counts
        from now, once per item, so that an import slowed by a loaded machine (progress, allowed past the
        deadline) does not leave the answer's wait (no CPU) judged a hang."""
        if self.current != item_id or item_id in self.called:
            self.forged += 1
            return
        self.called.add(item_id)
        self.phase_start = time.monotonic()
        self.samples = []
        self.asked_at, self.asked = None, ""

    def _phase(self, started: Optional[str]) -> None:
        if self.current is not None:
            _mark(self.current, False)
        self.current = started
        if started is not None:
            self.began = True
            _mark(started, True)
        self.phase_start = time.monotonic()
        self.samples = []
        self.asked_at, self.asked = None, ""  # a line arrived while its frames were asked for: it was not stopped

    def verdict(self, pid: int, now: float) -> Optional[str]:
        """None while the item may go on; the reason to stop it once it may not, after asking for its frames."""
        if self.asked_at is not None:
            return self.asked if now - self.asked_at >= self.stall else None
        reason = self._judge(pid, now)
        if reason is None or DUMP_SIGNAL is None or self.current is None:
            return reason  # before an item's "started" line the probe may not handle the signal yet
        try:
            os.kill(pid, DUMP_SIGNAL)
        except OSError:
            return reason
        self.asked_at, self.asked = now, reason
        return None

    def _judge(self, pid: int, now: float) -> Optional[str]:
        elapsed = now - self.phase_start
        if now - self.last_sample >= 0.25:
            self.last_sample = now
            state = subproc.cpu_state(pid)
            if state is not None:
                letter, cpu = state
                # Runnable or in disk I/O counts as progress (a loaded machine), as does any CPU used.
                self.samples.append((now, float("inf") if letter in ("R", "D") else cpu))
                self.samples = [x for x in self.samples if now - x[0] <= self.stall + 0.5]
        if elapsed < self.timeout:
            return None
        self.elapsed = elapsed
        if elapsed >= self.hard:
            self.stopped = "busy"
            return f"still running after {self.hard:g}s"
        window = [x for x in self.samples if now - x[0] <= self.stall]
        if not window or now - self.samples[0][0] < self.stall - 0.3:
            if subproc.cpu_state(pid) is None:
                self.stopped = ""  # no way to measure progress here: the timeout is the limit
                return f"no result within {self.timeout:g}s"
            return None  # not enough history yet to judge
        progressed = any(c == float("inf") for _, c in window) or max(c for _, c in window) > min(
            c for _, c in window)
        if progressed:
            return None
        self.stopped = "waiting"
        return f"used no CPU for {self.stall:g}s"

    def close(self) -> None:
        self._phase(None)


_ITEM_MARK = "langchain-doctor probe item:"
DUMP_SIGNAL: Optional[int] = getattr(signal, "SIGUSR1", None)
"""Sent to a probe whose item is to be stopped: it dumps the item's frames (faulthandler), then is stopped."""


def _dump_frames(stderr: str, item_id: str) -> tuple[str, ...]:
    """The innermost frames of the traceback dump that faulthandler wrote while ``item_id`` ran out of time."""
    mark = f"{_ITEM_MARK} {item_id}"
    lines = stderr.splitlines()
    begin = max((n for n, line in enumerate(lines) if line == mark), default=-1)
    if begin < 0:
        return ()
    lines = lines[begin + 1:]
    starts = [n for n, line in enumerate(lines)
              if line.startswith(("Current thread", "Thread 0x")) and "most recent call first" in line]
    if not starts:
        return ()
    out = []
    for line in lines[starts[-1] + 1:]:
        line = line.strip()
        if not line.startswith("File "):
            break
        if not line.startswith('File "<'):  # the import machinery's and the probe's own frames say nothing
            out.append(line)
    return tuple(out[:4])


def _timeout_message(batch: _Batch, kind: str, what: str) -> str:
    if kind == "waiting":
        return (f"{what} did not finish within {batch.timeout:g}s and had used no CPU for the last {batch.stall:g}s: "
                f"it was waiting (a sleep, a lock, a network call or a subprocess), not computing")
    if kind == "busy":
        return (f"{what} was still computing after {batch.hard:g}s ({HARD_FACTOR}x the {batch.timeout:g}s timeout, "
                f"the hard limit): an endless loop, or an import far slower than usual")
    return f"{what}: no result within {batch.timeout:g}s"


def _describe_exit(done: subproc.Completed) -> str:
    rc = done.returncode
    if done.killed:
        return f"the probe was stopped: it {done.killed}"
    if rc is not None and rc < 0:
        import signal

        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = f"signal {-rc}"
        return f"the interpreter was killed by {name}"
    if rc == _LOST_PIPE:
        return "the code under test closed or replaced the probe's results pipe"
    if rc == 0:
        return ("the item's result never arrived (the code under test closed, flooded or wrote over the probe's "
                "results pipe)")
    return f"the interpreter exited with status {rc} (os._exit or a crash in a compiled extension)"


class _Results(dict[str, "Result"]):
    """The results of one batch; each one is announced to ``on_result`` as it is set."""

    def __init__(self, on_result: Optional[OnResult]) -> None:
        super().__init__()
        self.on_result = on_result

    def __setitem__(self, key: str, value: Result) -> None:
        super().__setitem__(key, value)
        if self.on_result is not None:
            try:
                self.on_result(value)
            except Exception:  # noqa: BLE001 - a progress display must never change a verdict
                pass


_netns: Optional[bool] = None
_netns_lock = threading.Lock()


def _netns_prefix(network: bool) -> list[str]:
    """``unshare --net`` when the doctor may create network namespaces (root, Linux, a working unshare)."""
    global _netns
    if network or not USE_NETNS:
        return []
    with _netns_lock:
        if _netns is None:
            exe = shutil.which("unshare")
            _netns = bool(exe) and hasattr(os, "geteuid") and os.geteuid() == 0 and subproc.run(
                [str(exe), "--net", "true"], timeout=10).returncode == 0
    return ["unshare", "--net"] if _netns else []


def _filter_prefix(network: bool) -> list[str]:
    """The doctor's own interpreter, isolated, installing the seccomp filter and exec'ing the target (Linux)."""
    if network or not USE_SECCOMP or not sys.platform.startswith("linux"):
        return []
    if getattr(sys, "frozen", False) or not sys.executable or not os.path.isfile(sys.executable):
        return []  # no plain interpreter to launch with (a frozen build): the results say the filter was not asked
    return [sys.executable, "-I", "-S", "-c", _LAUNCHER.read_text(encoding="utf-8")]


def facts(results: Mapping[str, Result]) -> dict[str, str]:
    """How the probes of ``results`` were contained, for the report: network filter, namespace, descendants."""
    seen = sorted({r.network_filter for r in results.values() if r.network_filter})
    if not sys.platform.startswith("linux"):
        net_filter = "unavailable: no seccomp on this system"
    elif not _filter_prefix(False):
        net_filter = "unavailable: no plain interpreter to install it from" if USE_SECCOMP else "off"
    elif not seen:
        net_filter = "unknown"  # no item reported (all crashed or timed out before answering)
    else:
        net_filter = "; ".join(seen)
    return {
        "network_filter": net_filter,
        "network_namespace": "yes" if USE_NETNS and _netns else "no",
        "descendants": "child subreaper and sweep" if subproc.reaping() else "process group only",
    }


_leftovers_done = False


def _remove_leftovers() -> None:
    """Folders that earlier versions of the doctor left in the temp folder when killed (raw probe output)."""
    global _leftovers_done
    if _leftovers_done:
        return
    _leftovers_done = True
    import tempfile

    root = Path(tempfile.gettempdir())
    try:
        candidates = [*root.glob("lcdoctor-probe-*"), *root.glob("lcdoctor-smoke-*")]
    except OSError:
        return
    for folder in candidates:
        try:
            if folder.is_dir() and not folder.is_symlink() and folder.stat().st_uid == os.getuid():
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _run_batch(python: str, items: Sequence[Item], *, cwd: str, env: Mapping[str, str], timeout: float,
               network: bool = False, on_result: Optional[OnResult] = None) -> dict[str, Result]:
    with _SLOTS:
        return _run_batch_unbounded(python, items, cwd=cwd, env=env, timeout=timeout, network=network,
                                    on_result=on_result)


def _run_batch_unbounded(python: str, items: Sequence[Item], *, cwd: str, env: Mapping[str, str],
                         timeout: float, network: bool, on_result: Optional[OnResult]) -> dict[str, Result]:
    results: dict[str, Result] = _Results(on_result)
    pending = list(items)
    failed_ids: set[str] = set()
    source = _SCRIPT.read_text(encoding="utf-8")
    prefix = _netns_prefix(network) + _filter_prefix(network)
    while pending:
        token = secrets.token_hex(16)
        batch = _Batch(token, pending, results, timeout)
        job = {"token": token, "items": [i.to_json() for i in pending], "network": network,
               "dump_signal": int(DUMP_SIGNAL or 0)}
        try:
            done = subproc.run([*prefix, python, "-c", source], cwd=cwd, env=env, stdin=json.dumps(job).encode(),
                               timeout=batch.hard * (len(pending) + 1) + 5, channel=batch)
        finally:
            current = batch.current
            asked = batch.asked  # the current item was judged out of time and asked for its frames
            batch.close()
        # Judged out of time, then gone during its dump (the code under test reset the signal's handler, or the
        # dump itself failed): still a timeout, never a crash.
        stopped_kind = batch.stopped if done.killed or asked else ("" if not done.timed_out else "busy")
        timed_out = done.timed_out or bool(asked) or (bool(done.killed) and done.killed.startswith((
            "still running", "used no CPU", "no result")))
        remaining = [i for i in pending if i.id not in results]
        if not remaining:
            break
        shown = "\n".join(line for line in done.stderr.splitlines() if not line.startswith(_ITEM_MARK))
        stderr_tail, stdout_head = bound(shown, _RAW, tail=True), bound(done.stdout, _RAW)
        if not batch.began:
            # Not one item began: the interpreter itself fails or hangs before running anything (a .pth file,
            # sitecustomize, a broken encodings module). Re-running item by item would only repeat that.
            what = (_timeout_message(batch, stopped_kind, "the interpreter's start-up") if timed_out
                    else f"the interpreter failed before running the probe: {_describe_exit(done)}")
            for item in remaining:
                results[item.id] = Result(item.id, "timeout" if timed_out else "crashed", message=what,
                                          stderr=stderr_tail, stdout=stdout_head, stopped=stopped_kind)
            break
        culprit_id = current or remaining[0].id
        if timed_out:
            results[culprit_id] = Result(culprit_id, "timeout", message=_timeout_message(batch, stopped_kind, "it"),
                                         frames=_dump_frames(done.stderr, culprit_id), stderr=stderr_tail,
                                         stdout=stdout_head, stopped=stopped_kind)
        else:
            results[culprit_id] = Result(culprit_id, "crashed", message=_describe_exit(done),
                                         stderr=stderr_tail, stdout=stdout_head)
        failed_ids.add(culprit_id)
        failed_ids.update(i for i, r in results.items() if not r.ok)
        pending = []
        for item in remaining:
            if item.id in results:
                continue
            if item.after in failed_ids:
                results[item.id] = Result(item.id, "skipped", reason=f"depends on {item.after}, which failed")
                failed_ids.add(item.id)
                continue
            pending.append(item)
    return dict(results)


def run(target: Target, batches: Sequence[Sequence[Item]], *, cwd: str, environ: Mapping[str, str],
        timeout: float, workers: Optional[int] = None, on_result: Optional[OnResult] = None,
        network: bool = False, extra_env: Optional[Mapping[str, str]] = None) -> dict[str, Result]:
    """Run every batch (each in its own process, re-spawned past a crash) on up to ``workers`` parallel workers.

    However many ``run`` calls are in flight (threads, several environments), at most :data:`SLOTS` probe
    interpreters run at once in this process. ``on_result`` is called (from worker threads) with each result as
    it becomes known; :func:`running` says which items are being worked on. ``network`` opens the network for
    these batches (``invoke`` and ``snippet`` items only: the probe refuses anything else).
    """
    _remove_leftovers()
    env = probe_env(environ)
    env.update(extra_env or {})
    env.pop("LCDOCTOR_PROBE_FILTER", None)  # only the launcher says whether the filter is on
    workers = max(1, min(workers or SLOTS, len(batches) or 1))
    results: dict[str, Result] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_run_batch, target.python, b, cwd=cwd, env=env, timeout=timeout, network=network,
                               on_result=on_result)
                   for b in batches if b]
        for fut in futures:
            results.update(fut.result())
    return results


def split(groups: Sequence[Sequence[Item]], workers: int) -> list[list[Item]]:
    """Distribute groups of items (a provider's import+class+construct stay together) over ``workers`` batches."""
    batches: list[list[Item]] = [[] for _ in range(max(1, workers))]
    for i, group in enumerate(groups):
        batches[i % len(batches)].extend(group)
    return [b for b in batches if b]
