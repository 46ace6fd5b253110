"""The probe runner: the one door through which the doctor touches user code.

Items (import a module, import a class, construct it, run a notebook's import line) are sent in batches to
``_probe.py`` running in the target interpreter, in parallel workers. Each item's result is one JSON line in a
file; when a batch dies or hangs, the item it was on is recorded as crashed/timed out and the rest of the batch
is re-run in a fresh process, so one hostile package cannot lose or corrupt the others' results.
"""

from __future__ import annotations

import json
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

from .. import subproc
from ..redact import bound
from ..target import Target, probe_env

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

_SCRIPT = Path(__file__).with_name("_probe.py")
_RAW = 16000
"""Bound (whole words) on a dead probe's output kept here; the host redacts it whole, then cuts it smaller."""

SLOTS = max(1, min(os.cpu_count() or 2, 8))
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


@dataclass(frozen=True)
class Item:
    """One thing to try in the target."""

    id: str
    op: str
    """import | getattr | construct | exec."""
    module: Optional[str] = None
    attr: Optional[str] = None
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    source: Optional[str] = None
    after: Optional[str] = None
    """Skip this item when that one failed (construct after import)."""
    env: Mapping[str, str] = field(default_factory=dict)
    """Extra env vars for this item only (fake credentials for a construct)."""

    def to_json(self) -> dict[str, Any]:
        """The item as the probe script reads it."""
        d: dict[str, Any] = {"id": self.id, "op": self.op}
        for key in ("module", "attr", "source", "after"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        if self.kwargs:
            d["kwargs"] = dict(self.kwargs)
        if self.env:
            d["env"] = dict(self.env)
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

    @property
    def ok(self) -> bool:
        """True when the item ran without an exception."""
        return self.status == "ok"


def _result_from(d: Mapping[str, Any]) -> Result:
    return Result(
        id=str(d["id"]), status=str(d.get("status", "error")), exc_type=d.get("exc_type"),
        exc_module=d.get("exc_module"), message=str(d.get("message", "")), frames=tuple(d.get("frames") or ()),
        traceback=str(d.get("traceback", "")), warnings=tuple(d.get("warnings") or ()), origin=d.get("origin"),
        stdout=str(d.get("stdout", "")), stderr=str(d.get("stderr", "")), duration=float(d.get("duration", 0.0)),
        reason=str(d.get("reason", "")),
    )


def _describe_exit(done: subproc.Completed) -> str:
    rc = done.returncode
    if rc is not None and rc < 0:
        import signal

        try:
            name = signal.Signals(-rc).name
        except ValueError:
            name = f"signal {-rc}"
        return f"the interpreter was killed by {name}"
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


def _run_batch(python: str, items: Sequence[Item], *, cwd: str, env: Mapping[str, str],
               timeout: float, on_result: Optional[OnResult] = None) -> dict[str, Result]:
    with _SLOTS:
        return _run_batch_unbounded(python, items, cwd=cwd, env=env, timeout=timeout, on_result=on_result)


def _run_batch_unbounded(python: str, items: Sequence[Item], *, cwd: str, env: Mapping[str, str],
                         timeout: float, on_result: Optional[OnResult]) -> dict[str, Result]:
    results: dict[str, Result] = _Results(on_result)
    pending = list(items)
    failed_ids: set[str] = set()
    source = _SCRIPT.read_text(encoding="utf-8")
    while pending:
        with tempfile.TemporaryDirectory(prefix="lcdoctor-probe-") as tmp:
            result_file = os.path.join(tmp, "results.jsonl")
            Path(result_file).touch()
            job = {"result_file": result_file, "items": [i.to_json() for i in pending], "block_network": True}
            for i in pending:
                _mark(i.id, True)
            try:
                done = subproc.run([python, "-c", source], timeout=timeout, cwd=cwd, env=env,
                                   stdin=json.dumps(job).encode(), watch=result_file)
            finally:
                for i in pending:
                    _mark(i.id, False)
            started: Optional[str] = None
            with open(result_file, encoding="utf-8", errors="replace") as fh:
                for line in fh:
                    try:
                        d = json.loads(line)
                    except ValueError:
                        continue  # a torn last line from a killed process
                    if d.get("status") == "started":
                        started = d["id"]
                        continue
                    results[d["id"]] = _result_from(d)
                    if d.get("status") != "ok":
                        failed_ids.add(d["id"])
                    started = None
        remaining = [i for i in pending if i.id not in results]
        if not remaining:
            break
        if started is None and len(remaining) == len(pending):
            # Not one item began: the interpreter itself fails or hangs before running anything (a .pth file,
            # sitecustomize, a broken encodings module). Re-running item by item would only repeat that.
            what = (f"the interpreter did not start running the probe within {timeout:g}s" if done.timed_out
                    else f"the interpreter failed before running the probe: {_describe_exit(done)}")
            for item in remaining:
                results[item.id] = Result(item.id, "timeout" if done.timed_out else "crashed", message=what,
                                          stderr=bound(done.stderr, _RAW, tail=True), stdout=bound(done.stdout, _RAW))
            break
        culprit_id = started or remaining[0].id
        if done.timed_out:
            results[culprit_id] = Result(culprit_id, "timeout", message=f"no result within {timeout:g}s",
                                         stderr=bound(done.stderr, _RAW, tail=True), stdout=bound(done.stdout, _RAW))
        else:
            results[culprit_id] = Result(culprit_id, "crashed", message=_describe_exit(done),
                                         stderr=bound(done.stderr, _RAW, tail=True), stdout=bound(done.stdout, _RAW))
        failed_ids.add(culprit_id)
        pending = []
        for item in remaining:
            if item.id in results:
                continue
            if item.after in failed_ids:
                results[item.id] = Result(item.id, "skipped", reason=f"depends on {item.after}, which failed")
                failed_ids.add(item.id)
                continue
            pending.append(item)
    return results


def run(target: Target, batches: Sequence[Sequence[Item]], *, cwd: str, environ: Mapping[str, str],
        timeout: float, workers: Optional[int] = None, on_result: Optional[OnResult] = None) -> dict[str, Result]:
    """Run every batch (each in its own process, re-spawned past a crash) on up to ``workers`` parallel workers.

    However many ``run`` calls are in flight (threads, several environments), at most :data:`SLOTS` probe
    interpreters run at once in this process. ``on_result`` is called (from worker threads) with each result as
    it becomes known; :func:`running` says which items are being worked on.
    """
    env = probe_env(environ)
    workers = max(1, min(workers or SLOTS, len(batches) or 1))
    results: dict[str, Result] = {}
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(_run_batch, target.python, b, cwd=cwd, env=env, timeout=timeout, on_result=on_result)
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
