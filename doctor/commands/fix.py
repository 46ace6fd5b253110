"""``langchain-doctor fix``: one consistent repair plan; ``--apply`` runs it after confirmation and re-checks."""

from __future__ import annotations

import dataclasses
import os
import sys
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
from ..render.progress import live
from ..target import TargetError

if TYPE_CHECKING:
    from ..model import Report
    from ..repair.apply import Outcome, Procedure, Resolution, StepResult
    from ..repair.preview import Preview
    from ..repair.trial import Trial
    from ..repair.undo import Restored

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
    if fp.source is not None and fp.source.cannot:
        lines.append("Not in the plan:")
        lines += [f"  - {u.code} {u.subject}: {u.reason}" for u in fp.source.cannot]
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
    for name, old, new in res.moves:
        lines.append(f"  would {'install' if new else 'remove'} {name} {new or old}"
                     + (f" (installed: {old})" if old and new else " (new)" if new else ""))
    if res.moves:
        res = dataclasses.replace(res, lines=())  # the listing is parsed above
    for name, new, old in res.would_install:
        lines.append(f"  would install {name} {new}" + (f" (installed: {old})" if old else " (new)"))
    if res.ok and not res.would_install and not res.moves and not res.lines:
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


def preview_text(pv: Preview) -> str:
    """Every package that will move, crossings marked, and the notebook imports the move breaks."""
    if not pv.moves:
        return "Will move: nothing.\n" if pv.exact else ""
    how = {"pip": "pip's resolver", "uv": "uv's resolver", "copy": "a throwaway copy",
           "doctor": "the doctor's estimate (offline)"}[pv.source]
    lines = [f"Will move ({how}):"]
    lines += [f"  {m.text()}" for m in pv.moves]
    if pv.note:
        lines.append(f"  ({pv.note})")
    if pv.breaks:
        lines.append("This breaks in your notebooks (imports the new line moved):")
        lines += [f"  ✗ {b.notebook} cell {b.cell} line {b.line}: {b.source}  ->  {b.instead}" for b in pv.breaks]
    return "\n".join(lines) + "\n"


def preview_dict(pv: Preview) -> dict[str, Any]:
    """The preview in JSON."""
    return {"exact": pv.exact, "source": pv.source, "note": pv.note,
            "moves": [{"name": m.name, "from": m.old, "to": m.new, "wanted": m.wanted or None,
                       "crossing": m.crossing or None} for m in pv.moves],
            "breaks": [{"notebook": b.notebook, "cell": b.cell, "line": b.line, "source": b.source,
                        "instead": b.instead} for b in pv.breaks]}


def trial_text(t: Trial, before: Report) -> str:
    """How the plan did in the throwaway copy."""
    if t.error and t.report is None:
        lines = [f"Tried in a throwaway copy first: {t.error}."]
        if t.outcome is not None:
            failed = next((r for r in t.outcome.results if not r.ok), None)
            if failed is not None:
                lines += [f"  | {ln}" for ln in failed.output]
        return "\n".join(lines) + "\n"
    assert t.report is not None
    b, a = before.summary, t.report.summary
    lines = [f"Tried in a throwaway copy first: {b['error']} error(s), {b['warning']} warning(s) -> "
             f"{a['error']} error(s), {a['warning']} warning(s)" + (" (cleaner)" if t.cleaner else " (NOT cleaner)")]
    for label, key in (("resolved", "resolved"), ("would appear", "new")):
        if t.diff.get(key):
            lines.append(f"  {label}: {', '.join(t.diff[key])}")
    if t.not_tried:
        lines.append(f"  not tried in the copy (outside the environment): {', '.join(t.not_tried)}")
    return "\n".join(lines) + "\n"


def trial_dict(t: Trial) -> dict[str, Any]:
    """The trial in JSON."""
    return {"ok": t.ok, "cleaner": t.cleaner, "error": t.error or None, "comparison": t.diff,
            "summary": t.report.summary if t.report is not None else None, "not_tried": list(t.not_tried),
            "throwaway": throwaway_dict(t)}


def throwaway_dict(t: Trial) -> dict[str, Any]:
    """How the throwaway environment was made, what it copied rather than reinstalled, what it could not hold."""
    return {"method": t.method or None, "copied": list(t.copied), "not_reproduced": list(t.not_reproduced),
            "note": t.note or None, "seconds": dict(t.seconds)}


def throwaway_text(t: Trial) -> str:
    """One line on how the throwaway environment was made, plus what it copied or could not reproduce."""
    if not t.method:
        return ""
    how = {"fresh": "a fresh venv with the installed set, reinstalled by pin",
           "copy": "a copy of the site-packages, file for file"}.get(t.method, t.method)
    lines = [f"Throwaway environment: {how}" + (f" ({t.note})" if t.note else "") + "."]
    lines += [f"  copied: {c}" for c in t.copied[:20]]
    if len(t.copied) > 20:
        lines.append(f"  ... and {len(t.copied) - 20} more copied")
    lines += [f"  not reproduced in the throwaway copy: {c}" for c in t.not_reproduced]
    return "\n".join(lines) + "\n"


