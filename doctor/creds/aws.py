"""AWS credentials for Bedrock, offline, in botocore's order; the region; the SSO token cache.

botocore's chain (botocore/credentials.py ``create_credential_resolver``): environment, assume-role,
web identity, SSO, shared credentials file, credential_process, config file, container, instance metadata.
The profile is AWS_DEFAULT_PROFILE, else AWS_PROFILE, else ``default``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Optional

from .. import inputs
from ..creds.gcloud import CREDENTIAL_FILE_LIMIT, home
from ..inputs import read_text
from ..knowledge.providers import CredentialKind, config_vars_of

if TYPE_CHECKING:
    from collections.abc import Mapping

STATIC_METHODS = ("env", "shared-credentials-file", "config-file")
# The region: the providers table's setting of the rows that use AWS credentials (AWS_REGION first: SDK-wide,
# langchain-aws reads it).
_REGION_VARS: tuple[str, ...] = next(iter(config_vars_of(CredentialKind.AWS)))
_KEY_ID = re.compile(r"^(?:AKIA|ASIA|AIDA|AROA|ABIA|ACCA)[A-Z0-9]{12,124}$")


class Problem(NamedTuple):
    """One finding-worthy fact about the AWS setup (no secret values)."""

    code: str
    detail: str
    evidence: tuple[str, ...] = ()


class SsoToken(NamedTuple):
    """What the SSO cache says about a profile's token."""

    cache_file: str
    state: str
    """valid | expired | refreshable | missing | unreadable."""
    expires: str = ""


class Chain(NamedTuple):
    """The outcome of resolving like botocore, without network."""

    profile: str
    profile_explicit: bool
    method: str
    """botocore's method name of the first source that yields credentials; "" when none does."""
    region: Optional[str]
    region_source: str
    config_file: str
    credentials_file: str
    access_key: str = ""
    secret_key: str = ""
    session_token: str = ""
    """Static credentials (only for env / files), kept to sign the --online request; never shown."""
    problems: tuple[Problem, ...] = ()
    sso: Optional[SsoToken] = None
    sso_profile: str = ""
    tried: tuple[str, ...] = ()


Ini = dict[str, list[tuple[str, str]]]
"""An INI file's sections, each with its (key, value) items in file order."""


def _read_ini(path: Path) -> tuple[Ini, str]:
    """The sections of ``path`` ({} when it does not exist) and the one-line error when it cannot be parsed."""
    if not inputs.exists(path):
        return {}, ""  # the common case: configparser is not even imported
    import configparser

    parser = configparser.RawConfigParser(strict=False)
    try:
        parser.read_string(read_text(path, limit=CREDENTIAL_FILE_LIMIT, content=True), source=str(path))
    except (configparser.Error, OSError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return {}, f"{path}: {first[:200]}"
    return {section: parser.items(section) for section in parser.sections()}, ""


def _profiles(config: Ini, creds: Ini
              ) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    conf: dict[str, dict[str, str]] = {}
    sessions: dict[str, dict[str, str]] = {}
    for section, pairs in config.items():
        items = {k.lower(): v.strip() for k, v in pairs}
        s = section.strip()
        if s == "default":
            conf["default"] = items
        elif s.startswith("profile "):
            conf[s[len("profile "):].strip()] = items
        elif s.startswith("sso-session "):
            sessions[s[len("sso-session "):].strip()] = items
    shared = {s.strip(): {k.lower(): v.strip() for k, v in pairs} for s, pairs in creds.items()}
    return conf, shared, sessions


def sso_cache_key(profile: Mapping[str, str]) -> str:
    """botocore's cache key: sha1 of the sso_session name, else of the legacy sso_start_url."""
    import hashlib

    seed = profile.get("sso_session") or profile.get("sso_start_url", "")
    return hashlib.sha1(seed.encode("utf-8")).hexdigest()


def _parse_time(value: str) -> Optional[dt.datetime]:
    v = value.strip().replace("UTC", "+00:00")
    if v.endswith("Z"):
        v = v[:-1] + "+00:00"
    try:
        t = dt.datetime.fromisoformat(v)
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc)


