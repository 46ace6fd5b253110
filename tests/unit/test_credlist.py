"""Credentials shown the way support needs them: every one found, its source and fingerprint, never the value."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_doctor import builtin
from langchain_doctor.commands._options import render_report
from langchain_doctor.commands.report import ticket_report
from langchain_doctor.context import Options
from langchain_doctor.redact import Redactor
from langchain_doctor.render import Format
from langchain_doctor.runner import build_report, run_checks

from tests.fakeenv import make_env

if TYPE_CHECKING:
    from tests.fakeenv import FakeSite

OPENAI = "sk-proj-" + "Q" * 40 + "a1b2"
ANTHROPIC = "sk-ant-api03-" + "W" * 80 + "z9y8"
REFRESH = "1//0g" + "R" * 90
AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _env(site: FakeSite, tmp_path: Path) -> tuple[dict[str, str], Path]:
    home = tmp_path / "home"
    gdir = home / ".config" / "gcloud"
    gdir.mkdir(parents=True)
    (gdir / "application_default_credentials.json").write_text(json.dumps({
        "type": "authorized_user", "client_id": "cid", "client_secret": "s" * 24, "refresh_token": REFRESH}))
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text(
        f"[work]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {AWS_SECRET}\n")
    (home / ".aws" / "config").write_text("[profile work]\nregion = eu-west-1\n")
    for pkg in ("langchain-openai", "langchain-anthropic", "langchain-google-vertexai", "langchain-aws"):
        site.add(pkg, "1.0.0")
    return {"HOME": str(home), "OPENAI_API_KEY": OPENAI, "AWS_PROFILE": "work"}, home


def test_every_credential_with_source_and_fingerprint(site: FakeSite, tmp_path: Path) -> None:
    environ, home = _env(site, tmp_path)
    env = make_env(site, environ=environ, options=Options(probe=False),
                   needed=("openai", "anthropic", "google-vertexai", "aws"))
    work = Path(env.work_dir)
    (work / ".env").write_text(f"ANTHROPIC_API_KEY={ANTHROPIC}\n")
    (work / "app.py").write_text("from dotenv import load_dotenv\nload_dotenv()\n")
    report = build_report(env, run_checks(env, [c for c in builtin.checks() if not c.needs_probe]), Redactor())
    seen = {c.provider: c for c in report.credentials}
    assert seen["openai"].name == "OPENAI_API_KEY" and seen["openai"].source == "environment"
    assert seen["openai"].fingerprint == "sk-proj-...a1b2 (52 chars)"
    assert seen["openai"].status == "ok"  # healthy keys are listed too
    assert seen["anthropic"].source.startswith(f".env file {work / '.env'} line 1")
    assert seen["anthropic"].fingerprint.startswith("sk-ant-...z9y8")
    adc = seen["google-vertexai"]
    assert adc.source == f"ADC file {home}/.config/gcloud/application_default_credentials.json " \
                         "(authorized_user; gcloud)"
    assert adc.fingerprint.startswith("refresh_token ") and REFRESH not in adc.fingerprint
    aws = seen["aws"]
    assert aws.source.startswith("profile 'work' (AWS_PROFILE) in ") and "resolved as shared-credentials-file" in \
        aws.source and "region eu-west-1" not in aws.fingerprint
    assert aws.fingerprint.startswith("access key AKIA...")

    verbose = render_report(report, Format.CONSOLE, False, True)
    plain = render_report(report, Format.CONSOLE, False, False)
    assert "Credentials (source and fingerprint; never the value)" in verbose and "Credentials (" not in plain
    ticket = render_report(ticket_report(report, home=str(home), environ=environ), Format.MARKDOWN, False, False)
    assert "## Credentials" in ticket and "sk-proj-...a1b2 (52 chars)" in ticket
    assert "~/.config/gcloud/application_default_credentials.json" in ticket
    as_json = render_report(report, Format.JSON, False, False)
    for text in (verbose, ticket, as_json):
        for secret in (OPENAI, ANTHROPIC, REFRESH, AWS_SECRET, OPENAI[8:-4], ANTHROPIC[14:-4]):
            assert secret not in text
