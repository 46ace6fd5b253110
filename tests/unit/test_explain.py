"""explain end to end on real inputs: the seed notebook and its text export, logs, pip output, a kernel-run notebook."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from langchain_doctor.explain import ExplainInputError, explain_bytes, explain_path, explain_text
from langchain_doctor.explain.build import MAX_FINDINGS
from langchain_doctor.model import Finding, Kind, Report, Severity

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIXTURES = ROOT / "tests" / "fixtures" / "explain"
NO_ENV: dict[str, str] = {}


def explain(path: Path, **kw: object) -> Report:
    return explain_path(str(path), environ=NO_ENV, **kw)  # type: ignore[arg-type]


def by_provider(report: Report) -> dict[str | None, list[Finding]]:
    out: dict[str | None, list[Finding]] = {}
    for f in report.findings:
        out.setdefault(f.provider, []).append(f)
    return out


@pytest.mark.parametrize("name", ["response-metadata.ipynb", "response-metadata-notebook.txt"])
def test_seed_notebook_verdicts(name: str) -> None:
    report = explain(EXAMPLES / name)
    got = by_provider(report)
    assert report.target is None and report.exit_code == 1
    for provider, package in (("openai", "langchain-openai"), ("together", "langchain-openai"),
                              ("aws", "langchain-aws")):
        (f,) = got[provider]
        assert f.kind is Kind.PYDANTIC_SCHEMA and f.code == "LCD501" and f.subject == package
        assert f.fix is not None and f.fix.install == (package, "langchain-core")
        assert f.fix.commands[0].endswith(f"-m pip install -U {package} langchain-core")
    (vertex,) = got["google-vertexai"]
    assert vertex.kind is Kind.REAUTH_REQUIRED
    assert "5 retries, 30 s lost" in vertex.title
    assert any("retried 5 times, waiting 4+4+4+8+10 = 30 s" in e for e in vertex.evidence)
    assert vertex.fix is not None and vertex.fix.commands == ("gcloud auth application-default login",)
    assert vertex.fix.manual
    (fireworks,) = got["fireworks"]
    assert fireworks.kind in (Kind.BROKEN_INSTALL, Kind.MISSING_PACKAGE)
    assert fireworks.fix is not None and "langchain-fireworks" in fireworks.fix.commands[0]
    for quiet in ("anthropic", "mistralai", "groq"):
        assert quiet not in got
    assert len(report.findings) == 5


def test_seed_notebook_evidence_names_cells_and_versions() -> None:
    report = explain(EXAMPLES / "response-metadata.ipynb")
    openai = by_provider(report)["openai"][0]
    assert openai.evidence[0].startswith("cell 1: PydanticUserError: The `__modify_schema__` method")
    assert any(e.startswith("warning before it: * 'allow_population_by_field_name'") for e in openai.evidence)
    assert "versions seen: Python 3.11, pydantic 2.9" in openai.evidence
    # The kernel's interpreter, from the traceback's site-packages paths, runs the fix.
    assert openai.fix is not None and openai.fix.commands[0].startswith("/home/ana/.venvs/lc/bin/python -m pip")
    bedrock = by_provider(report)["aws"][0]
    assert bedrock.evidence[0] == "cell 4: SchemaError: Invalid Schema:"
    assert bedrock.evidence[1].strip() == "model.config.extra_fields_behavior"


def test_text_export_names_input_cells_and_lines() -> None:
    report = explain(EXAMPLES / "response-metadata-notebook.txt")
    vertex = by_provider(report)["google-vertexai"][0]
    assert vertex.evidence[0].startswith("In [3], line ")
    assert report.explained.input_format == "notebook-text"


def test_logging_retries_collapse_into_the_final_error() -> None:
    report = explain(FIXTURES / "openai-retries-logging.log")
    (f,) = report.findings
    assert f.kind is Kind.UNREACHABLE and f.severity is Severity.WARNING and f.provider == "openai"
    assert "3 retries" in f.title
    assert any(e.startswith("retried 3 times, waiting 0.426919+0.911731+1.72431") for e in f.evidence)
    assert report.exit_code == 0
    assert explain(FIXTURES / "openai-retries-logging.log", fail_on="warning").exit_code == 1


def test_ci_stamped_log_reads_like_the_plain_one() -> None:
    plain = explain(FIXTURES / "openai-retries-logging.log").findings
    stamped = explain(FIXTURES / "ci-stamped.log").findings
    assert [(f.code, f.title, f.provider) for f in plain] == [(f.code, f.title, f.provider) for f in stamped]


def test_tenacity_retries_of_adc_reauth() -> None:
    report = explain(FIXTURES / "tenacity-adc-reauth.log")
    (f,) = [f for f in report.findings if f.severity is Severity.ERROR]
    assert f.kind is Kind.REAUTH_REQUIRED and f.provider == "google-vertexai"
    assert "3 retries, 0.35 s lost" in f.title
    assert f.fix is not None and f.fix.commands == ("gcloud auth application-default login",)


def test_pip_resolver_lines() -> None:
    report = explain(FIXTURES / "pip-conflict.txt")
    (f,) = report.findings
    assert f.kind is Kind.VERSION_CONFLICT and f.provider == "openai" and f.subject == "langchain-openai"
    assert f.title == ("openai: langchain-openai 0.1.25 requires langchain-core<0.3.0,>=0.2.40, but langchain-core 0.3.0 is "
                       "installed")
    assert f.evidence[0].startswith("line ") and "pip:" not in f.evidence[0]
    assert any(e.startswith("also at: line") for e in f.evidence)  # pip install's note and pip check's line
    assert f.fix is not None and f.fix.install == ("langchain-openai", "langchain-core")


@pytest.mark.parametrize("name", ["notebook-executed.ipynb", "notebook-executed.md"])
def test_kernel_run_notebook_and_its_markdown_export(name: str) -> None:
    report = explain(FIXTURES / name)
    got = {(f.kind, f.provider) for f in report.findings}
    assert got == {(Kind.PYDANTIC_SCHEMA, "openai"), (Kind.MISSING_CREDENTIAL, "together"),
                   (Kind.MISSING_PACKAGE, "fireworks")}
    cells = [f.evidence[0].split(":")[0] for f in report.findings]
    if name.endswith(".ipynb"):
        assert cells == ["cell 2", "cell 3", "cell 4"]
        assert report.explained.input_format == "ipynb"
    else:
        assert report.explained.input_format == "markdown"
    together = next(f for f in report.findings if f.provider == "together")
    assert together.subject == "TOGETHER_API_KEY" and together.fix is not None and together.fix.manual
    fireworks = next(f for f in report.findings if f.provider == "fireworks")
    # The interpreter seen in another cell's traceback runs this cell's fix too.
    assert fireworks.fix is not None
    assert fireworks.fix.commands == ("/home/user/.venv/bin/python -m pip install -U langchain-fireworks",)


def test_chained_traceback_uses_the_most_specific_exception() -> None:
    text = (FIXTURES.parent.parent / "corpus" / "invalid-credential" / "google-credentials-file-not-json.txt")
    report = explain(text)
    f = report.findings[0]
    assert f.kind is Kind.INVALID_CREDENTIAL and f.provider == "google-vertexai"


def test_unknown_errors_are_info_with_their_final_line() -> None:
    text = ("Traceback (most recent call last):\n  File \"app.py\", line 2, in <module>\n"
            "    temperature = config['temperature']\nKeyError: 'temperature'\n")
    report = explain_text(text, environ=NO_ENV)
    (f,) = report.findings
    assert f.kind is Kind.UNCLASSIFIED and f.severity is Severity.INFO and f.code == "LCD590"
    assert f.evidence[0] == "line 4: KeyError: 'temperature'"
    assert report.exit_code == 0


def test_truncated_traceback_is_reported_not_dropped() -> None:
    text = "Traceback (most recent call last):\n  File \"app.py\", line 2, in <module>\n    run()\n"
    (f,) = explain_text(text, environ=NO_ENV).findings
    assert f.kind is Kind.UNCLASSIFIED
    assert any("stops before its exception line" in e for e in f.evidence)


def test_retry_storm_without_final_error_is_one_finding() -> None:
    line = ("Retrying langchain_openai.chat_models.base._completion_with_retry in {s} seconds as it raised "
            "RateLimitError: Error code: 429 - {{'error': {{'message': 'Rate limit reached for gpt-4o'}}}}.\n")
    text = "".join(line.format(s=s) for s in (1.0, 2.0, 4.0, 8.0))
    (f,) = explain_text(text, environ=NO_ENV).findings
    assert f.code == "LCD520" and f.kind is Kind.UNCLASSIFIED
    assert "4 retries" in f.title and "15 s lost" in f.title
    assert any("with no final error in the input" in e for e in f.evidence)


def test_repeats_are_merged_with_their_locations() -> None:
    one = "KeyError: 'TOGETHER_API_KEY'\n\n"
    report = explain_text(one * 12, environ=NO_ENV)
    (f,) = report.findings
    assert f.kind is Kind.MISSING_CREDENTIAL and f.provider == "together"
    assert f.evidence[0] == "line 1: KeyError: 'TOGETHER_API_KEY'"
    assert f.evidence[1] == "also at: line 3, line 5, line 7, line 9, line 11, line 13, line 15 (+4 more)"


def test_distinct_unknown_errors_are_bounded() -> None:
    text = "".join(f"Weird{i}Error: boom\n\n" for i in range(MAX_FINDINGS + 50))
    report = explain_text(text, environ=NO_ENV)
    assert len(report.findings) == MAX_FINDINGS + 1
    note = report.findings[-1]
    assert note.code == "LCD591" and "50 more occurrences" in note.evidence[0]


def test_secrets_in_a_pasted_log_never_come_out() -> None:
    key = "sk-proj-" + "Q" * 40 + "zz99"
    plain = "mistral-plain-key-0123456789abcdef"
    env_value = "env-only-secret-value-987654321"
    text = (f"export MISTRAL_API_KEY={plain}\n"
            "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n"
            f"openai.AuthenticationError: Error code: 401 - {{'error': {{'message': 'Incorrect API key provided: "
            f"{key}. {plain} {env_value}', 'code': 'invalid_api_key'}}}}\n")
    for verbose in (False, True):
        report = explain_text(text, environ={"OPENAI_API_KEY": env_value}, verbose=verbose)
        dumped = json.dumps([f.__dict__ for f in report.findings], default=str)
        assert key not in dumped and plain not in dumped and env_value not in dumped
        assert "zz99" in dumped  # the fingerprint keeps the last characters
        assert report.findings[0].kind is Kind.INVALID_CREDENTIAL


def test_input_as_bytes_in_other_encodings() -> None:
    text = "KeyError: 'GROQ_API_KEY'\n"
    for data in (text.encode("utf-16"), b"\xef\xbb\xbf" + text.encode(), text.encode() + b"\xff\xfe\x00garbage"):
        (f,) = [f for f in explain_bytes(data, environ=NO_ENV).findings if f.code != "LCD591"]
        assert f.provider == "groq"


def test_broken_notebook_json_is_read_as_text_and_said() -> None:
    nb = (EXAMPLES / "response-metadata.ipynb").read_text()
    report = explain_text(nb[: len(nb) // 2], source="cut.ipynb", environ=NO_ENV)
    note = [f for f in report.findings if f.code == "LCD591"]
    assert note and "not valid notebook JSON" in note[0].evidence[0]
    assert any(f.kind is Kind.PYDANTIC_SCHEMA for f in report.findings)


def test_unreadable_inputs_raise_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ExplainInputError, match="no such file"):
        explain_path(str(tmp_path / "missing.log"))
    with pytest.raises(ExplainInputError, match="is a folder"):
        explain_path(str(tmp_path))


def test_verbose_adds_why_and_signature() -> None:
    report = explain(EXAMPLES / "response-metadata.ipynb", verbose=True)
    f = by_provider(report)["openai"][0]
    assert any(e.startswith("why: ") for e in f.evidence)
    assert "signature: pydantic-modify-schema" in f.evidence
    assert all(f.check == "explain" for f in report.findings)


def test_empty_and_clean_inputs() -> None:
    assert explain_text("", environ=NO_ENV).findings == ()
    clean = explain_text("all good\nnothing to see\n", environ=NO_ENV)
    assert clean.findings == () and clean.exit_code == 0


def test_variable_names_next_to_key_words_are_not_masked() -> None:
    text = ("Traceback (most recent call last):\n  File \"/v/site-packages/openai/_client.py\", line 3, in f\n"
            "    api_key=admin_api_key, token: tok_9f8e7d6c5b4a39281\n"
            "openai.OpenAIError: Missing credentials. Please pass an `api_key`, `admin_api_key`, or set the "
            "`OPENAI_API_KEY` or `OPENAI_ADMIN_KEY` environment variable.\n")
    (f,) = explain_text(text, environ=NO_ENV, verbose=True).findings
    assert "`admin_api_key`" in f.evidence[0]
    assert "tok_9f8e7d6c5b4a39281" not in json.dumps(f.evidence)
