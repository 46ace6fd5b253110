"""API keys, online (--online only): one cheap authenticated request per provider whose key is set and sane."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..checkapi import Check
from ..creds import apikeys, needs
from ..findings import command, export_placeholder, make
from ..knowledge.providers import CredentialKind
from ..model import Finding, Fix, Severity
from ..redact import fingerprint

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..context import Environment

E, W = Severity.ERROR, Severity.WARNING

_TITLES = {
    "LCD460": "{p}: the provider rejected the key",
    "LCD461": "{p}: rate-limited or out of quota (429)",
    "LCD462": "{p}: server error while checking the key",
    "LCD463": "{p}: API unreachable",
    "LCD464": "{p}: unexpected answer while checking the key",
}


def run(env: Environment) -> Iterator[Finding]:
    """LCD460-464 for providers that are needed or configured, with --online."""
    if not env.options.online:
        return
    from ..creds import verify  # online only: keeps urllib off the offline path

    nd = needs.compute(env)
    for p in nd.present:
        if p.credential is not CredentialKind.API_KEY or not p.verify_path:
            continue
        src = apikeys.usable(p, env, nd)
        if src is None:
            continue
        base, _ = verify.base_url(p, env.environ)
        if not base:
            continue  # e.g. Azure without an endpoint: LCD408 already says so
        v = verify.check_key(p, src.value.strip(), env.environ, env.options.net_timeout, src.var)
        if not v.code:
            continue
        where = f" (base URL from {v.base_var})" if v.base_var else ""
        sev = nd.severity(p.name, when_needed=E, otherwise=W) if v.code == "LCD460" else W
        fix = None
        if v.code == "LCD460":
            fix = Fix(f"Create a new {p.name} key and set {src.var}", (export_placeholder(src.var),), manual=True)
        elif v.code in ("LCD463", "LCD464") and v.base_var:
            fix = Fix(f"Check {v.base_var}", (command("printenv", v.base_var),), manual=True)
        yield make(
            v.code, title=_TITLES[v.code].format(p=p.name), subject=src.var, provider=p.name, severity=sev,
            evidence=[f"GET {v.url}{where} -> {v.seen} ({v.elapsed:.2f} s, one attempt)",
                      f"key {src.var} from {src.origin}: {fingerprint(src.value)}"],
            fix=fix,
        )


CHECK = Check("api-keys-online", "credentials",
              "--online: one cheap authenticated request per configured provider (401/403, 429, 5xx, unreachable).",
              run)
