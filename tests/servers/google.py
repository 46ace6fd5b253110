"""Google's OAuth 2.0 token endpoint, with the bodies Google really sends.

Sources: the invalid_rapt body as google-auth and users report it (HTTP 400, error_subtype invalid_rapt,
error_uri support.google.com/a/answer/9368756); "Token has been expired or revoked." for a revoked user refresh
token; "Invalid grant: account not found" for a disabled or deleted service account; "Invalid JWT Signature."
for a deleted service-account key; invalid_client for an unknown OAuth client.
"""

from __future__ import annotations

from typing import Any

from tests.servers import LoopbackServer, Reply, Seen

TOKEN_PATH = "/token"

BODIES: dict[str, tuple[int, dict[str, Any]]] = {
    "ok": (200, {"access_token": "ya29.a0fake-loopback-access-token-000000000000", "expires_in": 3599,
                 "token_type": "Bearer", "scope": "https://www.googleapis.com/auth/cloud-platform"}),
    "invalid_rapt": (400, {"error": "invalid_grant", "error_description": "reauth related error (invalid_rapt)",
                           "error_uri": "https://support.google.com/a/answer/9368756",
                           "error_subtype": "invalid_rapt"}),
    "rapt_required": (400, {"error": "invalid_grant", "error_description": "reauth related error (rapt_required)",
                            "error_uri": "https://support.google.com/a/answer/9368756",
                            "error_subtype": "rapt_required"}),
    "revoked": (400, {"error": "invalid_grant", "error_description": "Token has been expired or revoked."}),
    "sa_disabled": (400, {"error": "invalid_grant", "error_description": "Invalid grant: account not found"}),
    "sa_key_deleted": (400, {"error": "invalid_grant", "error_description": "Invalid JWT Signature."}),
    "invalid_client": (401, {"error": "invalid_client", "error_description": "The OAuth client was not found."}),
    "unavailable": (503, {"error": "internal_failure", "error_description": "Backend Error"}),
}


def token_server(mode: str) -> LoopbackServer:
    """A (not yet started) token endpoint at ``/token`` answering every POST with ``BODIES[mode]``."""
    status, body = BODIES[mode]

    def handle(seen: Seen) -> Reply:
        return Reply(status, body, {"Cache-Control": "no-cache, no-store, max-age=0, must-revalidate"})

    return LoopbackServer({("POST", TOKEN_PATH): handle})


def metadata_server(ok: bool = True) -> LoopbackServer:
    """A GCE metadata server answering the default service account's token (needs ``Metadata-Flavor``)."""

    def handle(seen: Seen) -> Reply:
        if seen.headers.get("metadata-flavor") != "Google":
            return Reply(403, "Missing Metadata-Flavor:Google header.")
        if not ok:
            return Reply(404, "Not Found")
        return Reply(200, BODIES["ok"][1], {"Metadata-Flavor": "Google"})

    return LoopbackServer({("GET", "/computeMetadata/v1/instance/service-accounts/default/token"): handle})
