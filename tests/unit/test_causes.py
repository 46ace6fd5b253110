"""One cause, one finding: the probe's fact and the metadata's prediction of the same failure are folded together
(issue 15, family 13: botocore predating bedrock-runtime gave both LCD702 and LCD705)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from langchain_doctor._checks import compat_static
from langchain_doctor._checks.imports import _classify
from langchain_doctor.causes import fold_predictions, installs
from langchain_doctor.findings import install_fix, make
from langchain_doctor.knowledge.boundaries import SERVICE_FLOORS
from langchain_doctor.knowledge.codes.compat import PREDICTED_BY
from langchain_doctor.model import Severity
from langchain_doctor.probe import Result
from langchain_doctor.redact import Redactor
from langchain_doctor.registry import registry
from langchain_doctor.runner import build_report

from tests.fakeenv import FakeSite, make_env

if TYPE_CHECKING:
    from pathlib import Path

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
    assert fold_predictions([other, predicted]) == [other, predicted]
    # the same repair, but a prediction of another kind (a known-bad release is not a version skew)
    bad = make("LCD703", title="tenacity 8.4.0", subject="tenacity", fix=install_fix(PY, "x", ["tenacity==8.4.1"]))
    fact = make("LCD705", title="tenacity.asyncio missing", subject="tenacity",
                fix=install_fix(PY, "x", ["tenacity==8.4.1"]))
    assert fold_predictions([fact, bad]) == [fact, bad]
    # no package step on the prediction: nothing says it is the same cause
    bare = make("LCD702", title="x", subject="openai")
    assert fold_predictions([other, bare]) == [other, bare]


def test_the_fact_covers_the_prediction_keeps_its_place_and_the_worst_severity() -> None:
    predicted = make("LCD704", title="pydantic 1.10.13 does not run on Python 3.13", subject="pydantic",
                     fix=install_fix(PY, "x", ["pydantic>=1.10.16,<2"]))
    fact = make("LCD708", title="import fails: recursive_guard", subject="pydantic", severity=Severity.WARNING,
                fix=install_fix(PY, "x", ["pydantic>=1.10.16,<2", "langchain-core>=0.1.53"]))
    unrelated = make("LCD703", title="tenacity", subject="tenacity", fix=install_fix(PY, "x", ["tenacity==8.4.1"]))
    [kept, other] = fold_predictions([predicted, fact, unrelated])
    assert kept.code == "LCD708" and kept.severity is Severity.ERROR and other is unrelated
    assert kept.evidence[-1 - len(predicted.evidence)] == f"predicted from metadata too (LCD704): {predicted.title}"


def test_every_probe_code_confirms_only_registered_static_codes_of_its_own_kind() -> None:
    known = registry()
    for probe_code, static_codes in PREDICTED_BY.items():
        assert probe_code in known and static_codes
        for code in static_codes:
            assert code in known and known[code].kind is known[probe_code].kind, (probe_code, code)
