"""The matrix as one self-contained HTML page: inline CSS and JS, no request to anything (a CSP forbids it).

The table is written as HTML (it shows without JavaScript); the script only adds the details: a click on a cell
shows that environment's findings for that column, built with ``textContent`` (never ``innerHTML``), so nothing
from a report can become markup.
"""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any

from .. import __version__
from .matrix import ENVIRONMENT, Matrix, _dict

if TYPE_CHECKING:
    from .matrix import Row

_MARKS = {"ok": "✓", "warning": "!", "error": "✗", "not-installed": "-", "skipped": "·", "absent": "·"}
_FINDING_KEYS = ("code", "kind", "severity", "title", "subject", "provider", "evidence", "fix")

_CSS = """
:root { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #1b1f24; background: #fff; }
body { margin: 1.5rem; }
h1 { font-size: 1.3rem; margin: 0 0 .3rem; } h2 { font-size: 1.1rem; margin: 1.5rem 0 .5rem; }
.headline { color: #57606a; margin-bottom: 1rem; }
table.matrix { border-collapse: collapse; font-size: .9rem; }
.matrix th, .matrix td { border: 1px solid #d0d7de; padding: .3rem .6rem; text-align: left; white-space: nowrap; }
.matrix thead th { background: #f6f8fa; position: sticky; top: 0; }
.matrix td.cell { cursor: pointer; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; }
.matrix td.cell:hover, .matrix td.cell:focus { outline: 2px solid #0969da; outline-offset: -2px; }
.matrix td.selected { outline: 3px solid #0969da; outline-offset: -3px; }
.s-ok { background: #dafbe1; color: #116329; } .s-warning { background: #fff8c5; color: #7d4e00; }
.s-error { background: #ffebe9; color: #a40e26; font-weight: 600; }
.s-not-installed, .s-skipped, .s-absent { background: #f6f8fa; color: #8c959f; }
.s-not-examined { background: #ffebe9; color: #a40e26; font-style: italic; }
#details { margin-top: 1rem; padding: .8rem 1rem; border: 1px solid #d0d7de; border-radius: 6px; max-width: 70rem;
           min-height: 2rem; }
#details h3 { margin: 0 0 .5rem; font-size: 1rem; }
.finding { border-top: 1px solid #eaeef2; padding: .5rem 0; }
.finding .code { font-weight: 700; font-family: ui-monospace, monospace; margin-right: .4rem; }
.finding .sev-error { color: #a40e26; } .finding .sev-warning { color: #7d4e00; } .finding .sev-info { color: #0969da; }
pre { background: #f6f8fa; padding: .4rem .6rem; border-radius: 4px; white-space: pre-wrap; margin: .3rem 0; }
.muted { color: #57606a; } .legend { color: #57606a; font-size: .85rem; margin-top: .4rem; }
ul.problems li { margin-bottom: .6rem; }
"""

_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("matrix-data").textContent);
  var details = document.getElementById("details");
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    return e;
  }
  function show(td) {
    var row = data.rows[Number(td.getAttribute("data-row"))];
    var column = td.getAttribute("data-col");
    var prev = document.querySelector("td.selected");
    if (prev) { prev.classList.remove("selected"); }
    td.classList.add("selected");
    details.textContent = "";
    var heading = column === "environment" ? "environment-wide" : column;
    details.appendChild(el("h3", null, row.name + " \u00d7 " + heading));
    if (row.python) { details.appendChild(el("div", "muted", row.python)); }
    var idx = (row.cells[column] || []);
    if (!idx.length) {
      details.appendChild(el("p", "muted", "No finding: " + (td.getAttribute("data-status") || "").replace("-", " ")));
      return;
    }
    idx.forEach(function (i) {
      var f = row.findings[i];
      var box = el("div", "finding");
      var head = el("div");
      head.appendChild(el("span", "code sev-" + f.severity, f.code));
      head.appendChild(el("span", "sev-" + f.severity, f.severity + " "));
      head.appendChild(el("span", null, f.title));
      head.appendChild(el("span", "muted", " (" + f.kind + ")"));
      box.appendChild(head);
      if (f.evidence) { box.appendChild(el("pre", "evidence", f.evidence)); }
      if (f.fix) {
        box.appendChild(el("div", null, "fix: " + (f.fix.summary || "")));
        if (f.fix.commands && f.fix.commands.length) {
          box.appendChild(el("pre", "fix", f.fix.commands.map(function (c) { return "$ " + c; }).join("\n")));
        }
      }
      details.appendChild(box);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("td.cell"), function (td) {
    td.addEventListener("click", function () { show(td); });
    td.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); show(td); }
    });
  });
})();
"""

# Nothing may be fetched: no default source at all; only this page's inline style and script run.
_CSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; " \
       "form-action 'none'"


def _script_json(value: Any) -> str:
    """JSON that cannot end the <script> element it sits in, nor open a comment."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), check_circular=False)  # a tree
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _row_data(row: Row) -> dict[str, Any]:
    report = row.entry.report or {}
    findings = report.get("findings")
    findings = findings if isinstance(findings, list) else []
    target = _dict(report.get("target"))
    python = " ".join(str(x) for x in (target.get("python"), target.get("python_version"), target.get("platform"))
                      if x)
    return {"name": row.label, "python": python,
            "findings": [{k: f.get(k) for k in _FINDING_KEYS} if isinstance(f, dict) else {} for f in findings],
            "cells": {c: list(cell.findings) for c, cell in row.cells.items()}}


