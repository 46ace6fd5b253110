"""--online for API keys: one cheap authenticated GET per provider (list models), classified by status.

Honours the providers' base-URL variables as their SDKs do; one attempt, a short timeout. The provider's own
error message is kept (the caller's redactor masks any key it echoes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from ..creds import http

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..knowledge.providers import Provider

_VAR = re.compile(r"\{([A-Z0-9_]+)\}")


@dataclass(frozen=True)
class Verdict:
    """The outcome of one authenticated request."""

    code: str
    """LCD460 rejected, LCD461 429, LCD462 5xx, LCD463 unreachable, LCD464 unexpected; "" when accepted."""
    seen: str
    url: str
    base_var: str
    """The variable the base URL came from ("" for the provider's default)."""
    elapsed: float = 0.0


def base_url(p: Provider, environ: Mapping[str, str]) -> tuple[str, str]:
    """(base URL, variable it came from) honouring ``p.base_url_vars`` in order, else ``p.api_base``."""
    for var in p.base_url_vars:
        value = environ.get(var, "").strip()
        if value:
            if "://" not in value:
                value = "http://" + value  # OLLAMA_HOST style host:port
            return value.rstrip("/"), var
    return p.api_base.rstrip("/"), ""


def request_for(p: Provider, key: str, environ: Mapping[str, str], key_var: str = "") -> tuple[str, dict[str, str]]:
    """(url, headers) of the cheap request for ``p`` with ``key``."""
    base, _ = base_url(p, environ)
    path = _VAR.sub(lambda m: environ.get(m.group(1), ""), p.verify_path)
    headers = {"Accept": "application/json"}
    if p.auth == "x-api-key":
        headers["x-api-key"] = key
        headers["anthropic-version"] = "2023-06-01"
    elif p.auth == "x-goog-api-key":
        headers["x-goog-api-key"] = key
    elif p.auth == "api-key" and not key_var.endswith("_AD_TOKEN"):
        headers["api-key"] = key
    else:
        headers["Authorization"] = f"Bearer {key}"
    return base + path, headers


def provider_message(data: Any, body: str) -> str:
    """The provider's own error text from the usual body shapes (OpenAI, Anthropic, Google, Mistral...)."""
    if isinstance(data, dict):
        err = data.get("error")
        if isinstance(err, dict):
            for k in ("message", "type", "code"):
                if err.get(k):
                    return str(err[k])
        if isinstance(err, str) and err:
            return err
        for k in ("message", "detail", "msg"):
            if data.get(k):
                return str(data[k])
    return " ".join(body.split())[:200]


_BAD_KEY_TEXT = re.compile(r"(?:invalid|incorrect|not valid)[^.]{0,40}api[ _-]?key|api[ _-]?key[^.]{0,40}"
                          r"(?:invalid|incorrect|not valid)", re.IGNORECASE)


def _invalid_key_400(data: Any, body: str) -> bool:
    # Google AI answers a bad key with 400 API_KEY_INVALID; xAI with 400 "Incorrect API key provided".
    if isinstance(data, dict) and isinstance(data.get("error"), dict):
        details = data["error"].get("details") or []
        if "API_KEY_INVALID" in {d.get("reason") for d in details if isinstance(d, dict)}:
            return True
    return _BAD_KEY_TEXT.search(provider_message(data, body)) is not None


def classify(status: Optional[int], data: Any, body: str, error: str) -> tuple[str, str]:
    """(finding code, one line) for the answer."""
    if status is None:
        return "LCD463", f"no answer: {error}"
    msg = provider_message(data, body)
    line = f"HTTP {status}" + (f": {msg}" if msg else "")
    if 200 <= status < 300:
        return "", f"HTTP {status}: key accepted"
    if status in (401, 403) or (status == 400 and _invalid_key_400(data, body)):
        return "LCD460", line
    if status == 429:
        return "LCD461", line
    if status >= 500:
        return "LCD462", line
    return "LCD464", line


def check_key(p: Provider, key: str, environ: Mapping[str, str], timeout: float, key_var: str = "") -> Verdict:
    """One authenticated GET for ``p``; the verdict."""
    url, headers = request_for(p, key, environ, key_var)
    _, var = base_url(p, environ)
    answer = http.request(url, headers=headers, timeout=timeout)
    code, seen = classify(answer.status, answer.json(), answer.body, answer.error)
    return Verdict(code, seen, url, var, answer.elapsed)
