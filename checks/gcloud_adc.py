"""gcloud Application Default Credentials for Vertex AI: resolution, the file, the project; with --online, one
refresh whose answer is classified as google-auth classifies it (reauth needed, revoked, rejected, unreachable).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, Optional

from ..checkapi import Check
from ..creds import gcloud, needs, probes
from ..findings import command, make
from ..knowledge.credentials import CHAINS
from ..knowledge.providers import BY_NAME, CredentialKind
from ..model import Finding, Fix, Severity
from ._common import not_verified

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from ..context import Environment

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
_CHAIN = CHAINS[CredentialKind.GCLOUD_ADC]
PROVIDER = _CHAIN.provider
LIB = _CHAIN.library
"""The library whose chain is resolved (named in evidence as the application will meet it)."""

SETUP = Fix("Log in for Application Default Credentials (or set GOOGLE_APPLICATION_CREDENTIALS to a key file)",
            ("gcloud auth application-default login",), manual=True)
LOGIN = Fix("Log in again for Application Default Credentials, then restart the notebook kernel",
            ("gcloud auth application-default login",), manual=True)
_FILE_FIX = {
    "LCD421": Fix("Point GOOGLE_APPLICATION_CREDENTIALS at an existing file, or unset it and log in with gcloud",
                  ("unset GOOGLE_APPLICATION_CREDENTIALS", "gcloud auth application-default login"), manual=True),
    "LCD422": Fix("Make the credentials file readable by the user that runs the notebook", (), manual=True),
    "LCD423": Fix("Download the key again, or recreate gcloud's file", ("gcloud auth application-default login",),
                  manual=True),
}


def _probe_line(probe: Optional[Mapping[str, Any]]) -> list[str]:
    failed = probes.failure_lines(probe, LIB)
    if failed is not None:
        return failed
    assert probe is not None
    version = probe.get("version", "?")
    if probe.get("source") == "none":
        return [f"{LIB} {version} in the target finds no credentials file either"]
    cls = str(probe.get("class", "")).rsplit(".", 2)
    return [f"{LIB} {version} in the target loads it as {'.'.join(cls[-2:])}"
            + (f", project {probe['project']}" if probe.get("project") else "")]


def _offline(env: Environment, nd: needs.Needs, res: gcloud.Resolution,
             probe: Optional[Mapping[str, Any]]) -> Iterator[Finding]:
    need = nd.severity(PROVIDER, when_needed=E, otherwise=I)
    broken = nd.severity(PROVIDER, when_needed=E, otherwise=W)
    evidence = [*res.tried, *_probe_line(probe)]
    f = res.file
    if f is None:
        if res.on_gce:
            yield make("LCD428", title=f"No credentials file: {LIB} would use this machine's metadata server",
                       subject="metadata server", provider=PROVIDER, evidence=evidence)
        else:
            yield make("LCD420", title="No Application Default Credentials for Vertex AI", subject=res.gcloud_dir,
                       provider=PROVIDER, severity=need, evidence=evidence, fix=SETUP)
        return
    if f.error_code:
        yield make(f.error_code, title=f"Vertex AI credentials: {f.error}", subject=f.path, provider=PROVIDER,
                   severity=broken, evidence=evidence, fix=_FILE_FIX[f.error_code])
        return
    if probe is not None and probe.get("error_class") and probe.get("source") != "none":
        yield make("LCD427", title=f"{LIB} cannot load {f.path}: {probe['error_class']}", subject=f.path,
                   provider=PROVIDER, severity=broken, evidence=evidence,
                   fix=Fix(f"See {LIB}'s message; recreate the credentials", ("gcloud auth application-default "
                                                                                  "login",), manual=True))
    if f.too_open:
        yield make("LCD424", title=f"{f.path} is readable by other users (mode {oct(f.mode or 0)})", subject=f.path,
                   provider=PROVIDER, evidence=[f"{f.type} credentials hold a secret; mode {oct(f.mode or 0)}"],
                   fix=Fix("Make the file private", (command("chmod", "600", f.path),), manual=True))
    if f.type == "authorized_user" and not gcloud.quota_project(env.environ, res):
        yield make("LCD425", title="gcloud user credentials have no quota project", subject=f.path,
                   provider=PROVIDER, evidence=[f"{f.path}: no quota_project_id; GOOGLE_CLOUD_QUOTA_PROJECT unset"],
                   fix=Fix("Set a quota project", ("gcloud auth application-default set-quota-project PROJECT_ID",),
                           manual=True))


def _project(env: Environment, nd: needs.Needs, res: gcloud.Resolution,
             probe: Optional[Mapping[str, Any]]) -> Iterator[Finding]:
    proj, _where = gcloud.project(env.environ, res)
    if proj or (probe is not None and probe.get("project")):
        return
    yield make(
        "LCD426", title="Vertex AI: no Google Cloud project resolves", subject=gcloud.PROJECT_VARS[0],
        provider=PROVIDER, severity=nd.severity(PROVIDER, when_needed=E, otherwise=I),
        evidence=[f"{', '.join(gcloud.PROJECT_VARS)} unset; no project in gcloud's config ({res.gcloud_dir}) "
                  "or the credentials file",
                  f"(fine if the code passes project= to {BY_NAME[PROVIDER].chat_classes[0]})"],
        fix=Fix("Set the project", (command("export", f"{gcloud.PROJECT_VARS[0]}=PROJECT_ID"),), manual=True),
    )


def _verdict_finding(code: str, seen: str, library: str, url: str, elapsed: float, subject: str,
                     sev: Severity) -> Finding:
    titles = {
        "LCD430": "Vertex AI: gcloud credentials need reauthentication (invalid_rapt)",
        "LCD431": "Vertex AI: gcloud refresh token has expired or was revoked",
        "LCD432": "Vertex AI: Google rejected the credentials",
        "LCD433": "Vertex AI: Google's token endpoint could not be reached",
    }
    evidence = [f"POST {url} -> {seen} ({elapsed:.2f} s, one attempt)"]
    if library:
        evidence.append(f"the application will raise: {library}")
    fix = LOGIN if code in ("LCD430", "LCD431") else (
        None if code == "LCD433" else Fix("Use a valid credential", ("gcloud auth application-default login",),
                                          manual=True))
    return make(code, title=titles[code], subject=subject, provider=PROVIDER,
                severity=W if code == "LCD433" else sev, evidence=evidence, fix=fix)


def _online(env: Environment, nd: needs.Needs, res: gcloud.Resolution) -> Iterator[Finding]:
    from ..creds import google_online  # online only: keeps urllib off the offline path

    f = res.file
    sev = nd.severity(PROVIDER, when_needed=E, otherwise=W)
    timeout = env.options.net_timeout
    if f is None:
        yield from _metadata(env, res, sev)
        return
    if f.error_code:
        return
    info = f.info
    user_info: Optional[Mapping[str, Any]] = None
    if f.type == "authorized_user":
        user_info = info
    elif f.type == "impersonated_service_account":
        src = info.get("source_credentials")
        if isinstance(src, dict) and src.get("type") == "authorized_user":
            user_info = src
    if user_info is not None:
        v = google_online.refresh_user(user_info, env.environ, timeout)
        if v.code:
            yield _verdict_finding(v.code, v.seen, v.library_error, v.url, v.elapsed, f.path, sev)
        if f.type == "authorized_user":
            return
    override = google_online.token_uri(env.environ)
    probe = probes.google_auth(env, refresh=True,
                               token_uri=override if override != google_online.DEFAULT_TOKEN_URI else "")
    if probe is None:
        yield not_verified("LCD434", _CHAIN, f"Vertex AI: {f.type} credentials not verified online", f.path)
        return
    result = probe.get("refresh")
    if not isinstance(result, dict):
        reason = probes.no_answer(probe)
        yield make("LCD433", title="Vertex AI: the credentials could not be refreshed in the target",
                   subject=f.path, provider=PROVIDER, evidence=[f"{LIB} probe: {reason}"])
        return
    if result.get("ok"):
        return
    code = google_online.classify_library_error(str(result.get("error_class", "")), str(result.get("message", "")))
    yield _verdict_finding(code, f"{LIB} {result.get('error_class')}: {result.get('message')}", "",
                           override, float(result.get("elapsed", 0.0) or 0.0), f.path, sev)


def _metadata(env: Environment, res: gcloud.Resolution, sev: Severity) -> Iterator[Finding]:
    from ..creds import (
        google_online,  # online only: keeps urllib off the offline path
        http,  # online only: keeps urllib off the offline path
    )

    host = env.environ.get("GCE_METADATA_HOST", "").strip()
    if not host and not res.on_gce:
        return
    url = f"http://{host or 'metadata.google.internal'}/computeMetadata/v1/instance/service-accounts/default/token"
    start = time.monotonic()
    answer = http.request(url, headers={"Metadata-Flavor": "Google"}, timeout=env.options.net_timeout)
    data = answer.json()
    if answer.status == 200 and isinstance(data, dict) and data.get("access_token"):
        return
    code, seen = google_online.classify(answer.status, data, answer.error, user=False)
    yield _verdict_finding(code or "LCD432", seen, "", url, time.monotonic() - start, "metadata server", sev)


def run(env: Environment) -> Iterator[Finding]:
    """ADC findings when Vertex AI is installed or needed."""
    nd = needs.compute(env)
    if BY_NAME[PROVIDER] not in nd.present:
        return
    res = gcloud.resolve(env.environ)
    probe = probes.google_auth(env)
    yield from _offline(env, nd, res, probe)
    if res.file is None or not res.file.error_code:
        yield from _project(env, nd, res, probe)
    if env.options.online:
        yield from _online(env, nd, res)


CHECK = Check("gcloud-adc", "credentials",
              "gcloud Application Default Credentials for Vertex AI (offline; one refresh with --online).", run)
