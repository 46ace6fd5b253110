"""--online for gcloud ADC: refresh the user credential once at Google's token endpoint and classify the answer.

The request is the one google-auth makes (google/oauth2/reauth.py ``refresh_grant``): a form POST of
grant_type=refresh_token with the client id/secret and the refresh token. One attempt, a short timeout.
The classification mirrors google-auth's, so that the verdict names the exception the application will meet.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Optional

from ..creds import http

if TYPE_CHECKING:
    from collections.abc import Mapping

DEFAULT_TOKEN_URI = "https://oauth2.googleapis.com/token"
OVERRIDE_VAR = "LANGCHAIN_DOCTOR_GOOGLE_TOKEN_URI"
"""Test-only override of the token endpoint (CONTRACT.md); honoured only for a loopback host."""

REAUTH_SUBTYPES = ("invalid_rapt", "rapt_required")
REAUTH_MESSAGE = ("Reauthentication is needed. Please run `gcloud auth application-default login` to "
                  "reauthenticate.")
"""google-auth's own RefreshError text for these answers (google/oauth2/reauth.py)."""


@dataclass(frozen=True)
class Verdict:
    """The outcome of one refresh: a finding code (empty when the credential works) and what was seen."""

    code: str
    """LCD430 reauth, LCD431 revoked/expired, LCD432 rejected, LCD433 unreachable; "" when it refreshed."""
    seen: str
    """One line: the endpoint's answer (never a token)."""
    library_error: str = ""
    """What google-auth raises for this answer."""
    elapsed: float = 0.0
    url: str = ""


def token_uri(environ: Mapping[str, str]) -> str:
    """Google's token endpoint, or the loopback override of the tests."""
    override = environ.get(OVERRIDE_VAR, "").strip()
    if override and http.is_loopback(override):
        return override
    return DEFAULT_TOKEN_URI


def _library_error(data: Mapping[str, Any]) -> str:
    # google/oauth2/_client.py _handle_error_response: "{error}: {error_description}".
    if data.get("error") == "invalid_grant" and data.get("error_subtype") in REAUTH_SUBTYPES:
        return f"RefreshError: {REAUTH_MESSAGE}"
    return f"RefreshError: {data.get('error')}: {data.get('error_description')}"


def classify(status: Optional[int], data: Any, error: str, *, user: bool) -> tuple[str, str]:
    """(code, one-line description) for a token endpoint answer; ``user``: a refresh-token credential."""
    if status is None:
        return "LCD433", f"no answer: {error}"
    if not isinstance(data, dict):
        data = {}
    err = str(data.get("error", ""))
    subtype = str(data.get("error_subtype", ""))
    desc = str(data.get("error_description", ""))
    line = f"HTTP {status}" + (f" {err}" if err else "") + (f" ({subtype})" if subtype else "") + (
        f": {desc}" if desc else "")
    if 200 <= status < 300 and data.get("access_token"):
        return "", f"HTTP {status}: access token issued"
    if status >= 500 or status == 429:
        return "LCD433", line
    if err == "invalid_grant" and subtype in REAUTH_SUBTYPES:
        return "LCD430", line
    if err == "invalid_grant" and user:
        return "LCD431", line
    return "LCD432", line


def refresh_user(info: Mapping[str, Any], environ: Mapping[str, str], timeout: float) -> Verdict:
    """Refresh an authorized_user credential (client_id, client_secret, refresh_token) once."""
    url = token_uri(environ)
    body = urllib.parse.urlencode({
        "grant_type": "refresh_token",
        "client_id": str(info.get("client_id", "")),
        "client_secret": str(info.get("client_secret", "")),
        "refresh_token": str(info.get("refresh_token", "")),
    }).encode()
    answer = http.request(url, method="POST", data=body, timeout=timeout,
                          headers={"Content-Type": "application/x-www-form-urlencoded"})
    data = answer.json()
    code, seen = classify(answer.status, data, answer.error, user=True)
    lib = _library_error(data) if code in ("LCD430", "LCD431", "LCD432") and isinstance(data, dict) else ""
    return Verdict(code, seen, lib, answer.elapsed, url)


def classify_library_error(error_class: str, message: str) -> str:
    """A code for the exception google-auth raised while refreshing in the target."""
    if "Reauthentication is needed" in message or any(s in message for s in REAUTH_SUBTYPES):
        return "LCD430"
    if error_class in ("TransportError", "Timeout", "ConnectionError", "timeout"):
        return "LCD433"
    if "invalid_grant" in message and ("expired or revoked" in message or "Bad Request" in message):
        return "LCD431"
    if error_class == "RefreshError":
        low = message.lower()
        if any(s in low for s in ("503", "502", "500", "internal", "unavailable", "temporarily")):
            return "LCD433"
        return "LCD432"
    return "LCD433"