def page(m: Matrix, headline: str) -> str:
    """The whole page."""
    e = escape
    head = "".join(f"<th scope=\"col\">{e('env-wide' if c == ENVIRONMENT else c)}</th>" for c in m.columns)
    # ``escape`` replaces character by character, so the escaped parts of a text make its escaped whole: each
    # column, status and code is escaped once, not once per cell of a thousand rows.
    cols = [(c, e(c)) for c in m.columns]
    escaped: dict[str, str] = {}

    def once(text: str) -> str:
        out = escaped.get(text)
        if out is None:
            out = escaped[text] = e(text)
        return out

    body = []
    for r, row in enumerate(m.rows):
        label_e = e(row.label)
        label = f"<th scope=\"row\">{label_e}</th>"
        if not row.examined:
            body.append(f"<tr>{label}<td class=\"muted\">—</td>"
                        f"<td class=\"s-not-examined\" colspan=\"{len(m.columns)}\">"
                        f"not examined: {e(row.entry.reason or '')}</td></tr>")
            continue
        report = row.entry.report or {}
        target = _dict(report.get("target"))
        cells = []
        for c, c_e in cols:
            cell = row.cells[c]
            status_e = once(cell.status)
            text_e = once(_MARKS[cell.status]) + (f" {once(cell.code)}" if cell.code else "")
            title_e = f"{label_e} × {c_e}: {status_e}"
            if cell.findings:
                title_e += f", {len(cell.findings)} finding(s)"
            cells.append(f"<td class=\"cell s-{status_e}\" tabindex=\"0\" data-row=\"{r}\" data-col=\"{c_e}\" "
                         f"data-status=\"{status_e}\" title=\"{title_e}\">{text_e}</td>")
        body.append(f"<tr>{label}<td>{e(str(target.get('python_version') or ''))}</td>{''.join(cells)}</tr>")
    problems = []
    for p in m.problems:
        envs = ", ".join(e(a.row) for a in p.affected)
        problems.append(f"<li><span class=\"finding\"><span class=\"code sev-{e(p.severity)}\">{e(p.code)}"
                        f"</span></span>{e(p.title)} <span class=\"muted\">({e(p.kind)}) · "
                        f"{len(p.affected)} environment(s): {envs}</span></li>")
    data = {"rows": [_row_data(row) for row in m.rows]}
    problems_html = (f"<h2>Problems ({len(m.problems)})</h2><ul class=\"problems\">{''.join(problems)}</ul>"
                     if problems else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>langchain-doctor: {e(headline)}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>langchain-doctor {e(__version__)}</h1>
<div class="headline" id="headline">{e(headline)} · exit {m.exit_code} (--fail-on {e(m.fail_on)})</div>
<table class="matrix" id="matrix">
<thead><tr><th scope="col">environment</th><th scope="col">python</th>{head}</tr></thead>
<tbody>
{chr(10).join(body)}
</tbody>
</table>
<div class="legend">✓ ok · ! warning · ✗ error · - not installed · · not listed. Click a cell to see its findings.</div>
<section id="details" aria-live="polite"><span class="muted">Click a cell to see its findings.</span></section>
{problems_html}
<script type="application/json" id="matrix-data">{_script_json(data)}</script>
<script>{_JS}</script>
</body>
</html>
"""
