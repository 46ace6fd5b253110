"""``langchain-doctor check``: examine an environment (the default command)."""

from __future__ import annotations

from typing import Any

import click

from doctor.commands._options import build_options, emit, output_options, render_report, target_options
from doctor.target import TargetError


@click.command("check")
@target_options
@output_options()
def command(fmt: str | None, output: str | None, **kw: Any) -> int:
    """Examine an environment: packages, pydantic, imports, credentials."""
    from doctor.runner import check

    options = build_options(kw)
    try:
        report = check(options)
    except TargetError as exc:
        raise click.ClickException(str(exc)) from None
    emit(lambda f, color: render_report(report, f, color, options.verbose), fmt, output)
    return report.exit_code
