"""gcloud ADC against the real google-auth: the doctor's verdict and the library's failure agree.

A loopback token endpoint returns Google's real error bodies. The real google-auth (in a real venv), refreshing
against it, raises the very message the seed notebook shows; the doctor, refreshing the same credential with
its own stdlib code, says LCD430 reauth-required and quotes that message. The doctor's probe also loads the file
with the target's google-auth and refreshes service-account keys with it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor.creds import google_online

from tests.realenv import real_venv, venv_python
from tests.servers.google import token_server

pytestmark = pytest.mark.integration

ROOT = Path(__file__).parents[2]
SEED_TEXT = (ROOT / "examples" / "response-metadata-notebook.txt").read_text(encoding="utf-8")
SEED_MESSAGE = ("Reauthentication is needed. Please run `gcloud auth application-default login` to "
                "reauthenticate.")
REFRESH = "1//0gIntegrationRefreshToken-" + "i" * 40
CLIENT_SECRET = "GOCSPX-integrationClientSecret0"


@pytest.fixture(scope="module")
def venv() -> Path:
    return real_venv(["google-auth==2.63.0", "requests==2.34.2"])


def user_file(folder: Path) -> Path:
    info: dict[str, Any] = {"type": "authorized_user", "client_id": "cid.apps.googleusercontent.com",
                            "client_secret": CLIENT_SECRET, "refresh_token": REFRESH, "quota_project_id": "q"}
    gdir = folder / "home" / ".config" / "gcloud"
    gdir.mkdir(parents=True, exist_ok=True)
    path = gdir / "application_default_credentials.json"
    path.write_text(json.dumps(info))
    path.chmod(0o600)
    return path


# google-auth always uses Google's endpoint for gcloud's file (from_authorized_user_info ignores token_uri), so
# the test builds the same credentials with the public constructor and the loopback token_uri.
GOOGLE_AUTH_REFRESH = r"""
import json, sys
from google.oauth2.credentials import Credentials
from google.auth.transport.requests import Request
info = json.load(open(sys.argv[1]))
creds = Credentials(None, refresh_token=info["refresh_token"], client_id=info["client_id"],
                    client_secret=info["client_secret"], token_uri=sys.argv[2],
                    quota_project_id=info.get("quota_project_id"))
try:
    creds.refresh(Request())
    print(json.dumps({"ok": True}))
except Exception as exc:
    print(json.dumps({"class": type(exc).__name__, "message": exc.args[0] if exc.args else str(exc)}))
