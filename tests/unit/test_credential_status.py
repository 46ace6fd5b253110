"""One rule for a provider's credential status: the ``credential`` stage and the credentials list share it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from langchain_doctor import builtin
from langchain_doctor.context import Options
from langchain_doctor.credlist import credential_status
from langchain_doctor.knowledge.codes import credentials
from langchain_doctor.model import Finding, Kind, Severity
from langchain_doctor.redact import Redactor
from langchain_doctor.registry import is_credential, registry
from langchain_doctor.runner import build_report, run_checks

from tests.fakeenv import make_env

if TYPE_CHECKING:
    from tests.fakeenv import FakeSite

DOCTOR = Path(__file__).resolve().parents[2] / "doctor"


def _f(code: str, severity: Severity, provider: str = "openai", *, ignored: str | None = None) -> Finding:
    return Finding(code, Kind.DOCTOR, severity, "t", "s", provider=provider, ignored=ignored)


def test_is_credential_is_the_credentials_area_table() -> None:
    area = {i.code for i in credentials.CODES}
    assert area, "the credentials area has codes"
    for code in registry():
        assert is_credential(code) is (code in area), code
    assert not is_credential("LCD499") and not is_credential("nonsense")


@pytest.mark.parametrize(("severities", "expected"), [
    ((), "ok"),
    ((Severity.INFO,), "info"),
    ((Severity.INFO, Severity.WARNING), "warning"),
    ((Severity.WARNING, Severity.ERROR, Severity.INFO), "error"),
])
def test_worst_live_credential_finding(severities: tuple[Severity, ...], expected: str) -> None:
    assert credential_status([_f("LCD401", s) for s in severities], "openai") == expected


def test_only_live_credential_findings_about_the_provider_count() -> None:
    noise = [_f("LCD401", Severity.ERROR, provider="anthropic"),  # another provider
             _f("LCD401", Severity.ERROR, ignored="config"),  # ignored
             _f("LCD301", Severity.ERROR)]  # not a credential code
    assert credential_status(noise, "openai") == "ok"


def test_no_second_copy_picks_credential_findings_by_prefix() -> None:
    prefix = re.compile(r"""startswith\(\s*["']LCD\d""")
    hits = [str(p.relative_to(DOCTOR)) for p in DOCTOR.rglob("*.py") if prefix.search(p.read_text(encoding="utf-8"))]
    assert hits == [], f"finding codes picked by prefix instead of the registry: {hits}"


def test_stage_and_credentials_list_agree_on_a_note(site: FakeSite, tmp_path: Path) -> None:
    # gcloud user credentials without a quota project: LCD425, a note (INFO) about a credential that is present.
    gdir = tmp_path / "home" / ".config" / "gcloud"
    gdir.mkdir(parents=True)
    adc = gdir / "application_default_credentials.json"
    adc.write_text(json.dumps({
        "type": "authorized_user", "client_id": "cid", "client_secret": "s" * 24, "refresh_token": "1//0g" + "R" * 90}))
    adc.chmod(0o600)
    site.add("langchain-google-vertexai", "1.0.0")
    env = make_env(site, environ={"HOME": str(tmp_path / "home"), "GOOGLE_CLOUD_PROJECT": "demo"}, options=Options(probe=False),
                   needed=("google-vertexai",))
    findings = run_checks(env, [c for c in builtin.checks() if not c.needs_probe])
    assert [(f.code, f.severity) for f in findings if is_credential(f.code)] == [("LCD425", Severity.INFO)]
    report = build_report(env, findings, Redactor())
    stage = dict(next(p for p in report.providers if p.name == "google-vertexai").checks)["credential"]
    listed = next(c for c in report.credentials if c.provider == "google-vertexai").status
    assert stage == listed == "info"
