"""``langchain-doctor explain [FILE|-]``: classify the errors in a traceback, a log or a notebook's saved outputs."""

from __future__ import annotations

import sys
from typing import Optional

import click

from ..commands._options import FORMATS, emit, fail_on_option, output_option, render_report


@click.command("explain")
@click.argument("file", required=False, default="-", metavar="FILE|-")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format (console by default).")
@output_option()
@fail_on_option("error", "Exit 1 when findings at or above this severity remain (default: error).")
@click.option("-v", "--verbose", is_flag=True, help="More evidence per finding: why, signature, last frame.")
@click.option("-q", "--quiet", is_flag=True, help="Only the errors and the summary.")
def command(file: str, fmt: Optional[str], output: Optional[str], fail_on: str, verbose: bool, quiet: bool) -> int:
    """Classify the errors in FILE (a traceback, a log, an .ipynb with outputs, an exported notebook).

    With `-` or no FILE, reads standard input. Prints the same findings `check` gives, with fixes.
    """
    from ..explain import ExplainInputError, explain_path

    if file == "-" and sys.stdin.isatty():
        raise click.UsageError("give a FILE, or pipe the text in: ... | langchain-doctor explain -")
    try:
        report = explain_path(file, fail_on=fail_on, verbose=verbose)
    except ExplainInputError as exc:
        raise click.ClickException(str(exc)) from None
    emit(lambda f, color: render_report(report, f, color, verbose, quiet=quiet), fmt, output)
    return report.exit_code
