"""AWS credentials and region for Bedrock: botocore's chain read from files (and, where botocore is installed in
the target, resolved by it without network); SSO token expiry; with --online, STS GetCallerIdentity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from ..checkapi import Check
from ..creds import aws, needs, probes
from ..findings import command, make
from ..knowledge.credentials import CHAINS
from ..knowledge.providers import BY_NAME, CredentialKind
from ..model import Finding, Fix, Severity
from ..redact import fingerprint
from ._common import not_verified

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from ..context import Environment

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO
_CHAIN = CHAINS[CredentialKind.AWS]
PROVIDER = _CHAIN.provider
LIB = _CHAIN.library
"""The library whose chain is resolved (named in evidence as the application will meet it)."""
_REGION_VARS = BY_NAME[PROVIDER].config_vars[0]

_BOTOCORE_CODES = {
    "ProfileNotFound": "LCD443", "PartialCredentialsError": "LCD444", "InvalidConfigError": "LCD445",
    "InvalidProfileError": "LCD445", "NoCredentialsError": "LCD440", "TokenRetrievalError": "LCD442",
    "SSOTokenLoadError": "LCD442", "UnauthorizedSSOTokenError": "LCD442", "CredentialRetrievalError": "LCD445",
}


def _sso_login(profile: str) -> Fix:
    return Fix("Log in to AWS SSO again, then restart the notebook kernel",
               (command(*_CHAIN.sso_login, "--profile", profile),), manual=True)


def _probe_lines(probe: Optional[Mapping[str, Any]]) -> list[str]:
    failed = probes.failure_lines(probe, LIB)
    if failed is not None:
        return failed
    assert probe is not None
    v = probe.get("version", "?")
    skipped = probe.get("skipped") or []
    return [f"{LIB} {v} in the target resolves: method {probe.get('method') or 'none'}, region "
            f"{probe.get('region') or 'none'}" + (f" (not run offline: {', '.join(skipped)})" if skipped else "")]


def _offline(env: Environment, nd: needs.Needs, chain: aws.Chain,
             probe: Optional[Mapping[str, Any]]) -> Iterator[Finding]:
    sev = nd.severity(PROVIDER, when_needed=E, otherwise=W)
    missing_sev = nd.severity(PROVIDER, when_needed=E, otherwise=I)
    base = [*chain.tried, *_probe_lines(probe)]
    for p in chain.problems:
        fix = Fix("Fix the AWS configuration the finding names", ("aws configure" + (
            f" --profile {chain.profile}" if chain.profile_explicit else ""),), manual=True)
        yield make(p.code, title=f"AWS: {p.detail}", subject=chain.profile if p.code == "LCD443" else (
            chain.config_file if p.code == "LCD445" else "AWS_ACCESS_KEY_ID"), provider=PROVIDER, severity=sev,
            evidence=[*p.evidence, *base], fix=fix)
    reported = {p.code for p in chain.problems}
    if probe is not None and probe.get("error_class"):
        code = _BOTOCORE_CODES.get(str(probe["error_class"]), "LCD451")
        if code not in reported:
            yield make("LCD451", title=f"AWS: {LIB} cannot resolve credentials: {probe['error_class']}",
                       subject=chain.profile, provider=PROVIDER, severity=sev, evidence=base,
                       fix=Fix(f"See {LIB}'s message", ("aws configure list",), manual=True))
            reported.add(code)
    method = chain.method
    probe_found = bool(probe and probe.get("method"))
    probe_skipped = bool(probe and probe.get("skipped"))
    if not method and not probe_found and not reported:
        yield make("LCD440", title="AWS: no credentials for Bedrock", subject=chain.profile, provider=PROVIDER,
                   severity=missing_sev, evidence=base + (
                       ["credential_process/container/instance metadata were not run offline"] if probe_skipped
                       else []),
                   fix=Fix("Configure AWS credentials", ("aws configure", "aws sso login --profile NAME"),
                           manual=True))
    tok = chain.sso
    if tok is not None:
        where = f"SSO token cache {tok.cache_file}"
        if tok.state in ("missing", "expired", "unreadable"):
            what = {"missing": "no cached SSO token (never logged in, or logged out)",
                    "expired": f"the SSO token expired at {tok.expires}, and no refresh token can renew it",
                    "unreadable": "the cached SSO token cannot be read"}[tok.state]
            yield make("LCD442", title=f"AWS SSO profile {chain.sso_profile!r}: {what}", subject=chain.sso_profile,
                       provider=PROVIDER, severity=sev, evidence=[where, *base], fix=_sso_login(chain.sso_profile))
        elif tok.state == "refreshable":
            yield make("LCD450", title=f"AWS SSO profile {chain.sso_profile!r}: access token expired at "
                       f"{tok.expires}; {LIB} will try its refresh token", subject=chain.sso_profile,
                       provider=PROVIDER, evidence=[where, *base], fix=_sso_login(chain.sso_profile))
    region = chain.region or (probe.get("region") if probe else None)
    if not region:
        yield make("LCD441", title="AWS: no region for Bedrock", subject=_REGION_VARS[0], provider=PROVIDER,
                   severity=nd.severity(PROVIDER, when_needed=E, otherwise=I),
                   evidence=[f"{' and '.join(_REGION_VARS)} unset; profile {chain.profile!r} in "
                             f"{chain.config_file} has no region", *_probe_lines(probe),
                             "(fine if the code passes region_name= to the chat class)"],
                   fix=Fix("Set the region", (command("export", f"{_REGION_VARS[0]}={_CHAIN.default_region}"),),
                           manual=True))


def _online(env: Environment, nd: needs.Needs, chain: aws.Chain) -> Iterator[Finding]:
    from ..creds import aws_online  # online only: keeps urllib off the offline path

    sev = nd.severity(PROVIDER, when_needed=E, otherwise=W)
    if any(p.code in ("LCD443", "LCD444") for p in chain.problems):
        return
    if chain.sso is not None and chain.sso.state in ("missing", "expired", "unreadable"):
        return
    if chain.method in aws.STATIC_METHODS:
        v = aws_online.get_caller_identity(env.environ, access_key=chain.access_key, secret_key=chain.secret_key,
                                           session_token=chain.session_token, region=chain.region,
                                           timeout=env.options.net_timeout)
        if v.code:
            yield _verdict(v.code, v.seen, v.url, v.elapsed, chain, sev)
        return
    if not chain.method:
        return
    probe = probes.botocore(env, sts=True)
    if probe is None:
        yield not_verified("LCD449", _CHAIN, f"AWS: {chain.method} credentials not verified online", chain.profile)
        return
    result = probe.get("sts")
    if not isinstance(result, dict):
        reason = probes.no_answer(probe)
        yield _verdict("LCD448", f"{LIB}: {reason}", aws_online.endpoint(env.environ, chain.region), 0.0, chain,
                       sev)
        return
    if result.get("ok"):
        return
    if result.get("code"):
        code, seen = aws_online.classify(result.get("status"), str(result["code"]), str(result.get("message", "")),
                                         "")
    else:
        cls = str(result.get("error_class", ""))
        code = _BOTOCORE_CODES.get(cls, "LCD448")
        code = code if code in ("LCD442", "LCD448") else "LCD446"
        seen = f"{LIB} {cls}: {result.get('message', '')}"
    if code:
        yield _verdict(code, seen, aws_online.endpoint(env.environ, chain.region), 0.0, chain, sev)


def _verdict(code: str, seen: str, url: str, elapsed: float, chain: aws.Chain, sev: Severity) -> Finding:
    titles = {"LCD446": "AWS: STS rejected the credentials", "LCD447": "AWS: the temporary credentials expired",
              "LCD448": "AWS: STS could not be reached", "LCD442": "AWS: the SSO session has expired"}
    evidence = [f"STS GetCallerIdentity at {url} -> {seen}" + (f" ({elapsed:.2f} s)" if elapsed else ""),
                f"credentials from {chain.method}"
                + (f" (access key {fingerprint(chain.access_key)})" if chain.access_key else "")]
    fix: Optional[Fix] = None
    if code in ("LCD447", "LCD442") and chain.sso_profile:
        fix = _sso_login(chain.sso_profile)
    elif code in ("LCD446", "LCD447"):
        fix = Fix("Create or fetch valid credentials and set them again", ("aws configure",), manual=True)
    return make(code, title=titles[code], subject=chain.profile, provider=PROVIDER,
                severity=W if code == "LCD448" else sev, evidence=evidence, fix=fix)


def run(env: Environment) -> Iterator[Finding]:
    """AWS findings when langchain-aws is installed or Bedrock is needed."""
    nd = needs.compute(env)
    if BY_NAME[PROVIDER] not in nd.present:
        return
    chain = aws.resolve(env.environ)
    probe = probes.botocore(env)
    yield from _offline(env, nd, chain, probe)
    if env.options.online:
        yield from _online(env, nd, chain)


CHECK = Check("aws-credentials", "credentials",
              "AWS credentials chain, region and SSO token for Bedrock (STS GetCallerIdentity with --online).", run)
