"""``langchain-doctor what-if REQUIREMENT...``: will this upgrade break my notebook? Answered before anyone upgrades.

The change is resolved the way the target's own installer would do it (uv for a uv-made venv, else pip, both as a
dry run against the target); a fresh throwaway venv on the target's interpreter is filled with the resolved set
(uv from its cache; pip when uv is absent), whatever cannot be reinstalled by pin is copied and said so; the full
check runs there; the venv is deleted. The target is only read.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Optional

import click
from packaging.requirements import InvalidRequirement, Requirement

from ..commands._options import build_options, output_options, render_report, target_options, use_color
from ..render import Format
from ..target import TargetError


@click.command("what-if")
@click.argument("requirements", nargs=-1, required=True, metavar="REQUIREMENT...")
@target_options
@output_options()
def command(requirements: tuple[str, ...], fmt: Optional[str], output: Optional[str], **kw: Any) -> int:
    """Resolve a proposed change (for example "langchain-core>=1") for the target, build a throwaway venv with
    the resolved set, and run the full check there: the findings it would have, next to the version moves.

    The target is never changed. Resolving reaches the package index (PyPI, or the index pip/uv are configured
    with); uv makes the throwaway venv fast from its cache.
    """
    from ..repair import apply as fixer
    from ..repair import trial
    from .fix import preview_dict, preview_text, throwaway_dict, throwaway_text, trial_text

    for r in requirements:
        try:
            Requirement(r)
        except InvalidRequirement as exc:
            raise click.UsageError(f"not a requirement: {r!r} ({exc})") from None
    options = build_options(kw)
    chosen = Format(fmt) if fmt else Format.CONSOLE
    to_err = bool(output) or chosen is not Format.CONSOLE
    try:
        before = fixer.examine(options)
    except TargetError as exc:
        raise click.ClickException(str(exc)) from None
    env = before.env
    click.echo(f"What if: {' '.join(requirements)} in {env.target.python}\n"
               "Resolving it and building a throwaway venv with the result (the target is not touched) ...", err=to_err)
    own = [s for s in env.target.site_packages if s.startswith(env.target.prefix)]
    seal = trial.site_checksum(own, content=False)
    import os
    import sys

    from ..render.progress import live

    with live(sys.stderr, os.environ) as display:  # a spinner on a terminal only
        display.phase(f"what-if: resolving {' '.join(requirements)}, building a throwaway venv, checking it")
        t = trial.run_install(requirements, before.report, env.target, env.inventory, options, env.environ,
                              env.notebook_facts, env.work_dir or None)
    moves = [{"name": m.name, "from": m.old, "to": m.new} for m in t.moves.moves]
    section: dict[str, Any] = {
        "requested": list(requirements), "moves": moves, "resolved_by": t.installer or "doctor",
        "ok": t.ok, "error": t.error or None, "preview": preview_dict(t.moves), "comparison": t.diff,
        "before": {"summary": before.report.summary, "exit_code": before.report.exit_code},
        "target_unchanged": trial.site_checksum(own, content=False) == seal,
        "throwaway": throwaway_dict(t),
    }
    if t.report is None:
        lines = [trial_text(t, before.report), preview_text(t.moves), throwaway_text(t)]
        if chosen is Format.JSON:
            report = dataclasses.replace(before.report, extras={**before.report.extras, "what_if": section})
            _emit(render_report(report, Format.JSON, False, options.verbose), output)
        else:
            _emit("".join(lines), output)
        return 1
    report = dataclasses.replace(t.report, extras={**t.report.extras, "what_if": section})
    if chosen is Format.CONSOLE:
        head = preview_text(t.moves) + throwaway_text(t) + trial_text(t, before.report).replace(
            "Tried in a throwaway copy first", "After the change, in the copy")
        body = render_report(report, Format.CONSOLE, use_color() and not output, options.verbose)
        _emit(head + "\nThe environment after the change would report:\n" + body
              + "(hypothetical: nothing was changed)\n", output)
    else:
        _emit(render_report(report, chosen, False, options.verbose), output)
    return report.exit_code


def _emit(text: str, output: Optional[str]) -> None:
    if output:
        from pathlib import Path

        try:
            Path(output).write_text(text, encoding="utf-8", errors="backslashreplace")
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        click.echo(f"report written to {output}", err=True)
    else:
        click.echo(text, nl=False)
