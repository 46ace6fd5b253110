"""``langchain-doctor check``: examine an environment (the default command)."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any

import click

from ..commands._options import build_options, emit, output_options, render_report, target_options
from ..target import TargetError

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextlib.contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on stderr while several environments are examined, on a terminal only (never in logs or pipes)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield


@click.command("check")
@target_options
@output_options()
@click.option("--all-kernels", is_flag=True,
              help="Every registered Jupyter kernel and conda env (and every --python): one matrix.")
def command(fmt: str | None, output: str | None, all_kernels: bool = False, **kw: Any) -> int:
    """Examine an environment: packages, pydantic, imports, credentials."""
    import os
    from pathlib import Path

    from .. import locate
    options = build_options(kw)
    pythons = tuple(kw.get("python") or ())
    if all_kernels or len(pythons) > 1:
        from ..fleet.command import check_many

        return check_many(options, pythons, all_kernels=all_kernels, fmt=fmt, output=output,
                          spinner=progress("Examining the environments..."))
    # Start asking the target about itself now: it answers while the checks are imported.
    located = locate.start(options, os.environ, Path.cwd())
    from ..render.progress import live
    from ..runner import check

    quiet = bool(kw.get("quiet"))
    try:
        # Live progress on standard error when it is a terminal (nothing in pipes, logs or with --quiet).
        with live(sys.stderr, os.environ, enabled=not quiet) as display:
            report = check(options, located=located, progress=display)
    except TargetError as exc:  # NotebookError included
        raise click.ClickException(str(exc)) from None
    emit(lambda f, color: render_report(report, f, color, options.verbose, quiet=quiet), fmt, output)
    return report.exit_code
