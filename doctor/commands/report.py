"""``langchain-doctor report``: a redacted Markdown report for a support ticket, built from an allowlist of fields.

Only these leave the machine: the doctor's version, the OS, the target's Python version and platform, its
interpreter path (home folder shown as ``~``), LangChain-family, pydantic and provider-SDK versions, the providers
table, and the findings with their fixes. Nothing is dumped from the environment; every string goes through the
redaction layer.
"""

from __future__ import annotations

import os
import platform
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import click

from ..commands._options import build_options, emit, output_options, render_report, target_options
from ..model import Finding, PackageInfo, ProviderStatus, RepairPlan, Report, SmokeRow, TargetInfo
from ..redact import Redactor, for_process, redact_fields
from ..target import TargetError

if TYPE_CHECKING:
    from collections.abc import Mapping

_FAMILIES = ("langchain", "pydantic", "sdk")
# Of a smoke result, only the contract's smoke object (--smoke) goes into a ticket: provider, model, ok, latency,
# finish reason, token counts and the response_metadata keys (no errors, notes or timings).


class Tilde:
    """Replaces the home folder by ``~`` in paths and text."""

    def __init__(self, home: Optional[str]) -> None:
        homes = set()
        if home:
            homes.add(home.rstrip("/\\"))
            try:
                homes.add(os.path.realpath(home).rstrip("/\\"))
            except OSError:
                pass
        self._homes = sorted((h for h in homes if len(h) > 1), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        """``text`` with each occurrence of the home folder (as a whole path component) shown as ``~``."""
        for h in self._homes:
            out = []
            start = 0
            while True:
                i = text.find(h, start)
                if i < 0:
                    out.append(text[start:])
                    break
                end = i + len(h)
                if end == len(text) or text[end] in "/\\ \"'\n:;,)":
                    out.append(text[start:i] + "~")
                else:
                    out.append(text[start:end])
                start = end
            text = "".join(out)
        return text


def _clean(text: str, tilde: Tilde, redactor: Redactor) -> str:
    return redactor.text(tilde(text))


def _finding(f: Finding, tilde: Tilde, redactor: Redactor) -> Finding:
    return redact_fields(f, lambda s: _clean(s, tilde, redactor))


def os_description() -> str:
    """``Linux 6.1.0 (x86_64)``: the OS the doctor and the target run on."""
    return f"{platform.system() or 'unknown'} {platform.release()} ({platform.machine() or '?'})".strip()


def ticket_report(report: Report, *, home: Optional[str] = None, environ: Optional[Mapping[str, str]] = None,
                  os_name: Optional[str] = None) -> Report:
    """A new Report holding only the allowlisted fields of ``report``, with home as ``~`` and secrets masked."""
    env = os.environ if environ is None else environ
    if home is None:
        home = str(Path.home())
    tilde = Tilde(home)
    redactor = for_process(env)
    t = report.target
    target = None
    if t is not None:
        target = TargetInfo(python=_clean(t.python, tilde, redactor), python_version=t.python_version,
                            platform=t.platform, selected_by=t.selected_by,
                            reason=_clean(t.reason, tilde, redactor), prefix=_clean(t.prefix, tilde, redactor))
    packages = tuple(PackageInfo(p.name, p.version, _clean(p.location, tilde, redactor), p.family)
                     for p in report.packages if p.family in _FAMILIES)
    providers = tuple(ProviderStatus(p.name, p.package, p.status, p.version, p.needed, p.checks)
                      for p in report.providers)
    findings = tuple(_finding(f, tilde, redactor) for f in report.findings)

    def c(text: str) -> str:
        return _clean(text, tilde, redactor)

    smoke = tuple(SmokeRow(provider=r.provider, model=c(r.model) if r.model else r.model, ok=r.ok,
                           latency_s=r.latency_s, finish_reason=c(r.finish_reason) if r.finish_reason else None,
                           input_tokens=r.input_tokens, output_tokens=r.output_tokens, total_tokens=r.total_tokens,
                           response_metadata_keys=tuple(c(k) for k in r.response_metadata_keys), status=r.status)
                  for r in report.smoke)
    credentials = tuple(replace(x, source=c(x.source), fingerprint=c(x.fingerprint)) for x in report.credentials)
    repair = RepairPlan(tuple(c(x) for x in report.repair.commands), tuple(c(x) for x in report.repair.manual),
                        tuple(c(x) for x in report.repair.cannot))
    return Report(report.tool_version, target, packages, providers, findings, report.fail_on,
                  ticket_os=os_name or os_description(), smoke=smoke, credentials=credentials, repair=repair,
                  redactor=redactor)


@click.command("report")
@target_options
@output_options(default="markdown")
def command(fmt: Optional[str], output: Optional[str], **kw: Any) -> int:
    """A redacted, shareable Markdown report for a support ticket (--output FILE to save it)."""
    from ..runner import check

    options = build_options(kw)
    try:
        report = check(options)
    except TargetError as exc:
        raise click.ClickException(str(exc)) from None
    ticket = ticket_report(report)
    emit(lambda f, color: render_report(ticket, f, color, options.verbose, quiet=bool(kw.get("quiet"))), fmt, output)
    return ticket.exit_code
