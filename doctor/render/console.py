"""Console output in the spirit of flutter doctor: one line per provider with its findings, evidence and fix."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from ..model import Finding, ProviderState, Report, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable

# A line is a list of (text, style) segments; the style is rich's syntax and is applied only on a terminal.
# Plain output (pipes, CI logs, files) joins the texts and never imports rich (~30 ms of start-up).
Segment = tuple[str, str]
Line = list[Segment]

_MARK: dict[Severity, Segment] = {
    Severity.ERROR: ("✗", "bold red"),
    Severity.WARNING: ("!", "yellow"),
    Severity.INFO: ("i", "blue"),
}
_STATE_MARK: dict[ProviderState, Segment] = {
    ProviderState.OK: ("✓", "green"),
    ProviderState.WARNING: ("!", "yellow"),
    ProviderState.ERROR: ("✗", "bold red"),
    ProviderState.NOT_INSTALLED: ("-", "dim"),
    ProviderState.SKIPPED: ("·", "dim"),
}
_STAGE_MARK = {"ok": "✓", "error": "✗", "warning": "!", "skipped": "·", "not-run": "·", "info": "·"}
_MAX_EVIDENCE = 4


def _finding_lines(f: Finding, verbose: bool, indent: str) -> list[Line]:
    first: Line = [(indent, ""), _MARK[f.severity], (" ", ""), (f.code, "bold"), (f" {f.title} ", ""),
                   (f"({f.kind.value})", "dim")]
    if f.ignored is not None:
        first.append((f" ignored: {f.ignored}", "dim"))
    lines = [first]
    evidence = f.evidence if verbose else f.evidence[:_MAX_EVIDENCE]
    for e in evidence:
        for part in e.splitlines() or [""]:
            lines.append([(f"{indent}    ", ""), ("│", "dim"), (f" {part}", "")])
    if len(f.evidence) > len(evidence):
        lines.append([(f"{indent}    ", ""), (f"│ ... {len(f.evidence) - len(evidence)} more (-v)", "dim")])
    if f.fix is not None:
        lines.append([(f"{indent}    ", ""), ("fix:", "cyan"), (f" {f.fix.summary}", "")])
        for c in f.fix.commands:
            lines.append([(f"{indent}      ", ""), ("$", "cyan"), (f" {c}", "")])
    return lines


def _smoke_lines(smoke: list[Any], verbose: bool) -> list[Line]:
    """The ``--smoke`` table: one row per provider called (or not), then why calls failed and metadata keys."""
    from ..smoke import COLUMNS, row_notes, table_rows

    rows = [COLUMNS, *table_rows(smoke)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    out: list[Line] = [[], [("Smoke calls", "bold"), (" ", ""),
                            ("(--online --smoke: one real call per provider)", "dim")]]
    for n, row in enumerate(rows):
        line = "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
        out.append([("    ", ""), (line, "dim")] if n == 0 else [(f"    {line}", "")])
    notes = row_notes(smoke)
    if not verbose:
        notes = [n for n in notes if "response_metadata keys" not in n]
    out.extend([("    ", ""), (n, "dim")] for n in notes)
    return out


def _lines(report: Report, verbose: bool) -> list[Line]:
    out: list[Line] = []
    t = report.target
    out.append([(f"langchain-doctor {report.tool_version}", "bold")])
    if t is not None:
        out.append([(f"Target: {t.python} (Python {t.python_version}, {t.platform})", "")])
        out.append([("        ", ""), (f"chosen because: {t.reason}", "dim")])
    family = {p.name: p.version for p in report.packages}
    core_line = " · ".join(f"{n} {family[n]}" for n in ("langchain", "langchain-core", "pydantic", "pydantic-core")
                           if n in family)
    if core_line:
        out.append([(f"Core:   {core_line}", "")])
    out.append([])
    by_provider: dict[str | None, list[Finding]] = defaultdict(list)
    hidden = 0
    for f in report.findings:
        if f.severity is Severity.INFO and f.provider is not None and not verbose:
            hidden += 1  # notes (e.g. a key missing for a provider nobody needs) only with -v
            continue
        by_provider[f.provider].append(f)
    for p in report.providers:
        line: Line = [("[", ""), _STATE_MARK[p.status], ("] ", ""), (p.name, "bold"),
                      (f"  {p.package}{f' {p.version}' if p.version else ''}", "")]
        if p.needed:
            line.append((" ", ""))
            line.append(("(needed)", "dim"))
        if p.via:
            line.append((" ", ""))
            line.append((f"via {p.via}'s class", "dim"))
        stages = "  ".join(f"{k} {_STAGE_MARK.get(v, v)}" for k, v in p.checks)
        if stages:
            line.append(("  ", ""))
            line.append((stages, "dim"))
        if p.explained_by:
            line.append((" ", ""))
            line.append((f"(see {', '.join(p.explained_by)} below)", "dim"))
        if p.status is ProviderState.NOT_INSTALLED:
            line.append((" ", ""))
            line.append(("not installed", "dim"))
        out.append(line)
        for f in by_provider.pop(p.name, []):
            out.extend(_finding_lines(f, verbose, "    "))
    rest = [f for fs in by_provider.values() for f in fs]
    if rest:
        worst = max(f.severity.rank for f in rest)
        mark = {2: _MARK[Severity.ERROR], 1: _MARK[Severity.WARNING], 0: _MARK[Severity.INFO]}[worst]
        out.append([("[", ""), mark, ("] ", ""), ("Environment", "bold")])
        for f in rest:
            out.extend(_finding_lines(f, verbose, "    "))
    elif not report.providers and report.target is not None:
        out.append([("No provider integration installed.", "dim")])
    elif report.target is None and not report.findings:
        out.append([("No known failure found in the input.", "green")])
    smoke = report.extras.get("smoke")
    if isinstance(smoke, list) and smoke:
        out.extend(_smoke_lines(smoke, verbose))
    s = report.summary
    ignored = len(report.findings) - len(report.active_findings)
    out.append([])
    tail = f", {ignored} ignored" if ignored else ""
    if hidden:
        tail += f" ({hidden} note(s) hidden: -v shows them)"
    verdict: Segment = ("no issues found", "green") if not any(s.values()) else (
        f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s){tail}", "")
    out.append([("Summary: ", ""), verdict, (f" · exit {report.exit_code} (--fail-on {report.fail_on})", "")])
    return out


def _plain(lines: Iterable[Line]) -> str:
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)


def render(report: Report, *, verbose: bool = False, color: bool = False, width: int = 100) -> str:
    """The console text; ANSI colours only when ``color`` (a terminal), plain and unwrapped otherwise."""
    lines = _lines(report, verbose)
    if not color:
        return _plain(lines)
    from rich.console import Console
    from rich.text import Text

    console = Console(record=True, width=width, force_terminal=True, color_system="standard", soft_wrap=True)
    with console.capture() as cap:
        for line in lines:
            console.print(Text.assemble(*line), highlight=False)
    return cap.get()
