"""gcloud ADC on fake environments: resolution order, file validation, project, and --online against a loopback
token endpoint returning Google's real error bodies."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from langchain_doctor.context import Environment, Options
from langchain_doctor.creds import gcloud, google_online
from langchain_doctor.model import Finding, Kind, Severity

from tests.fakeenv import FakeSite, make_env
from tests.servers import harness as h
from tests.servers.google import metadata_server, token_server

REFRESH = "1//0gLoopbackRefreshToken-" + "r" * 40
SECRET = "GOCSPX-loopbackClientSecret123"
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC" + "A" * 64 + "\n-----END PRIVATE KEY-----\n"


def user_info(**extra: object) -> dict[str, object]:
    return {"type": "authorized_user", "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps."
            "googleusercontent.com", "client_secret": SECRET, "refresh_token": REFRESH,
            "quota_project_id": "my-quota", **extra}


def sa_info() -> dict[str, object]:
    return {"type": "service_account", "project_id": "sa-project", "private_key_id": "abc123def456",
            "private_key": PEM, "client_email": "bot@sa-project.iam.gserviceaccount.com",
            "token_uri": "https://oauth2.googleapis.com/token"}


def write(path: Path, info: object, mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(info) if not isinstance(info, str) else info)
    path.chmod(mode)
    return path


def gcloud_home(tmp_path: Path, info: object | None = None, project: str | None = None) -> dict[str, str]:
    home = tmp_path / "home"
    gdir = home / ".config" / "gcloud"
    gdir.mkdir(parents=True, exist_ok=True)
    if info is not None:
        write(gdir / gcloud.ADC_FILE, info)
    if project:
        (gdir / "configurations").mkdir(exist_ok=True)
        (gdir / "configurations" / "config_default").write_text(f"[core]\nproject = {project}\n")
    return {"HOME": str(home)}


def env_for(site: FakeSite, environ: dict[str, str], *, online: bool = False, needed: bool = True) -> Environment:
    h.install_for(site, "google-vertexai")
    return make_env(site, needed=["google-vertexai"] if needed else [], environ=environ,
                    options=Options(online=online, probe=False))


def run(env: Environment) -> list[Finding]:
    return h.run_named(env, "gcloud-adc")


def test_valid_gcloud_login_with_project_is_clean(site: FakeSite, tmp_path: Path) -> None:
    assert run(env_for(site, gcloud_home(tmp_path, user_info(), project="p1"))) == []


def test_no_credentials_at_all(site: FakeSite, tmp_path: Path) -> None:
    found = run(env_for(site, gcloud_home(tmp_path)))
    [f] = h.codes(found, "LCD420")
    assert f.severity is Severity.ERROR and f.kind is Kind.MISSING_CREDENTIAL
    assert any("not contacted" in e for e in f.evidence)
    assert f.fix is not None and "gcloud auth application-default login" in f.fix.commands


def test_not_needed_vertex_missing_credentials_is_info(site: FakeSite, tmp_path: Path) -> None:
    found = run(env_for(site, gcloud_home(tmp_path), needed=False))
    assert {f.severity for f in found} == {Severity.INFO}


def test_explicit_variable_to_missing_file(site: FakeSite, tmp_path: Path) -> None:
    environ = {**gcloud_home(tmp_path, user_info(), project="p"),
               "GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "nope.json")}
    [f] = run(env_for(site, environ))
    assert f.code == "LCD421" and f.kind is Kind.INVALID_CREDENTIAL and "was not found" in f.title
    assert f.subject == str(tmp_path / "nope.json")


@pytest.mark.parametrize(("content", "words"), [
    ("{not json", "not a valid json file"),
    ({"type": "weird"}, "does not have a valid type"),
    ({"type": "authorized_user", "client_id": "x"}, "lack client_secret, refresh_token"),
    ({**sa_info(), "private_key": "not a key"}, "not a PEM private key"),
])
def test_invalid_files(site: FakeSite, tmp_path: Path, content: object, words: str) -> None:
    path = write(tmp_path / "key.json", content)
    [f] = run(env_for(site, {"HOME": str(tmp_path), "GOOGLE_APPLICATION_CREDENTIALS": str(path)}))
    assert f.code == "LCD423" and words in f.title


def test_unreadable_file(site: FakeSite, tmp_path: Path) -> None:
    folder = tmp_path / "key.json"
    folder.mkdir()
    [f] = run(env_for(site, {"HOME": str(tmp_path), "GOOGLE_APPLICATION_CREDENTIALS": str(folder)}))
    assert f.code == "LCD422"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_service_account_key_readable_by_others_never_shows_the_key(site: FakeSite, tmp_path: Path) -> None:
    path = write(tmp_path / "sa.json", sa_info(), mode=0o644)
    found = run(env_for(site, {"HOME": str(tmp_path), "GOOGLE_APPLICATION_CREDENTIALS": str(path)}))
    [f] = found
    assert f.code == "LCD424" and f.severity is Severity.WARNING and "0o644" in f.title
    assert all("PRIVATE KEY" not in h.as_text(x) and "abc123def456" not in h.as_text(x) for x in found)


def test_project_comes_from_the_service_account_file(site: FakeSite, tmp_path: Path) -> None:
    path = write(tmp_path / "sa.json", sa_info())
    assert run(env_for(site, {"HOME": str(tmp_path), "GOOGLE_APPLICATION_CREDENTIALS": str(path)})) == []


def test_no_project_resolves(site: FakeSite, tmp_path: Path) -> None:
    [f] = run(env_for(site, gcloud_home(tmp_path, user_info())))
    assert f.code == "LCD426" and f.kind is Kind.MISSING_CONFIG and f.severity is Severity.ERROR


def test_project_from_env_and_from_gcloud_active_config(site: FakeSite, tmp_path: Path) -> None:
    environ = gcloud_home(tmp_path, user_info())
    assert run(env_for(site, {**environ, "GOOGLE_CLOUD_PROJECT": "p"})) == []
    gdir = Path(environ["HOME"]) / ".config" / "gcloud"
    (gdir / "active_config").write_text("work\n")
    (gdir / "configurations").mkdir()
    (gdir / "configurations" / "config_work").write_text("[core]\naccount = me@example.com\nproject = w1\n")
    assert run(env_for(site, environ)) == []


def test_cloudsdk_config_moves_the_well_known_file(site: FakeSite, tmp_path: Path) -> None:
    write(tmp_path / "alt" / gcloud.ADC_FILE, user_info())
    environ = {"HOME": str(tmp_path / "empty"), "CLOUDSDK_CONFIG": str(tmp_path / "alt"), "GCLOUD_PROJECT": "p"}
    assert run(env_for(site, environ)) == []


def test_user_credentials_without_quota_project(site: FakeSite, tmp_path: Path) -> None:
    info = user_info()
    del info["quota_project_id"]
    [f] = run(env_for(site, {**gcloud_home(tmp_path, info), "GOOGLE_CLOUD_PROJECT": "p"}))
    assert f.code == "LCD425" and f.severity is Severity.INFO


def test_metadata_server_machine_is_reported_not_contacted(site: FakeSite, tmp_path: Path) -> None:
    with metadata_server() as srv:
        host = srv.url.split("//", 1)[1]
        found = run(env_for(site, {**gcloud_home(tmp_path), "GCE_METADATA_HOST": host, "GOOGLE_CLOUD_PROJECT": "p"}))
        assert [f.code for f in found] == ["LCD428"]
        assert srv.requests == []


# --- online ---------------------------------------------------------------------------------------------------

def online_env(site: FakeSite, tmp_path: Path, url: str, info: object | None = None) -> Environment:
    environ = {**gcloud_home(tmp_path, user_info() if info is None else info, project="p"),
               google_online.OVERRIDE_VAR: url + "/token"}
    return env_for(site, environ, online=True)


@pytest.mark.parametrize("mode", ["invalid_rapt", "rapt_required"])
def test_online_reauth_required(site: FakeSite, tmp_path: Path, mode: str) -> None:
    with token_server(mode) as srv:
        [f] = run(online_env(site, tmp_path, srv.url))
        [req] = srv.requests
    assert f.code == "LCD430" and f.kind is Kind.REAUTH_REQUIRED and f.severity is Severity.ERROR
    assert f"invalid_grant ({mode})" in f.evidence[0]
    assert ("the application will raise: RefreshError: Reauthentication is needed. Please run "
            "`gcloud auth application-default login` to reauthenticate.") in f.evidence
    assert f.fix is not None and f.fix.commands == ("gcloud auth application-default login",)
    assert "restart the notebook kernel" in f.fix.summary
    # The request is google-auth's refresh grant, and nothing secret reaches the finding.
    assert req.form()["grant_type"] == "refresh_token" and req.form()["refresh_token"] == REFRESH
    assert REFRESH not in h.as_text(f) and SECRET not in h.as_text(f)


def test_online_revoked_refresh_token(site: FakeSite, tmp_path: Path) -> None:
    with token_server("revoked") as srv:
        [f] = run(online_env(site, tmp_path, srv.url))
    assert f.code == "LCD431" and f.kind is Kind.REAUTH_REQUIRED
    assert "RefreshError: invalid_grant: Token has been expired or revoked." in f.evidence[1]


def test_online_unknown_client_is_rejected(site: FakeSite, tmp_path: Path) -> None:
    with token_server("invalid_client") as srv:
        [f] = run(online_env(site, tmp_path, srv.url))
    assert f.code == "LCD432" and f.kind is Kind.INVALID_CREDENTIAL


def test_online_server_error_is_a_warning(site: FakeSite, tmp_path: Path) -> None:
    with token_server("unavailable") as srv:
        [f] = run(online_env(site, tmp_path, srv.url))
    assert f.code == "LCD433" and f.severity is Severity.WARNING and f.kind is Kind.UNREACHABLE


def test_online_no_network_is_unreachable(site: FakeSite, tmp_path: Path) -> None:
    with token_server("ok") as srv:
        url = srv.url
    [f] = run(online_env(site, tmp_path, url))  # the server is gone: connection refused
    assert f.code == "LCD433" and f.severity is Severity.WARNING and "no answer" in f.evidence[0]


def test_online_valid_credentials_are_clean(site: FakeSite, tmp_path: Path) -> None:
    with token_server("ok") as srv:
        assert run(online_env(site, tmp_path, srv.url)) == []
        assert len(srv.requests) == 1


def test_online_impersonation_refreshes_its_source_user_credentials(site: FakeSite, tmp_path: Path) -> None:
    info = {"type": "impersonated_service_account", "source_credentials": user_info(),
            "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/"
            "serviceAccounts/bot@p.iam.gserviceaccount.com:generateAccessToken"}
    with token_server("invalid_rapt") as srv:
        found = run(online_env(site, tmp_path, srv.url, info))
    assert [f.code for f in found][:1] == ["LCD430"]
    # Without google-auth in the target the impersonation step itself cannot be checked: said so.
    assert [f.code for f in found][1:] == ["LCD434"]


def test_online_service_account_without_google_auth_is_not_verified(site: FakeSite, tmp_path: Path) -> None:
    with token_server("ok") as srv:
        found = run(online_env(site, tmp_path, srv.url, sa_info()))
        assert srv.requests == []
    assert [f.code for f in found] == ["LCD434"]


def test_token_uri_override_only_for_loopback() -> None:
    assert google_online.token_uri({google_online.OVERRIDE_VAR: "http://127.0.0.1:1/token"}).startswith("http://127")
    assert google_online.token_uri({google_online.OVERRIDE_VAR: "http://localhost:1/t"}) == "http://localhost:1/t"
    assert google_online.token_uri({google_online.OVERRIDE_VAR: "https://evil.example/token"}) == (
        google_online.DEFAULT_TOKEN_URI)
    assert google_online.token_uri({}) == google_online.DEFAULT_TOKEN_URI


def test_online_metadata_server_when_on_google_cloud(site: FakeSite, tmp_path: Path) -> None:
    with metadata_server(ok=False) as srv:
        host = srv.url.split("//", 1)[1]
        environ = {**gcloud_home(tmp_path), "GCE_METADATA_HOST": host, "GOOGLE_CLOUD_PROJECT": "p"}
        found = run(env_for(site, environ, online=True))
        assert len(srv.requests) == 1 and srv.requests[0].headers["metadata-flavor"] == "Google"
    assert [f.code for f in found] == ["LCD428", "LCD432"]
