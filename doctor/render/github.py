"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` annotation per finding.

Each annotation names the file and line the finding belongs to (``file=``, ``line=``: the notebook line that needs
the provider, the requirement that pins the package), so the pull request shows it there; a finding with no such
place is annotated on the run. Ignored findings are not annotated. Values are escaped as the runner expects
(``%``, CR, LF in the message; also ``:`` and ``,`` in properties).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Severity

if TYPE_CHECKING:
    from ..model import Finding, Report

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """A message as a workflow command's data."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A value of a workflow command's property (``file``, ``title``)."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(f: Finding) -> str:
    """The workflow command of one finding."""
    props = []
    if f.locations:
        loc = f.locations[0]
        props += [f"file={escape_property(loc.path)}", f"line={max(loc.line, 1)}"]
    props.append(f"title={escape_property(f'{f.code} {f.kind.value}')}")
    lines = [f.title, *f.evidence[:4]]
    if f.fix is not None:
        lines.append(f"Fix: {f.fix.summary}")
        lines += [f"$ {c}" for c in f.fix.commands]
    return f"::{COMMAND[f.severity]} {','.join(props)}::{escape_data(chr(10).join(lines))}"


def render(report: Report, *, verbose: bool = False, color: bool = False, width: int = 0,
           quiet: bool = False) -> str:
    """One annotation per active finding (errors only with ``quiet``), then a one-line summary."""
    out = [annotation(f) for f in report.active_findings if not quiet or f.severity is Severity.ERROR]
    s = report.summary
    ignored = len(report.findings) - len(report.active_findings)
    tail = f", {ignored} ignored" if ignored else ""
    out.append(f"langchain-doctor: {s['error']} error(s), {s['warning']} warning(s), {s['info']} note(s){tail}; "
               f"exit {report.exit_code} (--fail-on {report.fail_on})")
    return "\n".join(out) + "\n"
