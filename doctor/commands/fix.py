"""``langchain-doctor fix``: one consistent repair plan; ``--apply`` runs it after confirmation and re-checks."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

import click

from ..commands._options import (
    build_options,
    fit_stdout,
    output_options,
    render_report,
    target_options,
    use_color,
)
from ..render import Format
from ..target import TargetError

if TYPE_CHECKING:
    from ..model import Report
    from ..repair.apply import Outcome, Procedure, Resolution, StepResult

_MARK = {"error": "✗", "warning": "!", "info": "i"}


def plan_text(fp: Procedure, report: Report) -> str:
    """The findings in one line each, then the numbered steps with their exact commands, then the manual ones."""
    lines = [f"Target: {fp.python}"]
    active = report.active_findings
    s = report.summary
    lines.append(f"Found:  {s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s)"
                 + (f", {len(report.findings) - len(active)} ignored" if len(active) != len(report.findings) else ""))
    for f in active:
        lines.append(f"  {_MARK[f.severity.value]} {f.code} {f.title}")
    lines.append("")
    for note in fp.notes:
        lines.append(f"Note: {note}")
    if fp.steps:
        lines.append(f"Plan ({len(fp.steps)} step{'s' if len(fp.steps) > 1 else ''}, run in order with "
                     f"{fp.installer.value}):")
        for i, step in enumerate(fp.steps, 1):
            lines.append(f"  {i}. {step.title}")
            lines.append(f"     $ {step.display}")
    else:
        lines.append("Plan: nothing the doctor can change automatically.")
    if fp.manual:
        lines.append("By hand (the doctor never runs these):")
        for m in fp.manual:
            lines.append(f"  - {m.summary}" + (f" ({m.code})" if m.code else ""))
            lines += [f"     $ {c}" for c in m.commands]
    return "\n".join(lines) + "\n"


def resolution_text(res: Optional[Resolution]) -> str:
    """pip's dry-run answer, one line per package that would change."""
    if res is None:
        return "Dry run: no package step to resolve.\n"
    lines = [f"Dry run ({'resolved' if res.ok else 'FAILED'}): {res.command}"]
    for name, new, old in res.would_install:
        lines.append(f"  would install {name} {new}" + (f" (installed: {old})" if old else " (new)"))
    if res.ok and not res.would_install and not res.lines:
        lines.append("  nothing would change")
    lines += [f"  | {ln}" for ln in res.lines]
    lines.append("Nothing was changed.")
    return "\n".join(lines) + "\n"


def outcome_text(outcome: Outcome) -> str:
    """What changed and what did not, as observed on disk after the steps."""
    lines = []
    failed = next((r for r in outcome.results if not r.ok), None)
    if failed is not None:
        how = "timed out" if failed.timed_out else f"exit {failed.returncode}"
        lines.append(f"FAILED: {failed.step.title} ({how}); stopped there.")
        lines += [f"  | {ln}" for ln in failed.output]
    lines.append("Changed:" if outcome.changed else "Changed: nothing")
    lines += [f"  + {c}" for c in outcome.changed]
    if outcome.unchanged:
        lines.append("Not changed:")
        lines += [f"  - {c}" for c in outcome.unchanged]
    if outcome.not_run:
        lines.append("Not run:")
        lines += [f"  - {s.title}: $ {s.display}" for s in outcome.not_run]
    return "\n".join(lines) + "\n"


def comparison_text(before: Report, after: Report, diff: dict[str, list[str]]) -> str:
    """Before/after counts and which findings went away, stayed or appeared."""
    b, a = before.summary, after.summary
    lines = [f"Before: {b['error']} error(s), {b['warning']} warning(s), {b['info']} note(s)  ->  "
             f"After: {a['error']} error(s), {a['warning']} warning(s), {a['info']} note(s)"]
    for label, key in (("Resolved", "resolved"), ("Remaining", "remaining"), ("New", "new")):
        if diff[key]:
            lines.append(f"{label}: {', '.join(diff[key])}")
    return "\n".join(lines) + "\n"


def _plan_dict(fp: Procedure) -> dict[str, Any]:
    return {
        "python": fp.python, "installer": fp.installer.value, "notes": list(fp.notes),
        "steps": [{"action": s.action.value, "title": s.title, "command": s.display, "outside": s.outside}
                  for s in fp.steps],
        "manual": [{"summary": m.summary, "commands": list(m.commands), "code": m.code} for m in fp.manual],
    }


def _result_dict(r: StepResult) -> dict[str, Any]:
    return {"command": r.step.display, "ok": r.ok, "returncode": r.returncode, "timed_out": r.timed_out,
            "output": list(r.output)}


