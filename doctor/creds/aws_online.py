"""--online for AWS: one STS GetCallerIdentity, signed with SigV4, no retries, and its answer classified."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from ..creds import http, sigv4
from ..knowledge.credentials import CHAINS
from ..knowledge.providers import CredentialKind

if TYPE_CHECKING:
    from collections.abc import Mapping

BODY = b"Action=GetCallerIdentity&Version=2011-06-15"
_CODE = re.compile(r"<Code>([^<]{1,200})</Code>")
_MESSAGE = re.compile(r"<Message>([^<]{0,500})</Message>")
_EXPIRED = ("ExpiredToken", "ExpiredTokenException", "RequestExpired")
_REJECTED = ("InvalidClientTokenId", "SignatureDoesNotMatch", "AccessDenied", "UnrecognizedClientException",
             "InvalidAccessKeyId", "AuthFailure", "IncompleteSignature", "MissingAuthenticationToken")


@dataclass(frozen=True)
class Verdict:
    """The outcome of one GetCallerIdentity."""

    code: str
    """LCD446 rejected, LCD447 expired, LCD448 unreachable; "" when it succeeded."""
    seen: str
    url: str
    elapsed: float = 0.0


_AWS = CHAINS[CredentialKind.AWS]


def endpoint(environ: Mapping[str, str], region: Optional[str]) -> str:
    """The chain's endpoint variables (STS's own, then the SDK-wide one), else the regional STS endpoint (global
    for no region)."""
    for var in _AWS.endpoint_vars:
        if environ.get(var, "").strip():
            return environ[var].strip().rstrip("/") + "/"
    if region:
        return _AWS.online_url.format(region=region)
    return _AWS.online_url_global


def classify(status: Optional[int], code: str, message: str, error: str) -> tuple[str, str]:
    """(finding code, one line) for an STS answer or a botocore ClientError code."""
    if status is None and not code:
        return "LCD448", f"no answer: {error}"
    line = (f"HTTP {status} " if status else "") + (code or "") + (f": {message}" if message else "")
    if status is not None and 200 <= status < 300 and not code:
        return "", f"HTTP {status}: caller identity returned"
    if code in _EXPIRED:
        return "LCD447", line
    if code in _REJECTED or status in (401, 403):
        return "LCD446", line
    return "LCD448", line


def get_caller_identity(environ: Mapping[str, str], *, access_key: str, secret_key: str, session_token: str,
                        region: Optional[str], timeout: float, now: Optional[dt.datetime] = None) -> Verdict:
    """Sign and send GetCallerIdentity with static keys; classify the answer."""
    url = endpoint(environ, region)
    now = now or dt.datetime.now(dt.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    host = urllib.parse.urlsplit(url).netloc
    headers = {"Host": host, "X-Amz-Date": amz_date,
               "Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}
    if session_token:
        headers["X-Amz-Security-Token"] = session_token
    headers["Authorization"] = sigv4.sign(method="POST", url=url, headers=headers, body=BODY,
                                          access_key=access_key, secret_key=secret_key,
                                          region=region or _AWS.default_region, service="sts", amz_date=amz_date)
    answer = http.request(url, method="POST", headers=headers, data=BODY, timeout=timeout)
    code_m = _CODE.search(answer.body or "")
    msg_m = _MESSAGE.search(answer.body or "")
    code, seen = classify(answer.status, code_m.group(1) if code_m and (answer.status or 0) >= 300 else "",
                          msg_m.group(1) if msg_m else "", answer.error)
    return Verdict(code, seen, url, answer.elapsed)
