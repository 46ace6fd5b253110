"""Network settings that break every request, found offline: CA-bundle variables naming missing files, and a proxy
without NO_PROXY for the local servers the code needs."""

from __future__ import annotations

import re
import stat
from typing import TYPE_CHECKING, Optional

from .. import inputs
from ..checkapi import Check
from ..findings import command, make
from ..knowledge import boundaries as kb
from ..knowledge.providers import PROVIDERS
from ..model import Fix

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..context import Environment
    from ..model import Finding

# Which clients read each variable (requests: REQUESTS_CA_BUNDLE then CURL_CA_BUNDLE; ssl/httpx: SSL_CERT_*).
_CA_VARS = (("SSL_CERT_FILE", "file"), ("SSL_CERT_DIR", "dir"), ("REQUESTS_CA_BUNDLE", "any"),
            ("CURL_CA_BUNDLE", "any"))
_PROXY_VARS = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy")
_LOCAL = re.compile(r"^(?:localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|\[::1\])$")


_MAX_BUNDLE = 16 * 1024 * 1024
"""A CA bundle larger than this is not read (the usual bundles hold a few hundred kB)."""
_PEM = b"-----BEGIN CERTIFICATE-----"


def _ca_bundles(env: Environment) -> Iterator[Finding]:
    for var, what in _CA_VARS:
        value = env.environ.get(var)
        if not value:
            continue
        st = inputs.stat(value)
        is_dir = st is not None and stat.S_ISDIR(st.st_mode)
        if is_dir and what != "file":
            continue  # a folder of hashed certificates (SSL_CERT_DIR, or requests' CA path): not read
        if st is None or is_dir or what == "dir":
            wanted = "folder" if what == "dir" else "file"
            seen = "does not exist" if st is None else f"is not a {wanted}"
            yield make(
                "LCD710", title=f"{var} names {value}, which {seen}", subject=var,
                evidence=[f"{var}={value}: " + (f"no such {wanted}" if st is None else f"not a {wanted}"),
                          "requests fails with 'Could not find a suitable TLS CA certificate bundle, invalid path'; "
                          "httpx/ssl with FileNotFoundError"],
                fix=Fix(f"Point {var} at an existing CA bundle, or unset it", (command("unset", var),), manual=True))
            continue
        why = _unusable_bundle(value)
        if why is None:
            continue
        yield make(
            "LCD713", title=f"{var} names {value}, which is not a usable CA bundle: {why}", subject=var,
            evidence=[f"{var}={value}: {why}",
                      "ssl fails with '[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl found' (a named "
                      "pipe blocks the client instead)"],
            fix=Fix(f"Point {var} at a PEM CA bundle (python -m certifi prints one), or unset it",
                    (command("unset", var),), manual=True))


def _unusable_bundle(path: str) -> Optional[str]:
    """Why ``path`` cannot be a CA bundle (read through the run's recorder, bounded), or None when it can."""
    try:
        data = inputs.read_bytes(path, limit=_MAX_BUNDLE)
    except OSError as exc:
        return exc.strerror or "it cannot be read"
    if _PEM not in data:
        return "it holds no PEM certificate" if data.strip() else "it is empty"
    return None


def _local_hosts(env: Environment) -> list[str]:
    """Local servers the code needs: a needed provider whose base URL (or a notebook's) is on this machine."""
    from urllib.parse import urlsplit

    hosts: list[str] = []
    urls = [env.environ.get(v, "") for p in PROVIDERS for v in p.base_url_vars]
    for facts in env.notebook_facts:
        for use in facts.classes:
            urls.extend(str(v) for k, v in use.kwargs if k in ("base_url", "openai_api_base", "endpoint")
                        and isinstance(v, str))
    for url in urls:
        if not url:
            continue
        host = urlsplit(url if "//" in url else "http://" + url).hostname or ""
        if _LOCAL.match(host):
            hosts.append(host)
    if any(s.provider in env.needed for s in kb.LOCAL_SERVERS) and not hosts:
        hosts.append("localhost")  # the default base URL of a local server (Ollama: localhost:11434)
    return hosts


def _no_proxy(env: Environment) -> Iterator[Finding]:
    proxies = [v for v in _PROXY_VARS if env.environ.get(v)]
    if not proxies:
        return
    hosts = _local_hosts(env)
    if not hosts:
        return
    no_proxy = ",".join(env.environ.get(v, "") for v in ("NO_PROXY", "no_proxy"))
    entries = {e.strip().lower() for e in no_proxy.split(",") if e.strip()}
    if "*" in entries or all(h in entries for h in hosts):
        return
    missing = sorted({h for h in hosts if h not in entries})
    yield make(
        "LCD711", title=f"{', '.join(proxies)} set and NO_PROXY does not list {', '.join(missing)}: requests to the "
                        "local server go through the proxy",
        subject="NO_PROXY",
        evidence=[f"proxy variables set: {', '.join(proxies)}", f"NO_PROXY/no_proxy: {no_proxy or '(unset)'}",
                  f"local server needed at: {', '.join(hosts)}", "known symptom: 502 Bad Gateway from the local "
                  "server (tests/threads/network-tls)"],
        fix=Fix("Add the local hosts to NO_PROXY and no_proxy",
                ("export NO_PROXY=localhost,127.0.0.1,::1 no_proxy=localhost,127.0.0.1,::1",), manual=True))


def run(env: Environment) -> Iterator[Finding]:
    yield from _ca_bundles(env)
    yield from _no_proxy(env)


CHECK = Check("network", "credentials", "CA-bundle variables that name missing or unusable files; a proxy without "
              "NO_PROXY for local servers (offline).", run)
