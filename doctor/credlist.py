"""Every credential the run found, listed the way support needs it: where it comes from and its fingerprint.

Shown with ``-v`` and in ``report``: API keys (the environment, or which ``.env`` file and line), Google ADC (the
file's path and type, or the metadata server) and AWS (the profile, how botocore would resolve it, the access key's
fingerprint and where the region comes from). Healthy credentials are listed too, so that a support engineer sees
*which* key is in use without seeing it: nothing but the fingerprint (``sk-...a1b2 (51 chars)``) of a value leaves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .knowledge.providers import CredentialKind
from .model import CredentialSeen
from .redact import fingerprint

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from .context import Environment
    from .model import Finding


def credential_status(findings: Iterable[Finding], provider: str) -> str:
    """ok | info | warning | error: the worst live finding of the credentials area about ``provider``.

    The one rule for both the provider's ``credential`` stage and each listed credential's status. A note (INFO:
    a key that is missing for a provider nobody needs, no quota project, a credential not verified online) is
    "info", never "ok": a tick beside a credential that a finding is about would contradict that finding.
    """
    from .registry import is_credential

    worst = [f.severity for f in findings if f.provider == provider and f.ignored is None and is_credential(f.code)]
    return max(worst, key=lambda s: s.rank).value if worst else "ok"


def collect(env: Environment, findings: Sequence[Finding]) -> tuple[CredentialSeen, ...]:
    """One entry per credential found for the providers the report shows (nothing for one not found)."""
    from .creds import apikeys, needs

    n = needs.compute(env)
    out: list[CredentialSeen] = []
    adc_done = aws_done = False
    for p in n.present:
        status = credential_status(findings, p.name)
        if p.credential is CredentialKind.API_KEY:
            used, unloaded = apikeys.resolve(p, env, n)
            for src, note in ((used, ""), (unloaded, " (the code does not load this .env file)")):
                if src is None:
                    continue
                where = "environment" if not src.from_dotenv else f".env file {src.origin}{note}"
                out.append(CredentialSeen(p.name, src.var, where, fingerprint(src.value), status))
        elif p.credential is CredentialKind.GCLOUD_ADC and not adc_done:
            adc_done = True
            out += _adc(env, p.name, status)
        elif p.credential is CredentialKind.AWS and not aws_done:
            aws_done = True
            out += _aws(env, p.name, status)
    return tuple(out)


def _adc(env: Environment, provider: str, status: str) -> list[CredentialSeen]:
    from .creds import gcloud

    res = gcloud.resolve(env.environ)
    f = res.file
    if f is None:
        if res.on_gce:
            return [CredentialSeen(provider, "Application Default Credentials", "the metadata server of this Google "
                                   "Cloud machine (not contacted offline)", "", status)]
        return []
    kind = f.type or "unknown type"
    where = f"ADC file {f.path} ({kind}; {'GOOGLE_APPLICATION_CREDENTIALS' if f.source != 'gcloud' else 'gcloud'})"
    if not f.exists:
        where = f"ADC file {f.path} (missing; named by {f.source})"
    secret = ""
    for key in ("refresh_token", "private_key_id", "private_key"):
        value = f.info.get(key)
        if isinstance(value, str) and value:
            secret = f"{key} {fingerprint(value)}"
            break
    who = f.info.get("client_email") or f.info.get("account") or ""
    name = "Application Default Credentials" + (f" of {who}" if isinstance(who, str) and who else "")
    return [CredentialSeen(provider, name, where, secret, status)]


def _aws(env: Environment, provider: str, status: str) -> list[CredentialSeen]:
    from .creds import aws

    chain = aws.resolve(env.environ)
    if chain.method in ("", "none"):
        return []
    profile = f"profile {chain.profile!r}" + (" (AWS_PROFILE)" if chain.profile_explicit else " (default)")
    where = ("environment (AWS_ACCESS_KEY_ID)" if chain.method == "env"
             else f"{profile} in {chain.config_file} / {chain.credentials_file}, resolved as {chain.method}")
    if chain.region:
        where += f"; region {chain.region} from {chain.region_source}"
    key = f"access key {fingerprint(chain.access_key)}" if chain.access_key else ""
    return [CredentialSeen(provider, "AWS credentials", where, key, status)]
