"""Console output in the spirit of flutter doctor: one line per provider with its findings, evidence and fix."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from doctor.model import Finding, ProviderState, Report, Severity

_MARK = {
    Severity.ERROR: "[bold red]✗[/]",
    Severity.WARNING: "[yellow]![/]",
    Severity.INFO: "[blue]i[/]",
}
_STATE_MARK = {
    ProviderState.OK: "[green]✓[/]",
    ProviderState.WARNING: "[yellow]![/]",
    ProviderState.ERROR: "[bold red]✗[/]",
    ProviderState.NOT_INSTALLED: "[dim]-[/]",
    ProviderState.SKIPPED: "[dim]·[/]",
}
_STAGE_MARK = {"ok": "✓", "error": "✗", "warning": "!", "skipped": "·", "not-run": "·", "info": "·"}
_MAX_EVIDENCE = 4


def _finding_lines(f: Finding, verbose: bool, indent: str) -> list[str]:
    lines = [f"{indent}{_MARK[f.severity]} [bold]{f.code}[/] {escape(f.title)} [dim]({f.kind.value})[/]"]
    if f.ignored is not None:
        lines[0] += f" [dim]ignored: {escape(f.ignored)}[/]"
    evidence = f.evidence if verbose else f.evidence[:_MAX_EVIDENCE]
    for e in evidence:
        for part in e.splitlines() or [""]:
            lines.append(f"{indent}    [dim]│[/] {escape(part)}")
    if len(f.evidence) > len(evidence):
        lines.append(f"{indent}    [dim]│ ... {len(f.evidence) - len(evidence)} more (-v)[/]")
    if f.fix is not None:
        lines.append(f"{indent}    [cyan]fix:[/] {escape(f.fix.summary)}")
        for c in f.fix.commands:
            lines.append(f"{indent}      [cyan]$[/] {escape(c)}")
    return lines


def _smoke_lines(smoke: list[Any], verbose: bool) -> list[str]:
    """The ``--smoke`` table: one row per provider called (or not), then why calls failed and metadata keys."""
    from doctor.smoke import COLUMNS, row_notes, table_rows

    rows = [COLUMNS, *table_rows(smoke)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(COLUMNS))]
    out = ["", "[bold]Smoke calls[/] [dim](--online --smoke: one real call per provider)[/]"]
    for n, row in enumerate(rows):
        line = "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
        out.append(f"    [dim]{escape(line)}[/]" if n == 0 else f"    {escape(line)}")
    notes = row_notes(smoke)
    if not verbose:
        notes = [n for n in notes if "response_metadata keys" not in n]
    out.extend(f"    [dim]{escape(n)}[/]" for n in notes)
    return out


def _markup(report: Report, verbose: bool) -> list[str]:
    out: list[str] = []
    t = report.target
    out.append(f"[bold]langchain-doctor {report.tool_version}[/]")
    if t is not None:
        out.append(f"Target: {escape(t.python)} (Python {t.python_version}, {t.platform})")
        out.append(f"        [dim]chosen because: {escape(t.reason)}[/]")
    family = {p.name: p.version for p in report.packages}
    core_line = " · ".join(f"{n} {family[n]}" for n in ("langchain", "langchain-core", "pydantic", "pydantic-core")
                           if n in family)
    if core_line:
        out.append(f"Core:   {escape(core_line)}")
    out.append("")
    by_provider: dict[str | None, list[Finding]] = defaultdict(list)
    hidden = 0
    for f in report.findings:
        if f.severity is Severity.INFO and f.provider is not None and not verbose:
            hidden += 1  # notes (e.g. a key missing for a provider nobody needs) only with -v
            continue
        by_provider[f.provider].append(f)
    for p in report.providers:
        version = f" {p.version}" if p.version else ""
        needed = " [dim](needed)[/]" if p.needed else ""
        if p.via:
            needed += f" [dim]via {p.via}'s class[/]"
        stages = "  ".join(f"{k} {_STAGE_MARK.get(v, v)}" for k, v in p.checks)
        stages = f"  [dim]{escape(stages)}[/]" if stages else ""
        status = "not installed" if p.status is ProviderState.NOT_INSTALLED else ""
        out.append(f"[{_STATE_MARK[p.status]}] [bold]{p.name}[/]  {p.package}{version}{needed}{stages}"
                   f"{' [dim]' + status + '[/]' if status else ''}")
        for f in by_provider.pop(p.name, []):
            out.extend(_finding_lines(f, verbose, "    "))
    rest = [f for fs in by_provider.values() for f in fs]
    if rest:
        worst = max(f.severity.rank for f in rest)
        mark = {2: _MARK[Severity.ERROR], 1: _MARK[Severity.WARNING], 0: _MARK[Severity.INFO]}[worst]
        out.append(f"[{mark}] [bold]Environment[/]")
        for f in rest:
            out.extend(_finding_lines(f, verbose, "    "))
    elif not report.providers and report.target is not None:
        out.append("[dim]No provider integration installed.[/]")
    elif report.target is None and not report.findings:
        out.append("[green]No known failure found in the input.[/]")
    smoke = report.extras.get("smoke")
    if isinstance(smoke, list) and smoke:
        out.extend(_smoke_lines(smoke, verbose))
    s = report.summary
    ignored = len(report.findings) - len(report.active_findings)
    out.append("")
    tail = f", {ignored} ignored" if ignored else ""
    if hidden:
        tail += f" ({hidden} note(s) hidden: -v shows them)"
    verdict = "[green]no issues found[/]" if not any(s.values()) else (
        f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s){tail}")
    out.append(f"Summary: {verdict} · exit {report.exit_code} (--fail-on {report.fail_on})")
    return out


def render(report: Report, *, verbose: bool = False, color: bool = False, width: int = 100) -> str:
    """The console text; ANSI colours only when ``color`` (a terminal), plain and unwrapped otherwise."""
    lines = _markup(report, verbose)
    if not color:
        return "\n".join(Text.from_markup(line).plain for line in lines) + "\n"
    console = Console(record=True, width=width, force_terminal=True, color_system="standard", soft_wrap=True)
    with console.capture() as cap:
        for line in lines:
            console.print(line, highlight=False)
    return cap.get()