def restored_text(r: Restored, why: str) -> str:
    """What the undo did."""
    head = f"Restored the state before the apply ({why})" + (": exactly." if r.exact else ", but not exactly:")
    return "\n".join([head, *(f"  ! {d}" for d in r.differences)]) + "\n"


def _restored_dict(r: Restored, why: str) -> dict[str, Any]:
    return {"why": why, "exact": r.exact, "differences": list(r.differences), "moved_back": list(r.moved_back),
            "backup": r.mode}


def _plan_dict(fp: Procedure) -> dict[str, Any]:
    src = fp.source
    return {
        "line": src.line if src else None,
        "cannot": [{"code": u.code, "subject": u.subject, "reason": u.reason} for u in (src.cannot if src else ())],
        "python": fp.python, "installer": fp.installer.value, "notes": list(fp.notes),
        "steps": [{"action": s.action.value, "title": s.title, "command": s.display, "outside": s.outside}
                  for s in fp.steps],
        "manual": [{"summary": m.summary, "commands": list(m.commands), "code": m.code} for m in fp.manual],
    }


def _result_dict(r: StepResult) -> dict[str, Any]:
    return {"command": r.step.display, "ok": r.ok, "returncode": r.returncode, "timed_out": r.timed_out,
            "output": list(r.output)}


def fix_dict(fp: Procedure, before: Report, resolution: Optional[Resolution], outcome: Optional[Outcome],
             diff: Optional[dict[str, list[str]]], pv: Optional[Preview] = None, trial: Optional[Trial] = None,
             restored: Optional[dict[str, Any]] = None) -> dict[str, Any]:
    """The ``fix`` extension of the JSON report."""
    out: dict[str, Any] = {"plan": _plan_dict(fp), "before": {"summary": before.summary,
                                                              "exit_code": before.exit_code}}
    if pv is not None:
        out["preview"] = preview_dict(pv)
    if trial is not None:
        out["trial"] = trial_dict(trial)
    out["restored"] = restored
    if resolution is not None:
        out["dry_run"] = {"ok": resolution.ok, "tool": resolution.tool, "command": resolution.command,
                          "output": list(resolution.lines),
                          "moves": [{"name": n, "from": o, "to": v} for n, o, v in resolution.moves],
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
              help="Try the plan in a throwaway copy first; when the copy comes out cleaner, run it on the target "
                   "(after confirmation; --yes skips it), check again, and undo it if anything got worse.")
@click.option("--dry-run", is_flag=True,
              help="Change nothing; with --online, show how pip would resolve the package step.")
@click.option("--line", "line", metavar="LINE",
              help="Move the LangChain family to this release line (for example 1); default: every package stays "
                   "on the line the environment is on.")
@click.option("--undo", "undo_last", is_flag=True,
              help="Restore the target exactly as it was before the last `fix --apply`.")
