"""``langchain-doctor list-checks``: every finding code with kind, severity, what, why and fix."""

from __future__ import annotations

import json
import re
import textwrap
from typing import TYPE_CHECKING, Any, Optional

import click

from ..registry import CodeInfo, registry
from ..render import Format

if TYPE_CHECKING:
    from collections.abc import Iterable


def table_markdown(codes: Optional[Iterable[CodeInfo]] = None) -> str:
    """The README's table of codes, generated from the registry (or of the codes given)."""
    rows = ["| code | name | kind | severity | what it detects | fix |", "|---|---|---|---|---|---|"]
    for c in registry().values() if codes is None else codes:
        if c.retired:
            continue
        cell = [c.code, c.name, c.kind.value, c.severity.value, c.what, c.fix]
        rows.append("| " + " | ".join(x.replace("|", "\\|") for x in cell) + " |")
    return "\n".join(rows) + "\n"


def _as_dict(c: CodeInfo) -> dict[str, object]:
    return {"code": c.code, "name": c.name, "kind": c.kind.value, "severity": c.severity.value,
            "what": c.what, "why": c.why, "fix": c.fix, "retired": c.retired}


_QUOTED = re.compile(r"`([^`]+)`")


def example(c: CodeInfo) -> list[str]:
    """What the user meets, quoted in the code's own documentation (the error texts in its ``why``)."""
    return [m.group(1) for m in _QUOTED.finditer(c.why)]


def explain_code(c: CodeInfo) -> str:
    """One code, as ``ruff rule`` shows one: name, kind and severity, then what, why, fix and an example."""
    def block(title: str, text: str) -> list[str]:
        return [title, *textwrap.wrap(text, 96, initial_indent="    ", subsequent_indent="    ",
                                      break_long_words=False, break_on_hyphens=False), ""]

    lines = [f"{c.code} {c.name}" + ("  (retired)" if c.retired else ""),
             f"kind: {c.kind.value} · default severity: {c.severity.value}", ""]
    lines += block("What it detects", c.what)
    lines += block("Why it matters", c.why)
    lines += block("How to fix it", c.fix)
    seen = example(c)
    if seen:
        lines.append("Example: what you would see")
        lines += [f"    {e}" for e in seen]
        lines.append("")
    lines.append(f"Ignore it with `--ignore {c.code}=REASON` or `ignore = {{ {c.code} = \"why\" }}` in "
                 "[tool.langchain-doctor].")
    return "\n".join(lines) + "\n"


def _complete_code(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[Any]:
    from click.shell_completion import CompletionItem

    return [CompletionItem(c.code, help=c.name) for c in registry().values()
            if c.code.startswith(incomplete.upper()) or c.name.startswith(incomplete.lower())]


def _select(words: tuple[str, ...]) -> list[CodeInfo]:
    """The codes named (by code, case-insensitive, or by name); an unknown one is a usage error with a suggestion."""
    import difflib

    table = registry()
    by_name = {c.name: c for c in table.values()}
    out = []
    for word in words:
        c = table.get(word.upper()) or by_name.get(word.lower())
        if c is None:
            close = difflib.get_close_matches(word.upper(), list(table), n=1, cutoff=0.6) or \
                difflib.get_close_matches(word.lower(), list(by_name), n=1, cutoff=0.6)
            hint = f"; did you mean {close[0]!r}?" if close else " (see `langchain-doctor list-checks`)"
            raise click.UsageError(f"unknown finding code {word!r}{hint}")
        out.append(c)
    return out


# The formats of the Format enum that a list of codes is written in (junit, sarif and github describe a run's
# findings, not the registry).
LIST_FORMATS: tuple[Format, ...] = (Format.CONSOLE, Format.JSON, Format.MARKDOWN)


@click.command("list-checks")
@click.argument("codes", nargs=-1, metavar="[CODE...]", shell_complete=_complete_code)
@click.option("--format", "fmt", type=click.Choice([f.value for f in LIST_FORMATS]), default=Format.CONSOLE.value,
              help="Output format (console by default).")
@click.option("--output", "output", type=click.Path(dir_okay=False), metavar="FILE",
              help="Write the list to FILE instead of the terminal.")
def command(codes: tuple[str, ...], fmt: str, output: str | None) -> int:
    """Every finding code with kind, severity, what, why and fix; with CODEs, just those, in full."""
    chosen = _select(codes) if codes else list(registry().values())
    chosen_fmt = Format(fmt)
    if chosen_fmt is Format.JSON:
        text = json.dumps({"schema_version": 1, "codes": [{**_as_dict(c), "example": example(c)} for c in chosen]},
                          indent=2) + "\n"
    elif chosen_fmt is Format.MARKDOWN:
        text = table_markdown(chosen)
    elif codes:
        text = "\n".join(explain_code(c) for c in chosen)
    else:
        parts = []
        for c in chosen:
            parts.append(f"{c.code}  {c.name}  [{c.kind.value}, {c.severity.value}]"
                         + ("  (retired)" if c.retired else ""))
            parts.append(f"    what: {c.what}\n    why:  {c.why}\n    fix:  {c.fix}\n")
        text = "\n".join(parts)
    if output:
        try:
            with open(output, "w", encoding="utf-8") as fh:
                fh.write(text)
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
    else:
        from ..commands._options import fit_stdout

        click.echo(fit_stdout(text), nl=False)
    return 0
