"""SARIF 2.1.0 for code scanning (GitHub's upload-sarif, and any SARIF viewer).

One run; the driver's rules are the registry's documentation of the codes found (what, why, fix); one result per
finding, at the file and line it belongs to (the notebook line that needs the provider, the requirement that pins
the package), else without a location. A finding that configuration ignores is a result with an external
suppression carrying the reason, so code scanning shows it as dismissed rather than dropping it.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..model import Severity

if TYPE_CHECKING:
    from ..model import CodeDoc, Finding, Report

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/langchain-doctor/"
LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
# GitHub code scanning ranks results by this property (0.0-10.0).
_SECURITY_SEVERITY = {Severity.ERROR: "7.0", Severity.WARNING: "4.0", Severity.INFO: "1.0"}


def _rule(doc: CodeDoc) -> dict[str, Any]:
    return {
        "id": doc.code,
        "name": "".join(part.capitalize() for part in doc.name.split("-")) or doc.code,
        "shortDescription": {"text": doc.what},
        "fullDescription": {"text": f"{doc.what} {doc.why}"},
        "help": {"text": f"{doc.why}\nFix: {doc.fix}",
                 "markdown": f"**What:** {doc.what}\n\n**Why:** {doc.why}\n\n**Fix:** {doc.fix}"},
        "defaultConfiguration": {"level": LEVEL[doc.severity]},
        "properties": {"tags": [doc.kind.value, "langchain"], "kind": doc.kind.value},
    }


def _fallback_rule(f: Finding) -> dict[str, Any]:
    return {"id": f.code, "shortDescription": {"text": f.title}, "defaultConfiguration": {"level": LEVEL[f.severity]},
            "properties": {"tags": [f.kind.value], "kind": f.kind.value}}


def _message(f: Finding) -> str:
    lines = [f"{f.code} {f.title}"]
    lines += [f"  {e}" for ev in f.evidence[:6] for e in (ev.splitlines() or [""])]
    if f.fix is not None:
        lines.append(f"Fix: {f.fix.summary}")
        lines += [f"  $ {c}" for c in f.fix.commands]
    return "\n".join(lines)


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index[f.code],
        "level": LEVEL[f.severity],
        "message": {"text": _message(f)},
        "locations": [
            {"physicalLocation": {"artifactLocation": {"uri": loc.path},
                                  "region": {"startLine": max(loc.line, 1),
                                             **({"snippet": {"text": loc.text}} if loc.text else {})}}}
            for loc in f.locations
        ],
        # Stable across runs, so code scanning tracks one alert per problem rather than per line.
        "partialFingerprints": {"langchainDoctor/v1": f"{f.code}:{f.provider or ''}:{f.subject}"},
        "properties": {"kind": f.kind.value, "subject": f.subject,
                       "security-severity": _SECURITY_SEVERITY[f.severity],
                       **({"provider": f.provider} if f.provider else {}), **({"check": f.check} if f.check else {})},
    }
    if not out["locations"]:
        del out["locations"]
    if f.ignored is not None:
        out["suppressions"] = [{"kind": "external", "justification": f.ignored}]
    return out


def document(report: Report) -> dict[str, Any]:
    """The SARIF log as a dict."""
    docs = {d.code: d for d in report.codes}
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    for f in report.findings:
        if f.code not in index:
            index[f.code] = len(rules)
            rules.append(_rule(docs[f.code]) if f.code in docs else _fallback_rule(f))
    run: dict[str, Any] = {
        "tool": {"driver": {"name": "langchain-doctor", "version": report.tool_version,
                            "semanticVersion": report.tool_version, "informationUri": INFORMATION_URI,
                            "rules": rules}},
        "results": [_result(f, index) for f in report.findings],
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True, "exitCode": report.exit_code}],
        "properties": {"summary": report.summary, "fail_on": report.fail_on},
    }
    t = report.target
    if t is not None:
        run["properties"]["target"] = {"python": t.python, "python_version": t.python_version, "platform": t.platform}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, *, verbose: bool = False, color: bool = False, width: int = 0,
           quiet: bool = False) -> str:
    """The report as a SARIF 2.1.0 log (indented JSON)."""
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"
