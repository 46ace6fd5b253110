"""JUnit XML for CI test reporters (GitLab, Jenkins, GitHub): a testsuite per check family, a testcase per check
and provider (plus ``environment`` for findings about no provider).

A check/provider pair with no finding is one passing testcase (skipped when the provider is not installed or was
not examined). Each finding is its own testcase: a ``failure`` for an error (and for a warning under
``--fail-on warning``; a check the doctor could not run too, typed with its LCD9xx code), ``skipped`` when
configuration ignores it, and a passing testcase with the details in ``system-out`` otherwise. So the failures match
the report. The document validates against the common JUnit schema (Jenkins xUnit's junit-10.xsd, the one pytest
checks its own output with), and ``time`` values are the checks' real durations.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from ..model import ProviderState, Severity

if TYPE_CHECKING:
    from ..model import Finding, Report

SUITES_NAME = "langchain-doctor"
ENVIRONMENT = "environment"
"""Pseudo-provider of findings about no particular provider."""
OTHER_FAMILY = "doctor"
"""Family of findings from a check the table does not list."""
_PROBE_CHECK = "imports"
"""The check whose testcase fails for a provider whose probe failed through an environment-wide finding."""
_SKIP_STATES = {ProviderState.NOT_INSTALLED: "not installed", ProviderState.SKIPPED: "not examined"}
# XML 1.0 forbids most control characters even escaped; evidence copied from a terminal may hold them.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _INVALID_XML.sub("\ufffd", text)


def _families(report: Report) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in report.checks_run:
        out.setdefault(c.family, []).append(c.name)
    return out


def _seconds(value: float) -> str:
    """A ``time`` attribute as the common JUnit schema wants it (seconds, at most three decimals)."""
    return f"{max(value, 0.0):.3f}"


def fails(f: Finding, fail_on: str) -> bool:
    """True when the finding is a failure: an error, or at/above ``fail_on``; never when ignored."""
    if f.ignored is not None:
        return False
    if f.severity is Severity.ERROR:
        return True
    return fail_on != "never" and f.severity.rank >= Severity(fail_on).rank


def _details(f: Finding) -> str:
    lines = [f"{f.code} [{f.kind.value}, {f.severity.value}] {f.title}", f"subject: {f.subject}"]
    if f.provider:
        lines.append(f"provider: {f.provider}")
    lines += [f"| {e}" for ev in f.evidence for e in (ev.splitlines() or [""])]
    if f.fix is not None:
        lines.append(f"fix: {f.fix.summary}")
        lines += [f"  $ {c}" for c in f.fix.commands]
    if f.ignored is not None:
        lines.append(f"ignored: {f.ignored}")
    return _clean("\n".join(lines))


def _case(suite: ET.Element, classname: str, name: str, seconds: float = 0.0) -> ET.Element:
    return ET.SubElement(suite, "testcase", {"classname": _clean(classname), "name": _clean(name),
                                             "time": _seconds(seconds)})


def _finding_case(suite: ET.Element, classname: str, label: str, f: Finding, fail_on: str, seconds: float) -> str:
    case = _case(suite, classname, f"{label}: {f.code} {f.subject}", seconds)
    message = _clean(f"{f.code} {f.title}")
    if f.ignored is not None:
        ET.SubElement(case, "skipped", {"message": _clean(f"ignored: {f.ignored}")})
        ET.SubElement(case, "system-out").text = _details(f)
        return "skipped"
    if fails(f, fail_on):
        # The common schema (Jenkins xUnit's junit-10.xsd, which pytest validates against) knows <failure>, not
        # <error>: a check the doctor could not run is a failure whose type names its code (LCD9xx).
        ET.SubElement(case, "failure", {"message": message, "type": f.code}).text = _details(f)
        return "failures"
    ET.SubElement(case, "system-out").text = _details(f)
    return "passed"


def render(report: Report, *, verbose: bool = False, color: bool = False, width: int = 0,
           quiet: bool = False) -> str:
    """The report as a JUnit XML document (UTF-8 declaration, indented)."""
    families = _families(report)
    took = {c.name: c.seconds for c in report.checks_run}
    family_of = {check: fam for fam, checks in families.items() for check in checks}
    for f in report.findings:
        if f.check not in family_of:
            family_of[f.check or OTHER_FAMILY] = OTHER_FAMILY
            families.setdefault(OTHER_FAMILY, [])
            if (f.check or OTHER_FAMILY) not in families[OTHER_FAMILY]:
                families[OTHER_FAMILY].append(f.check or OTHER_FAMILY)
    state = {p.name: p.status for p in report.providers}
    explained = {p.name: p.explained_by for p in report.providers if p.explained_by}
    labels = [p.name for p in report.providers]
    labels += sorted({f.provider for f in report.findings if f.provider and f.provider not in state})
    labels.append(ENVIRONMENT)

    root = ET.Element("testsuites", {"name": SUITES_NAME})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for family, checks in families.items():
        suite = ET.SubElement(root, "testsuite", {"name": family})
        props = ET.SubElement(suite, "properties")
        t = report.target
        for prop, text in (("tool.version", report.tool_version), ("fail_on", report.fail_on),
                           ("target.python", t.python if t else ""),
                           ("target.python_version", t.python_version if t else "")):
            ET.SubElement(props, "property", {"name": prop, "value": _clean(text)})
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
        suite_time = 0.0
        for check in checks:
            classname = f"{SUITES_NAME}.{family}.{check}"
            # A check's time is split over its cases, so that the cases add up to the suite and the suite to the run.
            cases = sum(max(1, sum(1 for f in report.findings if (f.check or OTHER_FAMILY) == check
                                   and (f.provider or ENVIRONMENT) == label)) for label in labels)
            share = took.get(check, 0.0) / max(cases, 1)
            suite_time += took.get(check, 0.0)
            for label in labels:
                found = [f for f in report.findings
                         if (f.check or OTHER_FAMILY) == check and (f.provider or ENVIRONMENT) == label]
                if not found and check == _PROBE_CHECK and explained.get(label):
                    # Its probe failed, but the finding that explains it is about the whole environment.
                    case = _case(suite, classname, label)
                    counts["tests"] += 1
                    text = f"{label}: a probe stage failed; explained by {', '.join(explained[label])}"
                    ET.SubElement(case, "failure", {"message": _clean(text), "type": explained[label][0]}
                                  ).text = _clean(text)
                    counts["failures"] += 1
                    continue
                if not found:
                    case = _case(suite, classname, label, share)
                    counts["tests"] += 1
                    reason = _SKIP_STATES.get(state[label]) if label in state else None
                    if reason is not None:
                        ET.SubElement(case, "skipped", {"message": f"{label}: {reason}"})
                        counts["skipped"] += 1
                    continue
                for f in found:
                    outcome = _finding_case(suite, classname, label, f, report.fail_on, share)
                    counts["tests"] += 1
                    if outcome in counts:
                        counts[outcome] += 1
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
        suite.set("time", _seconds(suite_time))
    # <testsuites> carries tests, failures and errors (the common schema has no "skipped" there); its time is the
    # run's wall time (the checks run in parallel, so it can be less than the suites' sum).
    for key in ("tests", "failures", "errors"):
        root.set(key, str(totals[key]))
    root.set("time", _seconds(report.elapsed_s or sum(took.values())))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
