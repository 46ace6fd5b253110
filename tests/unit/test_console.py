"""The console renderer: the checklist's text, colours only on a terminal, and no rich import for plain output."""

from __future__ import annotations

import re
import subprocess
import sys

from langchain_doctor.model import Finding, Fix, Kind, ProviderState, ProviderStatus, Report, Severity, TargetInfo
from langchain_doctor.render import console

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _report() -> Report:
    fix = Fix("Upgrade langchain-openai together with langchain-core",
              ("/v/bin/python -m pip install -U langchain-core langchain-openai",))
    findings = (
        Finding("LCD201", Kind.PYDANTIC_SCHEMA, Severity.ERROR, "langchain-openai [0.1.25] was built for v1",
                "langchain-openai", "openai", ("requires langchain-core<0.3.0", "[bold]not markup[/] :x: \\[x]"),
                fix),
        Finding("LCD401", Kind.MISSING_CREDENTIAL, Severity.INFO, "no API key", "OPENAI_API_KEY", "groq"),
        Finding("LCD210", Kind.PYDANTIC_CORE_MISMATCH, Severity.WARNING, "pydantic-core mismatch", "pydantic-core",
                ignored="known, tracked in #12"),
    )
    providers = (
        ProviderStatus("openai", "langchain-openai", ProviderState.ERROR, "0.1.25", True,
                       (("import", "error"), ("class", "skipped"))),
        ProviderStatus("together", "langchain-openai", ProviderState.OK, "0.1.25", False, (), via="openai"),
        ProviderStatus("groq", "langchain-groq", ProviderState.NOT_INSTALLED),
    )
    target = TargetInfo("/v/bin/python", "3.11.7", "linux", "--python", "given with --python")
    return Report("0.1.0", target, (), providers, findings)


def test_plain_output_is_the_checklist_with_text_taken_literally() -> None:
    text = console.render(_report())
    assert text.splitlines() == [
        "langchain-doctor 0.1.0",
        "Target: /v/bin/python (Python 3.11.7, linux)",
        "        chosen because: given with --python",
        "",
        "[✗] openai  langchain-openai 0.1.25 (needed)  import ✗  class ·",
        "    ✗ LCD201 langchain-openai [0.1.25] was built for v1 (pydantic-schema)",
        "        │ requires langchain-core<0.3.0",
        "        │ [bold]not markup[/] :x: \\[x]",
        "        fix: Upgrade langchain-openai together with langchain-core",
        "          $ /v/bin/python -m pip install -U langchain-core langchain-openai",
        "[✓] together  langchain-openai 0.1.25 via openai's class",
        "[-] groq  langchain-groq not installed",
        "[!] Environment",
        "    ! LCD210 pydantic-core mismatch (pydantic-core-mismatch) ignored: known, tracked in #12",
        "",
        "Summary: 1 error(s), 0 warning(s), 1 note(s), 1 ignored (1 note(s) hidden: -v shows them) · exit 1 "
        "(--fail-on error)",
    ]
    assert "\x1b[" not in text


def test_colour_output_is_the_same_text_with_styles() -> None:
    report = _report()
    coloured = console.render(report, color=True, width=200)
    assert "\x1b[1;31m✗" in coloured  # the error mark in bold red
    assert _ANSI.sub("", coloured) == console.render(report)


def test_plain_output_does_not_import_rich() -> None:
    # Pipes and CI logs get plain text: rich's import (~30 ms) is paid only to draw on a terminal.
    program = ("import sys; from doctor.model import Report; from doctor.render import console; "
               "console.render(Report('0.1.0', None, (), (), ())); print('rich' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == "False"
