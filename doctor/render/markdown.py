"""Markdown output for any Report (check, explain, report): tables, evidence and fixes as code blocks.

Meant for pull-request comments and support tickets: GitHub-flavoured tables, no HTML, no colours. Like every
format's text, it passes through the redaction layer once more on the way out (``commands._options.render_report``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..model import Finding, Report, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

_MARK = {Severity.ERROR: "✗ error", Severity.WARNING: "! warning", Severity.INFO: "i note"}
_FAMILIES = ("langchain", "pydantic", "sdk")
_MAX_EVIDENCE = 8
_MAX_CELL = 300
_BACKTICKS = re.compile(r"`{3,}")


def cell(text: object) -> str:
    """One table cell: one line, pipes escaped, bounded."""
    s = "" if text is None else str(text)
    s = " ".join(s.split())
    if len(s) > _MAX_CELL:
        s = s[: _MAX_CELL - 1] + "…"
    return s.replace("\\", "\\\\").replace("|", "\\|")


def code(text: str) -> str:
    """Inline code that survives backticks inside."""
    if not text:
        return ""
    ticks = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def fence(lines: Iterable[str], lang: str = "") -> list[str]:
    """A fenced block whose fence is longer than any backtick run inside."""
    body = list(lines)
    longest = max((len(m.group(0)) for line in body for m in _BACKTICKS.finditer(line)), default=2)
    mark = "`" * max(3, longest + 1)
    return [f"{mark}{lang}", *body, mark]


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """A GitHub-flavoured table."""
    out = ["| " + " | ".join(cell(h) for h in header) + " |", "|" + "---|" * len(header)]
    out.extend("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)
    return out


def _title(report: Report) -> str:
    if report.explained is not None:
        return f"# langchain-doctor explain: {cell(report.explained.source)}"
    if report.ticket_os is not None:
        return "# langchain-doctor report"
    return "# langchain-doctor check"


def _about(report: Report) -> list[str]:
    rows: list[tuple[str, str]] = [("langchain-doctor", report.tool_version)]
    if report.ticket_os is not None:
        rows.append(("OS", report.ticket_os))
    t = report.target
    if t is not None:
        rows.append(("Python", f"{t.python_version} ({t.platform})"))
        rows.append(("interpreter", code(t.python)))
        rows.append(("chosen because", t.reason))
    e = report.explained
    if e is not None:
        rows += [("input", e.source), ("read as", e.input_format), ("errors seen", str(e.errors_seen))]
    return ["| | |", "|---|---|", *(f"| {cell(k)} | {v if v.startswith('`') else cell(v)} |" for k, v in rows)]


def _packages(report: Report) -> list[str]:
    chosen = [p for p in report.packages if p.family in _FAMILIES]
    if not chosen:
        return []
    others = len(report.packages) - len(chosen)
    out = ["", "## Packages", ""]
    out += table(("package", "version", "family"), ((p.name, p.version, p.family) for p in chosen))
    if others:
        out.append("")
        out.append(f"_{others} other packages not listed._")
    return out


def _providers(report: Report) -> list[str]:
    if not report.providers:
        return []
    rows = []
    for p in report.providers:
        stages = ", ".join(f"{k} {v}" for k, v in p.checks)
        rows.append((p.name, p.package, p.version or "", p.status.value, "yes" if p.needed else "", stages))
    return ["", "## Providers", "", *table(("provider", "package", "version", "status", "needed", "stages"), rows)]


_SMOKE_COLUMNS = ("provider", "model", "ok", "latency_s", "finish_reason", "input_tokens", "output_tokens",
                  "total_tokens")


def _credentials(report: Report) -> list[str]:
    if not report.credentials:
        return []
    rows = [(c.provider, c.name, c.source, code(c.fingerprint) if c.fingerprint else "", c.status)
            for c in report.credentials]
    return ["", "## Credentials", "", "_Where each credential comes from, and its fingerprint (never the value)._", "",
            *table(("provider", "credential", "source", "fingerprint", "status"), rows)]


def _smoke(report: Report) -> list[str]:
    if not report.smoke:
        return []
    rows = [[r.provider, r.model, r.ok, r.latency_s, r.finish_reason, r.input_tokens, r.output_tokens,
             r.total_tokens] for r in report.smoke]
    header = list(_SMOKE_COLUMNS)
    if any(r.error for r in report.smoke):
        header.append("error")
        for row, r in zip(rows, report.smoke):
            row.append(r.error)
    return ["", "## Smoke calls", "", *table(header, ([_scalar(c) for c in row] for row in rows))]


def _scalar(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _finding_section(f: Finding, verbose: bool) -> list[str]:
    ignored = f" _(ignored: {cell(f.ignored)})_" if f.ignored is not None else ""
    out = ["", f"### {_MARK[f.severity]} {f.code}: {cell(f.title)}{ignored}", ""]
    facts = [f"kind {code(f.kind.value)}", f"subject {code(f.subject)}"]
    if f.provider:
        facts.append(f"provider {code(f.provider)}")
    if f.check:
        facts.append(f"check {code(f.check)}")
    out.append(" · ".join(facts))
    evidence = list(f.evidence) if verbose else list(f.evidence[:_MAX_EVIDENCE])
    if evidence:
        out.append("")
        out += fence((line for e in evidence for line in (e.splitlines() or [""])), "text")
        if len(f.evidence) > len(evidence):
            out.append(f"_{len(f.evidence) - len(evidence)} more evidence lines (-v)._")
    if f.fix is not None:
        out.append("")
        manual = " (a step for you; `fix --apply` does not run it)" if f.fix.manual else ""
        out.append(f"**Fix:** {cell(f.fix.summary)}{manual}")
        if f.fix.commands:
            out.append("")
            out += fence(f.fix.commands, "sh")
    return out


def _findings(report: Report, verbose: bool) -> list[str]:
    s = report.summary
    head = f"## Findings: {s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s)"
    if not report.findings:
        return ["", head, "", "No issues found."]
    rows = [(_MARK[f.severity], f.code, f.kind.value, f.provider or "", f.title) for f in report.findings]
    out = ["", head, "", *table(("severity", "code", "kind", "provider", "title"), rows)]
    for f in report.findings:
        out += _finding_section(f, verbose)
    return out


def render(report: Report, *, verbose: bool = False, color: bool = False, width: int = 0,
           quiet: bool = False) -> str:
    """The report as GitHub-flavoured Markdown (``color`` and ``width`` do not apply)."""
    lines = [_title(report), "", *_about(report)]
    lines += _packages(report)
    lines += _providers(report)
    lines += _credentials(report)
    lines += _smoke(report)
    lines += _findings(report, verbose)
    ignored = len(report.findings) - len(report.active_findings)
    tail = f", {ignored} ignored" if ignored else ""
    lines += ["", f"_Exit code {report.exit_code} (--fail-on {report.fail_on}){tail}._", ""]
    return "\n".join(lines)
