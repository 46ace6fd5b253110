"""AWS for Bedrock on fake homes: botocore's chain order, SSO cache keys and expiry, region, config errors;
SigV4 against AWS's published vectors; --online GetCallerIdentity against a loopback STS that checks
signatures."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import pytest
from langchain_doctor.context import Environment, Options
from langchain_doctor.creds import aws, sigv4
from langchain_doctor.model import Finding, Kind, Severity

from tests.fakeenv import FakeSite, make_env
from tests.servers import harness as h
from tests.servers.sts import Key, sts_server

AKID = "AKIAIOSFODNN7EXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzLOOPBACK"
NOW = dt.datetime.now(dt.timezone.utc)


def home(tmp_path: Path, *, config: str = "", credentials: str = "") -> dict[str, str]:
    h_ = tmp_path / "home"
    (h_ / ".aws").mkdir(parents=True, exist_ok=True)
    if config:
        (h_ / ".aws" / "config").write_text(config)
    if credentials:
        (h_ / ".aws" / "credentials").write_text(credentials)
    return {"HOME": str(h_), "PATH": "/usr/bin:/bin"}


def sso_cache(environ: dict[str, str], seed: str, *, expires: dt.datetime, refresh: bool = False) -> Path:
    folder = Path(environ["HOME"]) / ".aws" / "sso" / "cache"
    folder.mkdir(parents=True, exist_ok=True)
    data = {"startUrl": "https://my-sso-portal.awsapps.com/start", "region": "us-east-1",
            "accessToken": "aoaAAAAAGloopbackSsoAccessToken0123456789",
            "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if refresh:
        data.update(refreshToken="aorAAAAAGloopbackRefresh0123456789", clientId="cid", clientSecret="csecret-xyz",
                    registrationExpiresAt=(NOW + dt.timedelta(days=30)).strftime("%Y-%m-%dT%H:%M:%SZ"))
    path = folder / (hashlib.sha1(seed.encode()).hexdigest() + ".json")
    path.write_text(json.dumps(data))
    return path


SSO_CONFIG = """\
[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-1

[sso-session my-sso]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"""


def env_for(site: FakeSite, environ: dict[str, str], *, online: bool = False, needed: bool = True) -> Environment:
    h.install_for(site, "aws")
    return make_env(site, needed=["aws"] if needed else [], environ=environ,
                    options=Options(online=online, probe=False))


def run(env: Environment) -> list[Finding]:
    return h.run_named(env, "aws-credentials")


def test_env_keys_and_region_are_clean(site: FakeSite, tmp_path: Path) -> None:
    environ = {**home(tmp_path), "AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": SECRET,
               "AWS_REGION": "us-east-1"}
    assert run(env_for(site, environ)) == []
    assert aws.resolve(environ).method == "env"


def test_nothing_configured(site: FakeSite, tmp_path: Path) -> None:
    found = run(env_for(site, home(tmp_path)))
    assert [f.code for f in found] == ["LCD440", "LCD441"]
    assert found[0].kind is Kind.MISSING_CREDENTIAL and found[1].kind is Kind.MISSING_CONFIG
    assert any("instance metadata service: not contacted" in e for e in found[0].evidence)


def test_not_needed_missing_is_info(site: FakeSite, tmp_path: Path) -> None:
    assert {f.severity for f in run(env_for(site, home(tmp_path), needed=False))} == {Severity.INFO}


def test_shared_credentials_file_with_region_in_profile(site: FakeSite, tmp_path: Path) -> None:
    environ = home(tmp_path, config="[default]\nregion = us-west-2\n",
                   credentials=f"[default]\naws_access_key_id = {AKID}\naws_secret_access_key = {SECRET}\n")
    assert run(env_for(site, environ)) == []
    chain = aws.resolve(environ)
    assert chain.method == "shared-credentials-file" and chain.region == "us-west-2"


def test_without_region(site: FakeSite, tmp_path: Path) -> None:
    environ = {**home(tmp_path), "AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": SECRET}
    [f] = run(env_for(site, environ))
    assert f.code == "LCD441" and f.severity is Severity.ERROR and f.fix is not None
    assert f.fix.commands == ("export AWS_REGION=us-east-1",)


def test_partial_and_malformed_keys(site: FakeSite, tmp_path: Path) -> None:
    found = run(env_for(site, {**home(tmp_path), "AWS_ACCESS_KEY_ID": AKID, "AWS_REGION": "us-east-1"}))
    assert [f.code for f in found] == ["LCD444"] and "AWS_SECRET_ACCESS_KEY is missing" in found[0].title
    found = run(env_for(site, {**home(tmp_path), "AWS_ACCESS_KEY_ID": f'"{AKID}"', "AWS_SECRET_ACCESS_KEY": SECRET,
                               "AWS_REGION": "us-east-1"}))
    assert [f.code for f in found] == ["LCD444"] and "quotes or whitespace" in found[0].title
    found = run(env_for(site, {**home(tmp_path), "AWS_ACCESS_KEY_ID": "ASIA" + "Q" * 16,
                               "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_REGION": "us-east-1"}))
    assert [f.code for f in found] == ["LCD444"] and "without a session token" in found[0].title
    assert all(SECRET not in h.as_text(f) for f in found)


def test_profile_not_found(site: FakeSite, tmp_path: Path) -> None:
    environ = {**home(tmp_path, config="[profile other]\nregion = us-east-1\n"), "AWS_PROFILE": "missing",
               "AWS_REGION": "us-east-1"}
    [f] = run(env_for(site, environ))
    assert f.code == "LCD443" and f.subject == "missing"


def test_default_profile_variable_wins_like_botocore(tmp_path: Path) -> None:
    environ = {**home(tmp_path, config="[profile a]\nregion = r-a\n[profile b]\nregion = r-b\n"),
               "AWS_DEFAULT_PROFILE": "a", "AWS_PROFILE": "b"}
    assert aws.resolve(environ).region == "r-a"


def test_sso_session_expired_without_refresh(site: FakeSite, tmp_path: Path) -> None:
    environ = {**home(tmp_path, config=SSO_CONFIG), "AWS_PROFILE": "dev"}
    cache = sso_cache(environ, "my-sso", expires=NOW - dt.timedelta(hours=2))
    [f] = run(env_for(site, environ))
    assert f.code == "LCD442" and f.kind is Kind.REAUTH_REQUIRED and f.severity is Severity.ERROR
    assert f.fix is not None and f.fix.commands == ("aws sso login --profile dev",)
    assert str(cache) in f.evidence[0]
    assert "aoaAAAAAG" not in h.as_text(f)


def test_sso_session_valid_and_refreshable(site: FakeSite, tmp_path: Path) -> None:
    environ = {**home(tmp_path, config=SSO_CONFIG), "AWS_PROFILE": "dev"}
    sso_cache(environ, "my-sso", expires=NOW + dt.timedelta(hours=2))
    assert run(env_for(site, environ)) == []
    sso_cache(environ, "my-sso", expires=NOW - dt.timedelta(hours=2), refresh=True)
    [f] = run(env_for(site, environ))
    assert f.code == "LCD450" and f.severity is Severity.INFO


def test_sso_never_logged_in(site: FakeSite, tmp_path: Path) -> None:
    environ = {**home(tmp_path, config=SSO_CONFIG), "AWS_PROFILE": "dev"}
    [f] = run(env_for(site, environ))
    assert f.code == "LCD442" and "never logged in" in f.title


def test_legacy_sso_is_keyed_by_start_url(site: FakeSite, tmp_path: Path) -> None:
    config = ("[profile old]\nsso_start_url = https://legacy.awsapps.com/start\nsso_region = us-east-1\n"
              "sso_account_id = 111122223333\nsso_role_name = Admin\nregion = us-east-1\n")
    environ = {**home(tmp_path, config=config), "AWS_PROFILE": "old"}
    sso_cache(environ, "https://legacy.awsapps.com/start", expires=NOW - dt.timedelta(minutes=1), refresh=True)
    [f] = run(env_for(site, environ))
    assert f.code == "LCD442"  # legacy SSO has no refresh: expired is expired


def test_sso_profile_with_missing_session_section(site: FakeSite, tmp_path: Path) -> None:
    config = "[profile dev]\nsso_session = nowhere\nsso_account_id = 1\nsso_role_name = r\nregion = us-east-1\n"
    [f] = run(env_for(site, {**home(tmp_path, config=config), "AWS_PROFILE": "dev"}))
    assert f.code == "LCD445" and "[sso-session nowhere]" in f.title


def test_assume_role_from_an_expired_sso_source(site: FakeSite, tmp_path: Path) -> None:
    config = SSO_CONFIG + "\n[profile deploy]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = dev\nregion = r\n"
    environ = {**home(tmp_path, config=config), "AWS_PROFILE": "deploy"}
    sso_cache(environ, "my-sso", expires=NOW - dt.timedelta(days=1))
    [f] = run(env_for(site, environ))
    assert f.code == "LCD442" and f.fix is not None and f.fix.commands == ("aws sso login --profile dev",)


def test_assume_role_with_missing_source(site: FakeSite, tmp_path: Path) -> None:
    config = "[profile deploy]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = ghost\nregion = r\n"
    [f] = run(env_for(site, {**home(tmp_path, config=config), "AWS_PROFILE": "deploy"}))
    assert f.code == "LCD445" and "'ghost'" in f.title


def test_credential_process_program_missing(site: FakeSite, tmp_path: Path) -> None:
    config = "[default]\ncredential_process = /nonexistent/aws-vault export --format=json\nregion = r\n"
    [f] = run(env_for(site, home(tmp_path, config=config)))
    assert f.code == "LCD445" and "/nonexistent/aws-vault" in f.title


def test_web_identity_token_file_missing(site: FakeSite, tmp_path: Path) -> None:
    environ = {**home(tmp_path), "AWS_WEB_IDENTITY_TOKEN_FILE": str(tmp_path / "token"),
               "AWS_ROLE_ARN": "arn:aws:iam::1:role/x", "AWS_REGION": "r"}
    [f] = run(env_for(site, environ))
    assert f.code == "LCD445"
    (tmp_path / "token").write_text("eyJ...")
    assert run(env_for(site, environ)) == []


def test_unparsable_config(site: FakeSite, tmp_path: Path) -> None:
    environ = {**home(tmp_path, config="this is not ini\n[default\n"), "AWS_ACCESS_KEY_ID": AKID,
               "AWS_SECRET_ACCESS_KEY": SECRET, "AWS_REGION": "r"}
    [f] = run(env_for(site, environ))
    assert f.code == "LCD445" and "cannot parse" in f.title


# --- SigV4 and --online -----------------------------------------------------------------------------------

EXAMPLE_SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"


def test_sigv4_matches_aws_published_vectors() -> None:
    # AWS SigV4 test suite "get-vanilla" and the IAM ListUsers example of the signing documentation.
    auth = sigv4.sign(method="GET", url="https://example.amazonaws.com/",
                      headers={"Host": "example.amazonaws.com", "X-Amz-Date": "20150830T123600Z"}, body=b"",
                      access_key="AKIDEXAMPLE", secret_key=EXAMPLE_SECRET, region="us-east-1", service="service",
                      amz_date="20150830T123600Z")
    assert auth.endswith("Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
    auth = sigv4.sign(method="GET", url="https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08",
                      headers={"Host": "iam.amazonaws.com", "X-Amz-Date": "20150830T123600Z",
                               "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
                      body=b"", access_key="AKIDEXAMPLE", secret_key=EXAMPLE_SECRET, region="us-east-1",
                      service="iam", amz_date="20150830T123600Z")
    assert "SignedHeaders=content-type;host;x-amz-date" in auth
    assert auth.endswith("Signature=5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7")


def online(site: FakeSite, tmp_path: Path, url: str, secret: str = SECRET, **extra: str) -> list[Finding]:
    environ = {**home(tmp_path), "AWS_ACCESS_KEY_ID": AKID, "AWS_SECRET_ACCESS_KEY": secret,
               "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL_STS": url, **extra}
    return run(env_for(site, environ, online=True))


def test_online_valid_keys(site: FakeSite, tmp_path: Path) -> None:
    with sts_server({AKID: Key(SECRET)}) as srv:
        assert online(site, tmp_path, srv.url) == []
        [req] = srv.requests
    assert req.form() == {"Action": "GetCallerIdentity", "Version": "2011-06-15"}


@pytest.mark.parametrize(("keys", "secret", "code", "aws_code"), [
    ({AKID: Key(SECRET)}, SECRET[:-1] + "X", "LCD446", "SignatureDoesNotMatch"),
    ({}, SECRET, "LCD446", "InvalidClientTokenId"),
    ({AKID: Key(SECRET, expired=True)}, SECRET, "LCD447", "ExpiredToken"),
])
def test_online_rejections(site: FakeSite, tmp_path: Path, keys: dict[str, Key], secret: str, code: str,
                           aws_code: str) -> None:
    with sts_server(keys) as srv:
        [f] = online(site, tmp_path, srv.url, secret)
    assert f.code == code and aws_code in f.evidence[0] and f.severity is Severity.ERROR
    assert secret not in h.as_text(f) and AKID not in h.as_text(f)


def test_online_session_token_is_sent(site: FakeSite, tmp_path: Path) -> None:
    with sts_server({AKID: Key(SECRET, session_token="IQoJb3JpZ2luX2VjEloopback")}) as srv:
        assert online(site, tmp_path, srv.url, AWS_SESSION_TOKEN="IQoJb3JpZ2luX2VjEloopback") == []


def test_online_unreachable(site: FakeSite, tmp_path: Path) -> None:
    with sts_server({}) as srv:
        url = srv.url
    [f] = online(site, tmp_path, url)
    assert f.code == "LCD448" and f.severity is Severity.WARNING and f.kind is Kind.UNREACHABLE


def test_online_sso_without_botocore_is_not_verified(site: FakeSite, tmp_path: Path) -> None:
    environ = {**home(tmp_path, config=SSO_CONFIG), "AWS_PROFILE": "dev", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9"}
    sso_cache(environ, "my-sso", expires=NOW + dt.timedelta(hours=1))
    [f] = run(env_for(site, environ, online=True))
    assert f.code == "LCD449" and f.severity is Severity.INFO


@pytest.mark.parametrize(("extra", "nothing"), [
    ({}, True),
    ({"AWS_CA_BUNDLE": "/etc/ssl/proxy.pem", "AWS_MAX_ATTEMPTS": "3", "AWS_ENDPOINT_URL_S3": "http://x"}, True),
    ({"AWS_CA_BUNDLE": "/etc/ssl/proxy.pem", "AWS_PROFILE": "dev"}, False),
    ({"AWS_ACCESS_KEY_ID": AKID}, False),
    ({"AWS_WEB_IDENTITY_TOKEN_FILE": "/var/run/token"}, False),
    ({"AWS_REGION": "us-east-1"}, False),
    ({"AWS_SOMETHING_NEW": "1"}, False),  # unknown: botocore may use it, so its probe runs
])
def test_botocore_probe_is_skipped_only_when_nothing_could_name_credentials(
        tmp_path: Path, extra: dict[str, str], nothing: bool) -> None:
    from langchain_doctor.creds.probes import _nothing_for_aws

    environ = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", **extra}
    assert _nothing_for_aws(environ) is nothing
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text("[default]\nregion = eu-west-1\n")
    assert _nothing_for_aws(environ) is False  # a config file: botocore reads it
