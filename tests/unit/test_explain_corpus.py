"""explain on every case of tests/corpus/ (real outputs from real venvs): kind, provider and fix per case."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_doctor.explain import explain_path
from langchain_doctor.knowledge.providers import BY_NAME
from langchain_doctor.model import Finding, Kind, Severity

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
INDEX = CORPUS / "INDEX.json"
CASES = json.loads(INDEX.read_text(encoding="utf-8"))  # a missing index fails at collection: the corpus ships

# What the fix of each kind must do, whatever the case.
LOGINS = ("gcloud auth application-default login", "aws sso login")


def check_fix(f: Finding, kind: Kind) -> None:
    fix = f.fix
    if kind is Kind.UNCLASSIFIED:
        assert fix is None and f.severity is Severity.INFO
        return
    assert fix is not None and fix.summary, f
    commands = " ".join(fix.commands)
    if kind is Kind.PYDANTIC_SCHEMA:
        assert "langchain-core" in commands and "pip install -U" in commands
    elif kind is Kind.PYDANTIC_CORE_MISMATCH:
        assert "pydantic-core" in commands
    elif kind is Kind.VERSION_CONFLICT:
        assert "langchain-core" in commands
    elif kind is Kind.MISSING_PACKAGE:
        assert "pip install" in commands
    elif kind is Kind.BROKEN_INSTALL:
        assert "--force-reinstall" in commands
    elif kind is Kind.SHADOWED_MODULE:
        assert "Rename" in fix.summary
    elif kind is Kind.REAUTH_REQUIRED:
        assert any(login in commands for login in LOGINS) and fix.manual
    elif kind in (Kind.MISSING_CREDENTIAL, Kind.INVALID_CREDENTIAL, Kind.MISSING_CONFIG):
        assert fix.manual
    elif kind is Kind.BINARY_INCOMPATIBLE:
        assert "numpy" in fix.summary and "pip install" in commands
    if f.provider in BY_NAME and kind in (Kind.PYDANTIC_SCHEMA, Kind.VERSION_CONFLICT, Kind.BROKEN_INSTALL):
        assert BY_NAME[f.provider].package in commands or "langchain" in commands


@pytest.mark.parametrize("case", CASES, ids=[c["file"] for c in CASES])
def test_corpus_case(case: dict[str, object]) -> None:
    path = CORPUS / str(case["file"])
    assert path.exists(), f"{case['file']} is listed in INDEX.json but missing"
    kind = Kind(case["kind"])
    provider = case["provider"]
    report = explain_path(str(path), environ={})
    findings = [f for f in report.findings if f.code != "LCD591"]
    assert findings, f"nothing found in {case['file']}"
    if path.suffix == ".ipynb":
        match = [f for f in findings if f.kind is kind and (provider is None or f.provider == provider)]
        assert match, [(f.kind.value, f.provider) for f in findings]
        f = match[0]
    else:
        f = findings[0]
        assert f.kind is kind, (f.kind, f.title, f.evidence)
        if provider is not None:
            assert f.provider == provider, (f.provider, f.title)
    assert f.evidence and ": " in f.evidence[0]
    check_fix(f, kind)


def test_corpus_covers_every_kind_twice() -> None:
    assert CASES, "tests/corpus/INDEX.json lists no case"
    counts: dict[str, int] = {}
    for c in CASES:
        counts[str(c["kind"])] = counts.get(str(c["kind"]), 0) + 1
    # The thread corpus (tests/threads, real texts from public threads) covers the kinds of issue 15.
    threads = Path(__file__).resolve().parents[1] / "threads" / "INDEX.json"
    for c in json.loads(threads.read_text(encoding="utf-8")):
        counts[str(c["kind"])] = counts.get(str(c["kind"]), 0) + 1
    # version-conflict and import-error: their former corpus texts are now named more precisely (version-skew,
    # binary-incompatible); test_signatures exercises both kinds with real messages (pip's resolver lines,
    # import-time failures).
    wanted = {k.value for k in Kind} - {Kind.DOCTOR.value, Kind.VERSION_CONFLICT.value, Kind.IMPORT_ERROR.value}
    assert {k for k in wanted if counts.get(k, 0) >= 2} == wanted, counts
