"""secrets.collect finds every secret the credential layer can see, and the redactor then masks them all."""

from __future__ import annotations

import json
from pathlib import Path

from langchain_doctor.creds import secrets
from langchain_doctor.redact import Redactor

from tests.fakeenv import FakeSite, make_env

PEM_BODY = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDloopbackPEM"
PLANTED = {
    "dotenv_key": "sk-proj-DOTENVdotenvDOTENV0123456789abcdef",
    "dotenv_other": "opaque-dotenv-value-XYZ-0123456789",
    "refresh": "1//0gADCrefreshTOKENloopback0123456789",
    "client_secret": "GOCSPX-ADCclientSECRET01234",
    "private_key": f"-----BEGIN PRIVATE KEY-----\n{PEM_BODY}\n-----END PRIVATE KEY-----\n",
    "aws_secret": "AWSsecretACCESSkeyLOOPBACK0123456789abcd",
    "aws_token": "IQoJb3JpZ2luX2VjELoopbackSessionToken0123",
    "sso_access": "aoaAAAAAGssoACCESSloopback0123456789",
    "sso_refresh": "aorAAAAAGssoREFRESHloopback0123456789",
}


def plant(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    gdir = home / ".config" / "gcloud"
    gdir.mkdir(parents=True)
    (gdir / "application_default_credentials.json").write_text(json.dumps({
        "type": "authorized_user", "client_id": "cid", "client_secret": PLANTED["client_secret"],
        "refresh_token": PLANTED["refresh"]}))
    sa = tmp_path / "sa.json"
    sa.write_text(json.dumps({"type": "service_account", "client_email": "a@b.iam.gserviceaccount.com",
                              "private_key": PLANTED["private_key"], "private_key_id": "pkid0123456789abcdef",
                              "token_uri": "https://oauth2.googleapis.com/token"}))
    (home / ".aws" / "sso" / "cache").mkdir(parents=True)
    (home / ".aws" / "credentials").write_text(
        f"[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = {PLANTED['aws_secret']}\n"
        f"[other]\naws_session_token = {PLANTED['aws_token']}\n")
    (home / ".aws" / "sso" / "cache" / "abc.json").write_text(json.dumps({
        "accessToken": PLANTED["sso_access"], "refreshToken": PLANTED["sso_refresh"], "expiresAt": "x"}))
    return {"HOME": str(home), "GOOGLE_APPLICATION_CREDENTIALS": str(sa)}


def test_collect_finds_every_planted_secret(site: FakeSite, tmp_path: Path) -> None:
    env = make_env(site, environ=plant(tmp_path))
    (Path(env.work_dir) / ".env").write_text(
        f"OPENAI_API_KEY={PLANTED['dotenv_key']}\nSOMETHING={PLANTED['dotenv_other']}\nMODEL=gpt-4o\n")
    found = set(secrets.collect(env))
    for name, value in PLANTED.items():
        assert value in found, name
    assert "gpt-4o" not in found  # short innocent values are not treated as secrets
    text = "\n".join(f"{k}: {v}" for k, v in PLANTED.items()) + "\n" + json.dumps(PLANTED)
    masked = Redactor().add(*found).text(text)
    for name, value in PLANTED.items():
        assert value not in masked, name
    assert PEM_BODY not in masked


def test_collect_survives_unreadable_files(site: FakeSite, tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / ".aws" / "credentials").mkdir(parents=True)  # a folder where a file is expected
    env = make_env(site, environ={"HOME": str(home), "GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path)})
    assert secrets.collect(env) == ()
