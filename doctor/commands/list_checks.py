"""``langchain-doctor list-checks``: every finding code with kind, severity, what, why and fix."""

from __future__ import annotations

import json

import click

from ..registry import CodeInfo, registry


def table_markdown() -> str:
    """The README's table of codes, generated from the registry."""
    rows = ["| code | name | kind | severity | what it detects | fix |", "|---|---|---|---|---|---|"]
    for c in registry().values():
        if c.retired:
            continue
        cell = [c.code, c.name, c.kind.value, c.severity.value, c.what, c.fix]
        rows.append("| " + " | ".join(x.replace("|", "\\|") for x in cell) + " |")
    return "\n".join(rows) + "\n"


def _as_dict(c: CodeInfo) -> dict[str, object]:
    return {"code": c.code, "name": c.name, "kind": c.kind.value, "severity": c.severity.value,
            "what": c.what, "why": c.why, "fix": c.fix, "retired": c.retired}


@click.command("list-checks")
@click.option("--format", "fmt", type=click.Choice(["console", "json", "markdown"]), default="console")
@click.option("--output", "output", type=click.Path(dir_okay=False), metavar="FILE")
def command(fmt: str, output: str | None) -> int:
    """Every finding code with kind, severity, what, why and fix."""
    if fmt == "json":
        text = json.dumps({"schema_version": 1, "codes": [_as_dict(c) for c in registry().values()]},
                          indent=2) + "\n"
    elif fmt == "markdown":
        text = table_markdown()
    else:
        parts = []
        for c in registry().values():
            parts.append(f"{c.code}  {c.name}  [{c.kind.value}, {c.severity.value}]"
                         + ("  (retired)" if c.retired else ""))
            parts.append(f"    what: {c.what}\n    why:  {c.why}\n    fix:  {c.fix}\n")
        text = "\n".join(parts)
    if output:
        with open(output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        from ..commands._options import fit_stdout

        click.echo(fit_stdout(text), nl=False)
    return 0
