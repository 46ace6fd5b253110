"""JUnit output: parsed back, its counts match the findings, suites follow the check families."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import xmlschema
from langchain_doctor import builtin
from langchain_doctor.findings import make
from langchain_doctor.model import CheckRun, Finding, Fix, ProviderState, ProviderStatus, Report, Severity, TargetInfo
from langchain_doctor.render import Format, renderer
from langchain_doctor.render.junit import render
from langchain_doctor.runner import build_report, run_checks

from tests.fakeenv import make_env

if TYPE_CHECKING:
    from tests.fakeenv import FakeSite

TARGET = TargetInfo("/venv/bin/python", "3.11.7", "linux", "--python", "test")


def _f(code: str, check: str, provider: str | None, *, subject: str = "x", ignored: str | None = None,
       severity: Severity | None = None, title: str = "t") -> Finding:
    f = make(code, title=title, subject=subject, provider=provider, evidence=["seen"],
             fix=Fix("do it", ("pip install -U y",)), severity=severity)
    from dataclasses import replace

    return replace(f, check=check, ignored=ignored)


CHECKS_RUN = tuple(CheckRun(c.name, c.family, 0.0125 * (n + 1)) for n, c in enumerate(builtin.checks()))
XSD = Path(__file__).resolve().parents[1] / "schemas" / "junit-10.xsd"


def _report(findings: list[Finding], providers: list[ProviderStatus], fail_on: str = "error") -> Report:
    return Report("0.1.0", TARGET, (), tuple(providers), tuple(findings), fail_on, checks_run=CHECKS_RUN,
                  elapsed_s=0.5)


def _parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    # The common JUnit schema (Jenkins xUnit's junit-10.xsd, the one pytest checks its own output with).
    xmlschema.XMLSchema(str(XSD)).validate(text.encode("utf-8"))
    return ET.fromstring(text.encode("utf-8"))


def _cases(root: ET.Element) -> list[ET.Element]:
    return root.findall("./testsuite/testcase")


def _consistent(root: ET.Element) -> None:
    """Every count attribute equals what the children say (what CI reporters rely on)."""
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for suite in root.findall("testsuite"):
        cases = suite.findall("testcase")
        counts = {"tests": len(cases),
                  "failures": sum(1 for c in cases if c.find("failure") is not None),
                  "errors": sum(1 for c in cases if c.find("error") is not None),
                  "skipped": sum(1 for c in cases if c.find("skipped") is not None)}
        for key, value in counts.items():
            assert suite.get(key) == str(value), (suite.get("name"), key)
            totals[key] += value
        for case in cases:
            assert case.get("classname") and case.get("name") and float(case.get("time", "x")) >= 0
            assert sum(case.find(t) is not None for t in ("failure", "error", "skipped")) <= 1
    for key in ("tests", "failures", "errors"):
        assert root.get(key) == str(totals[key])
    assert root.get("skipped") is None  # not an attribute of <testsuites> in the common schema


PROVIDERS = [
    ProviderStatus("openai", "langchain-openai", ProviderState.ERROR, "0.1.25"),
    ProviderStatus("aws", "langchain-aws", ProviderState.OK, "1.0.0"),
    ProviderStatus("groq", "langchain-groq", ProviderState.NOT_INSTALLED, None, needed=True),
]


def test_suites_are_the_check_families_and_cases_cover_each_check_and_provider() -> None:
    root = _parse(render(_report([], PROVIDERS)))
    families: dict[str, list[str]] = {}
    for c in builtin.checks():
        families.setdefault(c.family, []).append(c.name)
    assert [s.get("name") for s in root.findall("testsuite")] == list(families)
    for suite in root.findall("testsuite"):
        names = {(c.get("classname"), c.get("name")) for c in suite.findall("testcase")}
        fam = suite.get("name")
        assert names == {(f"langchain-doctor.{fam}.{chk}", label) for chk in families[str(fam)]
                         for label in ("openai", "aws", "groq", "environment")}
    _consistent(root)
    assert root.get("failures") == "0"


def test_failures_match_the_error_findings_and_skips_the_not_installed() -> None:
    findings = [
        _f("LCD201", "requirements", "openai", subject="langchain-openai"),
        _f("LCD210", "requirements", None, subject="pydantic-core"),
        _f("LCD203", "pydantic-idioms", "aws", subject="langchain-aws"),  # a warning: passes under fail-on error
        _f("LCD120", "inventory", None),  # info
    ]
    report = _report(findings, PROVIDERS)
    root = _parse(render(report))
    _consistent(root)
    errors = [f for f in report.active_findings if f.severity is Severity.ERROR]
    assert int(root.get("failures", "-1")) == len(errors) == 2
    failed = {c.find("failure").get("type") for c in _cases(root) if c.find("failure") is not None}  # type: ignore[union-attr]
    assert failed == {"LCD201", "LCD210"}
    case = next(c for c in _cases(root) if c.get("name") == "openai: LCD201 langchain-openai")
    assert case.get("classname") == "langchain-doctor.packages.requirements"
    failure = case.find("failure")
    assert failure is not None and failure.get("message") == "LCD201 t"
    assert "| seen" in (failure.text or "") and "$ pip install -U y" in (failure.text or "")
    skipped = [c for c in _cases(root) if c.find("skipped") is not None]
    assert skipped and all(c.get("name") == "groq" for c in skipped)
    assert len(skipped) == len(builtin.checks())
    warning = next(c for c in _cases(root) if c.get("name") == "aws: LCD203 langchain-aws")
    assert warning.find("failure") is None and "LCD203" in (warning.findtext("system-out") or "")


def test_fail_on_warning_makes_warnings_failures() -> None:
    findings = [_f("LCD203", "pydantic-idioms", "aws"), _f("LCD120", "inventory", None)]
    root = _parse(render(_report(findings, PROVIDERS, fail_on="warning")))
    _consistent(root)
    assert root.get("failures") == "1"


def test_ignored_findings_are_listed_as_skipped_with_their_reason() -> None:
    findings = [_f("LCD201", "requirements", "openai", ignored="upgrading next sprint")]
    report = _report(findings, PROVIDERS)
    root = _parse(render(report))
    _consistent(root)
    assert root.get("failures") == "0" and report.exit_code == 0
    case = next(c for c in _cases(root) if c.get("name", "").startswith("openai: LCD201"))
    skip = case.find("skipped")
    assert skip is not None and skip.get("message") == "ignored: upgrading next sprint"


def test_a_crashed_check_is_a_failure_typed_with_its_code() -> None:
    # The common schema has no <error> element: a check the doctor could not run fails with its LCD9xx type.
    crash = _f("LCD901", "integrity", None, severity=Severity.ERROR)
    root = _parse(render(_report([crash], [])))
    _consistent(root)
    assert root.get("errors") == "0" and root.get("failures") == "1"
    failure = next(c.find("failure") for c in _cases(root) if c.find("failure") is not None)
    assert failure is not None and failure.get("type") == "LCD901"


def test_times_are_the_checks_durations() -> None:
    root = _parse(render(_report([_f("LCD201", "requirements", "openai")], PROVIDERS)))
    took = {c.name: c.seconds for c in CHECKS_RUN}
    for suite in root.findall("testsuite"):
        by_check: dict[str, float] = {}
        for case in suite.findall("testcase"):
            check = str(case.get("classname")).rsplit(".", 1)[1]
            by_check[check] = by_check.get(check, 0.0) + float(str(case.get("time")))
        for check, total in by_check.items():
            assert abs(total - took[check]) < 0.01, check
        assert abs(float(str(suite.get("time"))) - sum(took[c] for c in by_check)) < 0.002
    assert root.get("time") == "0.500"


def test_a_real_run_records_real_durations(site: FakeSite) -> None:
    from langchain_doctor.context import Options

    site.add("langchain-core", "0.3.0", ["pydantic>=2.7.4"])
    env = make_env(site, options=Options(probe=False))
    timings: list[CheckRun] = []
    run_checks(env, [c for c in builtin.checks() if not c.needs_probe], timings)
    assert {t.name for t in timings} == {c.name for c in builtin.checks() if not c.needs_probe}
    assert all(t.seconds > 0 for t in timings)


def test_unknown_check_gets_its_own_suite() -> None:
    root = _parse(render(_report([_f("LCD201", "", "openai")], PROVIDERS)))
    _consistent(root)
    assert root.findall("testsuite")[-1].get("name") == "doctor"


def test_control_characters_and_markup_stay_valid_xml() -> None:
    nasty = _f("LCD201", "requirements", "openai", title="bad \x1b[31m<tag> & \"q\" \x00 end")
    text = render(_report([nasty], PROVIDERS))
    root = _parse(text)  # would raise on invalid XML
    failure = next(c.find("failure") for c in _cases(root) if c.find("failure") is not None)
    assert failure is not None and "<tag> & \"q\"" in (failure.get("message") or "")
    assert "\x1b" not in text and "\x00" not in text


def test_target_properties() -> None:
    root = _parse(render(_report([], [])))
    props = {p.get("name"): p.get("value") for p in root.findall("./testsuite[1]/properties/property")}
    assert props["target.python"] == "/venv/bin/python" and props["fail_on"] == "error"


def test_registered_as_the_junit_format() -> None:
    assert renderer(Format.JUNIT) is render


@pytest.mark.parametrize("ignore", [{}, {"LCD201": "known"}])
def test_counts_match_a_real_report_from_a_fake_env(site: FakeSite, ignore: dict[str, str]) -> None:
    from langchain_doctor.context import Options
    from langchain_doctor.redact import Redactor

    site.add("langchain-core", "0.3.0", ["pydantic>=2.7.4"])
    site.add("pydantic", "2.9.2", ["pydantic-core==2.23.4"])
    site.add("pydantic-core", "2.23.4")
    site.add("langchain-openai", "0.1.25", ["langchain-core<0.3.0,>=0.2.40"])
    env = make_env(site, options=Options(probe=False, ignore=ignore))
    checks = tuple(c for c in builtin.checks() if not c.needs_probe)
    report = build_report(env, run_checks(env, checks), Redactor())
    assert any(f.code == "LCD201" for f in report.findings)
    root = _parse(render(report))
    _consistent(root)
    expected = sum(1 for f in report.active_findings if f.severity is Severity.ERROR)
    assert int(root.get("failures", "-1")) == expected
    assert sum(int(s.get("skipped", "0")) for s in root.findall("testsuite")) >= len(ignore)
