"""IPython extension: ``%load_ext langchain_doctor`` then ``%langchain_doctor [options]`` in a notebook.

It checks the *running kernel's* interpreter (``sys.executable``) from the current notebook's folder (so a
``pyproject.toml`` there, and files that shadow packages, count), and shows the report in the cell: rich console
output by default, JSON with ``--format json``, Markdown with ``--format markdown``. The options are those of
``langchain-doctor check``. The result is also a value: ``r = %langchain_doctor`` keeps ``r.report``.
"""

from __future__ import annotations

import io
import json
import os
import shlex
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional

import click

from .commands._options import build_options, output_options, render_report, target_options
from .render import Format
from .target import TargetError

MAGIC = "langchain_doctor"


class DoctorResult:
    """A report as a notebook shows it: HTML (rich), Markdown or JSON, with plain text as fallback."""

    def __init__(self, report: Any, fmt: Format, verbose: bool = False, width: int = 110) -> None:
        self.report = report
        """The doctor.model.Report."""
        self.format = fmt
        self.verbose = verbose
        self.width = width

    @property
    def exit_code(self) -> int:
        """What the command line would exit with."""
        code: int = self.report.exit_code
        return code

    def text(self) -> str:
        """The report in the chosen format, plain (no ANSI colours)."""
        return render_report(self.report, self.format, False, self.verbose)

    def __repr__(self) -> str:
        return self.text()

    def _repr_html_(self) -> Optional[str]:
        if self.format is not Format.CONSOLE:
            return None
        from rich.console import Console
        from rich.text import Text

        ansi = render_report(self.report, Format.CONSOLE, True, self.verbose)
        # force_jupyter=False: rich must only build the HTML here, not display it as an output of its own (the
        # cell's one output is this object's execute result: HTML where the front end shows it, else plain text).
        console = Console(record=True, file=io.StringIO(), width=self.width, force_terminal=True, force_jupyter=False,
                          color_system="standard")
        console.print(Text.from_ansi(ansi), soft_wrap=True)
        return console.export_html(inline_styles=True, code_format=_HTML)

    def _repr_markdown_(self) -> Optional[str]:
        return self.text() if self.format is Format.MARKDOWN else None

    def _repr_json_(self) -> Optional[dict[str, Any]]:
        if self.format is not Format.JSON:
            return None
        data: dict[str, Any] = json.loads(self.text())
        return data


_HTML = ('<pre style="font-family: Menlo, \'DejaVu Sans Mono\', Consolas, monospace; font-size: 0.85em; '
         'line-height: 1.35; white-space: pre-wrap">{code}</pre>')


def notebook_path(user_ns: Optional[dict[str, Any]] = None, environ: Optional[dict[str, str]] = None) -> Optional[Path]:
    """The running notebook's file when the front end says so (VS Code, JupyterLab/Notebook 7), else None."""
    ns = user_ns or {}
    env = os.environ if environ is None else environ
    for candidate in (ns.get("__vsc_ipynb_file__"), ns.get("__session__"), env.get("JPY_SESSION_NAME")):
        if isinstance(candidate, str) and candidate.endswith(".ipynb"):
            p = Path(candidate)
            if not p.is_absolute():
                p = Path.cwd() / p
            if p.is_file():
                return p
    return None


def _command(folder: Path, notebook: Optional[Path]) -> click.Command:
    @click.command(MAGIC, context_settings={"help_option_names": ["-h", "--help"]})
    @target_options
    @output_options()
    def run(fmt: Optional[str], output: Optional[str], **kw: Any) -> Optional[DoctorResult]:
        """Check the running kernel's interpreter from this notebook's folder."""
        from .runner import check

        options = build_options(kw, cwd=folder)
        # The kernel is the interpreter the notebook runs: only an explicit --python replaces it.
        if not kw.get("python"):
            options = replace(options, python=sys.executable,
                              selected=("kernel", f"the running kernel's interpreter ({sys.executable})"))
        if not options.notebooks and notebook is not None:
            options = replace(options, notebooks=(str(notebook),))
        try:
            report = check(options, cwd=folder)
        except TargetError as exc:
            raise click.ClickException(str(exc)) from None
        result = DoctorResult(report, Format(fmt) if fmt else Format.CONSOLE, options.verbose)
        if output:
            try:
                Path(output if os.path.isabs(output) else folder / output).write_text(result.text(),
                                                                                      encoding="utf-8")
            except OSError as exc:
                raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        return result

    return run


def langchain_doctor(line: str = "", *, user_ns: Optional[dict[str, Any]] = None) -> Optional[DoctorResult]:
    """``%langchain_doctor [options]``: the report as the cell's output; a one-line message on a usage error."""
    try:
        args = shlex.split(line)
    except ValueError as exc:
        print(f"langchain-doctor: {exc}", file=sys.stderr)
        return None
    if user_ns is None:
        user_ns = _user_ns()
    notebook = notebook_path(user_ns)
    folder = notebook.parent if notebook is not None else Path.cwd()
    try:
        rv = _command(folder, notebook).main(args=args, prog_name=f"%{MAGIC}", standalone_mode=False)
    except click.exceptions.Exit:
        return None
    except click.Abort:
        print("langchain-doctor: aborted", file=sys.stderr)
        return None
    except click.ClickException as exc:
        from .redact import for_process

        print(f"langchain-doctor: {for_process().line(exc.format_message())}", file=sys.stderr)
        return None
    return rv if isinstance(rv, DoctorResult) else None


def _user_ns() -> dict[str, Any]:
    try:
        from IPython import get_ipython  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return {}
    shell = get_ipython()
    ns = getattr(shell, "user_ns", None)
    return ns if isinstance(ns, dict) else {}


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%langchain_doctor`` (called by ``%load_ext langchain_doctor``)."""

    def magic(line: str = "") -> Optional[DoctorResult]:
        return langchain_doctor(line, user_ns=getattr(ipython, "user_ns", None))

    magic.__doc__ = langchain_doctor.__doc__
    ipython.register_magic_function(magic, magic_kind="line", magic_name=MAGIC)
