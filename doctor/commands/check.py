"""``langchain-doctor check``: examine an environment (the default command)."""

from __future__ import annotations

import contextlib
import sys
from typing import TYPE_CHECKING, Any

import click

from doctor.commands._options import build_options, emit, output_options, render_report, target_options
from doctor.target import TargetError

if TYPE_CHECKING:
    from collections.abc import Iterator


@contextlib.contextmanager
def progress(message: str) -> Iterator[None]:
    """A spinner on stderr while the run works, on a terminal only (never in logs or pipes)."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(message):
        yield


def _user_error(exc: Exception) -> bool:
    """A target or notebook that cannot be examined: one line and exit 2, not a traceback."""
    # A NotebookError can only come from doctor.notebook once it is imported; a run without notebooks
    # does not import it just to name the exception.
    notebook = sys.modules.get("doctor.notebook")
    return isinstance(exc, TargetError) or (notebook is not None and isinstance(exc, notebook.NotebookError))


@click.command("check")
@target_options
@output_options()
def command(fmt: str | None, output: str | None, **kw: Any) -> int:
    """Examine an environment: packages, pydantic, imports, credentials."""
    import os
    from pathlib import Path

    from doctor import locate
    options = build_options(kw)
    # Start asking the target about itself now: it answers while the checks are imported.
    located = locate.start(options, os.environ, Path.cwd())
    from doctor.runner import check

    try:
        # No spinner under --smoke: its confirmation prompt must not be drawn over.
        spinner = progress("Examining the environment (probes run in the target interpreter)...")
        with contextlib.nullcontext() if options.smoke else spinner:
            report = check(options, located=located)
    except Exception as exc:
        if not _user_error(exc):
            raise
        raise click.ClickException(str(exc)) from None
    emit(lambda f, color: render_report(report, f, color, options.verbose), fmt, output)
    return report.exit_code
