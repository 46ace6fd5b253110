"""`report`: an allowlisted, redacted ticket report; home shown as ~; the CLI writes Markdown by default."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from langchain_doctor.commands.report import Tilde, ticket_report
from langchain_doctor.model import (
    Finding,
    Fix,
    Kind,
    NotebookUse,
    PackageInfo,
    ProviderState,
    ProviderStatus,
    Report,
    Severity,
    SmokeRow,
    TargetInfo,
)
from langchain_doctor.render.markdown import render

from tests.inprocess import run_doctor

HOME = "/home/ana"
SECRET = "plain-secret-value-1234567890"


def full_report() -> Report:
    target = TargetInfo(f"{HOME}/.venvs/lc/bin/python", "3.11.7", "linux", "VIRTUAL_ENV",
                        f"$VIRTUAL_ENV is {HOME}/.venvs/lc", f"{HOME}/.venvs/lc")
    packages = (PackageInfo("langchain-openai", "0.1.25", f"{HOME}/.venvs/lc/lib/python3.11/site-packages",
                            "langchain"),
                PackageInfo("openai", "1.50.0", f"{HOME}/.venvs/lc/site", "sdk"),
                PackageInfo("pydantic", "2.9.2", "/s", "pydantic"),
                PackageInfo("my-private-package", "0.0.1", f"{HOME}/work/private", ""))
    providers = (ProviderStatus("openai", "langchain-openai", ProviderState.ERROR, "0.1.25", True),)
    findings = (Finding("LCD201", Kind.PYDANTIC_SCHEMA, Severity.ERROR, "t", "langchain-openai", "openai",
                        (f"file {HOME}/.venvs/lc/x.py", f"key {SECRET}", f"{HOME}anaconda stays"),
                        Fix("s", (f"{HOME}/.venvs/lc/bin/python -m pip install -U a",), install=("a",))),)
    return Report("0.1.0", target, packages, providers, findings, "error",
                  notebooks=(NotebookUse(f"{HOME}/nb.ipynb"),),
                  smoke=(SmokeRow("openai", "gpt-4o-mini", True, 0.4, response_metadata_keys=("model_name",),
                                  status="ok", notes=(f"raw {SECRET}",), error=f"{HOME}/secret {SECRET}"),))


def test_allowlist_home_and_secrets() -> None:
    ticket = ticket_report(full_report(), home=HOME, environ={"MY_SERVICE_TOKEN": SECRET}, os_name="Linux 6.1 (x)")
    assert ticket.target is not None
    assert ticket.target.python == "~/.venvs/lc/bin/python" and ticket.target.reason == "$VIRTUAL_ENV is ~/.venvs/lc"
    assert [p.name for p in ticket.packages] == ["langchain-openai", "openai", "pydantic"]
    assert ticket.ticket_os == "Linux 6.1 (x)" and not ticket.notebooks and not ticket.extras
    assert ticket.smoke == (SmokeRow("openai", "gpt-4o-mini", True, 0.4, response_metadata_keys=("model_name",),
                                     status="ok"),)
    f = ticket.findings[0]
    assert f.evidence[0] == "file ~/.venvs/lc/x.py"
    assert SECRET not in f.evidence[1]
    assert f.evidence[2] == f"{HOME}anaconda stays"  # only whole path components are the home folder
    assert f.fix is not None and f.fix.commands == ("~/.venvs/lc/bin/python -m pip install -U a",)
    text = render(ticket)
    assert text.startswith("# langchain-doctor report")
    assert "| OS | Linux 6.1 (x) |" in text
    assert HOME not in text.replace(f"{HOME}anaconda", "") and SECRET not in text
    assert "my-private-package" not in text and "nb.ipynb" not in text


def test_tilde() -> None:
    t = Tilde("/home/ana/")
    assert t("/home/ana") == "~" and t("'/home/ana/x'") == "'~/x'" and t("/home/anna/x") == "/home/anna/x"
    assert Tilde(None)("/home/ana") == "/home/ana"
    assert Tilde("/")("/x") == "/x"


def test_cli_writes_markdown_by_default(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
    env["HOME"] = str(Path(sys.executable).parents[2])
    env["LANGCHAIN_DOCTOR_CACHE_DIR"] = str(tmp_path / "cache")
    out = tmp_path / "ticket.md"
    args = [sys.executable, "-m", "langchain_doctor", "report", "--python", sys.executable, "--no-probe"]
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120, cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.startswith("# langchain-doctor report")
    assert "| interpreter | `~/" in done.stdout
    # The rest in this process (tests/inprocess.py): the first run above is the real entry point's.
    written = run_doctor([*args[3:], "--output", str(out)], env=env, cwd=tmp_path)
    assert written.returncode == done.returncode
    assert out.read_text().startswith("# langchain-doctor report") and "report written to" in written.stderr
    as_json = run_doctor([*args[3:], "--format", "json"], env=env, cwd=tmp_path)
    data = json.loads(as_json.stdout)
    assert data["report"] is True and data["target"]["python"].startswith("~/")
    bad = run_doctor(["report", "--python", str(tmp_path / "nope")], env=env)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1
