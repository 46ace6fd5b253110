"""langchain-doctor: diagnose broken LangChain environments without importing LangChain in this process."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Optional

__version__ = "0.1.0"

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from typing import Union

    from .model import Report

    # Only for annotations: building a typing.Union at import would cost every command line run.
    PathLike = Union[str, os.PathLike[str]]

__all__ = ["__version__", "check", "load_ipython_extension"]


def check(
    python: Optional[PathLike] = None,
    providers: Iterable[str] = (),
    notebooks: Iterable[PathLike] = (),
    *,
    online: bool = False,
    smoke: bool = False,
    yes: bool = False,
    probe: bool = True,
    timeout: float = 10.0,
    fail_on: str = "error",
    ignore: Optional[Mapping[str, str]] = None,
    verbose: bool = False,
    use_cache: bool = True,
    environ: Optional[Mapping[str, str]] = None,
    cwd: Optional[PathLike] = None,
) -> Report:
    """Examine an interpreter and return the Report; the CLI's ``check`` runs the same pipeline.

    ``python``: the target (a venv's ``bin/python``, a venv folder or a conda env); default as on the command
    line: ``$VIRTUAL_ENV``, ``$CONDA_PREFIX``, ``./.venv``, else this interpreter. ``providers``: providers that
    must work. ``notebooks``: ``.ipynb``/``.py`` files whose needs are checked. ``ignore``: finding code ->
    reason (still listed, not counted). ``environ``/``cwd``: what the user's code sees (default: this process's).
    ``smoke`` (with ``online``) makes one real, possibly billed, call per provider: only with ``yes=True`` or a
    terminal confirmation.
    Raises ``doctor.target.TargetError`` when the target cannot be examined. Nothing is printed.
    """
    from pathlib import Path

    from .config import FAIL_ON
    from .context import Options
    from .runner import check as run_check

    if isinstance(providers, str) or isinstance(notebooks, (str, os.PathLike)):
        raise TypeError("providers and notebooks are sequences, not a single string")
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be 'error', 'warning' or 'never', not {fail_on!r}")
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    options = Options(
        python=os.fspath(python) if python is not None else None,
        providers=tuple(providers),
        notebooks=tuple(os.fspath(n) for n in notebooks),
        online=online,
        smoke=smoke,
        probe=probe,
        timeout=timeout,
        net_timeout=min(timeout, 5.0),
        fail_on=fail_on,
        verbose=verbose,
        use_cache=use_cache,
        ignore=dict(ignore or {}),
    )
    confirm = (lambda plan: True) if yes else None  # smoke calls may cost money: agreed only explicitly
    return run_check(options, environ=environ, cwd=Path(cwd) if cwd is not None else None, confirm_smoke=confirm)


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext doctor``: registers the ``%langchain_doctor`` line magic (see doctor.magic)."""
    from .magic import load_ipython_extension as load

    load(ipython)
