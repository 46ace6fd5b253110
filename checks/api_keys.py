"""API keys, offline: missing, empty, placeholder, stray characters, wrong provider's format, only in .env.

Needed providers (--provider, notebooks) get errors; providers that are only installed get notes (missing)
or warnings (set but broken). Values are never shown: only their fingerprint.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..checkapi import Check
from ..creds import apikeys, keys, needs
from ..findings import export_placeholder, make
from ..knowledge.providers import PROVIDERS, CredentialKind, Provider
from ..model import Finding, Fix, Severity
from ..redact import fingerprint, is_secret_name

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..context import Environment

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

_FIX = {
    "LCD402": "Set {var} to the real key (or unset it)",
    "LCD403": "Replace the placeholder in {var} with a real key from the provider's console",
    "LCD404": "Set {var} again without quotes or whitespace",
    "LCD405": "Put the {prov} key in {var}, and the other key in its own variable",
    "LCD406": "Copy the {prov} key again into {var}",
}


def _export(var: str) -> str:
    return export_placeholder(var)


def _key_findings(p: Provider, env: Environment, nd: needs.Needs) -> Iterator[Finding]:
    src, only_dotenv = apikeys.resolve(p, env, nd)
    alternatives = " or ".join(p.key_vars)
    if only_dotenv is not None:
        yield make(
            "LCD407",
            title=f"{p.name}: {only_dotenv.var} is set only in {only_dotenv.origin.split(' line ')[0]}, "
            "which the code does not load",
            subject=only_dotenv.var, provider=p.name,
            severity=nd.severity(p.name, when_needed=E, otherwise=I),
            evidence=[f"{only_dotenv.var} is not in the environment of {env.target.python}",
                      f"{only_dotenv.origin}: {only_dotenv.var}={fingerprint(only_dotenv.value)}",
                      "no load_dotenv()/dotenv_values() in " + (", ".join(
                          str(getattr(f, 'path', '')) for f in env.notebook_facts) or env.work_dir)],
            fix=Fix("Load the .env file before creating the model, or export the variable",
                    ("from dotenv import load_dotenv; load_dotenv()", _export(only_dotenv.var)), manual=True),
        )
        return
    if src is None and any(v in nd.set_by_code for v in p.key_vars):
        return  # the notebook asks for it itself (getpass) and sets it
    if src is None:
        yield make(
            "LCD401",
            title=f"{p.name}: no API key ({alternatives} unset)",
            subject=p.key_vars[0], provider=p.name,
            severity=nd.severity(p.name, when_needed=E, otherwise=I),
            evidence=[f"none of {', '.join(p.key_vars)} is set in the environment or a .env file",
                      "searched .env in: " + ", ".join(str(f) for f in dotenv_search(nd))],
            fix=Fix(f"Export {p.key_vars[0]} before starting the notebook or script", (_export(p.key_vars[0]),),
                    manual=True),
        )
        return
    for issue in keys.inspect(src.var, src.value, p):
        sev = W if issue.code == "LCD406" else nd.severity(p.name, when_needed=E, otherwise=W)
        yield make(
            issue.code,
            title=f"{p.name}: {issue.detail}",
            subject=src.var, provider=p.name, severity=sev,
            evidence=[f"{src.var} from {src.origin}: {fingerprint(src.value)}"],
            fix=Fix(_FIX[issue.code].format(var=src.var, prov=p.name), (_export(src.var),), manual=True),
        )


def dotenv_search(nd: needs.Needs) -> list[str]:
    """The folders searched for .env files (for evidence)."""
    from ..creds.dotenv import search_folders

    return [str(p) for p in search_folders(nd.folders)]


def _settings(p: Provider, env: Environment, nd: needs.Needs) -> Iterator[Finding]:
    for var in p.required_vars:
        if env.environ.get(var, "").strip():
            continue
        yield make(
            "LCD408",
            title=f"{p.name}: {var} is not set",
            subject=var, provider=p.name, severity=nd.severity(p.name, when_needed=E, otherwise=I),
            evidence=[f"{p.name} needs {', '.join(p.required_vars)}; {var} is unset or empty"],
            fix=Fix(f"Export {var}", (_export(var),), manual=True),
        )


def _dotenv_problems(nd: needs.Needs) -> Iterator[Finding]:
    for f in nd.dotenv_files:
        if f.error or f.bad_lines:
            lines = ", ".join(str(n) for n in f.bad_lines[:10])
            yield make(
                "LCD411",
                title=f"{f.path}: " + (f"cannot be read ({f.error})" if f.error else f"lines {lines} do not parse"),
                subject=f.path,
                evidence=[f.error] if f.error else [f"python-dotenv skips lines {lines} of {f.path}"],
            )


# Settings of the credential chains (checked by the gcloud and AWS checks) and the providers' own settings.
_HANDLED_ELSEWHERE = frozenset({
    "HOME", "PATH", "USER", "PWD", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    *(v for p in PROVIDERS if p.credential is not CredentialKind.API_KEY for g in p.config_vars for v in g),
    *(v for p in PROVIDERS for v in p.named_vars),
})


def _notebook_vars(env: Environment, nd: needs.Needs) -> Iterator[Finding]:
    from ..creds.dotenv import lookup
    from ..knowledge.providers import PROVIDERS

    optional = {v for p in PROVIDERS for v in (*p.base_url_vars, *p.key_vars, *p.required_vars)}
    for var, notebooks in sorted(nd.notebook_vars.items()):
        if var in env.environ or var in optional or var in _HANDLED_ELSEWHERE or var in nd.set_by_code:
            continue
        where = ", ".join(n for n in notebooks if n)
        hit = lookup(nd.dotenv_files, var)
        if hit is not None and nd.loads_dotenv:
            continue
        if hit is not None:
            yield make(
                "LCD407", title=f"{var} is set only in {hit[0].path}, which the notebook does not load",
                subject=var, severity=W,
                evidence=[f"{where} reads {var}; it is not in the environment",
                          f"{hit[0].path} line {hit[1].line}: {var}=" + (
                              fingerprint(hit[1].value) if is_secret_name(var) else "(set)")],
                fix=Fix("Load the .env file first, or export the variable",
                        ("from dotenv import load_dotenv; load_dotenv()", _export(var)), manual=True),
            )
            continue
        code = "LCD409" if is_secret_name(var) else "LCD410"
        yield make(
            code, title=f"{var} is read by the notebook but not set", subject=var,
            evidence=[f"{where} reads {var}; it is not in the environment or a .env file"],
            fix=Fix(f"Export {var} before starting the notebook", (_export(var),), manual=True),
        )


def run(env: Environment) -> Iterator[Finding]:
    """Offline findings about API keys and provider settings of every present provider."""
    nd = needs.compute(env)
    for p in nd.present:
        if p.credential is not CredentialKind.API_KEY or not p.key_vars:
            continue
        yield from _key_findings(p, env, nd)
        yield from _settings(p, env, nd)
    yield from _notebook_vars(env, nd)
    yield from _dotenv_problems(nd)


CHECK = Check("api-keys", "credentials",
              "API keys and settings: missing, empty, placeholder, stray quotes/whitespace, wrong format, .env.", run)
