"""Matrix renderers: console, Markdown, JSON and a self-contained HTML page (one explicit table of formats)."""

from __future__ import annotations

import enum
import json
from typing import TYPE_CHECKING, Any, Callable, Optional

from .. import __version__
from .matrix import ENVIRONMENT, Cell, Matrix, Problem, Row, to_json

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


class MatrixFormat(str, enum.Enum):
    """The formats of a matrix (``summarize --format``; ``check --all-kernels`` takes all but html)."""

    CONSOLE = "console"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"


_MARKS = {"ok": "✓", "warning": "!", "error": "✗", "not-installed": "-", "skipped": "·", "absent": "·"}
_ASCII_MARKS = {"ok": "ok", "warning": "!", "error": "X", "not-installed": "-", "skipped": ".", "absent": "."}
_STYLE = {"ok": "green", "warning": "yellow", "error": "bold red", "not-installed": "dim", "skipped": "dim",
          "absent": "dim"}
_SEVERITY_MARK = {"error": "error", "warning": "warning", "info": "ok"}
_HEADINGS = {ENVIRONMENT: "env-wide"}
LEGEND = "✓ ok  ! warning  ✗ error  - not installed  · not listed; the code is the cell's top finding"


def marks(ascii_only: bool) -> Mapping[str, str]:
    """Cell marks: ✓ ! ✗, or plain ASCII where the output cannot encode them."""
    return _ASCII_MARKS if ascii_only else _MARKS


def cell_text(cell: Optional[Cell], ascii_only: bool = False) -> str:
    """``✗ LCD201``, ``✓``, ``-``."""
    if cell is None:
        return ""
    mark = marks(ascii_only)[cell.status]
    return f"{mark} {cell.code}" if cell.code else mark


def heading(column: str) -> str:
    """The column's heading (the environment-wide column is named for what it holds)."""
    return _HEADINGS.get(column, column)


def _python(row: Row) -> str:
    report = row.entry.report or {}
    target = report.get("target")
    return str(target.get("python_version") or "") if isinstance(target, dict) else ""


def _fix_lines(fix: Optional[Mapping[str, Any]]) -> list[str]:
    if not fix:
        return ["(no automatic fix)"]
    commands = [str(c) for c in fix.get("commands") or () if str(c).strip()]
    return [f"$ {c}" for c in commands] if commands else [str(fix.get("summary") or "(no automatic fix)")]


def _headline(m: Matrix) -> str:
    c = m.counts
    parts = [f"{c['error']} with errors", f"{c['warning']} with warnings", f"{c['ok']} ok"]
    if c["not-examined"]:
        parts.append(f"{c['not-examined']} not examined")
    return f"{len(m.rows)} environment(s): " + ", ".join(parts)


# ------------------------------------------------------------------------------------------------ console

Segment = tuple[str, str]


def _console_lines(m: Matrix, verbose: bool, ascii_only: bool) -> list[list[Segment]]:
    head = ["environment", "python", *(heading(c) for c in m.columns)]
    body: list[list[tuple[str, str]]] = []
    for row in m.rows:
        if not row.examined:
            body.append([(row.label, "bold"), ("—", "dim"), (f"not examined: {row.entry.reason}", "red")])
            continue
        cells = [(cell_text(row.cells.get(c), ascii_only), _STYLE[row.cells[c].status]) for c in m.columns]
        body.append([(row.label, "bold"), (_python(row), ""), *cells])
    widths = [len(h) for h in head]
    for r in body:
        if len(r) == len(head):
            widths = [max(w, len(t)) for w, (t, _) in zip(widths, r)]
    out: list[list[Segment]] = [[(f"langchain-doctor {__version__}", "bold"), (" · " + _headline(m), "")], []]
    out.append([("  ".join(h.ljust(w) for h, w in zip(head, widths)).rstrip(), "bold")])
    for r in body:
        line: list[Segment] = []
        for i, (text, style) in enumerate(r):
            last = i == len(r) - 1
            pad = "" if last else " " * (widths[i] - len(text) + 2) if i < len(widths) else "  "
            line += [(text, style), (pad, "")]
        out.append(line)
    legend = LEGEND if not ascii_only else "ok  ! warning  X error  - not installed  . not listed"
    out.append([(legend, "dim")])
    problems = shown_problems(m, verbose)
    if problems:
        out += [[], [(f"Problems ({len(problems)})", "bold")]]
    for p in problems:
        out += _problem_lines(p, verbose, ascii_only)
    hidden = len(m.problems) - len(problems)
    if hidden:
        out.append([(f"({hidden} note(s) hidden: -v shows them)", "dim")])
    s = m.counts
    out += [[], [("Summary: ", ""), (_headline(m), "" if not (s["error"] or s["not-examined"]) else "bold"),
                  (f" · exit {m.exit_code} (--fail-on {m.fail_on})", "")]]
    return out


def shown_problems(m: Matrix, verbose: bool) -> tuple[Problem, ...]:
    """Errors and warnings; notes (a key missing for a provider nobody needs) only with -v."""
    return m.problems if verbose else tuple(p for p in m.problems if p.severity != "info")


def _problem_lines(p: Problem, verbose: bool, ascii_only: bool) -> list[list[Segment]]:
    mark = marks(ascii_only)[_SEVERITY_MARK[p.severity]] if p.severity != "info" else "i"
    n = len(p.affected)
    out: list[list[Segment]] = [[(mark, _STYLE[_SEVERITY_MARK[p.severity]]), (" ", ""), (p.code, "bold"),
                                 (f" {p.title} ", ""), (f"({p.kind})", "dim"),
                                 (f" · {n} environment{'s' if n != 1 else ''}", "")]]
    shown = p.affected if verbose or n <= 12 else p.affected[:10]
    for a in shown:
        lines = _fix_lines(a.fix)
        out.append([("    ", ""), (a.row, "bold"), (": ", ""), (lines[0], "cyan")])
        out += [[("      ", ""), (x, "cyan")] for x in lines[1:]]
    if len(shown) < n:
        out.append([("    ", ""), (f"... {n - len(shown)} more environment(s) (-v)", "dim")])
    return out


