"""``check --all-kernels`` (and ``--python`` given several times): many environments, one matrix."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import click

from . import safe
from .emit import emit
from .render import MatrixFormat

if TYPE_CHECKING:
    from collections.abc import Sequence
    from contextlib import AbstractContextManager

    from ..context import Options

_FORMATS = {"console": MatrixFormat.CONSOLE, "json": MatrixFormat.JSON, "markdown": MatrixFormat.MARKDOWN}


def check_many(options: Options, pythons: Sequence[str], *, all_kernels: bool, fmt: Optional[str],
               output: Optional[str], spinner: AbstractContextManager[None]) -> int:
    """Find the environments, examine each, write the matrix; the exit code of the matrix."""
    from . import run, sources

    chosen = _FORMATS.get(fmt or "console")
    if chosen is None:
        raise click.UsageError(f"a matrix is written as {', '.join(_FORMATS)} (or summarize --format html), "
                               f"not {fmt}")
    if options.smoke:
        raise click.UsageError("--smoke calls the providers once per environment: run it on one --python")
    candidates = sources.collect(os.environ, pythons=pythons, all_kernels=all_kernels)
    if not candidates:
        raise click.ClickException("no Jupyter kernel or conda environment found on this machine "
                                   "(give interpreters with --python)")
    with spinner:
        entries = run.examine(candidates, options, environ=os.environ, cwd=Path.cwd())
    m, reports = safe.prepare(entries, fail_on=options.fail_on)
    emit(m, reports, chosen, output, verbose=options.verbose)
    return m.exit_code
