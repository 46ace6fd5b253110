"""The Markdown renderer: any Report (check, explain, report) as tables and code blocks, escaped and redacted."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from langchain_doctor.explain import explain_path
from langchain_doctor.model import (
    Finding,
    Fix,
    Kind,
    PackageInfo,
    ProviderState,
    ProviderStatus,
    Report,
    Severity,
    SmokeRow,
    TargetInfo,
)
from langchain_doctor.render import Format, renderer
from langchain_doctor.render.markdown import cell, code, fence, render

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def sample(**extras: object) -> Report:
    target = TargetInfo("/home/u/.venv/bin/python", "3.11.7", "linux", "--python", "given with --python")
    packages = (PackageInfo("langchain-core", "0.3.0", "/s", "langchain"), PackageInfo("pydantic", "2.9.2", "/s",
                                                                                       "pydantic"),
                PackageInfo("requests", "2.32.0", "/s", ""))
    providers = (ProviderStatus("openai", "langchain-openai", ProviderState.ERROR, "0.1.25", True,
                                (("import", "error"),)),
                 ProviderStatus("groq", "langchain-groq", ProviderState.OK, "0.2.0"))
    findings = (
        Finding("LCD201", Kind.PYDANTIC_SCHEMA, Severity.ERROR, "a | b title", "langchain-openai", "openai",
                ("line with ``` fence", "second"), Fix("Upgrade | both", ("python -m pip install -U a b",)),
                check="requirements"),
        Finding("LCD404", Kind.MISSING_CREDENTIAL, Severity.WARNING, "key sk-proj-" + "A" * 30 + "wxyz", "X_KEY",
                None, (), Fix("Set it", (), manual=True)),
        Finding("LCD120", Kind.MISSING_PACKAGE, Severity.INFO, "ignored one", "x", ignored="known"),
    )
    return Report("0.1.0", target, packages, providers, findings, "error", dict(extras))


def test_check_report_sections() -> None:
    text = render(sample())
    assert text.startswith("# langchain-doctor check\n")
    assert "| interpreter | `/home/u/.venv/bin/python` |" in text
    assert "| langchain-core | 0.3.0 | langchain |" in text and "requests" not in text.split("## Providers")[0].split(
        "## Packages")[1].split("_")[0]
    assert "_1 other packages not listed._" in text
    assert "| openai | langchain-openai | 0.1.25 | error | yes | import error |" in text
    assert "## Findings: 1 error(s), 1 warning(s), 0 note(s)" in text
    assert "| ✗ error | LCD201 | pydantic-schema | openai | a \\| b title |" in text
    assert "### i note LCD120: ignored one _(ignored: known)_" in text
    assert "**Fix:** Upgrade \\| both" in text
    assert "```sh\npython -m pip install -U a b\n```" in text
    assert "(a step for you; `fix --apply` does not run it)" in text
    assert "_Exit code 1 (--fail-on error), 1 ignored._" in text


def test_evidence_fence_outgrows_backticks_inside() -> None:
    text = render(sample())
    assert "````text\nline with ``` fence\nsecond\n````" in text


def test_token_shapes_are_masked_on_the_way_out() -> None:
    from langchain_doctor.commands._options import render_report

    text = render_report(sample(), Format.MARKDOWN, False, False)
    assert "A" * 30 not in text and "sk-proj-...wxyz" in text


def test_explain_report_has_no_target() -> None:
    report = explain_path(str(EXAMPLES / "response-metadata.ipynb"), environ={})
    text = render(report, verbose=True)
    assert text.startswith("# langchain-doctor explain: response-metadata.ipynb")
    assert "| read as | ipynb |" in text and "| interpreter |" not in text
    assert "```sh\ngcloud auth application-default login\n```" in text
    assert "Packages" not in text and "Providers" not in text


def test_smoke_extras_become_a_table() -> None:
    report = replace(sample(), smoke=(SmokeRow("openai", "gpt-4o-mini", True, 0.4, response_metadata_keys=("a",)),))
    text = render(report)
    assert "| provider | model | ok | latency_s | finish_reason | input_tokens |" in text
    assert "| openai | gpt-4o-mini | yes | 0.4 |  |" in text


def test_empty_report_says_so() -> None:
    empty = Report("0.1.0", None, (), (), ())
    text = render(empty)
    assert "No issues found." in text and "_Exit code 0" in text


def test_registered_as_the_markdown_format() -> None:
    assert renderer(Format.MARKDOWN)(sample()) == render(sample())


def test_helpers() -> None:
    assert cell("a|b\nc") == "a\\|b c"
    assert len(cell("x" * 1000)) == 300
    assert code("has `tick`") == "``has `tick```" or code("has `tick`").startswith("``")
    assert fence(["````"])[0] == "`````"
