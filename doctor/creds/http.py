"""The doctor's one HTTP helper for online checks: stdlib urllib, one attempt, a short timeout, bounded reads."""

from __future__ import annotations

import ipaddress
import json
import socket
import time
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from ..redact import clip

if TYPE_CHECKING:
    from urllib.request import BaseHandler, OpenerDirector

if TYPE_CHECKING:
    from collections.abc import Mapping

MAX_BODY = 64 * 1024
"""Bytes of a response body kept: error bodies are small; a huge answer must not fill memory."""

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


@dataclass(frozen=True)
class Answer:
    """What one HTTP exchange gave: a status and body, or the reason there was none."""

    url: str
    status: Optional[int]
    """HTTP status, None when no answer came (``error`` says why)."""
    body: str
    headers: Mapping[str, str]
    error: str = ""
    """Connection failure, timeout or TLS error, as one line; empty when an answer came."""
    elapsed: float = 0.0

    def json(self) -> Any:
        """The body parsed as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


def is_loopback(url: str) -> bool:
    """True when ``url``'s host is 127.0.0.0/8, ::1 or localhost."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _opener(url: str) -> OpenerDirector:
    # urllib.request pulls in http.client and ssl: imported only when an online check really runs.
    import urllib.request

    # Loopback never goes through a proxy; other hosts use the proxy settings of the environment, as SDKs do.
    handlers: list[BaseHandler] = []
    if is_loopback(url):
        handlers.append(urllib.request.ProxyHandler({}))
    return urllib.request.build_opener(*handlers)


def request(
    url: str,
    *,
    method: str = "GET",
    headers: Optional[Mapping[str, str]] = None,
    data: Optional[bytes] = None,
    timeout: float = 5.0,
) -> Answer:
    """One HTTP request, no retries, no redirects followed for POST; never raises for network trouble."""
    import urllib.error
    import urllib.request

    req = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    req.add_header("User-Agent", "langchain-doctor")
    start = time.monotonic()
    try:
        with _opener(url).open(req, timeout=timeout) as resp:
            body = resp.read(MAX_BODY).decode("utf-8", "replace")
            return Answer(url, resp.status, body, dict(resp.headers.items()), elapsed=time.monotonic() - start)
    except urllib.error.HTTPError as exc:
        try:
            body = exc.read(MAX_BODY).decode("utf-8", "replace")
        except OSError:
            body = ""
        hdrs = dict(exc.headers.items()) if exc.headers is not None else {}
        return Answer(url, exc.code, body, hdrs, elapsed=time.monotonic() - start)
    except (urllib.error.URLError, socket.timeout, TimeoutError, ConnectionError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        text = f"{type(reason).__name__}: {reason}" if not isinstance(reason, str) else reason
        if isinstance(reason, (socket.timeout, TimeoutError)) or "timed out" in str(reason):
            text = f"no answer within {timeout:g} s"
        return Answer(url, None, "", {}, error=clip(text.strip(), 300), elapsed=time.monotonic() - start)
