"""Bounded plans: every LangChain package stays on the environment's release line unless asked (``--line``); the
preview says what moves and what it breaks in the notebooks; every covered finding gets a step or a reason."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_doctor import builtin
from langchain_doctor.context import Options
from langchain_doctor.knowledge.lines import line_of, line_spec, parse_line
from langchain_doctor.model import Finding, Fix, Kind, Severity
from langchain_doctor.notebook import read as read_notebook
from langchain_doctor.redact import Redactor
from langchain_doctor.repair import apply as fixer
from langchain_doctor.repair import coverage, plan, preview
from langchain_doctor.repair.apply import Examined
from langchain_doctor.runner import build_report, run_checks
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.fakeenv import FakeSite, make_env


def _line03_with_old_aws(site: FakeSite) -> None:
    """langchain==0.3.* with langchain-aws==0.1.17 forced in (built for the pydantic-v1 core 0.2)."""
    site.add("langchain", "0.3.27", ["langchain-core<1.0.0,>=0.3.72", "langchain-text-splitters<1.0.0,>=0.3.9",
                                     "pydantic<3.0.0,>=2.7.4"])
    site.add("langchain-core", "0.3.79", ["pydantic>=2.7.4"])
    site.add("langchain-text-splitters", "0.3.11", ["langchain-core<2.0.0,>=0.3.75"])
    site.add("pydantic", "2.11.7", ["pydantic-core==2.33.2"])
    site.add("pydantic-core", "2.33.2")
    site.add("langchain-aws", "0.1.17", ["langchain-core<0.3,>=0.2.29", "boto3<1.35.0,>=1.34.131"],
             modules={"langchain_aws/__init__.py": ""})
    site.add("boto3", "1.34.162")


def _examined(site: FakeSite, notebook: Path | None = None) -> Examined:
    env = make_env(site, options=Options(probe=False))
    if notebook is not None:
        from dataclasses import replace

        env = replace(env, notebook_facts=(read_notebook(notebook),))
    checks = [c for c in builtin.checks() if not c.needs_probe]
    return Examined(env, build_report(env, run_checks(env, checks), Redactor()))


def _reqs(fp: fixer.Procedure) -> dict[str, SpecifierSet]:
    return {plan._name(r): Requirement(r).specifier for r in fp.package_reqs}


def test_the_03_line_repro_stays_on_03_and_writes_the_bounds_into_the_command(site: FakeSite) -> None:
    _line03_with_old_aws(site)
    ex = _examined(site)
    assert "LCD201 langchain-aws" in {f"{f.code} {f.subject}" for f in ex.report.findings}
    fp = fixer.make_plan(ex.report.findings, ex.env.inventory, ex.env.target, {"PATH": ""})
    reqs = _reqs(fp)
    assert {"langchain-aws", "langchain-core", "langchain", "langchain-text-splitters"} <= set(reqs)
    for name in ("langchain-core", "langchain", "langchain-text-splitters"):
        assert not reqs[name].contains("1.0.0") and reqs[name].contains("0.3.99"), (name, reqs[name])
    assert not reqs["langchain-aws"].contains("1.0.0") and reqs["langchain-aws"].contains("0.2.35")
    [step] = fp.steps
    assert "'langchain-core>=0.3.79,<0.4'" in step.display and "'langchain>=0.3.27,<0.4'" in step.display
    assert any("stays on the 0.3 line" in n for n in fp.notes)
    # the preview (offline) shows every move and that langchain-aws leaves its 0.1 line, and nothing 1.x
    pv = preview.offline(fp.package_reqs, (), ex.env.inventory)
    moves = {m.name: m for m in pv.moves}
    assert moves["langchain-core"].text() == "langchain-core 0.3.79 -> >=0.3.79,<0.4"
    assert moves["langchain-core"].crossing == "" and not pv.exact and "offline" in pv.note
    assert moves["langchain-aws"].old == "0.1.17" and moves["langchain-aws"].wanted == "<1.0.0"
    assert pv.breaks == ()


def test_line_1_is_a_choice_and_the_preview_names_the_notebook_break(site: FakeSite, tmp_path: Path) -> None:
    _line03_with_old_aws(site)
    nb = tmp_path / "nb.py"
    nb.write_text("from langchain.chains import LLMChain\nfrom langchain_aws import ChatBedrock\n")
    ex = _examined(site, nb)
    fp = fixer.make_plan(ex.report.findings, ex.env.inventory, ex.env.target, {"PATH": ""}, line="1")
    reqs = _reqs(fp)
    assert reqs["langchain-core"].contains("1.8.0") and not reqs["langchain-core"].contains("0.3.99")
    assert reqs["langchain-aws"].contains("1.9.1")
    assert any("moves the LangChain family to the 1 line, as asked" in n for n in fp.notes)
    pv = preview.offline(fp.package_reqs, (), ex.env.inventory, ex.env.notebook_facts)
    assert {m.name: m.crossing for m in pv.moves}["langchain-core"] == "major"
    [brk] = pv.breaks
    assert brk.source == "from langchain.chains import LLMChain" and brk.instead.startswith("langchain_classic.chains")
    assert brk.line == 1 and brk.notebook == str(nb)


def test_exact_moves_mark_crossings_and_breaks(tmp_path: Path) -> None:
    nb = tmp_path / "nb.py"
    nb.write_text("from langchain.chains import LLMChain\n")
    pv = preview.exact([("langchain", "0.3.27", "1.2.0"), ("langchain-core", "0.3.79", "0.3.80"),
                        ("jiter", None, "0.5.0")], "pip", (read_notebook(nb),))
    assert [m.text() for m in pv.moves] == ["jiter (new) -> 0.5.0", "langchain 0.3.27 -> 1.2.0  [crosses a major line]",
                                            "langchain-core 0.3.79 -> 0.3.80"]
    assert len(pv.breaks) == 1 and pv.exact


def test_a_fix_that_needs_another_line_is_not_in_the_plan_and_says_why(site: FakeSite) -> None:
    _line03_with_old_aws(site)
    ex = _examined(site)
    needs1 = Finding("LCD221", Kind.VERSION_CONFLICT, Severity.ERROR, "needs langchain-classic", "langchain",
                     fix=Fix("Install langchain-classic", install=("langchain-classic",)))
    fp = fixer.make_plan([*ex.report.findings, needs1], ex.env.inventory, ex.env.target, {"PATH": ""})
    assert "langchain-classic" not in _reqs(fp)
    assert fp.source is not None
    [u] = [u for u in fp.source.cannot if u.code == "LCD221"]
    assert u.reason.startswith("cannot be fixed on the 0.3 line: langchain-classic has no release on the 0.3 line")
    assert "fix --line" in u.reason


@pytest.mark.parametrize(("text", "spec", "ok"), [
    ("langchain-core>=1", ">=0.3,<0.4", False), ("x>=0.3.81", ">=0.3,<0.4", True), ("x<0.3", ">=0.3,<0.4", False),
    ("x>0.3.5", "<0.4", True), ("x==0.3.9", ">=0.3,<0.4", True), ("x", "<0", False),
])
def test_feasible(text: str, spec: str, ok: bool) -> None:
    assert plan.feasible(Requirement(text).specifier & SpecifierSet(spec)) is ok


def test_other_packages_keep_their_major_when_given_a_floor() -> None:
    vs = {"openai": Version("1.54.0"), "httpx": Version("0.28.1"), "pydantic": Version("2.9.2")}
    assert plan.bound("openai>=1.55.3", vs, "0.3") == ("openai>=1.55.3,<2", "")
    assert plan.bound("httpx<0.28", vs, "0.3") == ("httpx<0.28", "")
    assert plan.bound("pydantic", vs, "0.3") == ("pydantic", "")  # an open upgrade stays open
    assert plan.bound("pydantic-core==2.23.4", vs, "0.3") == ("pydantic-core==2.23.4", "")


def test_lines() -> None:
    assert line_of(Version("0.3.79")) == "0.3" and line_of(Version("1.0.7")) == "1"
    assert parse_line("1.x") == "1" and parse_line("0.3") == "0.3"
    with pytest.raises(ValueError):
        parse_line("latest")
    spec = line_spec("langchain-community", "1")
    assert spec is not None and spec.contains("0.4.1") and not spec.contains("0.3.31")


def test_every_covered_kind_has_a_reason_and_every_covered_finding_gets_a_step_or_a_reason(site: FakeSite) -> None:
    present = {k.value for k in Kind}
    for kind in Kind:
        if kind.value in coverage.COVERED:
            assert coverage.NO_STEP_BECAUSE[kind.value]
    for kind in ("pydantic-schema", "pydantic-core-mismatch", "version-conflict", "broken-install", "missing-package"):
        assert kind in present and kind in coverage.COVERED
    _line03_with_old_aws(site)
    ex = _examined(site)
    manual = Finding("LCD115", Kind.BROKEN_INSTALL, Severity.ERROR, "two copies", "langchain-core",
                     fix=Fix("Keep one copy", manual=True))
    nofix = Finding("LCD305", Kind.MISSING_PACKAGE, Severity.ERROR, "no module", "weird_mod")
    findings = [*ex.report.findings, manual, nofix]
    cs = plan.build(findings, ex.env.inventory)
    told = {(u.code, u.subject) for u in cs.cannot}
    for f in findings:
        if f.kind.value in coverage.COVERED:
            assert coverage.has_step(f) or (f.code, f.subject) in told, f
    assert ("LCD115", "langchain-core") in told and ("LCD305", "weird_mod") in told
    reason = next(u.reason for u in cs.cannot if u.code == "LCD115")
    assert reason.startswith("cannot be fixed automatically because") and "by hand: Keep one copy" in reason


def test_an_exact_pin_off_the_line_is_named_not_followed() -> None:
    """``langchain-core==99.0.0`` (asked by a broken requirement) would leave the 0.3 line: it is unfixable here."""
    from langchain_doctor.repair.plan import bound
    from packaging.version import Version

    versions = {"langchain-core": Version("0.3.0")}
    out, why = bound("langchain-core==99.0.0", versions, "0.3")
    assert out is None and "outside the 0.3 line" in why
    assert bound("langchain-core==0.3.86", versions, "0.3") == ("langchain-core==0.3.86", "")
    assert bound("openai==1.54.0", versions, "0.3") == ("openai==1.54.0", "")  # not a family member


def test_a_problem_seen_half_before_is_not_a_new_error() -> None:
    from langchain_doctor.model import Finding, Kind, Report, Severity
    from langchain_doctor.repair.trial import cleaner, new_errors

    def report(*findings: Finding) -> Report:
        return Report(tool_version="0", target=None, packages=(), providers=(), findings=findings)

    folder = "/venv/site-packages/langchain_fireworks"
    half = Finding(code="LCD114", kind=Kind.BROKEN_INSTALL, severity=Severity.WARNING, subject="langchain-x",
                   title=f"cannot tell whether {folder} is a leftover")
    core = Finding(code="LCD220", kind=Kind.VERSION_CONFLICT, severity=Severity.ERROR, subject="langchain-core",
                   title="not fully defined")
    named = Finding(code="LCD111", kind=Kind.BROKEN_INSTALL, severity=Severity.ERROR, subject=folder,
                    title=f"{folder} is a leftover")
    other = Finding(code="LCD201", kind=Kind.PYDANTIC_SCHEMA, severity=Severity.ERROR, subject="langchain-openai",
                    title="pydantic v1 under v2")
    before = report(half, core)
    assert new_errors(before, report(named)) == set()
    assert cleaner(before, report(named))
    assert new_errors(before, report(other)) == {"LCD201 langchain-openai"} and not cleaner(before, report(other))
