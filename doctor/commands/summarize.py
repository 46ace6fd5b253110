"""``langchain-doctor summarize REPORT.json... | FOLDER``: many JSON reports as one matrix and grouped problems."""

from __future__ import annotations

from typing import Optional

import click

from ..commands._options import fail_on_option, output_option
from ..fleet.render import MatrixFormat


@click.command("summarize")
@click.argument("paths", nargs=-1, required=True, metavar="REPORT.json... | FOLDER")
@click.option("--format", "fmt", type=click.Choice([f.value for f in MatrixFormat]), default=None,
              help="Output format (console by default; html is one self-contained page).")
@output_option("the result")
@fail_on_option("error", "Exit 1 when an environment has findings at or above this severity (default: error).")
@click.option("-v", "--verbose", is_flag=True, help="List every environment under each problem.")
def command(paths: tuple[str, ...], fmt: Optional[str], output: Optional[str], fail_on: str, verbose: bool) -> int:
    """Merge JSON reports (CI matrix jobs, `report --format json` files, an --all-kernels run) into one matrix."""
    from ..fleet import inputs, safe
    from ..fleet.emit import emit

    try:
        found = inputs.read(paths)
    except inputs.InputError as exc:
        raise click.ClickException(str(exc)) from None
    if not found.entries:
        what = f" ({len(found.skipped)} other JSON file(s) skipped)" if found.skipped else ""
        raise click.ClickException(f"no langchain-doctor JSON report in {', '.join(paths)}{what}")
    m, reports = safe.prepare(found.entries, fail_on=fail_on)
    emit(m, reports, MatrixFormat(fmt) if fmt else MatrixFormat.CONSOLE, output, verbose=verbose)
    return m.exit_code
