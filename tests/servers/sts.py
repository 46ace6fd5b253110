"""AWS STS GetCallerIdentity on loopback, verifying SigV4 signatures like AWS does, with STS's XML error bodies.

Keys are registered with their secret (and optional required session token); a request signed with the wrong
secret gets SignatureDoesNotMatch, an unknown key InvalidClientTokenId, a key marked expired ExpiredToken.
Point the doctor or botocore at it with ``AWS_ENDPOINT_URL_STS=srv.url``.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from langchain_doctor.creds import sigv4

from tests.servers import LoopbackServer, Reply, Seen

ACCOUNT = "123456789012"
_AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                   r"SignedHeaders=([^,]+), Signature=([0-9a-f]{64})")
_MESSAGES = {
    "InvalidClientTokenId": "The security token included in the request is invalid.",
    "SignatureDoesNotMatch": "The request signature we calculated does not match the signature you provided. "
                             "Check your AWS Secret Access Key and signing method. Consult the service "
                             "documentation for details.",
    "ExpiredToken": "The security token included in the request is expired",
    "MissingAuthenticationToken": "Request is missing Authentication Token",
}


@dataclass
class Key:
    """A registered access key."""

    secret: str
    session_token: str = ""
    expired: bool = False


def error_xml(code: str) -> str:
    """STS's ErrorResponse document."""
    return (f'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n  <Error>\n    <Type>Sender</Type>\n'
            f"    <Code>{code}</Code>\n    <Message>{_MESSAGES.get(code, code)}</Message>\n  </Error>\n"
            f"  <RequestId>{uuid.uuid4()}</RequestId>\n</ErrorResponse>\n")


def ok_xml(user: str) -> str:
    """STS's GetCallerIdentityResponse document."""
    return ('<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n'
            "  <GetCallerIdentityResult>\n"
            f"    <Arn>arn:aws:iam::{ACCOUNT}:user/{user}</Arn>\n    <UserId>AIDAEXAMPLEUSERID0001</UserId>\n"
            f"    <Account>{ACCOUNT}</Account>\n  </GetCallerIdentityResult>\n"
            f"  <ResponseMetadata>\n    <RequestId>{uuid.uuid4()}</RequestId>\n  </ResponseMetadata>\n"
            "</GetCallerIdentityResponse>\n")


def sts_server(keys: dict[str, Key]) -> LoopbackServer:
    """A (not yet started) STS endpoint at ``/`` knowing ``keys`` (access key id -> Key)."""

    def handle(seen: Seen) -> Reply:
        def err(code: str, status: int = 403) -> Reply:
            return Reply(status, error_xml(code), {"Content-Type": "text/xml"})

        form = seen.form()
        if form.get("Action") != "GetCallerIdentity":
            return err("InvalidAction", 400)
        m = _AUTH.match(seen.headers.get("authorization", ""))
        if m is None:
            return err("MissingAuthenticationToken")
        akid, _date, region, service, signed, signature = m.groups()
        key = keys.get(akid)
        if key is None:
            return err("InvalidClientTokenId")
        headers = {h: seen.headers.get(h, "") for h in signed.split(";")}
        expected = sigv4.sign(method=seen.method, url=f"http://{seen.headers.get('host', '')}{seen.path}"
                              + (f"?{seen.query}" if seen.query else ""), headers=headers, body=seen.body,
                              access_key=akid, secret_key=key.secret, region=region, service=service,
                              amz_date=seen.headers.get("x-amz-date", ""))
        if not expected.endswith(f"Signature={signature}"):
            return err("SignatureDoesNotMatch")
        if key.session_token and seen.headers.get("x-amz-security-token") != key.session_token:
            return err("InvalidClientTokenId")
        if key.expired:
            return err("ExpiredToken")
        return Reply(200, ok_xml("doctor-test"), {"Content-Type": "text/xml"})

    return LoopbackServer({("POST", "/"): handle})