def render_console(m: Matrix, reports: Sequence[Mapping[str, Any]], *, verbose: bool = False, color: bool = False,
                   ascii_only: bool = False, width: int = 200) -> str:
    """The matrix as a terminal table, then the problems grouped, each environment with its own fix."""
    lines = _console_lines(m, verbose, ascii_only)
    if not color:
        return "".join("".join(t for t, _ in line).rstrip() + "\n" for line in lines)
    from rich.console import Console
    from rich.text import Text

    console = Console(record=True, width=width, force_terminal=True, color_system="standard", soft_wrap=True)
    with console.capture() as cap:
        for line in lines:
            console.print(Text.assemble(*line), highlight=False)
    return cap.get()


# ----------------------------------------------------------------------------------------------- markdown

def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ").replace("<", "&lt;")


def _code(text: str) -> str:
    ticks = "``" if "`" in text else "`"
    return f"{ticks} {text} {ticks}" if ticks == "``" else f"`{text}`"


def render_markdown(m: Matrix, reports: Sequence[Mapping[str, Any]], *, verbose: bool = False,
                    color: bool = False, ascii_only: bool = False) -> str:
    """The same table for a wiki or a ticket, then the grouped problems."""
    out = [f"## langchain-doctor: {len(m.rows)} environment(s)", "", _headline(m) + ".", ""]
    out.append("| environment | python | " + " | ".join(heading(c) for c in m.columns) + " |")
    out.append("|---|---|" + "---|" * len(m.columns))
    for row in m.rows:
        if not row.examined:
            out.append(f"| {_md(row.label)} | — | not examined: {_md(row.entry.reason or '')} |"
                       + " |" * (len(m.columns) - 1))
            continue
        out.append(f"| {_md(row.label)} | {_md(_python(row))} | "
                   + " | ".join(cell_text(row.cells.get(c)) for c in m.columns) + " |")
    out += ["", f"<sub>{LEGEND}</sub>"]
    problems = shown_problems(m, verbose)
    if problems:
        out += ["", f"### Problems ({len(problems)})", ""]
    for p in problems:
        mark = _MARKS[_SEVERITY_MARK[p.severity]] if p.severity != "info" else "i"
        n = len(p.affected)
        out.append(f"- {mark} **{p.code}** {_md(p.title)} ({p.kind}) · {n} environment{'s' if n != 1 else ''}")
        for a in p.affected:
            out.append(f"  - {_md(a.row)}: " + ", ".join(_code(x[2:]) if x.startswith("$ ") else _md(x)
                                                         for x in _fix_lines(a.fix)))
    out += ["", f"Exit code {m.exit_code} (--fail-on {m.fail_on})."]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------------- json

def document(m: Matrix, reports: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The JSON object: ``reports`` (each a schema_version 1 report) plus ``matrix``."""
    return {"schema_version": 1, "tool": {"name": "langchain-doctor", "version": __version__},
            "reports": list(reports), "matrix": to_json(m), "exit_code": m.exit_code}


def _pretty(out: list[str], value: Any, level: int, dumps: Callable[[Any], str]) -> None:
    """JSON indented down to the lists' items, each item on one line: readable, and written by json's C encoder
    (``indent`` would make it use the pure-Python one: most of the time of a thousand reports' document). Appended
    to ``out`` as pieces, joined once: a thousand reports' megabytes are copied once, not once per level."""
    pad = "  " * (level + 1)
    if isinstance(value, dict) and value and level < 2:
        out.append("{\n")
        sep = ""
        for k, v in value.items():
            out.append(f"{sep}{pad}{dumps(k)}: ")
            _pretty(out, v, level + 1, dumps)
            sep = ",\n"
        out.append("\n" + "  " * level + "}")
    elif isinstance(value, list) and value and level < 3 and any(isinstance(x, (dict, list)) for x in value):
        sep = "[\n" + pad
        for x in value:
            out += (sep, dumps(x))
            sep = ",\n" + pad
        out.append("\n" + "  " * level + "]")
    else:
        out.append(dumps(value))


def render_json(m: Matrix, reports: Sequence[Mapping[str, Any]], *, verbose: bool = False, color: bool = False,
                ascii_only: bool = False) -> str:
    """JSON text, one report (and one matrix row, one problem) per line, with a trailing newline."""
    out: list[str] = []
    # No check for circular references: every value is a tree (parsed from JSON, or a report made by to_json).
    _pretty(out, document(m, reports), 0, json.JSONEncoder(ensure_ascii=False, check_circular=False).encode)
    out.append("\n")
    return "".join(out)


# --------------------------------------------------------------------------------------------------- html

def render_html(m: Matrix, reports: Sequence[Mapping[str, Any]], *, verbose: bool = False, color: bool = False,
                ascii_only: bool = False) -> str:
    """A self-contained page (inline CSS and JS, nothing fetched): the coloured matrix; a click on a cell shows
    its findings."""
    from . import html

    return html.page(m, _headline(m))


Renderer = Callable[..., str]

RENDERERS: dict[MatrixFormat, Renderer] = {
    MatrixFormat.CONSOLE: render_console,
    MatrixFormat.JSON: render_json,
    MatrixFormat.MARKDOWN: render_markdown,
    MatrixFormat.HTML: render_html,
}
