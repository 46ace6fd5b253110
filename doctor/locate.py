"""Which interpreter to examine, started early: the target answers in a subprocess while the doctor imports."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Optional

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from .context import Options
    from .notebook import NotebookFacts
    from .target import Target



class Located(NamedTuple):
    """Where a run looks: the target interpreter, the notebooks read, and where the user's code runs."""

    target: Target
    notebooks: tuple[NotebookFacts, ...]
    """The --notebook files, read (imports, chat classes, env vars)."""
    work_dir: Path
    """The first notebook's folder, else the working directory: probes run there."""


def locate(options: Options, environ: Mapping[str, str], cwd: Path) -> Located:
    """Read the notebooks and discover the target (--python, else a notebook's kernel, else the default order)."""
    return start_locating(options, environ, cwd)[0]()


def start_locating(options: Options, environ: Mapping[str, str], cwd: Path) -> tuple[Callable[[], Located], bool]:
    """:func:`locate` in two steps: the notebooks are read and the target's interpreter started now; the function
    returned reads its answer, and the flag says whether an interpreter was started (its answer was not replayed
    from the cache). Errors (TargetError, NotebookError) come from either step."""
    from .target import start_discover

    facts: tuple[NotebookFacts, ...] = ()
    if options.notebooks:  # the reader (ast and friends) only when there is something to read
        from . import notebook

        facts = tuple(notebook.read(nb) for nb in options.notebooks)
    work_dir = Path(facts[0].folder) if facts else cwd
    python = options.python
    selected = options.selected if python else None
    if python is None:
        from . import kernels

        for f in facts:
            found = kernels.resolve(f.kernel_name, environ) if f.kernel_name else None
            if found is not None and not any(environ.get(v) for v in ("VIRTUAL_ENV", "CONDA_PREFIX")):
                python, selected = found[0], ("notebook kernel", found[1])
                break
    discovering = start_discover(python, environ=environ, cwd=work_dir, timeout=options.timeout, selected=selected,
                                 use_cache=options.use_cache)
    return (lambda: Located(discovering.finish(), facts, work_dir)), discovering.started


class Pending:
    """``locate`` under way; ``result()`` waits and re-raises its TargetError/NotebookError.

    Without notebooks, the target's interpreter is started at once in the calling thread, and ``result()`` reads
    its answer: no thread at all (one competing for the GIL with the imports that follow started the interpreter
    milliseconds late). With notebooks (read first: a kernel may name the interpreter), a background thread does
    both steps. A bare thread, not concurrent.futures: that package (and the logging it imports) costs start-up
    time on every run for one worker that is joined once.
    """

    def __init__(self, options: Options, environ: Mapping[str, str], cwd: Path, *, background: bool = True) -> None:
        from .inputs import Recorder

        self._value: Optional[Located] = None
        self._error: Optional[BaseException] = None
        self._finish: Optional[Callable[[], Located]] = None
        self.answering = False
        """The target's interpreter was started in this thread and has not been read yet: ``result()`` will wait
        for it (work done before calling it is done meanwhile)."""
        self.inputs = Recorder()
        """What locating read (the notebooks): the start of the run's record of inputs."""
        self._thread: Optional[threading.Thread] = None
        if not background:  # a caller with nothing to overlap (a worker of check --all-kernels): no thread
            self._work(options, dict(environ), cwd)
            return
        if not options.notebooks:
            try:
                with self.inputs.active():
                    self._finish, self.answering = start_locating(options, dict(environ), cwd)
            except Exception as exc:  # handed to the caller by result(); an interrupt is not held back
                self._error = exc
            return
        self._thread = threading.Thread(target=self._work, args=(options, dict(environ), cwd),
                                        name="langchain-doctor-locate", daemon=True)
        self._thread.start()

    def _work(self, options: Options, environ: Mapping[str, str], cwd: Path) -> None:
        try:
            with self.inputs.active():
                self._value = locate(options, environ, cwd)
        except BaseException as exc:  # handed to the caller by result()
            self._error = exc

    def result(self) -> Located:
        """What ``locate`` returned, once it has finished; its exception if it raised one."""
        if self._thread is not None:
            self._thread.join()
        if self._finish is not None:
            finish, self._finish, self.answering = self._finish, None, False
            try:
                with self.inputs.active():
                    self._value = finish()
            except Exception as exc:
                self._error = exc
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value


def start(options: Options, environ: Mapping[str, str], cwd: Path, *, background: bool = True) -> Pending:
    """``locate`` in a background thread, started now; ``.result()`` waits for it (``background=False``: done in
    this thread before returning)."""
    return Pending(options, environ, cwd, background=background)