def command(fmt: Optional[str], output: Optional[str], do_apply: bool, dry_run: bool, line: Optional[str],
            undo_last: bool, **kw: Any) -> int:
    """Print one consistent repair plan, bounded to the environment's release line, with a preview of what moves.

    --apply tries it in a throwaway copy first (the package index must be reachable), applies it only when the copy
    comes out cleaner, and restores the previous state when a step fails or the check after is worse.
    """
    from ..knowledge.lines import parse_line
    from ..repair import apply as fixer
    from ..repair import preview, trial, undo

    options = build_options(kw)
    yes = bool(kw.get("yes"))
    chosen = Format(fmt) if fmt else Format.CONSOLE
    live_to_err = bool(output) or chosen is not Format.CONSOLE
    transcript: list[str] = []

    def say(text: str) -> None:
        transcript.append(text)
        click.echo(text, nl=False, err=live_to_err)

    if line is not None:
        try:
            line = parse_line(line)
        except ValueError as exc:
            raise click.UsageError(str(exc)) from None
    if undo_last:
        return _undo(options, say, chosen, output, transcript)
    applying = do_apply and not dry_run
    if applying and not yes and not fixer.interactive():
        raise click.ClickException("fix --apply needs a confirmation and there is no terminal to ask on; "
                                   "pass --yes to apply without asking")

    try:
        before = fixer.examine(options)
    except TargetError as exc:
        raise click.ClickException(str(exc)) from None
    env = before.env
    fp = fixer.make_plan(before.report.findings, env.inventory, env.target, env.environ, line=line)
    say(plan_text(fp, before.report))
    uninstall = fp.source.uninstall if fp.source is not None else ()
    pv = preview.offline(fp.package_reqs, uninstall, env.inventory, env.notebook_facts)

    resolution: Optional[Resolution] = None
    if options.online and fp.package_reqs:
        resolution = fixer.dry_run(fp, env.environ, env.inventory)
        if resolution is not None and resolution.ok:
            if resolution.tool == "uv":
                pv = preview.exact(resolution.moves, "uv", env.notebook_facts)
            else:
                pv = preview.exact([(n, o, v) for n, v, o in resolution.would_install], "pip", env.notebook_facts)
    say(preview_text(pv))
    if dry_run:
        if options.online:
            say(resolution_text(resolution))
        else:
            say("Dry run: nothing was changed (add --online to see how pip resolves the package step).\n")
    elif not do_apply and fp.steps:
        say("Run `langchain-doctor fix --apply` to make these changes (it tries them in a throwaway copy and asks "
            "first; --yes skips the question).\n")

    outcome: Optional[Outcome] = None
    after: Optional[Report] = None
    diff: Optional[dict[str, list[str]]] = None
    tried: Optional[Trial] = None
    restored: Optional[dict[str, Any]] = None
    failed = False
    if applying and not fp.steps:
        say("Nothing to apply automatically.\n")
    elif applying:
        n = len(fp.steps)
        if not yes and not click.confirm(f"Apply {n} step{'s' if n > 1 else ''} to {fp.python}?", default=False,
                                         err=live_to_err):
            say("Not applied: nothing changed.\n")
        else:
            say("Trying the plan in a throwaway copy of the environment first ...\n")
            with live(sys.stderr, os.environ) as display:  # a spinner on a terminal only
                display.phase("trying the plan in a throwaway copy")
                tried = trial.run_plan(fp, before.report, env.target, env.inventory, options, env.environ,
                                       env.notebook_facts, env.work_dir or None)
            say(throwaway_text(tried) + trial_text(tried, before.report))
            say(preview_text(tried.moves))
            if tried.moves.moves:
                pv = tried.moves  # the copy's answer is exact: it replaces the estimate in the JSON
            if not (tried.ok and tried.cleaner):
                failed = True
                say("Not applied: the plan does not leave the environment better (see above); nothing changed.\n")
            else:
                touched = {m.name for m in tried.moves.moves} | set(fp.source.touched() if fp.source else ())
                folder = undo.record(env.target, env.inventory, env.environ, touched)
                say(f"Recorded the installed set for `langchain-doctor fix --undo` ({folder}; "
                    f"{undo.backup_text(folder)}).\n")

                display = live(sys.stderr, os.environ)  # the running step as a spinner, on a terminal only

                def on_step(i: int, step: Any) -> None:
                    say(f"[{i + 1}/{len(fp.steps)}] {step.title} ...\n")
                    display.phase(f"fix --apply step {i + 1}/{len(fp.steps)}: {step.title}")

                def on_result(i: int, r: StepResult) -> None:
                    say(f"      {'ok' if r.ok else 'FAILED'} ({r.duration:.1f}s)\n")

                with display:
                    outcome = fixer.apply(fp, confirm=lambda p: True, environ=env.environ, before=env.inventory,
                                          sys_path=env.target.sys_path, on_step=on_step, on_result=on_result,
                                          undo_folder=folder)
                assert outcome is not None
                say(outcome_text(outcome))
                why = "" if outcome.ok else "a step failed"
                if outcome.ok:
                    try:
                        after = fixer.examine(fixer.recheck_options(options, env.target), environ=env.environ,
                                              cwd=Path(env.work_dir) if env.work_dir else None).report
                    except TargetError as exc:
                        say(f"The check after the changes could not run: {exc}\n")
                        why = "the check after the changes could not run"
                    if after is not None and trial.worse(before.report, after):
                        why = "the check after the changes found more errors"
                if why:
                    failed = True
                    back = undo.restore(env.target.python, env.environ)
                    restored = _restored_dict(back, why)
                    say(restored_text(back, why))
                    after = None
                elif after is not None:
                    diff = fixer.compare(before.report, after)

    final = after if after is not None else before.report
    final = dataclasses.replace(final, extras={**final.extras, "fix": fix_dict(
        fp, before.report, resolution, outcome, diff, pv, tried, restored)})
    code = 1 if failed or (outcome is not None and not outcome.ok) else final.exit_code

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


def _undo(options: Any, say: Callable[[str], None], chosen: Format, output: Optional[str],
          transcript: list[str]) -> int:
    import json

    from ..repair import undo
    from ..runner import read_environment

    try:
        env = read_environment(options, probe=False)
    except TargetError as exc:
        raise click.ClickException(str(exc)) from None
    py = env.target.python
    when = undo.created(py, env.environ)
    if when is None:
        raise click.ClickException(f"nothing to undo for {py}: no `fix --apply` recorded")
    try:
        back = undo.restore(py, env.environ)
    except (undo.UndoError, OSError) as exc:
        raise click.ClickException(f"undo failed: {exc}") from None
    why = f"fix --undo of the apply at {when}"
    if chosen is Format.JSON:
        text = json.dumps({"undo": _restored_dict(back, why)}, indent=2) + "\n"
        if output:
            _write(output, text)
        else:
            click.echo(text, nl=False)
    else:
        say(restored_text(back, why))
        if output:
            _write(output, "".join(transcript))
    return 0 if back.exact else 1


def _write(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8", errors="backslashreplace")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None
