"""Secrets never leave: unique secrets planted in env vars, .env, ADC files and AWS files; the doctor runs as a
user runs it (a subprocess, --online against loopback fakes that echo parts of keys back) in every output format,
with -v, --output, and the report/explain commands; none of the secrets appears in any output or any file written.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_doctor.cli import COMMANDS
from langchain_doctor.creds import google_online
from langchain_doctor.render import Format

from tests.realenv import real_venv, venv_python
from tests.servers.google import token_server
from tests.servers.providers import provider_server
from tests.servers.sts import Key, sts_server

pytestmark = pytest.mark.integration

PEM_LINES = ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDplantedPEMline1",
             "zZ9plantedPEMline2qWx3Ty7Ui8Op0As1Df2Gh3Jk4Lz5Xc6Vb7Nm8Qw9Er0Ty1Ui2"]
SECRETS = {
    "openai_env": "sk-proj-PLANTEDopenaiENV7f3a9c2e1b4d6f8a0c2e4a6b8d0f2a4c6e8",
    "anthropic_env": "sk-ant-api03-PLANTEDanthropic5e7g9i1k3m5o7q9s1u3w5y7a9c1e3",
    "dotenv_groq": "gsk_PLANTEDdotenvGROQ2b4d6f8h0j2l4n6p8r0t2v4x6z8b0",
    "dotenv_custom": "PLANTEDdotenvCUSTOMopaque9a8b7c6d5e4f3",
    "custom_env": "PLANTEDcustomENVtoken1a2b3c4d5e6f7a8b9c0",
    "adc_refresh": "1//0gPLANTEDadcREFRESHtoken3c5e7g9i1k3m5o7q9",
    "adc_client_secret": "GOCSPX-PLANTEDclientSECRETx9y8",
    "sa_private_key_id": "PLANTEDprivateKEYid0a1b2c3d4e5f6a7b8c9",
    "aws_secret": "PLANTEDawsSECRETkey/K7MDENG+bPxRfiCYEXAMPLE",
    "aws_session": "IQoJb3JpZ2luX2VjPLANTEDsessionTOKEN0123456789",
    "sso_access": "aoaPLANTEDssoACCESStoken0123456789abcdef",
    "sso_refresh": "aorPLANTEDssoREFRESHtoken0123456789abcdef",
}
AKID = "AKIAPLANTED0AKID0123"


def plant(tmp_path: Path) -> tuple[dict[str, str], list[Path]]:
    home = tmp_path / "home"
    work = tmp_path / "work"
    gdir = home / ".config" / "gcloud"
    for d in (gdir, home / ".aws" / "sso" / "cache", work):
        d.mkdir(parents=True, exist_ok=True)
    files = []
    adc = gdir / "application_default_credentials.json"
    adc.write_text(json.dumps({"type": "authorized_user", "client_id": "cid.apps.googleusercontent.com",
                               "client_secret": SECRETS["adc_client_secret"], "refresh_token": SECRETS["adc_refresh"],
                               "quota_project_id": "q"}))
    sa = tmp_path / "sa.json"
    pem = "-----BEGIN PRIVATE KEY-----\n" + "\n".join(PEM_LINES) + "\n-----END PRIVATE KEY-----\n"
    sa.write_text(json.dumps({"type": "service_account", "project_id": "p", "client_email": "b@p.iam.gserviceaccount.com",
                              "private_key": pem, "private_key_id": SECRETS["sa_private_key_id"],
                              "token_uri": "https://oauth2.googleapis.com/token"}))
    sa.chmod(0o644)  # too open: a finding about this file must still not show its content
    (home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRETS['aws_secret']}\n"
        f"aws_session_token = {SECRETS['aws_session']}\n")
    (home / ".aws" / "config").write_text("[default]\nregion = us-east-1\n")
    (home / ".aws" / "sso" / "cache" / "0123.json").write_text(json.dumps({
        "accessToken": SECRETS["sso_access"], "refreshToken": SECRETS["sso_refresh"],
        "expiresAt": "2020-01-01T00:00:00Z"}))
    (work / ".env").write_text(f'GROQ_API_KEY="{SECRETS["dotenv_groq"]}"\nINTERNAL_THING={SECRETS["dotenv_custom"]}\n')
    files += [adc, sa, home / ".aws" / "credentials", home / ".aws" / "sso" / "cache" / "0123.json", work / ".env"]
    environ = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
        "OPENAI_API_KEY": f'"{SECRETS["openai_env"]}"\n',
        "ANTHROPIC_API_KEY": SECRETS["anthropic_env"],
        "MY_SERVICE_TOKEN": SECRETS["custom_env"],
        "GOOGLE_APPLICATION_CREDENTIALS": str(sa),
        "GOOGLE_CLOUD_PROJECT": "p",
    }
    return environ, files


def all_written(root: Path, planted: list[Path]) -> dict[Path, str]:
    out = {}
    for p in root.rglob("*"):
        if p.is_file() and p not in planted:
            out[p] = p.read_text(encoding="utf-8", errors="replace")
    return out


def assert_clean(text: str, where: str) -> None:
    for name, value in SECRETS.items():
        assert value not in text, f"{name} leaked in {where}"
    for line in PEM_LINES:
        assert line not in text, f"private key leaked in {where}"


@pytest.fixture(scope="module")
def venv() -> Path:
    return real_venv(["google-auth==2.63.0", "requests==2.34.2"])


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("verbose", [False, True])
def test_no_secret_in_any_format_online_or_on_disk(venv: Path, tmp_path: Path, fmt: Format, verbose: bool) -> None:
    environ, planted = plant(tmp_path)
    out_file = tmp_path / f"out.{fmt.value}"
    with provider_server("openai") as openai_srv, provider_server("anthropic") as anth_srv, \
            token_server("invalid_rapt") as tok, sts_server({AKID: Key("another-secret")}) as sts:
        environ.update({"OPENAI_BASE_URL": openai_srv.url + "/v1", "ANTHROPIC_BASE_URL": anth_srv.url,
                        google_online.OVERRIDE_VAR: tok.url + "/token", "AWS_ENDPOINT_URL_STS": sts.url,
                        "LANGCHAIN_DOCTOR_CACHE_DIR": str(tmp_path / "cache")})
        args = [sys.executable, "-m", "langchain_doctor", "check", "--python", str(venv_python(venv)), "--online",
                "--format", fmt.value, "--provider", "openai", "--provider", "anthropic", "--provider", "groq",
                "--provider", "google-vertexai", "--provider", "aws"]
        if verbose:
            args.append("-v")
        first = subprocess.run(args, capture_output=True, text=True, env=environ, cwd=str(tmp_path / "work"),
                               timeout=300)
        second = subprocess.run([*args, "--output", str(out_file)], capture_output=True, text=True, env=environ,
                                cwd=str(tmp_path / "work"), timeout=300)
        contacted = bool(anth_srv.requests) and bool(sts.requests)
    assert first.returncode == 1, first.stderr
    assert contacted, "the online checks did not run"
    assert_clean(first.stdout + first.stderr, f"{fmt.value} stdout/stderr")
    assert_clean(second.stdout + second.stderr, f"{fmt.value} --output console")
    for path, text in all_written(tmp_path, planted).items():
        assert_clean(text, str(path))
    if fmt is Format.JSON:
        codes = {f["code"] for f in json.loads(first.stdout)["findings"]}
        # The run really looked at every planted secret's home.
        assert {"LCD404", "LCD460", "LCD407", "LCD424", "LCD446"} <= codes, codes


@pytest.mark.parametrize("command", ["report", "explain"])
def test_no_secret_in_report_and_explain(venv: Path, tmp_path: Path, command: str) -> None:
    assert command in COMMANDS  # both commands have shipped: a missing one fails, never skips
    environ, planted = plant(tmp_path)
    environ["LANGCHAIN_DOCTOR_CACHE_DIR"] = str(tmp_path / "cache")
    if command == "report":
        args = ["report", "--python", str(venv_python(venv)), "--provider", "groq", "--provider", "aws"]
        stdin = None
    else:
        log = tmp_path / "error.log"
        log.write_text(
            "Traceback (most recent call last):\n  File \"nb.py\", line 3, in <module>\n"
            f"openai.AuthenticationError: Error code: 401 - {{'error': {{'message': 'Incorrect API key provided: "
            f"{SECRETS['openai_env']}.', 'type': 'invalid_request_error', 'code': 'invalid_api_key'}}}}\n"
            f"botocore: aws_secret_access_key={SECRETS['aws_secret']} refresh_token={SECRETS['adc_refresh']}\n")
        planted.append(log)
        args = ["explain", str(log)]
        stdin = None
    for extra in ([], ["-v"], ["--output", str(tmp_path / f"{command}.out")]):
        done = subprocess.run([sys.executable, "-m", "langchain_doctor", *args, *extra], capture_output=True, text=True,
                              env=environ, cwd=str(tmp_path / "work"), timeout=300, input=stdin)
        assert done.returncode in (0, 1), done.stderr
        assert_clean(done.stdout + done.stderr, f"{command} {extra}")
    for path, text in all_written(tmp_path, planted).items():
        assert_clean(text, str(path))
