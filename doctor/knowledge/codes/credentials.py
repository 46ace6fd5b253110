"""LCD4xx: credentials and settings each provider needs (API keys, gcloud ADC, AWS).

Blocks: 401-419 API keys and settings (offline), 420-439 gcloud Application Default Credentials,
440-459 AWS (Bedrock), 460-469 online verification of API keys.
"""

from __future__ import annotations

from ...model import Kind, Severity
from ...registry import CodeInfo

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO

_GCLOUD_LOGIN = "Run `gcloud auth application-default login`, then restart the notebook kernel."

CODES = (
    # --- API keys and settings, offline -------------------------------------------------------------
    CodeInfo(
        "LCD401", Kind.MISSING_CREDENTIAL, E, "api-key-missing",
        what="None of the environment variables that hold a provider's API key is set. Error when the provider "
        "must work (--provider, a --notebook uses it); a note when it is only installed.",
        why="Constructing the chat class fails (`The api_key client option must be set...`, "
        "`Did not find openai_api_key`).",
        fix="Export the key in the environment that starts the notebook or script (or load it from a .env file).",
    ),
    CodeInfo(
        "LCD402", Kind.MISSING_CREDENTIAL, E, "api-key-empty",
        what="The API key variable is set but empty (or only whitespace).",
        why="The SDKs treat an empty key as missing; some send an empty bearer token and get 401.",
        fix="Set the variable to the real key, or unset it.",
    ),
    CodeInfo(
        "LCD403", Kind.INVALID_CREDENTIAL, E, "api-key-placeholder",
        what="The API key is a placeholder copied from an example (`your-api-key`, `<...>`, `xxx`, `changeme`, "
        "`sk-...`).",
        why="Every request fails with 401 Unauthorized, often after retries.",
        fix="Replace the placeholder with a real key from the provider's console.",
    ),
    CodeInfo(
        "LCD404", Kind.INVALID_CREDENTIAL, E, "api-key-stray-characters",
        what="The API key has surrounding quotes, leading/trailing spaces, a trailing newline or inner "
        "whitespace.",
        why="The characters are sent as part of the key: `Illegal header value` errors or 401 Unauthorized.",
        fix="Set the variable again without quotes or whitespace (`export NAME=value`; in .env, `NAME=value`).",
    ),
    CodeInfo(
        "LCD405", Kind.INVALID_CREDENTIAL, E, "api-key-of-another-provider",
        what="The variable holds a key in another provider's format (e.g. `sk-ant-` in OPENAI_API_KEY).",
        why="The provider rejects it with 401: keys were pasted into the wrong variable.",
        fix="Put each provider's key in its own variable.",
    ),
    CodeInfo(
        "LCD406", Kind.INVALID_CREDENTIAL, W, "api-key-unexpected-format",
        what="The key does not start with the provider's documented prefix (e.g. `gsk_` for Groq).",
        why="Often a truncated or wrong key; it may also be a proxy's own key, hence a warning.",
        fix="Copy the key again from the provider's console.",
    ),
    CodeInfo(
        "LCD407", Kind.MISSING_CREDENTIAL, E, "api-key-only-in-dotenv",
        what="The key is set in a .env file next to the project or notebook, but not in the environment, and "
        "the code does not load .env files.",
        why="A .env file is not read by Python by itself: the key is missing when the code runs.",
        fix="Load it first (`from dotenv import load_dotenv; load_dotenv()`), or export the variable.",
    ),
    CodeInfo(
        "LCD408", Kind.MISSING_CONFIG, E, "provider-setting-missing",
        what="A non-secret setting the provider needs is unset (Azure OpenAI endpoint, API version).",
        why="Constructing the chat class fails, or requests go to the wrong place.",
        fix="Export the setting (the finding names it).",
    ),
    CodeInfo(
        "LCD409", Kind.MISSING_CREDENTIAL, W, "notebook-secret-var-unset",
        what="A notebook reads a secret-looking environment variable (`..._KEY`, `..._TOKEN`) that is not set.",
        why="`os.environ[\"NAME\"]` raises KeyError; `os.getenv` returns None and the library fails later.",
        fix="Export the variable before starting the notebook (or load it from a .env file).",
    ),
    CodeInfo(
        "LCD410", Kind.MISSING_CONFIG, I, "notebook-var-unset",
        what="A notebook reads an environment variable that is not set.",
        why="`os.environ[\"NAME\"]` raises KeyError at that line.",
        fix="Export the variable before starting the notebook.",
    ),
    CodeInfo(
        "LCD411", Kind.INVALID_CREDENTIAL, W, "dotenv-unreadable",
        what="A .env file next to the project or notebook cannot be read or has lines that do not parse.",
        why="python-dotenv skips such lines silently: the variables on them are never set.",
        fix="Fix the named lines (`NAME=value`, one per line).",
    ),
    # --- gcloud Application Default Credentials -----------------------------------------------------------
    CodeInfo(
        "LCD420", Kind.MISSING_CREDENTIAL, E, "adc-not-found",
        what="No Application Default Credentials: GOOGLE_APPLICATION_CREDENTIALS is unset and there is no "
        "gcloud credentials file, and this is not a Google Cloud machine with a metadata server.",
        why="`google.auth.exceptions.DefaultCredentialsError: Your default credentials were not found.`",
        fix=_GCLOUD_LOGIN,
    ),
    CodeInfo(
        "LCD421", Kind.INVALID_CREDENTIAL, E, "adc-file-missing",
        what="GOOGLE_APPLICATION_CREDENTIALS points to a file that does not exist.",
        why="google-auth does not fall back to gcloud's file: `DefaultCredentialsError: File ... was not found.`",
        fix="Point GOOGLE_APPLICATION_CREDENTIALS at an existing key file, or unset it to use gcloud's login.",
    ),
    CodeInfo(
        "LCD422", Kind.INVALID_CREDENTIAL, E, "adc-file-unreadable",
        what="The credentials file exists but cannot be read (permissions, a folder, an I/O error).",
        why="google-auth fails to load it: `DefaultCredentialsError`.",
        fix="Fix the file's permissions for the user that runs the notebook.",
    ),
    CodeInfo(
        "LCD423", Kind.INVALID_CREDENTIAL, E, "adc-file-invalid",
        what="The credentials file is not valid JSON, has an unknown `type`, or lacks fields its type requires.",
        why="`DefaultCredentialsError: File ... is not a valid json file` / `The file ... does not have a valid "
        "type` / `missing fields`.",
        fix="Download the key again, or recreate gcloud's file with `gcloud auth application-default login`.",
    ),
    CodeInfo(
        "LCD424", Kind.INVALID_CREDENTIAL, W, "adc-file-permissions-open",
        what="A credentials file holding a refresh token or a private key is readable by other users.",
        why="Anyone on the machine can impersonate you with it.",
        fix="`chmod 600` the file.",
    ),
    CodeInfo(
        "LCD425", Kind.MISSING_CONFIG, I, "adc-no-quota-project",
        what="User credentials (gcloud login) without a quota project.",
        why="google-auth warns `without a quota project`; some APIs then answer 403 SERVICE_DISABLED for "
        "gcloud's own project.",
        fix="`gcloud auth application-default set-quota-project PROJECT_ID`.",
    ),
    CodeInfo(
        "LCD426", Kind.MISSING_CONFIG, E, "gcloud-project-missing",
        what="Vertex AI needs a Google Cloud project and none resolves (GOOGLE_CLOUD_PROJECT, gcloud's config, "
        "the credentials file).",
        why="`ChatVertexAI` fails: `Unable to find your project. Please provide a project ID`.",
        fix="`export GOOGLE_CLOUD_PROJECT=PROJECT_ID` (or pass `project=` to the chat class, or "
        "`gcloud config set project PROJECT_ID`).",
    ),
    CodeInfo(
        "LCD427", Kind.INVALID_CREDENTIAL, E, "adc-google-auth-error",
        what="google-auth, run inside the target exactly as the application runs it, cannot load the "
        "credentials.",
        why="The application meets the same DefaultCredentialsError.",
        fix="See the evidence (google-auth's own message).",
    ),
    CodeInfo(
        "LCD428", Kind.MISSING_CREDENTIAL, I, "adc-metadata-server",
        what="No credentials file: google-auth would ask the metadata server of this Google Cloud machine "
        "(not contacted without --online).",
        why="It works on Compute Engine, Cloud Run, Vertex Workbench; elsewhere the lookup fails.",
        fix="Nothing to do on Google Cloud; elsewhere run `gcloud auth application-default login`.",
    ),
    CodeInfo(
        "LCD430", Kind.REAUTH_REQUIRED, E, "adc-reauth-required",
        what="Refreshing the gcloud user credentials was refused with `invalid_grant` / `invalid_rapt` or "
        "`rapt_required`: the session policy requires you to log in again.",
        why="`RefreshError: Reauthentication is needed. Please run `gcloud auth application-default login` to "
        "reauthenticate.`, after 30 s of retries (`503 Getting metadata from plugin failed`).",
        fix=_GCLOUD_LOGIN,
    ),
    CodeInfo(
        "LCD431", Kind.REAUTH_REQUIRED, E, "adc-refresh-token-revoked",
        what="Refreshing the gcloud user credentials was refused with `invalid_grant`: the refresh token has "
        "expired or was revoked.",
        why="`RefreshError: ('invalid_grant: Token has been expired or revoked.', ...)` on the first call.",
        fix=_GCLOUD_LOGIN,
    ),
    CodeInfo(
        "LCD432", Kind.INVALID_CREDENTIAL, E, "adc-rejected",
        what="Google's token endpoint rejected the credential (a disabled or deleted service account or key, "
        "an unknown OAuth client).",
        why="Every call fails with `RefreshError: ('invalid_grant: Invalid JWT Signature.' ...)` or similar.",
        fix="Create a new key for an active service account, or log in again with "
        "`gcloud auth application-default login`.",
    ),
    CodeInfo(
        "LCD433", Kind.UNREACHABLE, W, "adc-unreachable",
        what="--online: Google's token endpoint could not be reached (or answered with a server error).",
        why="The credential could not be verified; the application will fail the same way without network.",
        fix="Check the network or proxy settings (HTTPS_PROXY) and try again.",
    ),
    CodeInfo(
        "LCD434", Kind.DOCTOR, I, "adc-not-verified",
        what="--online: this kind of credential cannot be refreshed by the doctor itself, and google-auth is not "
        "installed in the target to do it.",
        why="The credential's validity is unknown until the application first uses it.",
        fix="Install google-auth in the target (langchain-google-vertexai brings it) and run again.",
    ),
    # --- AWS (Bedrock) -------------------------------------------------------------------------------------
    CodeInfo(
        "LCD440", Kind.MISSING_CREDENTIAL, E, "aws-no-credentials",
        what="No AWS credentials anywhere botocore looks offline (environment, shared credentials and config "
        "files, SSO, credential_process, web identity, container).",
        why="`botocore.exceptions.NoCredentialsError: Unable to locate credentials` at the first Bedrock call.",
        fix="`aws configure` (or `aws sso login --profile NAME` and `export AWS_PROFILE=NAME`).",
    ),
    CodeInfo(
        "LCD441", Kind.MISSING_CONFIG, E, "aws-region-missing",
        what="No AWS region: AWS_REGION, AWS_DEFAULT_REGION and the profile's `region` are all unset.",
        why="`botocore.exceptions.NoRegionError: You must specify a region.` (unless the code passes "
        "region_name).",
        fix="`export AWS_REGION=us-east-1` (a region where Bedrock and the model are available).",
    ),
    CodeInfo(
        "LCD442", Kind.REAUTH_REQUIRED, E, "aws-sso-token-expired",
        what="The profile uses AWS SSO (IAM Identity Center) and its cached token has expired or was never "
        "created, with no usable refresh token.",
        why="`botocore.exceptions.TokenRetrievalError` / `The SSO session associated with this profile has "
        "expired or is otherwise invalid.`",
        fix="`aws sso login --profile NAME`, then restart the notebook kernel.",
    ),
    CodeInfo(
        "LCD443", Kind.INVALID_CREDENTIAL, E, "aws-profile-not-found",
        what="AWS_PROFILE (or a source_profile) names a profile that is in neither the config nor the "
        "credentials file.",
        why="`botocore.exceptions.ProfileNotFound: The config profile (NAME) could not be found`.",
        fix="Fix the profile name, or create the profile with `aws configure --profile NAME`.",
    ),
    CodeInfo(
        "LCD444", Kind.INVALID_CREDENTIAL, E, "aws-key-malformed",
        what="AWS access keys that cannot work: an access key id without its secret (or the reverse), a "
        "malformed key id, quotes or whitespace, temporary (ASIA) keys without a session token.",
        why="`PartialCredentialsError`, or `InvalidClientTokenId` / `SignatureDoesNotMatch` at the first call.",
        fix="Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary keys) "
        "again, without quotes.",
    ),
    CodeInfo(
        "LCD445", Kind.INVALID_CREDENTIAL, E, "aws-config-invalid",
        what="The AWS config cannot work as written: unparsable files, a credential_process whose program is "
        "missing, a web identity token file that does not exist, an SSO profile without its settings.",
        why="botocore fails while resolving credentials, with an error naming the profile.",
        fix="Fix the named setting in ~/.aws/config (or the file AWS_CONFIG_FILE names).",
    ),
    CodeInfo(
        "LCD446", Kind.INVALID_CREDENTIAL, E, "aws-rejected",
        what="--online: STS GetCallerIdentity rejected the credentials (InvalidClientTokenId, "
        "SignatureDoesNotMatch, AccessDenied).",
        why="Bedrock rejects them the same way: `UnrecognizedClientException` / `The security token included in "
        "the request is invalid`.",
        fix="Create new access keys (or log in again) and set them without quotes.",
    ),
    CodeInfo(
        "LCD447", Kind.REAUTH_REQUIRED, E, "aws-token-expired",
        what="--online: STS answered ExpiredToken: the temporary credentials have expired.",
        why="`ExpiredTokenException: The security token included in the request is expired`.",
        fix="Get fresh temporary credentials (`aws sso login --profile NAME`, or re-export them).",
    ),
    CodeInfo(
        "LCD448", Kind.UNREACHABLE, W, "aws-unreachable",
        what="--online: STS could not be reached (or answered with a server error or throttling).",
        why="The credentials could not be verified.",
        fix="Check the network, proxy settings or AWS_ENDPOINT_URL_STS.",
    ),
    CodeInfo(
        "LCD449", Kind.DOCTOR, I, "aws-not-verified",
        what="--online: these credentials (SSO, assume-role, credential_process...) can only be resolved by "
        "botocore, which is not installed in the target.",
        why="Their validity is unknown until the application first uses them.",
        fix="Install boto3 in the target (langchain-aws brings it) and run again.",
    ),
    CodeInfo(
        "LCD450", Kind.REAUTH_REQUIRED, I, "aws-sso-token-refreshable",
        what="The cached AWS SSO access token has expired, but a refresh token is cached: botocore will try to "
        "refresh it on first use.",
        why="If the refresh token has also expired (they last about 90 days) the first call fails with "
        "`TokenRetrievalError`.",
        fix="If calls fail, `aws sso login --profile NAME`.",
    ),
    CodeInfo(
        "LCD451", Kind.INVALID_CREDENTIAL, E, "aws-botocore-error",
        what="botocore, run inside the target exactly as the application runs it, fails to resolve "
        "credentials or region.",
        why="The application meets the same botocore exception.",
        fix="See the evidence (botocore's own message).",
    ),
    # --- API keys, online ----------------------------------------------------------------------------------
    CodeInfo(
        "LCD460", Kind.INVALID_CREDENTIAL, E, "api-key-rejected",
        what="--online: the provider rejected the key on a cheap authenticated request (401/403, or its own "
        "`API key not valid` answer).",
        why="Every chat call fails with `AuthenticationError` (401).",
        fix="Create a new key in the provider's console and set it.",
    ),
    CodeInfo(
        "LCD461", Kind.UNREACHABLE, W, "api-rate-limited",
        what="--online: the provider answered 429 (rate limit or exhausted quota) to a cheap request.",
        why="Chat calls fail with `RateLimitError`; `insufficient_quota` means billing must be set up.",
        fix="Check the plan and quota in the provider's console, or wait and retry.",
    ),
    CodeInfo(
        "LCD462", Kind.UNREACHABLE, W, "api-server-error",
        what="--online: the provider answered with a server error (5xx).",
        why="The key could not be verified; the service may be degraded.",
        fix="Try again later; see the provider's status page.",
    ),
    CodeInfo(
        "LCD463", Kind.UNREACHABLE, W, "api-unreachable",
        what="--online: the provider's API could not be reached (DNS, connection, TLS or timeout).",
        why="Chat calls fail with `APIConnectionError` the same way.",
        fix="Check the network, proxy settings and the base-URL variable the finding names.",
    ),
    CodeInfo(
        "LCD464", Kind.UNREACHABLE, W, "api-unexpected-answer",
        what="--online: the provider answered the cheap request with an unexpected status (e.g. 404 from a wrong "
        "base URL).",
        why="A base-URL variable may point to the wrong place.",
        fix="Check the base-URL variable the finding names.",
    ),
)
