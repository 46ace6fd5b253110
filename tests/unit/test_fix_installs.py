"""One definition of what a fix installs: the plan (what ``fix --apply`` runs) and the cause merger share it."""

from __future__ import annotations

import re
from pathlib import Path

from langchain_doctor import causes
from langchain_doctor.knowledge.confirms import BY_PROBE, SameCause
from langchain_doctor.model import Finding, Fix, Kind, Severity
from langchain_doctor.repair import coverage

ROOT = Path(__file__).resolve().parents[2]
PIP = "/venv/bin/python -m pip install -U"


def _f(code: str, fix: Fix, kind: Kind = Kind.VERSION_SKEW) -> Finding:
    return Finding(code, kind, Severity.ERROR, "t", "botocore", fix=fix)


def test_structured_install_wins_and_plain_pip_commands_count() -> None:
    assert coverage.installs(Fix("s", (f"{PIP} boto3",), install=("botocore>=1.34",))) == ("botocore>=1.34",)
    assert coverage.installs(Fix("s", (f"{PIP} boto3 botocore>=1.34",))) == ("boto3", "botocore>=1.34")
    assert coverage.installs(Fix("s", ("gcloud auth application-default login",))) == ()
    assert coverage.installs(Fix("s", (f"{PIP} --index-url http://x boto3",))) == ()


def test_causes_reads_what_the_plan_installs() -> None:
    text_only = Fix("Upgrade boto3 and botocore", (f"{PIP} boto3 botocore",))
    structured = Fix("Upgrade botocore", (f"{PIP} botocore",), install=("botocore",), reinstall=("six==1.16.0",))
    assert causes.installs(_f("LCD705", text_only)) == {"boto3", "botocore"}  # was empty: text was not read
    assert causes.installs(_f("LCD705", structured)) == {"botocore", "six"}


def test_a_probe_fix_given_as_pip_text_confirms_the_prediction_it_repairs() -> None:
    row = BY_PROBE["LCD705"]
    assert row.same is SameCause.REPAIR and "LCD702" in row.static
    fact = _f("LCD705", Fix("Upgrade boto3 and botocore", (f"{PIP} boto3 botocore",)))
    static = _f("LCD702", Fix("Upgrade botocore", (f"{PIP} botocore",), install=("botocore",)))
    assert causes.same_cause(row, fact, static)
    other = _f("LCD702", Fix("Upgrade protobuf", (f"{PIP} protobuf",), install=("protobuf",)))
    assert not causes.same_cause(row, fact, other)


def test_no_second_definition() -> None:
    copy = re.compile(r"\b(fix|fx)\.install or |pip_installs\(")
    hits = [str(p.relative_to(ROOT)) for d in ("doctor", "checks") for p in (ROOT / d).rglob("*.py")
            if "_checks" not in p.parts and p.name != "coverage.py" and copy.search(p.read_text(encoding="utf-8"))]
    assert hits == [], f"what a fix installs worked out outside repair.coverage.installs: {hits}"
