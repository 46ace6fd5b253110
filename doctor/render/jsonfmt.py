"""JSON output, schema_version 1 exactly as CONTRACT.md fixes it (extensions are extra keys only)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..model import Finding, NotebookUse, Report, SmokeRow

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
    if report.notebooks:
        out["notebooks"] = [notebook_dict(n) for n in report.notebooks]
    if report.smoke:
        out["smoke"] = [smoke_dict(r) for r in report.smoke]
    if report.credentials:
        out["credentials"] = [{"provider": c.provider, "name": c.name, "source": c.source,
                               "fingerprint": c.fingerprint or None, "status": c.status} for c in report.credentials]
    e = report.explained
    if e is not None:
        out.update(source=e.source, input_format=e.input_format, lines_read=e.lines_read, errors_seen=e.errors_seen)
    if report.ticket_os is not None:
        out.update(report=True, os=report.ticket_os)
    if report.cache_hit:
        out["cache"] = {"hit": True, **({"created": report.cached_at} if report.cached_at else {})}
    for key, value in report.extras.items():
        out.setdefault(key, value)
    return out


def notebook_dict(n: NotebookUse) -> dict[str, Any]:
    """One ``notebooks[]`` object: what a --notebook needs (env var names, never values)."""
    return {"path": n.path, "kernel": n.kernel, "providers": list(n.providers),
            "provider_packages": dict(n.provider_packages), "env_vars": list(n.env_vars),
            "env_vars_set": list(n.env_vars_set), "imports": list(n.imports), "problems": list(n.problems)}


def smoke_dict(r: SmokeRow) -> dict[str, Any]:
    """One ``smoke[]`` object of the contract (plus its extensions, where the row has them)."""
    d: dict[str, Any] = {
        "provider": r.provider, "model": r.model, "ok": r.ok, "latency_s": r.latency_s,
        "finish_reason": r.finish_reason, "input_tokens": r.input_tokens, "output_tokens": r.output_tokens,
        "total_tokens": r.total_tokens, "response_metadata_keys": list(r.response_metadata_keys),
        "status": r.status, "class": r.chat_class, "requested_model": r.requested_model, "usage_from": r.usage_from,
    }
    if r.timings:
        d["timings"] = dict(r.timings)
    if r.error is not None:
        d["error"] = r.error
    if r.code is not None:
        d["code"] = r.code
    if r.notes:
        d["notes"] = list(r.notes)
    return d


def render(report: Report, *, verbose: bool = False, color: bool = False, width: int = 0,
           quiet: bool = False) -> str:
    """Indented JSON text with a trailing newline."""
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
