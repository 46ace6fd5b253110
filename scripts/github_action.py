"""The GitHub Action's check step (``action.yml``): run ``check`` once, write JUnit, the job summary and outputs.

Runs with the interpreter of the doctor's own venv (the action's install step makes it). Inputs come as
``INPUT_*`` environment variables; GitHub's files as ``GITHUB_STEP_SUMMARY`` and ``GITHUB_OUTPUT``. Also runs
locally: set the variables you need (the tests do), the rest are optional.

Exit code: the report's (0/1 by ``fail-on``), 2 with one line when the doctor cannot run.
"""

from __future__ import annotations

import glob
import os
import re
import shlex
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from collections.abc import Mapping

    from langchain_doctor.context import Options
    from langchain_doctor.model import Report

DEFAULT_JUNIT = "langchain-doctor-junit.xml"


def _input(environ: Mapping[str, str], name: str) -> str:
    return environ.get(f"INPUT_{name.upper().replace('-', '_')}", "").strip()


def check_argv(environ: Mapping[str, str], cwd: Path) -> list[str]:
    """The ``check`` command line the inputs describe (notebook globs expanded from the workspace)."""
    argv: list[str] = []
    python = _input(environ, "python")
    if python:
        argv += ["--python", python]
    for name in re.split(r"[\s,]+", _input(environ, "providers")):
        if name:
            argv += ["--provider", name]
    for pattern in _input(environ, "notebooks").split():
        if glob.has_magic(pattern):
            # Jupyter's autosave copies (.ipynb_checkpoints/) are not the notebooks.
            matches = sorted(str(p) for p in cwd.glob(pattern)
                             if p.is_file() and ".ipynb_checkpoints" not in p.relative_to(cwd).parts)
            if not matches:
                raise ValueError(f"notebooks: {pattern!r} matches no file in {cwd}")
        else:
            matches = [str(cwd / pattern)]
        for m in matches:
            argv += ["--notebook", m]
    fail_on = _input(environ, "fail-on")
    if fail_on:
        argv += ["--fail-on", fail_on]
    argv += shlex.split(_input(environ, "args"))
    return argv


def parse_options(argv: list[str], cwd: Path) -> Options:
    """Options exactly as ``langchain-doctor check`` would build them (settings file merged, flags win)."""
    from langchain_doctor.commands._options import build_options
    from langchain_doctor.commands.check import command

    ctx = command.make_context("check", list(argv))
    params = dict(ctx.params)
    params.pop("fmt", None)
    params.pop("output", None)
    return build_options(params, cwd=cwd)


def annotation(level: str, title: str, message: str) -> str:
    """A GitHub workflow command (shows on the run and the pull request)."""
    def esc(s: str, prop: bool = False) -> str:
        s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        return s.replace(":", "%3A").replace(",", "%2C") if prop else s

    return f"::{level} title={esc(title, True)}::{esc(message)}"


def _append(path: Optional[str], text: str) -> None:
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(text)


def _workspace_path(environ: Mapping[str, str], name: str, default: str, cwd: Path) -> Path:
    path = Path(_input(environ, name) or default)
    return path if path.is_absolute() else cwd / path


def report_paths(environ: Mapping[str, str], cwd: Path) -> list[str]:
    """summarize mode: the JSON reports and folders the inputs name (globs expanded from the workspace)."""
    given = _input(environ, "reports").split()
    if not given:
        return [str(Path(environ.get("RUNNER_TEMP") or cwd) / "langchain-doctor-reports")]
    out: list[str] = []
    for pattern in given:
        if glob.has_magic(pattern):
            matches = sorted(str(p) for p in cwd.glob(pattern))
            if not matches:
                raise ValueError(f"reports: {pattern!r} matches nothing in {cwd}")
            out += matches
        else:
            out.append(str(cwd / pattern))
    return out


