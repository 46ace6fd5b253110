"""One cause, one finding: the probe's fact and the static finding of the same failure are folded together by one
merge and one table (issue 15, family 13: botocore predating bedrock-runtime gave both LCD702 and LCD705; issue 12:
that fold and the provider-keyed one were two mechanisms with two tables)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from langchain_doctor import causes
from langchain_doctor._checks import compat_static
from langchain_doctor._checks.imports import _classify
from langchain_doctor.causes import installs, merge
from langchain_doctor.findings import install_fix, make
from langchain_doctor.knowledge.boundaries import SERVICE_FLOORS
from langchain_doctor.knowledge.confirms import (
    BY_PROBE,
    CONFIRMS,
    ENVIRONMENT_WIDE,
    REFUTED_BY_A_WORKING_CLASS,
    Confirms,
    Kept,
    SameCause,
)
from langchain_doctor.model import Severity
from langchain_doctor.probe import Result
from langchain_doctor.redact import Redactor
from langchain_doctor.registry import registry
from langchain_doctor.runner import build_report, facts_over_predictions

from tests.fakeenv import FakeSite, make_env

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from langchain_doctor.model import Finding

PY = "/venv/bin/python"


def _old_botocore(tmp_path: Path) -> FakeSite:
    site = FakeSite(tmp_path / "site-packages")
    site.add("botocore", "1.31.56", modules={"botocore/__init__.py": ""})
    site.add("boto3", "1.28.56", ["botocore<1.32.0,>=1.31.56"])
    site.add("langchain-community", "0.0.38")
    for floor in SERVICE_FLOORS:  # only bedrock-runtime is missing, as in botocore 1.31.56
        if floor.service != "bedrock-runtime":
            (site.root / "botocore" / "data" / floor.service).mkdir(parents=True)
    return site


def test_the_construction_fact_and_the_service_floor_prediction_are_one_finding(tmp_path: Path) -> None:
    env = make_env(_old_botocore(tmp_path))
    [predicted] = [f for f in compat_static.run(env) if f.code == "LCD702"]
    # What the probe reports when the notebook's BedrockChat(...) is built in that target.
    built = Result("nb0:construct:x", "error", exc_type="ValueError", exc_module="builtins",
                   message="Could not load credentials to authenticate with AWS client. Bedrock error: Unknown "
                           "service: 'bedrock-runtime'. Valid service names are: a, b")
    fact = _classify(env, built, stage="construct", package="langchain-community", provider="aws",
                     subject="langchain_community.chat_models.BedrockChat", names=("BedrockChat",))
    assert fact is not None and fact.code == "LCD705"
    assert predicted.provider != fact.provider  # told apart by what they repair, not by provider or message
    report = build_report(env, [fact, predicted], Redactor())
    same = [f for f in report.findings if installs(f) & {"botocore", "boto3"}]
    assert [f.code for f in same] == ["LCD705"], [(f.code, f.title) for f in report.findings]
    assert any(e.startswith("predicted from metadata too (LCD702): botocore 1.31.56 predates")
               for e in same[0].evidence), same[0].evidence
    assert any("bedrock-runtime does not exist" in e for e in same[0].evidence)


def test_without_the_probe_the_prediction_stands_alone(tmp_path: Path) -> None:
    env = make_env(_old_botocore(tmp_path))
    report = build_report(env, list(compat_static.run(env)), Redactor())
    assert [f.code for f in report.findings] == ["LCD702"]


def test_a_fact_with_another_repair_does_not_swallow_the_prediction() -> None:
    predicted = make("LCD702", title="openai 1.55.2 with httpx 0.28.1", subject="openai",
                     fix=install_fix(PY, "upgrade openai", ["openai>=1.55.3"]))
    other = make("LCD705", title="construct fails: unknown service", subject="x",
                 fix=install_fix(PY, "upgrade botocore", ["boto3>=1.28.57", "botocore>=1.31.57"]))
    assert merge([other, predicted]) == [other, predicted]
    # the same repair, but a prediction of another kind (a known-bad release is not a version skew)
    bad = make("LCD703", title="tenacity 8.4.0", subject="tenacity", fix=install_fix(PY, "x", ["tenacity==8.4.1"]))
    fact = make("LCD705", title="tenacity.asyncio missing", subject="tenacity",
                fix=install_fix(PY, "x", ["tenacity==8.4.1"]))
    assert merge([fact, bad]) == [fact, bad]
    # no package step on the prediction: nothing says it is the same cause
    bare = make("LCD702", title="x", subject="openai")
    assert merge([other, bare]) == [other, bare]


def test_the_fact_covers_the_prediction_keeps_its_place_and_the_worst_severity() -> None:
    predicted = make("LCD704", title="pydantic 1.10.13 does not run on Python 3.13", subject="pydantic",
                     fix=install_fix(PY, "x", ["pydantic>=1.10.16,<2"]))
    fact = make("LCD708", title="import fails: recursive_guard", subject="pydantic", severity=Severity.WARNING,
                fix=install_fix(PY, "x", ["pydantic>=1.10.16,<2", "langchain-core>=0.1.53"]))
    unrelated = make("LCD703", title="tenacity", subject="tenacity", fix=install_fix(PY, "x", ["tenacity==8.4.1"]))
    [kept, other] = merge([predicted, fact, unrelated])
    assert kept.code == "LCD708" and kept.severity is Severity.ERROR and other is unrelated
    assert kept.evidence[-1 - len(predicted.evidence)] == f"predicted from metadata too (LCD704): {predicted.title}"


def test_the_table_is_one_table_with_every_code_registered_and_on_one_side() -> None:
    known = registry()
    probes = [row.probe for row in CONFIRMS]
    assert len(probes) == len(set(probes)) and set(BY_PROBE) == set(probes)
    statics = {code for row in CONFIRMS for code in row.static}
    assert not set(probes) & statics  # a probe code is never something another probe confirms
    kept_as = {code: {row.kept for row in CONFIRMS if code in row.static} for code in statics}
    assert all(len(sides) == 1 for sides in kept_as.values()), kept_as  # a static code is kept, or folded away
    for row in CONFIRMS:
        assert row.probe in known and row.static and len(set(row.static)) == len(row.static), row
        assert all(code in known for code in row.static), row
        if row.same is SameCause.REPAIR:  # one cause with one repair is one kind of failure
            assert all(known[code].kind is known[row.probe].kind for code in row.static), row
    by_provider = {code for row in CONFIRMS if row.same is SameCause.PROVIDER for code in row.static}
    assert ENVIRONMENT_WIDE <= by_provider


def _pair(row: Confirms, static_code: str, *, provider: str | None = "openai",
          static_provider: str | None = "openai", probe_repair: tuple[str, ...] = ("pkg-a", "pkg-b"),
          static_repair: tuple[str, ...] = ("pkg-a",)) -> tuple[Finding, Finding]:
    fact = make(row.probe, title=f"probe {row.probe}", subject="s", provider=provider, evidence=["probe saw"],
                fix=install_fix(PY, "x", list(probe_repair)) if probe_repair else None)
    static = make(static_code, title=f"static {static_code}", subject="s", provider=static_provider,
                  evidence=["metadata says"], fix=install_fix(PY, "x", list(static_repair)) if static_repair else None)
    return fact, static


@pytest.mark.parametrize(("row", "static_code"), [(row, code) for row in CONFIRMS for code in row.static],
                         ids=lambda v: v.probe if isinstance(v, Confirms) else v)
def test_every_pair_of_the_table_folds_through_the_one_merge(row: Confirms, static_code: str) -> None:
    fact, static = _pair(row, static_code)
    unrelated = make("LCD401", title="unrelated", subject="u", provider="openai")
    merged = merge([static, unrelated, fact])
    # one cause, one finding, with both evidences; the kept finding keeps its code, title, repair and place
    if row.kept is Kept.STATIC:
        kept, folded, line = static, fact, "confirmed by probe ({}): {}"
        [joined, rest] = merged
    else:
        kept, folded, line = fact, static, "predicted from metadata too ({}): {}"
        [rest, joined] = merged
    assert rest is unrelated
    assert (joined.code, joined.title, joined.fix, joined.provider) == (kept.code, kept.title, kept.fix, kept.provider)
    assert joined.evidence == (*kept.evidence, line.format(folded.code, folded.title), *folded.evidence)
    assert joined.severity.rank == max(kept.severity.rank, folded.severity.rank)


@pytest.mark.parametrize(("row", "static_code"), [(row, code) for row in CONFIRMS for code in row.static],
                         ids=lambda v: v.probe if isinstance(v, Confirms) else v)
def test_a_static_finding_the_probe_does_not_confirm_stays_as_it_was(row: Confirms, static_code: str) -> None:
    if row.same is SameCause.PROVIDER:
        fact, static = _pair(row, static_code, static_provider="anthropic")  # another provider's failure
    else:
        fact, static = _pair(row, static_code, static_repair=("other-pkg",))  # another repair
    assert merge([static, fact]) == [static, fact]
    assert merge([static]) == [static]  # no probe finding at all: the static finding stands as it was made


def test_a_static_finding_about_the_whole_environment_is_confirmed_by_any_providers_failure() -> None:
    for row in CONFIRMS:
        for code in row.static:
            if row.same is not SameCause.PROVIDER:
                continue
            fact, static = _pair(row, code, static_provider=None)
            merged = merge([static, fact])
            assert len(merged) == (1 if code in ENVIRONMENT_WIDE else 2), (row.probe, code)


def test_a_probe_symptom_goes_into_the_first_cause_in_the_tables_order_once() -> None:
    row = BY_PROBE["LCD306"]
    fact, later = _pair(row, "LCD101")
    _, first = _pair(row, "LCD201")
    assert row.static.index("LCD201") < row.static.index("LCD101")
    [a, b] = merge([later, first, fact])
    assert a == later  # listed first, but later in the table: untouched
    assert b.code == "LCD201" and "confirmed by probe (LCD306): probe LCD306" in b.evidence


def test_two_symptoms_of_one_cause_both_go_into_it() -> None:
    row = BY_PROBE["LCD306"]
    fact, static = _pair(row, "LCD201")
    construct = make("LCD307", title="construct fails", subject="s", provider="openai", evidence=["probe 2"])
    [joined] = merge([fact, static, construct])
    assert [e for e in joined.evidence if e.startswith("confirmed by probe")] == [
        "confirmed by probe (LCD306): probe LCD306", "confirmed by probe (LCD307): construct fails"]


def test_a_fact_with_a_provider_and_one_without_are_folded_by_the_same_merge(tmp_path: Path) -> None:
    env = make_env(_old_botocore(tmp_path))
    [predicted] = [f for f in compat_static.run(env) if f.code == "LCD702"]
    built = Result("nb0:construct:x", "error", exc_type="ValueError", exc_module="builtins",
                   message="Unknown service: 'bedrock-runtime'. Valid service names are: a, b")
    fact = _classify(env, built, stage="construct", package="langchain-community", provider=None,
                     subject="langchain_community.chat_models.BedrockChat", names=("BedrockChat",))
    assert fact is not None and fact.code == "LCD705" and predicted.provider is None and fact.provider is None
    # the provider-keyed pair: an integration built for pydantic v1, and the import of its chat class failing
    schema = make("LCD201", title="langchain-openai 0.1.0 is built for pydantic v1", subject="langchain-openai",
                  provider="openai", fix=install_fix(PY, "x", ["langchain-openai>=0.3"]))
    failed = make("LCD306", title="import of langchain_openai fails", subject="langchain_openai",
                  provider="openai", evidence=["TypeError: x"])
    merged = merge([predicted, schema, fact, failed])
    assert [f.code for f in merged] == ["LCD201", "LCD705"]
    assert "confirmed by probe (LCD306): import of langchain_openai fails" in merged[0].evidence
    assert f"predicted from metadata too (LCD702): {predicted.title}" in merged[1].evidence


def test_the_report_folds_through_the_one_merge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = make_env(_old_botocore(tmp_path))
    seen: list[list[str]] = []

    def spy(findings: Sequence[Finding]) -> list[Finding]:
        seen.append([f.code for f in findings])
        return merge(findings)

    monkeypatch.setattr(causes, "merge", spy)
    predicted = list(compat_static.run(env))
    build_report(env, predicted, Redactor())
    assert seen == [[f.code for f in predicted]]


def test_a_local_folder_standing_in_for_the_missing_package_keeps_the_install_finding_as_evidence() -> None:
    missing = make("LCD103", title="fireworks: langchain-fireworks is not installed, but this provider must work",
                   subject="langchain-fireworks", provider="fireworks", evidence=["no langchain-fireworks"],
                   fix=install_fix(PY, "Install langchain-fireworks", ["langchain-fireworks"]))
    folder = make("LCD311", title="./langchain_fireworks stands in for langchain-fireworks, which is not installed",
                  subject="./langchain_fireworks", provider="fireworks", evidence=["import resolves to ./x"],
                  fix=install_fix(PY, "Install langchain-fireworks", ["langchain-fireworks"]))
    other = replace(missing, provider="groq", subject="langchain-groq")
    [alone, kept] = merge([missing, other, folder])
    assert alone is other and kept.code == "LCD311" and kept.fix == folder.fix
    assert kept.evidence[1:] == (f"predicted from metadata too (LCD103): {missing.title}", *missing.evidence)


def test_every_refutable_prediction_says_so_when_the_class_works_and_the_rest_stay(tmp_path: Path) -> None:
    site = FakeSite(tmp_path / "site-packages")
    site.add("langchain-anthropic", "0.3.22", modules={"langchain_anthropic/__init__.py": ""})
    works = replace(make_env(site), probes={f"anthropic:{stage}": Result(f"anthropic:{stage}", "ok")
                                            for stage in ("import", "construct")})
    assert REFUTED_BY_A_WORKING_CLASS  # what an import failure and a construction failure would both confirm
    for row in CONFIRMS:
        for code in row.static:
            f = make(code, title=f"static {code}", subject="s", provider="anthropic", severity=Severity.ERROR)
            [seen] = facts_over_predictions(works, [f])
            if code in REFUTED_BY_A_WORKING_CLASS:
                assert seen.severity is Severity.WARNING and "(predicted from metadata; the probe's import and " \
                    "construct succeeded)" in seen.title, code
            else:  # not a prediction about the class (files on disk, a key, a release): the class working says nothing
                assert seen == f, code
