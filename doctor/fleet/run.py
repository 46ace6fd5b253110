"""Examining many environments in one process: one full check each, run side by side.

They share what matters for scale: the probe door's process-wide bound on probe interpreters (so 50
environments do not start 50 pools) and the fingerprint cache (so a re-run over unchanged environments only asks
each interpreter about itself). An environment that cannot be examined becomes an entry with its reason; it never
stops the others.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Optional

from .matrix import Entry

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from ..context import Options
    from .sources import Candidate

# Variables that would make an environment's check look at another one.
_ACTIVATION = ("VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "PYTHONHOME")


def workers_for(count: int) -> int:
    """Environments examined at once: enough to keep the shared probe slots and the CPUs busy while some wait
    on their interpreters, few enough that memory stays flat."""
    from ..config import PROBE_SLOTS

    return max(1, min(count, 2 * PROBE_SLOTS + 2))


def examine_one(c: Candidate, options: Options, environ: Mapping[str, str], cwd: Path) -> Entry:
    """One environment's full check as a report object (with ``environment``), or its reason."""
    from ..redact import for_process

    env = {k: v for k, v in environ.items() if k not in _ACTIVATION}
    env.update(c.env)
    redactor = for_process(env)
    if c.python is None:
        return Entry(c.name, c.source, c.location, reason=redactor.text(c.reason or "cannot be examined"))
    from ..locate import start
    from ..render.jsonfmt import report_dict
    from ..runner import check
    from ..target import TargetError

    one = replace(options, python=c.python)
    try:
        # Located in this worker thread: a thread of its own per environment would only wait for it.
        report = check(one, environ=env, cwd=cwd, located=start(one, env, cwd, background=False))
    except TargetError as exc:
        return Entry(c.name, c.source, c.location, reason=redactor.text(str(exc)))
    except Exception as exc:  # one environment's crash must not stop the others
        return Entry(c.name, c.source, c.location,
                     reason=redactor.cut(f"the doctor failed on it: {type(exc).__name__}: {exc}", 500))
    if report.target is not None and c.why:
        report = replace(report, target=replace(report.target, selected_by=c.source, reason=c.why))
    data: dict[str, Any] = report_dict(report)
    data["environment"] = {"name": c.name, "source": c.source, "location": c.location}
    return Entry(c.name, c.source, c.location, data)


def examine(candidates: Sequence[Candidate], options: Options, *, environ: Optional[Mapping[str, str]] = None,
            cwd: Optional[Path] = None, workers: Optional[int] = None) -> list[Entry]:
    """Every candidate examined, side by side; the entries keep the candidates' order."""
    from pathlib import Path

    environ = dict(os.environ if environ is None else environ)
    cwd = Path.cwd() if cwd is None else cwd
    if not candidates:
        return []
    from ..inputs import one_look_per_file

    # Environments share files (the base interpreter's modules): each is stat'ed once in this run, not once per
    # cached report that holds it.
    with one_look_per_file(), ThreadPoolExecutor(max_workers=workers or workers_for(len(candidates)),
                                                 thread_name_prefix="langchain-doctor-env") as pool:
        return list(pool.map(lambda c: examine_one(c, options, environ, cwd), candidates))
