"""LCD6xx: what one real chat call per provider (``--online --smoke``) showed."""

from __future__ import annotations

from ...model import Kind, Severity
from ...registry import CodeInfo

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

_CALL = "The `--smoke` call (construct the chat class, `invoke` one short prompt, no retries) "

CODES = (
    CodeInfo(
        "LCD601", Kind.INVALID_CREDENTIAL, E, "smoke-credential-rejected",
        what=_CALL + "was refused: 401 Unauthorized or 403 Forbidden, or the SDK's authentication error.",
        why="Every call the notebook makes with this credential fails the same way.",
        fix="Set a valid key (or credentials) for the provider in the environment the code runs in.",
    ),
    CodeInfo(
        "LCD602", Kind.REAUTH_REQUIRED, E, "smoke-reauth-required",
        what=_CALL + "failed because the credentials need an interactive login again (gcloud `invalid_grant`, "
        "an expired AWS SSO session).",
        why="The SDK cannot refresh the credentials by itself; calls keep failing (after retries, in a notebook).",
        fix="Log in again (`gcloud auth application-default login`, `aws sso login`), then restart the kernel.",
    ),
    CodeInfo(
        "LCD603", Kind.MISSING_CREDENTIAL, E, "smoke-credential-missing",
        what=_CALL + "could not find a credential when the chat class was built with the real environment.",
        why="The class refuses to construct or to sign the request.",
        fix="Export the provider's key variable (or configure its credentials) where the code runs.",
    ),
    CodeInfo(
        "LCD604", Kind.MISSING_CONFIG, E, "smoke-model-unavailable",
        what=_CALL + "named a model the provider does not serve to this account: unknown or retired model, or "
        "no access to it (404, `model_not_found`, Bedrock model access), or a required setting such as the region "
        "or project is absent.",
        why="The notebook's calls with this model fail even though the credential is fine.",
        fix="Use a model name the provider lists for your account (or request access to it), or set the missing "
        "setting.",
    ),
    CodeInfo(
        "LCD605", Kind.UNREACHABLE, W, "smoke-rate-limited",
        what=_CALL + "was answered 429: rate limit or exhausted quota/billing.",
        why="Calls fail until the limit resets or the account has quota; LangChain's retries hide it as slowness.",
        fix="Check the account's quota and billing page; retry later.",
    ),
    CodeInfo(
        "LCD606", Kind.UNREACHABLE, W, "smoke-unreachable",
        what=_CALL + "got no answer: connection refused, DNS failure, proxy, or no answer within the timeout.",
        why="Network trouble or a wrong base URL variable; it says nothing about the credential.",
        fix="Check the network, proxies and any base-URL variable (`*_BASE_URL`, `*_API_BASE`), then retry.",
    ),
    CodeInfo(
        "LCD607", Kind.UNREACHABLE, W, "smoke-server-error",
        what=_CALL + "was answered with a server error (5xx, Anthropic's 529 overloaded).",
        why="The provider had trouble at that moment; usually transient.",
        fix="Retry later; check the provider's status page if it persists.",
    ),
    CodeInfo(
        "LCD608", Kind.IMPORT_ERROR, E, "smoke-call-failed",
        what=_CALL + "failed for another reason (a rejected request, an SDK that cannot read the answer, a "
        "constructor error with the real settings).",
        why="The notebook's own call is likely to fail the same way.",
        fix="Read the error in the evidence; often the integration and its SDK need upgrading together.",
    ),
    CodeInfo(
        "LCD609", Kind.DOCTOR, I, "smoke-not-called",
        what="A provider that must work was not called by `--smoke`: its integration does not import, it has no "
        "credential, or the doctor has no model to call for it.",
        why="The smoke table has no answer for it; the other findings say what blocks it.",
        fix="Fix the findings named in the evidence, or give the notebook with `--notebook` so the doctor knows "
        "the model.",
    ),
)
