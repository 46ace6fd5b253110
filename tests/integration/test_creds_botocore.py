"""AWS against the real botocore: it finds the SSO token where the doctor looks, it resolves what the doctor
reads, its signatures pass the loopback STS that the doctor's own SigV4 passes, and --online runs
GetCallerIdentity inside the target for credentials only botocore can resolve (credential_process)."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor.creds import aws

from tests.realenv import real_venv, venv_python
from tests.servers.sts import Key, sts_server

pytestmark = pytest.mark.integration

AKID = "AKIAIOSFODNN7LOOPBAK"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzzINTEGRATE"
NOW = dt.datetime.now(dt.timezone.utc)
SSO_CONFIG = """\
[profile dev]
sso_session = my-sso
sso_account_id = 111122223333
sso_role_name = ReadOnly
region = eu-west-1

[sso-session my-sso]
sso_start_url = https://my-sso-portal.awsapps.com/start
sso_region = us-east-1

[profile legacy]
sso_start_url = https://legacy.awsapps.com/start
sso_region = us-east-1
sso_account_id = 111122223333
sso_role_name = Admin
"""


@pytest.fixture(scope="module")
def venv() -> Path:
    return real_venv(["botocore==1.44.5"])


def base_env(home: Path, **extra: str) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home), **extra}


def in_target(venv: Path, code: str, env: dict[str, str]) -> Any:
    done = subprocess.run([str(venv_python(venv)), "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def doctor(home: Path, venv: Path, *args: str, **extra: str) -> tuple[dict[str, Any], str]:
    done = subprocess.run([sys.executable, "-m", "langchain_doctor", "check", "--format", "json", "--python",
                           str(venv_python(venv)), "--provider", "aws", *args], capture_output=True, text=True,
                          env=base_env(home, **extra), cwd=str(home), timeout=300)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout), done.stdout + done.stderr


def write_sso(home: Path, seed: str, expires: dt.datetime) -> Path:
    (home / ".aws" / "sso" / "cache").mkdir(parents=True, exist_ok=True)
    (home / ".aws" / "config").write_text(SSO_CONFIG)
    profile = {"sso_session": seed} if not seed.startswith("https://") else {"sso_start_url": seed}
    path = Path(aws.sso_token(profile, {"HOME": str(home)}).cache_file)
    path.write_text(json.dumps({"startUrl": "https://my-sso-portal.awsapps.com/start", "region": "us-east-1",
                                "accessToken": "aoaAAAAAGintegrationAccessToken0123456789",
                                "expiresAt": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}))
    return path


@pytest.mark.parametrize(("seed", "start_url", "session"), [
    ("my-sso", "https://my-sso-portal.awsapps.com/start", "my-sso"),
    ("https://legacy.awsapps.com/start", "https://legacy.awsapps.com/start", None),
])
def test_botocore_finds_the_sso_token_where_the_doctor_looks(venv: Path, tmp_path: Path, seed: str,
                                                              start_url: str, session: str | None) -> None:
    write_sso(tmp_path, seed, NOW + dt.timedelta(hours=1))
    got = in_target(venv, f"""
        import json, os
        from botocore.utils import SSOTokenLoader, JSONFileCache
        cache = JSONFileCache(os.path.expanduser("~/.aws/sso/cache"))
        token = SSOTokenLoader(cache=cache)({start_url!r}, session_name={session!r})
        print(json.dumps({{"found": bool(token.get("accessToken"))}}))
    """, base_env(tmp_path))
    assert got == {"found": True}


def test_expired_sso_profile(venv: Path, tmp_path: Path) -> None:
    write_sso(tmp_path, "my-sso", NOW - dt.timedelta(hours=3))
    report, raw = doctor(tmp_path, venv, AWS_PROFILE="dev")
    [f] = [f for f in report["findings"] if f["code"] == "LCD442"]
    assert f["kind"] == "reauth-required" and f["fix"]["commands"] == ["aws sso login --profile dev"]
    assert "botocore 1.44.5 in the target resolves: method sso, region eu-west-1" in f["evidence"]
    assert "aoaAAAAAGintegration" not in raw


def test_without_region_botocore_agrees(venv: Path, tmp_path: Path) -> None:
    report, raw = doctor(tmp_path, venv, AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET)
    [f] = [f for f in report["findings"] if f["code"] == "LCD441"]
    assert f["kind"] == "missing-config" and f["severity"] == "error"
    assert "botocore 1.44.5 in the target resolves: method env, region none" in f["evidence"]
    assert SECRET not in raw


def test_profile_not_found_is_what_botocore_raises(venv: Path, tmp_path: Path) -> None:
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text("[profile real]\nregion = us-east-1\n")
    report, _ = doctor(tmp_path, venv, AWS_PROFILE="typo")
    [f] = [f for f in report["findings"] if f["code"] == "LCD443"]
    assert "botocore 1.44.5 in the target: ProfileNotFound: The config profile (typo) could not be found" in (
        f["evidence"])


BOTOCORE_STS = """
    import json
    import botocore.session
    from botocore.exceptions import ClientError
    s = botocore.session.Session()
    c = s.create_client("sts", region_name="us-east-1")
    try:
        c.get_caller_identity()
        print(json.dumps({"ok": True}))
    except ClientError as exc:
        print(json.dumps({"code": exc.response["Error"]["Code"]}))
