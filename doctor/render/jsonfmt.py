"""JSON output, schema_version 1 exactly as CONTRACT.md fixes it (extensions are extra keys only)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Finding, Report

SCHEMA_VERSION = 1


def finding_dict(f: Finding, *, verbose: bool = True) -> dict[str, Any]:
    """One finding as the contract's object (plus ``check`` and ``ignored`` extensions)."""
    fix: dict[str, Any] | None = None
    if f.fix is not None:
        fix = {"summary": f.fix.summary, "commands": list(f.fix.commands)}
        if f.fix.manual:
            fix["manual"] = True
    d: dict[str, Any] = {
        "code": f.code,
        "kind": f.kind.value,
        "severity": f.severity.value,
        "title": f.title,
        "subject": f.subject,
        "provider": f.provider,
        "evidence": "\n".join(f.evidence),
        "fix": fix,
        "check": f.check,
    }
    if f.ignored is not None:
        d["ignored"] = f.ignored
    return d


def report_dict(report: Report) -> dict[str, Any]:
    """The whole report as the contract's JSON object."""
    t = report.target
    target = None
    if t is not None:
        target = {"python": t.python, "python_version": t.python_version, "platform": t.platform,
                  "selected_by": t.selected_by, "reason": t.reason}
    out: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "langchain-doctor", "version": report.tool_version},
        "target": target,
        "packages": [{"name": p.name, "version": p.version, "location": p.location, "family": p.family or None}
                     for p in report.packages],
        "providers": [{"name": p.name, "package": p.package, "status": p.status.value, "version": p.version,
                       "needed": p.needed, **({"stages": dict(p.checks)} if p.checks else {}),
                       **({"via": p.via} if p.via else {}),
                       **({"loaded_from": p.loaded_from} if p.loaded_from else {}),
                       **({"explained_by": list(p.explained_by)} if p.explained_by else {})}
                      for p in report.providers],
        "findings": [finding_dict(f) for f in report.findings],
        "summary": report.summary,
        "exit_code": report.exit_code,
    }
    for key, value in report.extras.items():
        out.setdefault(key, value)
    return out


def render(report: Report, *, verbose: bool = False, color: bool = False, width: int = 100) -> str:
    """Indented JSON text with a trailing newline."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