def fix_dict(fp: Procedure, before: Report, resolution: Optional[Resolution], outcome: Optional[Outcome],
             diff: Optional[dict[str, list[str]]]) -> dict[str, Any]:
    """The ``fix`` extension of the JSON report."""
    out: dict[str, Any] = {"plan": _plan_dict(fp), "before": {"summary": before.summary,
                                                              "exit_code": before.exit_code}}
    if resolution is not None:
        out["dry_run"] = {"ok": resolution.ok, "command": resolution.command, "output": list(resolution.lines),
                          "would_install": [{"name": n, "version": v, "installed": o}
                                            for n, v, o in resolution.would_install]}
    out["applied"] = None if outcome is None else {
        "ok": outcome.ok, "steps": [_result_dict(r) for r in outcome.results],
        "not_run": [s.display for s in outcome.not_run], "changed": list(outcome.changed),
        "unchanged": list(outcome.unchanged)}
    if diff is not None:
        out["comparison"] = diff
    return out


@click.command("fix")
@target_options
@output_options()
@click.option("--apply", "do_apply", is_flag=True,
              help="Run the plan (after confirmation; --yes skips it), then check again.")
@click.option("--dry-run", is_flag=True,
              help="Change nothing; with --online, show how pip would resolve the package step.")
def command(fmt: Optional[str], output: Optional[str], do_apply: bool, dry_run: bool, **kw: Any) -> int:
    """Print one consistent repair plan; --apply runs it after confirmation and re-checks."""
    from ..repair import apply as fixer

    options = build_options(kw)
    yes = bool(kw.get("yes"))
    applying = do_apply and not dry_run
    if applying and not yes and not fixer.interactive():
        raise click.ClickException("fix --apply needs a confirmation and there is no terminal to ask on; "
                                   "pass --yes to apply without asking")
    chosen = Format(fmt) if fmt else Format.CONSOLE
    live_to_err = bool(output) or chosen is not Format.CONSOLE
    transcript: list[str] = []

    def say(text: str) -> None:
        transcript.append(text)
        click.echo(text, nl=False, err=live_to_err)

    try:
        before = fixer.examine(options)
    except TargetError as exc:
        raise click.ClickException(str(exc)) from None
    env = before.env
    fp = fixer.make_plan(before.report.findings, env.inventory, env.target, env.environ)
    say(plan_text(fp, before.report))

    resolution: Optional[Resolution] = None
    if dry_run:
        if options.online:
            resolution = fixer.dry_run(fp, env.environ, env.inventory)
            say(resolution_text(resolution))
        else:
            say("Dry run: nothing was changed (add --online to see how pip resolves the package step).\n")
    elif not do_apply and fp.steps:
        say("Run `langchain-doctor fix --apply` to make these changes (it asks first; --yes skips the question).\n")

    outcome: Optional[Outcome] = None
    after: Optional[Report] = None
    diff: Optional[dict[str, list[str]]] = None
    if applying and not fp.steps:
        say("Nothing to apply automatically.\n")
    elif applying:
        confirm: Callable[[Procedure], bool]
        if yes:
            def confirm(p: Procedure) -> bool:
                return True
        else:
            def confirm(p: Procedure) -> bool:
                n = len(p.steps)
                return click.confirm(f"Apply {n} step{'s' if n > 1 else ''} to {p.python}?", default=False,
                                     err=live_to_err)

        def on_step(i: int, step: Any) -> None:
            say(f"[{i + 1}/{len(fp.steps)}] {step.title} ...\n")

        def on_result(i: int, r: StepResult) -> None:
            say(f"      {'ok' if r.ok else 'FAILED'} ({r.duration:.1f}s)\n")

        outcome = fixer.apply(fp, confirm=confirm, environ=env.environ, before=env.inventory,
                              sys_path=env.target.sys_path, on_step=on_step, on_result=on_result)
        if outcome is None:
            say("Not applied: nothing changed.\n")
        else:
            say(outcome_text(outcome))
            try:
                after = fixer.examine(fixer.recheck_options(options, env.target), environ=env.environ,
                                      cwd=Path(env.work_dir) if env.work_dir else None).report
            except TargetError as exc:
                say(f"The check after the changes could not run: {exc}\n")
            if after is not None:
                diff = fixer.compare(before.report, after)

    final = after if after is not None else before.report
    final = dataclasses.replace(final, extras={**final.extras,
                                               "fix": fix_dict(fp, before.report, resolution, outcome, diff)})
    code = 1 if outcome is not None and not outcome.ok else final.exit_code

    if chosen is Format.CONSOLE:
        tail = ""
        if after is not None and diff is not None:
            tail = "\nAfter the changes:\n" + render_report(after, Format.CONSOLE, False, options.verbose) \
                + comparison_text(before.report, after, diff)
        if output:
            _write(output, "".join(transcript) + tail)
            click.echo(f"report written to {output}", err=True)
        elif after is not None and diff is not None:
            click.echo("\nAfter the changes:")
            click.echo(fit_stdout(render_report(after, Format.CONSOLE, use_color(), options.verbose)), nl=False)
            click.echo(fit_stdout(comparison_text(before.report, after, diff)), nl=False)
    else:
        text = render_report(final, chosen, False, options.verbose)
        if output:
            _write(output, text)
            click.echo(f"report written to {output}", err=True)
        else:
            click.echo(fit_stdout(text), nl=False)
    return code


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None
