"""Console output in the spirit of flutter doctor: one line per provider with its findings, evidence and fix."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from ..model import Finding, ProviderState, Report, Severity

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from ..model import SmokeRow

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
SMOKE_COLUMNS = ("provider", "model", "ok", "latency", "finish", "in", "out", "total")


def _label(f: Finding) -> str:
    return f"{f.code} ({f.provider})" if f.provider else f.code


def _finding_lines(f: Finding, verbose: bool, indent: str, shown: dict[str, str]) -> list[Line]:
    first: Line = [(indent, ""), _MARK[f.severity], (" ", ""), (f.code, "bold"), (f" {f.title} ", ""),
                   (f"({f.kind.value})", "dim")]
    if f.ignored is not None:
        # An ignored finding is one line: it is known and does not count.
        first.append((f" ignored: {f.ignored}", "dim"))
        return [first]
    lines = [first]
    evidence = f.evidence if verbose else f.evidence[:_MAX_EVIDENCE]
    for e in evidence:
        for part in e.splitlines() or [""]:
            lines.append([(f"{indent}    ", ""), ("│", "dim"), (f" {part}", "")])
    if len(f.evidence) > len(evidence):
        lines.append([(f"{indent}    ", ""), (f"│ ... {len(f.evidence) - len(evidence)} more (-v)", "dim")])
    if f.fix is not None:
        # Each distinct command is printed once, under the first finding it repairs; a later finding that only
        # repeats it points there.
        fresh = [c for c in f.fix.commands if c not in shown]
        earlier = sorted({shown[c] for c in f.fix.commands if c in shown})
        summary: Line = [(f"{indent}    ", ""), ("fix:", "cyan"), (f" {f.fix.summary}", "")]
        if earlier:
            summary.append((f" (same command as {', '.join(earlier)} above)" if not fresh
                            else f" (and the command under {', '.join(earlier)} above)", "dim"))
        lines.append(summary)
        for c in fresh:
            shown[c] = _label(f)
            lines.append([(f"{indent}      ", ""), ("$", "cyan"), (f" {c}", "")])
    return lines


def _smoke_cell(v: object) -> str:
    return "-" if v is None else str(v)


def _smoke_lines(smoke: Sequence[SmokeRow], verbose: bool) -> list[Line]:
    """The ``--smoke`` table: one row per provider called (or not), then why calls failed and metadata keys."""
    rows: list[tuple[str, ...]] = [SMOKE_COLUMNS]
    for e in smoke:
        mark = {"ok": "✓", "error": "✗", "skipped": "·"}.get(e.status, e.status)
        rows.append((e.provider, _smoke_cell(e.model), mark,
                     f"{e.latency_s:.2f}s" if e.latency_s is not None else "-", _smoke_cell(e.finish_reason),
                     _smoke_cell(e.input_tokens), _smoke_cell(e.output_tokens), _smoke_cell(e.total_tokens)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(SMOKE_COLUMNS))]
    out: list[Line] = [[], [("Smoke calls", "bold"), (" ", ""),
                            ("(--online --smoke: one real call per provider)", "dim")]]
    for n, row in enumerate(rows):
        line = "  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip()
        out.append([("    ", ""), (line, "dim")] if n == 0 else [(f"    {line}", "")])
    notes = []
    for e in smoke:
        if e.error:
            code = f" ({e.code})" if e.code else ""
            notes.append(f"{e.provider}: {e.status}{code}: {e.error}")
        elif e.response_metadata_keys and verbose:
            notes.append(f"{e.provider}: response_metadata keys: {', '.join(e.response_metadata_keys)}")
    out.extend([("    ", ""), (n, "dim")] for n in notes)
    return out


def _credential_lines(report: Report) -> list[Line]:
    """Every credential found, with where it comes from and its fingerprint (``-v``)."""
    if not report.credentials:
        return []
    out: list[Line] = [[], [("Credentials", "bold"), (" ", ""), ("(source and fingerprint; never the value)", "dim")]]
    for c in report.credentials:
        mark = {"ok": ("✓", "green"), "warning": ("!", "yellow"), "error": ("✗", "bold red")}.get(c.status, ("·", ""))
        print_fp = f"  {c.fingerprint}" if c.fingerprint else ""
        out.append([("    ", ""), mark, (f" {c.provider}: {c.name}{print_fp}", ""), (f"  from {c.source}", "dim")])
    return out


def _closing_lines(report: Report) -> list[Line]:
    """The closing fix: one block with the unified plan (what `fix --apply` runs), then the steps for a person."""
    plan = report.repair
    if not plan or not report.active_findings:
        return []
    out: list[Line] = [[], [("To fix: ", "bold"), ("`langchain-doctor fix`", "bold cyan"),
                            (" (prints the plan; --apply runs it)" if plan.commands else "", "dim")]]
    out += [[("  ", ""), ("$", "cyan"), (f" {c}", "")] for c in plan.commands]
    if plan.manual:
        out.append([("Then, by hand" if plan.commands else "By hand", ""), (" (logins and keys):", "dim")])
        out += [[("  ", ""), ("$", "cyan"), (f" {c}", "")] for c in _joined_exports(plan.manual)]
    if plan.cannot:
        out.append([("Not in the plan:", "")])
        out += [[("  ", ""), (c, "dim")] for c in plan.cannot]
    return out


def _joined_exports(commands: Sequence[str]) -> list[str]:
    """Several ``export NAME=VALUE`` lines as one ``export A=... B=...``, where the first stood; others as they are."""
    def single(c: str) -> bool:
        return c.startswith("export ") and len(c.split()) == 2 and "=" in c

    exports = [c.split()[1] for c in commands if single(c)]
    out: list[str] = []
    for c in commands:
        if not single(c):
            out.append(c)
        elif exports:
            out.append("export " + " ".join(exports))
            exports = []
    return out


def _lines(report: Report, verbose: bool, quiet: bool = False) -> list[Line]:
    if quiet:
        return _quiet_lines(report)
    out: list[Line] = []
    shown: dict[str, str] = {}
    t = report.target
    out.append([(f"langchain-doctor {report.tool_version}", "bold")])
    if t is not None:
        out.append([(f"Target: {t.python} (Python {t.python_version}, {t.platform})", "")])
        out.append([("        ", ""), (f"chosen because: {t.reason}", "dim")])
    if report.cache_hit:
        when = report.cached_at[11:16] if len(report.cached_at) >= 16 else "an earlier run"
        out.append([("        ", ""), (f"(cached result from {when}: nothing it read has changed; "
                                         "--no-cache to re-examine)", "dim")])
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
            out.extend(_finding_lines(f, verbose, "    ", shown))
    rest = [f for fs in by_provider.values() for f in fs]
    if rest:
        worst = max(f.severity.rank for f in rest)
        mark = {2: _MARK[Severity.ERROR], 1: _MARK[Severity.WARNING], 0: _MARK[Severity.INFO]}[worst]
        out.append([("[", ""), mark, ("] ", ""), ("Environment", "bold")])
        for f in rest:
            out.extend(_finding_lines(f, verbose, "    ", shown))
    elif not report.providers and report.target is not None:
        out.append([("No provider integration installed.", "dim")])
    elif report.target is None and not report.findings:
        out.append([("No known failure found in the input.", "green")])
    if report.smoke:
        out.extend(_smoke_lines(report.smoke, verbose))
    if verbose:
        out.extend(_credential_lines(report))
    out.append([])
    out.append(_summary(report, hidden))
    out.extend(_closing_lines(report))
    return out


def _summary(report: Report, hidden: int = 0) -> Line:
    s = report.summary
    ignored = len(report.findings) - len(report.active_findings)
    tail = f", {ignored} ignored" if ignored else ""
    if hidden:
        tail += f" ({hidden} note(s) hidden: -v shows them)"
    verdict: Segment = ("no issues found", "green") if not any(s.values()) else (
        f"{s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s){tail}", "")
    return [("Summary: ", ""), verdict, (f" · exit {report.exit_code} (--fail-on {report.fail_on})", "")]


def _quiet_lines(report: Report) -> list[Line]:
    """``--quiet``: the errors (with their fixes) and the summary, nothing else."""
    out: list[Line] = []
    shown: dict[str, str] = {}
    for f in report.active_findings:
        if f.severity is Severity.ERROR:
            out.extend(_finding_lines(f, False, "", shown))
    out.append(_summary(report))
    return out


def _plain(lines: Iterable[Line]) -> str:
    return "".join("".join(text for text, _ in line) + "\n" for line in lines)


_TOKEN = re.compile(r"\S+|\s+")


def wrap(line: Line, width: int) -> list[Line]:
    """``line`` broken at spaces to fit ``width`` (a word is never cut), continued under a hanging indent.

    Commands (``$ ...``) are never broken: they must work when pasted. ``width`` <= 0 leaves the line as it is.
    """
    text = "".join(t for t, _ in line)
    if width <= 0 or len(text) <= width:
        return [line]
    stripped = text.lstrip(" ")
    if stripped.startswith("$ "):
        return [line]
    lead = len(text) - len(stripped)
    hang: Segment = (" " * lead + ("│ " if stripped.startswith("│") else "") + "  ", "dim")
    out: list[Line] = []
    cur: Line = []
    size = 0
    has_word = False
    for t, style in line:
        for piece in _TOKEN.findall(t):
            if piece.isspace():
                if has_word or not out:
                    cur.append((piece, style))
                    size += len(piece)
                continue
            # A mark (✓ ✗ ·) stays with the word before it: "class ·" is never split.
            if has_word and size + len(piece) > width and not (len(piece) == 1 and not piece.isalnum()):
                while cur and cur[-1][0].isspace():
                    size -= len(cur.pop()[0])
                out.append(cur)
                cur, size, has_word = [hang], len(hang[0]), False
            cur.append((piece, style))
            size += len(piece)
            has_word = True
    if cur:
        out.append(cur)
    return out


def terminal_width(environ: Mapping[str, str], isatty: bool) -> int:
    """Columns to wrap at: ``$COLUMNS`` when set, else the terminal's width, else 0 (pipes and logs: no wrap)."""
    cols = environ.get("COLUMNS", "")
    if cols.isdigit() and int(cols) > 0:
        return int(cols)
    if not isatty:
        return 0
    import shutil

    return shutil.get_terminal_size((100, 24)).columns


def render(report: Report, *, verbose: bool = False, color: bool = False, width: int = 0,
           quiet: bool = False) -> str:
    """The console text, wrapped at ``width`` (0: not wrapped); ANSI colours only when ``color`` (a terminal)."""
    lines = [part for line in _lines(report, verbose, quiet) for part in wrap(line, width)]
    if not color:
        return _plain(lines)
    from rich.console import Console
    from rich.text import Text

    # force_jupyter=False: inside a kernel, rich would otherwise display what it prints as a cell output of its own.
    console = Console(record=True, width=max(width, 20) if width else 10_000, force_terminal=True,
                      force_jupyter=False, color_system="standard", soft_wrap=True)
    with console.capture() as cap:
        for line in lines:
            console.print(Text.assemble(*line), highlight=False)
    return cap.get()