"""


def google_auth_refresh(venv: Path, path: Path, token_uri: str) -> dict[str, Any]:
    done = subprocess.run([str(venv_python(venv)), "-c", GOOGLE_AUTH_REFRESH, str(path), token_uri],
                          capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def doctor(*args: str, home: Path, extra: dict[str, str], cwd: Path) -> tuple[int, dict[str, Any], str, float]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), **extra}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "langchain_doctor", "check", "--format", "json", *args], capture_output=True,
                          text=True, timeout=300, env=env, cwd=str(cwd))
    elapsed = time.monotonic() - start
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, json.loads(done.stdout), done.stdout + done.stderr, elapsed


def test_the_seed_shows_this_message() -> None:
    assert SEED_MESSAGE in SEED_TEXT


@pytest.mark.parametrize("mode", ["invalid_rapt", "rapt_required"])
def test_real_google_auth_and_the_doctor_agree_on_reauth(venv: Path, tmp_path: Path, mode: str) -> None:
    with token_server(mode) as srv:
        path = user_file(tmp_path)
        lib = google_auth_refresh(venv, path, srv.url + "/token")
        verdict = google_online.refresh_user(json.loads(path.read_text()),
                                             {google_online.OVERRIDE_VAR: srv.url + "/token"}, 5.0)
        sent = [r.form() for r in srv.requests]
    # The library raises exactly the seed's message...
    assert lib == {"class": "RefreshError", "message": SEED_MESSAGE}
    # ... and the doctor, from the same answer, says reauth-required and quotes it.
    assert verdict.code == "LCD430"
    assert verdict.library_error == f"RefreshError: {SEED_MESSAGE}"
    # Both sent the same refresh grant.
    assert len(sent) == 2 and sent[0]["refresh_token"] == sent[1]["refresh_token"] == REFRESH
    assert sent[0]["grant_type"] == sent[1]["grant_type"] == "refresh_token"


def test_real_google_auth_and_the_doctor_agree_on_revocation(venv: Path, tmp_path: Path) -> None:
    with token_server("revoked") as srv:
        path = user_file(tmp_path)
        lib = google_auth_refresh(venv, path, srv.url + "/token")
        verdict = google_online.refresh_user(json.loads(path.read_text()),
                                             {google_online.OVERRIDE_VAR: srv.url + "/token"}, 5.0)
    assert lib["class"] == "RefreshError"
    assert verdict.code == "LCD431" and verdict.library_error == f"RefreshError: {lib['message']}"


def test_check_online_says_reauth_required_up_front(venv: Path, tmp_path: Path) -> None:
    user_file(tmp_path)  # the doctor is pointed at the loopback endpoint by the test-only override
    with token_server("invalid_rapt") as srv:
        code, report, raw, elapsed = doctor(
            "--python", str(venv_python(venv)), "--provider", "google-vertexai", "--online",
            home=tmp_path / "home", cwd=tmp_path,
            extra={"GOOGLE_CLOUD_PROJECT": "p", google_online.OVERRIDE_VAR: srv.url + "/token"})
    [f] = [f for f in report["findings"] if f["code"] == "LCD430"]
    assert code == 1 and f["kind"] == "reauth-required" and f["severity"] == "error"
    assert f["provider"] == "google-vertexai"
    assert SEED_MESSAGE in f["evidence"]
    assert f["fix"]["commands"] == ["gcloud auth application-default login"]
    assert REFRESH not in raw and CLIENT_SECRET not in raw
    print(f"\ncheck --online with the reauth verdict: {elapsed:.2f} s wall (whole CLI run)")


def test_probe_loads_the_file_with_the_targets_google_auth(venv: Path, tmp_path: Path) -> None:
    user_file(tmp_path)
    _, report, _, _ = doctor("--python", str(venv_python(venv)), "--provider", "google-vertexai",
                             home=tmp_path / "home", cwd=tmp_path, extra={})
    [f] = [f for f in report["findings"] if f["code"] == "LCD426"]  # no project: the file itself is fine
    assert f["severity"] == "error"
    assert not [x for x in report["findings"] if x["code"] in ("LCD420", "LCD421", "LCD423", "LCD427")]


def test_missing_explicit_file_is_confirmed_by_google_auth(venv: Path, tmp_path: Path) -> None:
    missing = tmp_path / "gone.json"
    _, report, _, _ = doctor("--python", str(venv_python(venv)), "--provider", "google-vertexai",
                             home=tmp_path, cwd=tmp_path, extra={"GOOGLE_APPLICATION_CREDENTIALS": str(missing)})
    [f] = [f for f in report["findings"] if f["code"] == "LCD421"]
    assert f["kind"] == "invalid-credential"
    assert "google-auth 2.63.0 in the target: DefaultCredentialsError" in f["evidence"]
    assert f"File {missing} was not found" in f["evidence"]


MAKE_KEY = r"""
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives import serialization
key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
print(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption()).decode())
"""


@pytest.mark.parametrize(("mode", "code"), [("sa_disabled", "LCD432"), ("sa_key_deleted", "LCD432"),
                                             ("ok", None)])
def test_service_account_is_refreshed_in_the_target(venv: Path, tmp_path: Path, mode: str,
                                                    code: str | None) -> None:
    pem = subprocess.run([str(venv_python(venv)), "-c", MAKE_KEY], capture_output=True, text=True,
                         check=True, timeout=60).stdout
    sa = tmp_path / "sa.json"
    sa.write_text(json.dumps({
        "type": "service_account", "project_id": "sa-proj", "private_key_id": "0123456789abcdef0123",
        "private_key": pem, "client_email": "bot@sa-proj.iam.gserviceaccount.com",
        "client_id": "1234567890", "token_uri": "https://oauth2.googleapis.com/token"}))
    sa.chmod(0o600)
    with token_server(mode) as srv:
        _, report, raw, _ = doctor("--python", str(venv_python(venv)), "--provider", "google-vertexai", "--online",
                                   home=tmp_path, cwd=tmp_path,
                                   extra={"GOOGLE_APPLICATION_CREDENTIALS": str(sa),
                                          google_online.OVERRIDE_VAR: srv.url + "/token"})
        [req] = srv.requests
    assert req.form()["grant_type"] == "urn:ietf:params:oauth:grant-type:jwt-bearer"  # google-auth's JWT grant
    adc = [f for f in report["findings"] if f["provider"] == "google-vertexai" and f["code"].startswith("LCD43")]
    if code is None:
        assert adc == []
    else:
        [f] = adc
        assert f["code"] == code and f["kind"] == "invalid-credential"
        assert "invalid_grant" in f["evidence"]
    body = pem.split("-----")[2].strip().splitlines()
    assert all(line not in raw for line in body if len(line) > 20)
    assert "PRIVATE KEY" not in raw.replace("PRIVATE KEY-----", "")  # nothing of the PEM at all