def summarize(environ: Mapping[str, str], cwd: Path) -> int:
    """The summarize mode: the matrix jobs' JSON reports as one matrix in the job summary, and an HTML page."""
    from langchain_doctor.fleet import inputs, safe
    from langchain_doctor.fleet.emit import text
    from langchain_doctor.fleet.render import MatrixFormat

    fail_on = _input(environ, "fail-on") or "error"
    try:
        if fail_on not in ("error", "warning", "never"):
            raise ValueError(f"fail-on must be one of error, warning, never, not {fail_on!r}")
        found = inputs.read(report_paths(environ, cwd))
        if not found.entries:
            raise ValueError("no langchain-doctor JSON report found (did the matrix jobs upload theirs?)")
    except (ValueError, inputs.InputError) as exc:
        print(f"langchain-doctor: {exc}", file=sys.stderr)
        print(annotation("error", "langchain-doctor", str(exc)))
        _append(environ.get("GITHUB_OUTPUT"), "exit-code=2\n")
        return 2
    m, reports = safe.prepare(found.entries, fail_on=fail_on)
    sys.stdout.write(text(m, reports, MatrixFormat.CONSOLE, verbose=True))
    if _input(environ, "summary").lower() not in ("false", "0", "no"):
        _append(environ.get("GITHUB_STEP_SUMMARY"), text(m, reports, MatrixFormat.MARKDOWN) + "\n")
    html = _workspace_path(environ, "html", "langchain-doctor-matrix.html", cwd)
    html.parent.mkdir(parents=True, exist_ok=True)
    html.write_text(text(m, reports, MatrixFormat.HTML), encoding="utf-8")
    for p in m.problems:
        if p.severity in ("error", "warning"):
            envs = ", ".join(a.row for a in p.affected)
            print(annotation(p.severity, f"{p.code} {p.subject}", f"{p.title}\nenvironments: {envs}"))
    for row in m.rows:
        if not row.examined:
            print(annotation("error", f"langchain-doctor {row.label}", f"not examined: {row.entry.reason}"))
    _append(environ.get("GITHUB_OUTPUT"), f"exit-code={m.exit_code}\nhtml={html}\n")
    print(f"HTML page: {html}")
    return m.exit_code


def run(environ: Mapping[str, str], cwd: Path) -> int:
    """The whole step; returns the exit code."""
    import click

    mode = _input(environ, "mode") or "check"
    if mode == "summarize":
        return summarize(environ, cwd)
    if mode != "check":
        print(f"langchain-doctor: mode must be check or summarize, not {mode!r}", file=sys.stderr)
        _append(environ.get("GITHUB_OUTPUT"), "exit-code=2\n")
        return 2
    from langchain_doctor.config import isolated_target
    from langchain_doctor.model import Severity
    from langchain_doctor.render import Format, renderer
    from langchain_doctor.runner import check
    from langchain_doctor.target import TargetError

    try:
        options = parse_options(check_argv(environ, cwd), cwd)
        env = dict(environ)
        if options.python is None:
            # The doctor runs from its own venv: never examine that one by default. The discovery then takes the
            # python3 on PATH and says so (not "given with --python").
            env, _ = isolated_target(environ, cwd)
        report: Report = check(options, environ=env, cwd=cwd)
    except (click.ClickException, TargetError, ValueError) as exc:
        message = exc.format_message() if isinstance(exc, click.ClickException) else str(exc)
        print(f"langchain-doctor: {message}", file=sys.stderr)
        print(annotation("error", "langchain-doctor", message))
        _append(environ.get("GITHUB_OUTPUT"), "exit-code=2\n")
        return 2

    junit = Path(_input(environ, "junit") or DEFAULT_JUNIT)
    junit = junit if junit.is_absolute() else cwd / junit
    junit.parent.mkdir(parents=True, exist_ok=True)
    junit.write_text(renderer(Format.JUNIT)(report, verbose=options.verbose), encoding="utf-8")
    color = environ.get("GITHUB_ACTIONS") == "true" and not environ.get("NO_COLOR")
    sys.stdout.write(renderer(Format.CONSOLE)(report, verbose=options.verbose, color=color))
    if _input(environ, "summary").lower() not in ("false", "0", "no"):
        _append(environ.get("GITHUB_STEP_SUMMARY"), renderer(Format.MARKDOWN)(report, verbose=options.verbose) + "\n")
    # Annotations on the file and line each finding belongs to (the notebook's import, the requirement's pin).
    from langchain_doctor.render.github import annotation as located

    for f in report.active_findings:
        if f.severity is not Severity.INFO:
            print(located(f))
    report_json = _workspace_path(environ, "json", "langchain-doctor-report.json", cwd)
    report_json.parent.mkdir(parents=True, exist_ok=True)
    report_json.write_text(renderer(Format.JSON)(report, verbose=options.verbose), encoding="utf-8")
    _append(environ.get("GITHUB_OUTPUT"), f"exit-code={report.exit_code}\njunit={junit}\njson={report_json}\n")
    print(f"JUnit report: {junit}")
    return report.exit_code


def main() -> None:
    """Entry point: ``python scripts/github_action.py`` from the workspace."""
    workspace = os.environ.get("GITHUB_WORKSPACE") or os.getcwd()
    raise SystemExit(run(os.environ, Path(workspace)))


if __name__ == "__main__":
    main()