"""


def test_botocore_signatures_pass_the_loopback_sts_and_the_doctor_agrees(venv: Path, tmp_path: Path) -> None:
    with sts_server({AKID: Key(SECRET)}) as srv:
        good = base_env(tmp_path, AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET,
                        AWS_ENDPOINT_URL_STS=srv.url, AWS_REGION="us-east-1")
        bad = {**good, "AWS_SECRET_ACCESS_KEY": SECRET[:-1] + "Z"}
        assert in_target(venv, BOTOCORE_STS, good) == {"ok": True}
        assert in_target(venv, BOTOCORE_STS, bad) == {"code": "SignatureDoesNotMatch"}
        ok_report, _ = doctor(tmp_path, venv, "--online", **{k: v for k, v in good.items() if k not in ("PATH",
                                                                                                         "HOME")})
        bad_report, raw = doctor(tmp_path, venv, "--online", **{k: v for k, v in bad.items() if k not in ("PATH",
                                                                                                           "HOME")})
    assert not [f for f in ok_report["findings"] if f["provider"] == "aws" and f["code"].startswith("LCD44")]
    [f] = [f for f in bad_report["findings"] if f["code"] == "LCD446"]
    assert "SignatureDoesNotMatch" in f["evidence"] and SECRET[:-1] not in raw


def test_online_credential_process_is_verified_inside_the_target(venv: Path, tmp_path: Path) -> None:
    helper = tmp_path / "creds.py"
    creds = {"Version": 1, "AccessKeyId": AKID, "SecretAccessKey": SECRET}
    helper.write_text(f"import json\nprint(json.dumps({creds!r}))\n")
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "config").write_text(
        f"[default]\ncredential_process = {sys.executable} {helper}\nregion = us-east-1\n")
    offline, _ = doctor(tmp_path, venv)
    assert not [f for f in offline["findings"] if f["check"] == "aws-credentials"]
    for expired, expect in ((False, None), (True, "LCD447")):
        with sts_server({AKID: Key(SECRET, expired=expired)}) as srv:
            report, raw = doctor(tmp_path, venv, "--online", AWS_ENDPOINT_URL_STS=srv.url)
            assert len(srv.requests) == 1  # botocore in the target made exactly one call
        found = [f["code"] for f in report["findings"] if f["check"] == "aws-credentials"]
        assert found == ([] if expect is None else [expect])
        assert SECRET not in raw