def sso_token(profile: Mapping[str, str], environ: Mapping[str, str],
              now: Optional[dt.datetime] = None) -> SsoToken:
    """State of the profile's token in ~/.aws/sso/cache (botocore's SSOTokenLoader)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    path = home(environ) / ".aws" / "sso" / "cache" / f"{sso_cache_key(profile)}.json"
    if not inputs.exists(path):
        return SsoToken(str(path), "missing")
    try:
        data = json.loads(read_text(path, limit=CREDENTIAL_FILE_LIMIT, content=True))
        expires = _parse_time(str(data.get("expiresAt", "")))
    except (OSError, ValueError, AttributeError):
        return SsoToken(str(path), "unreadable")
    if not data.get("accessToken") or expires is None:
        return SsoToken(str(path), "unreadable")
    if expires > now:
        return SsoToken(str(path), "valid", expires.isoformat())
    reg = _parse_time(str(data.get("registrationExpiresAt", "")))
    refreshable = (profile.get("sso_session") and data.get("refreshToken") and data.get("clientId")
                   and data.get("clientSecret") and reg is not None and reg > now)
    return SsoToken(str(path), "refreshable" if refreshable else "expired", expires.isoformat())


def _key_problems(where: str, key: str, secret: str, token: str) -> list[Problem]:
    out = []
    for label, value in (("access key id", key), ("secret access key", secret), ("session token", token)):
        if value and (value != value.strip() or value.strip()[:1] in "'\"" or value.strip()[-1:] in "'\""):
            out.append(Problem("LCD444", f"{where}: the {label} has quotes or whitespace around it"))
    k = key.strip().strip("'\"")
    if k and not _KEY_ID.match(k):
        out.append(Problem("LCD444", f"{where}: the access key id is not an AWS key id (AKIA.../ASIA...)"))
    if k.startswith("ASIA") and not token.strip():
        out.append(Problem("LCD444", f"{where}: temporary (ASIA) keys without a session token"))
    return out


def _which(program: str, environ: Mapping[str, str]) -> bool:
    return inputs.which(program, environ.get("PATH", os.defpath)) is not None


def resolve(environ: Mapping[str, str], now: Optional[dt.datetime] = None) -> Chain:
    """Resolve credentials and region as botocore would, reading only files."""
    h = home(environ)
    config_path = Path(environ.get("AWS_CONFIG_FILE") or h / ".aws" / "config").expanduser()
    creds_path = Path(environ.get("AWS_SHARED_CREDENTIALS_FILE") or h / ".aws" / "credentials").expanduser()
    problems: list[Problem] = []
    config, err1 = _read_ini(config_path)
    shared_ini, err2 = _read_ini(creds_path)
    for err in (err1, err2):
        if err:
            problems.append(Problem("LCD445", f"cannot parse {err}"))
    conf, shared, sessions = _profiles(config, shared_ini)
    explicit = environ.get("AWS_DEFAULT_PROFILE") or environ.get("AWS_PROFILE") or ""
    name = explicit or "default"
    tried: list[str] = [f"profile {name!r}" + (" (from AWS_DEFAULT_PROFILE/AWS_PROFILE)" if explicit else "")]
    if explicit and name not in conf and name not in shared:
        problems.append(Problem("LCD443", f"profile {name!r} is in neither {config_path} nor {creds_path}"))
    prof = conf.get(name, {})
    # Region: AWS_REGION (SDK-wide; langchain-aws reads it), AWS_DEFAULT_REGION, the profile's region.
    region, region_src = None, ""
    for var in _REGION_VARS:
        if environ.get(var, "").strip():
            region, region_src = environ[var].strip(), var
            break
    if region is None and prof.get("region"):
        region, region_src = prof["region"], f"region of profile {name!r} in {config_path}"
    chain = {"profile": name, "profile_explicit": bool(explicit), "region": region, "region_source": region_src,
                 "config_file": str(config_path), "credentials_file": str(creds_path)}

    def done(method: str, **kw: object) -> Chain:
        return Chain(method=method, problems=tuple(problems), tried=tuple(tried), **chain, **kw)  # type: ignore[arg-type]

    # 1. environment
    key, secret = environ.get("AWS_ACCESS_KEY_ID", ""), environ.get("AWS_SECRET_ACCESS_KEY", "")
    token = environ.get("AWS_SESSION_TOKEN") or environ.get("AWS_SECURITY_TOKEN") or ""
    if key or secret:
        tried.append("environment: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY")
        if not (key and secret):
            missing = "AWS_SECRET_ACCESS_KEY" if key else "AWS_ACCESS_KEY_ID"
            problems.append(Problem("LCD444", f"environment: {missing} is missing (partial credentials)"))
        problems.extend(_key_problems("environment", key, secret, token))
        return done("env", access_key=key.strip(), secret_key=secret.strip(), session_token=token.strip())
    tried.append("environment: no AWS_ACCESS_KEY_ID")
    if any(p.code == "LCD443" for p in problems):
        return done("")
    # 2. assume-role
    if prof.get("role_arn") and (prof.get("source_profile") or prof.get("credential_source")):
        tried.append(f"profile {name!r}: role_arn (assume-role)")
        src = prof.get("source_profile")
        if src and src not in conf and src not in shared:
            problems.append(Problem("LCD445", f"source_profile {src!r} of profile {name!r} does not exist"))
        elif src:
            src_prof = conf.get(src, {})
            if src_prof.get("sso_session") or src_prof.get("sso_start_url"):
                tok = sso_token(_sso_settings(src_prof, sessions), environ, now)
                return done("assume-role", sso=tok, sso_profile=src)
        return done("assume-role")
    # 3. web identity
    token_file = environ.get("AWS_WEB_IDENTITY_TOKEN_FILE") or prof.get("web_identity_token_file", "")
    role = environ.get("AWS_ROLE_ARN") or prof.get("role_arn", "")
    if token_file and role:
        tried.append("web identity token")
        if not inputs.is_file(Path(token_file).expanduser()):
            problems.append(Problem("LCD445", f"web identity token file {token_file} does not exist"))
        return done("assume-role-with-web-identity")
    # 4. SSO
    if prof.get("sso_session") or prof.get("sso_start_url"):
        tried.append(f"profile {name!r}: SSO")
        settings = _sso_settings(prof, sessions)
        if prof.get("sso_session") and prof["sso_session"] not in sessions:
            problems.append(Problem("LCD445", f"[sso-session {prof['sso_session']}] referenced by profile "
                                              f"{name!r} is not in {config_path}"))
            return done("sso")
        lacking = [k for k in ("sso_start_url", "sso_region", "sso_account_id", "sso_role_name") if not
                   settings.get(k)]
        if lacking:
            problems.append(Problem("LCD445", f"profile {name!r} uses SSO but lacks {', '.join(lacking)}"))
            return done("sso")
        return done("sso", sso=sso_token(settings, environ, now), sso_profile=name)
    # 5. shared credentials file
    sect = shared.get(name, {})
    if sect.get("aws_access_key_id") or sect.get("aws_secret_access_key"):
        tried.append(f"{creds_path} [{name}]")
        k, s, t = sect.get("aws_access_key_id", ""), sect.get("aws_secret_access_key", ""), sect.get(
            "aws_session_token", "")
        if not (k and s):
            problems.append(Problem("LCD444", f"{creds_path} [{name}]: only one of aws_access_key_id / "
                                              "aws_secret_access_key"))
        problems.extend(_key_problems(f"{creds_path} [{name}]", k, s, t))
        return done("shared-credentials-file", access_key=k, secret_key=s, session_token=t)
    tried.append(f"{creds_path} [{name}]: no keys")
    # 6. credential_process
    if prof.get("credential_process"):
        tried.append(f"profile {name!r}: credential_process")
        try:
            import shlex

            program = shlex.split(prof["credential_process"])[0]
        except (ValueError, IndexError):
            program = ""
        if not program or not _which(program, environ):
            problems.append(Problem("LCD445", f"credential_process of profile {name!r}: program "
                                              f"{program or '(none)'!r} not found"))
        return done("custom-process")
    # 7. config file keys
    if prof.get("aws_access_key_id") or prof.get("aws_secret_access_key"):
        tried.append(f"{config_path} profile {name!r}: keys")
        k, s, t = prof.get("aws_access_key_id", ""), prof.get("aws_secret_access_key", ""), prof.get(
            "aws_session_token", "")
        problems.extend(_key_problems(f"{config_path} [{name}]", k, s, t))
        return done("config-file", access_key=k, secret_key=s, session_token=t)
    # 8. container
    if environ.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") or environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        tried.append("container credentials endpoint (not contacted)")
        return done("container-role")
    tried.append("instance metadata service: not contacted")
    return done("")


def _sso_settings(prof: Mapping[str, str], sessions: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    out = dict(prof)
    if prof.get("sso_session"):
        for k, v in sessions.get(prof["sso_session"], {}).items():
            out.setdefault(k, v)
    return out
