"""AWS Signature Version 4 with the standard library (for one STS GetCallerIdentity with static keys).

Follows the published algorithm (canonical request, string to sign, derived key); tests check it against
AWS's documented example and against botocore's own signer.
"""

from __future__ import annotations

import hashlib
import hmac
import urllib.parse
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def _quote(s: str) -> str:
    return urllib.parse.quote(s, safe="-_.~")


def canonical_query(query: str) -> str:
    """Query parameters sorted and percent-encoded as SigV4 requires."""
    pairs = urllib.parse.parse_qsl(query, keep_blank_values=True)
    return "&".join(f"{_quote(k)}={_quote(v)}" for k, v in sorted(pairs))


def sign(
    *,
    method: str,
    url: str,
    headers: Mapping[str, str],
    body: bytes,
    access_key: str,
    secret_key: str,
    region: str,
    service: str,
    amz_date: str,
) -> str:
    """The ``Authorization`` header value; ``headers`` must already hold host and x-amz-date (all are signed)."""
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    canon_headers = {k.lower().strip(): " ".join(v.strip().split()) for k, v in headers.items()}
    signed = ";".join(sorted(canon_headers))
    canonical = "\n".join([
        method.upper(),
        urllib.parse.quote(path, safe="/-_.~"),
        canonical_query(parts.query),
        "".join(f"{k}:{canon_headers[k]}\n" for k in sorted(canon_headers)),
        signed,
        hashlib.sha256(body).hexdigest(),
    ])
    date = amz_date[:8]
    scope = f"{date}/{region}/{service}/aws4_request"
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(("AWS4" + secret_key).encode("utf-8"), date)
    key = _hmac(key, region)
    key = _hmac(key, service)
    key = _hmac(key, "aws4_request")
    signature = hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()
    return f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={signed}, Signature={signature}"
