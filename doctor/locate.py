"""Which interpreter to examine, started early: the target answers in a subprocess while the doctor imports."""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

    from doctor.context import Options
    from doctor.notebook import NotebookFacts
    from doctor.target import Target

Located = tuple["Target", tuple["NotebookFacts", ...], Path]


def locate(options: Options, environ: Mapping[str, str], cwd: Path) -> Located:
    """Read the notebooks and discover the target (--python, else a notebook's kernel, else the default order)."""
    from doctor.target import discover

    facts: tuple[NotebookFacts, ...] = ()
    if options.notebooks:  # the reader (ast and friends) only when there is something to read
        from doctor import notebook

        facts = tuple(notebook.read(nb) for nb in options.notebooks)
    work_dir = Path(facts[0].folder) if facts else cwd
    selected = None
    python = options.python
    if python is None:
        from doctor import kernels

        for f in facts:
            found = kernels.resolve(f.kernel_name, environ) if f.kernel_name else None
            if found is not None and not any(environ.get(v) for v in ("VIRTUAL_ENV", "CONDA_PREFIX")):
                python, selected = found[0], ("notebook kernel", found[1])
                break
    target = discover(python, environ=environ, cwd=work_dir, timeout=options.timeout, selected=selected)
    return target, facts, work_dir


def start(options: Options, environ: Mapping[str, str], cwd: Path) -> Future[Located]:
    """``locate`` in a background thread; ``.result()`` re-raises its TargetError/NotebookError."""
    pool = ThreadPoolExecutor(max_workers=1)
    try:
        return pool.submit(locate, options, dict(environ), cwd)
    finally:
        pool.shutdown(wait=False)
