"""CLI habits: code lookup, did-you-mean, --quiet, --ignore, completion, FORCE_COLOR/NO_COLOR, wrapping."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import TYPE_CHECKING

import click
import pytest
from click.shell_completion import BashComplete
from langchain_doctor.cli import COMMANDS, cli, main
from langchain_doctor.commands._options import parse_ignores, use_color
from langchain_doctor.model import Finding, Fix, Kind, ProviderState, ProviderStatus, RepairPlan, Report, Severity
from langchain_doctor.render import console

if TYPE_CHECKING:
    from pathlib import Path


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(args)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_list_checks_with_a_code_prints_what_why_fix_and_an_example(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["list-checks", "lcd201"], capsys)
    assert code == 0
    assert out.startswith("LCD201 integration-for-pydantic-v1-core\nkind: pydantic-schema")
    for section in ("What it detects", "Why it matters", "How to fix it", "Example: what you would see"):
        assert f"\n{section}\n" in out
    assert "    PydanticUserError: The __modify_schema__ method" in out
    assert "LCD202" not in out
    code, out, _ = _run(["list-checks", "api-key-missing", "--format", "json"], capsys)
    (entry,) = json.loads(out)["codes"]
    assert entry["code"] == "LCD401" and entry["example"]


def test_list_checks_unknown_code_suggests(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = _run(["list-checks", "LCD2011"], capsys)
    assert code == 2 and "did you mean 'LCD211'?" in err


def test_mistyped_subcommand_gets_did_you_mean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _run(["chek"], capsys)
    assert code == 2 and out == ""
    assert err.strip() == "langchain-doctor: no such command 'chek'; did you mean 'check'?"
    code, _, err = _run(["zzz"], capsys)
    assert code == 2 and "commands: check, explain" in err


def test_ignore_on_the_command_line() -> None:
    assert parse_ignores(["LCD401=keys live in the runner", "lcd420"]) == {
        "LCD401": "keys live in the runner", "LCD420": "ignored with --ignore"}
    with pytest.raises(click.UsageError, match="unknown finding code 'LCD999'"):
        parse_ignores(["LCD999"])


def test_ignore_flag_reaches_the_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["check", "--no-probe", "--no-cache", "--python", sys.executable, "--provider", "openai",
            "--format", "json", "--ignore", "LCD103=not in this job", "--ignore", "LCD401"]
    old = os.getcwd()
    os.chdir(tmp_path)
    try:
        _, out, _ = _run(args, capsys)
    finally:
        os.chdir(old)
    findings = json.loads(out)["findings"]
    ignored = {f["code"]: f.get("ignored") for f in findings if f["code"] in ("LCD103", "LCD401")}
    assert ignored and all(v is not None for v in ignored.values())
    assert ignored.get("LCD103", "not in this job") == "not in this job"


def _completions(words: list[str], incomplete: str) -> list[str]:
    return [c.value for c in BashComplete(cli, {}, "langchain-doctor", "_LANGCHAIN_DOCTOR_COMPLETE")
            .get_completions(words, incomplete)]


def test_completion_lists_commands_options_and_values() -> None:
    assert _completions([], "") == list(COMMANDS)
    assert _completions([], "li") == ["list-checks"]
    assert "--no-probe" in _completions(["check"], "--no-")
    assert "--no-probe" in _completions([], "--no-")  # the default command's options at the top level
    assert _completions(["check", "--format"], "s") == ["sarif"]
    assert "openai" in _completions(["check", "--provider"], "op")
    assert "LCD201" in _completions(["--ignore"], "LCD20")
    assert _completions(["list-checks"], "LCD40")[:2] == ["LCD401", "LCD402"]


def test_completion_through_the_environment_protocol() -> None:
    env = {**os.environ, "_LANGCHAIN_DOCTOR_COMPLETE": "bash_complete", "COMP_WORDS": "langchain-doctor check --fo",
           "COMP_CWORD": "2"}
    done = subprocess.run([sys.executable, "-m", "langchain_doctor"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout.split() == ["plain,--format"], done.stderr
    source = subprocess.run([sys.executable, "-m", "langchain_doctor"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "_LANGCHAIN_DOCTOR_COMPLETE": "bash_source"})
    assert "_langchain_doctor_completion" in source.stdout


def test_force_color_and_no_color() -> None:
    assert use_color({}, isatty=True) and not use_color({}, isatty=False)
    assert use_color({"FORCE_COLOR": "1"}, isatty=False)
    assert not use_color({"FORCE_COLOR": "0"}, isatty=False)
    assert not use_color({"NO_COLOR": "1", "FORCE_COLOR": "1"}, isatty=True)


def _report() -> Report:
    long_title = "langchain-openai is not installed, but this provider must work (the code uses it through it)"
    merged = "/v/bin/python -m pip install -U langchain-anthropic langchain-openai"
    findings = (
        Finding("LCD103", Kind.MISSING_PACKAGE, Severity.ERROR, long_title, "langchain-openai", "openai",
                ("no langchain-openai distribution on /v/bin/python's path",),
                Fix("Install langchain-openai", (merged,), install=("langchain-openai",))),
        Finding("LCD401", Kind.MISSING_CREDENTIAL, Severity.ERROR, "no API key", "OPENAI_API_KEY", "openai", (),
                Fix("Export it", ("export OPENAI_API_KEY=...",), manual=True)),
        Finding("LCD103", Kind.MISSING_PACKAGE, Severity.ERROR, "langchain-anthropic is not installed",
                "langchain-anthropic", "anthropic", (), Fix("Install langchain-anthropic", (merged,),
                                                            install=("langchain-anthropic",))),
        Finding("LCD401", Kind.MISSING_CREDENTIAL, Severity.ERROR, "no API key", "ANTHROPIC_API_KEY", "anthropic", (),
                Fix("Export it", ("export ANTHROPIC_API_KEY=...",), manual=True)),
        Finding("LCD203", Kind.PYDANTIC_SCHEMA, Severity.WARNING, "idioms", "x", None, ("evidence line",),
                Fix("Upgrade", ("pip install -U x",)), ignored="tracked"),
    )
    providers = (ProviderStatus("openai", "langchain-openai", ProviderState.ERROR, None, True),
                 ProviderStatus("anthropic", "langchain-anthropic", ProviderState.ERROR, None, True))
    plan = RepairPlan((merged,), ("export OPENAI_API_KEY=...", "export ANTHROPIC_API_KEY=..."))
    return Report("0.1.0", None, (), providers, findings, repair=plan)


def test_each_fix_command_once_and_the_closing_block() -> None:
    text = console.render(_report())
    lines = text.splitlines()
    merged = "/v/bin/python -m pip install -U langchain-anthropic langchain-openai"
    under = [ln for ln in lines if ln.strip() == f"$ {merged}"]
    assert len(under) == 2  # once under the first finding it repairs, once in the closing block
    assert "        fix: Install langchain-anthropic (same command as LCD103 (openai) above)" in lines
    tail = lines[lines.index("To fix: `langchain-doctor fix` (prints the plan; --apply runs it)"):]
    assert tail == ["To fix: `langchain-doctor fix` (prints the plan; --apply runs it)", f"  $ {merged}",
                    "Then, by hand (logins and keys):", "  $ export OPENAI_API_KEY=... ANTHROPIC_API_KEY=..."]
    # An ignored finding is one line.
    (ignored,) = [n for n, ln in enumerate(lines) if "LCD203" in ln]
    assert lines[ignored].endswith("ignored: tracked") and "evidence line" not in text


def test_quiet_is_the_errors_and_the_summary() -> None:
    text = console.render(_report(), quiet=True)
    assert "[✗] openai" not in text and "LCD203" not in text and "To fix" not in text
    assert text.splitlines()[-1].startswith("Summary: 4 error(s)")
    assert text.count("LCD103") == 3  # two findings, one pointer


def test_wrapped_at_60_columns_never_mid_word_and_commands_whole() -> None:
    text = console.render(_report(), width=60)
    words = [w for w in console.render(_report()).split() if w != "│"]
    assert [w for w in text.split() if w != "│"] == words  # nothing lost or cut: the same words, breaks moved
    for line in text.splitlines():
        assert len(line) <= 60 or line.lstrip().startswith("$ "), line
    assert "  $ /v/bin/python -m pip install -U langchain-anthropic langchain-openai" in text
