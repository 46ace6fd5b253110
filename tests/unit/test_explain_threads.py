"""explain on every real error text of tests/threads/ (copied from public issue threads, each cited in INDEX.json).

For each text: the expected kind is found, with the expected provider where the index gives one, and the fix names
every package the index lists. Per-family counts are asserted too, so a family cannot silently lose its texts.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from langchain_doctor.explain import explain_path
from langchain_doctor.model import Finding, Kind

THREADS = Path(__file__).resolve().parents[1] / "threads"
CASES: list[dict[str, object]] = json.loads((THREADS / "INDEX.json").read_text(encoding="utf-8"))

# Texts whose words do not name the provider the thread was about (the reporter said it elsewhere in the thread):
# the kind and the fix are still asserted, the provider is not guessed.
PROVIDER_NOT_IN_TEXT = {
    # one line: `cannot import name 'make_invalid_tool_call' from 'langchain_core...'`; groq is in the thread title
    "core-floor/groq-make-invalid-tool-call.txt",
    # one line about langchain_core.messages; the thread is about langchain-openai
    "core-floor/openai-invalid-tool-call-title.txt",
    # a notebook cell importing AgentExecutor; Bedrock is used in another cell the reporter did not paste
    "langchain-1-moves/agentexecutor-notebook-import-cell.txt",
    # one line `httpcore.ProxyError: 407 Proxy Authentication Required`; the thread is about ragas with OpenAI
    "network-tls/httpcore-proxy-407-ragas-openai.txt",
    # httpx `[Errno 111] Connection refused` with frames that never name ollama (a local base URL)
    "local-servers/ollama-not-running-httpx-connecterror.txt",
}

# Texts that stop before any error line (see their notes in INDEX.json): nothing in them says what failed.
CUT_BEFORE_THE_ERROR = {
    "typing-hf-skew/hf-cached-download-docker-compose-partial.txt",
}

# The signature rows these texts exercise (test_signatures counts them as covered by real messages).
THREAD_ROWS = frozenset({
    "pydantic-v1-recursive-guard", "pydantic-v1-python-314", "keyword-skew-known", "protobuf-gencode-runtime",
    "protobuf-descriptors", "aws-unknown-service", "numpy-abi", "namespace-part-missing", "known-bad-release",
    "import-name-skew", "ca-bundle-invalid-path", "ssl-cert-file-missing", "tls-verify-failed", "proxy-auth-required",
    "proxy-in-front-of-localhost", "ollama-model-not-pulled", "azure-deployment-not-found",
    "azure-api-version-too-old", "azure-api-version-unrecognized-argument", "azure-api-version-required",
    "local-server-unreachable", "bedrock-could-not-load-credentials", "protobuf-runtime-module-missing",
    "attribute-removed-skew",
})

# 1-13: the families issue 15 names; 14: beyond them, a name an SDK's major release removed and a caller still reads.
FAMILY_COUNTS = {1: 6, 2: 7, 3: 7, 4: 7, 5: 5, 6: 8, 7: 8, 8: 3, 9: 5, 10: 13, 11: 15, 12: 17, 13: 3, 14: 2}


def _finding(case: dict[str, object]) -> tuple[Finding, list[Finding]]:
    report = explain_path(str(THREADS / str(case["file"])), verbose=True)
    findings = [f for f in report.findings if f.code != "LCD591"]
    kind = Kind(str(case["kind"]))
    provider = case["provider"]
    matching = [f for f in findings if f.kind is kind]
    if provider is not None and str(case["file"]) not in PROVIDER_NOT_IN_TEXT:
        matching = [f for f in matching if f.provider == provider]
    assert matching, [(f.kind.value, f.provider, f.title) for f in findings]
    return matching[0], findings


@pytest.mark.parametrize("case", CASES, ids=[str(c["file"]) for c in CASES])
def test_thread_text(case: dict[str, object]) -> None:
    if case["file"] in CUT_BEFORE_THE_ERROR:
        pytest.xfail("the pasted traceback stops before its exception line")
    f, findings = _finding(case)
    # The expected kind is the most severe thing said about the text.
    assert f.severity.rank == max(x.severity.rank for x in findings), [(x.kind.value, x.title) for x in findings]
    assert f.fix is not None and f.fix.summary
    said = (f.fix.summary + " " + " ".join(f.fix.commands)).lower()
    for package in case["packages"]:  # type: ignore[attr-defined]
        assert str(package).lower() in said, (package, f.fix)
    assert f.evidence and ": " in f.evidence[0]


def test_family_counts() -> None:
    assert Counter(int(c["family"]) for c in CASES) == FAMILY_COUNTS  # type: ignore[call-overload]
    assert {str(c["kind"]) for c in CASES} >= {k.value for k in (
        Kind.VERSION_SKEW, Kind.BINARY_INCOMPATIBLE, Kind.KNOWN_BAD_RELEASE, Kind.PYTHON_INCOMPATIBLE, Kind.MOVED_API,
        Kind.NETWORK_CONFIG, Kind.MODEL_NOT_FOUND)}


def test_every_thread_row_is_hit() -> None:
    hit: set[str] = set()
    for case in CASES:
        report = explain_path(str(THREADS / str(case["file"])), verbose=True)
        for f in report.findings:
            hit.update(e.split(": ", 1)[1] for e in f.evidence if e.startswith("signature: "))
    assert THREAD_ROWS <= hit, THREAD_ROWS - hit
