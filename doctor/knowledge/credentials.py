"""The credential chains: how the credentials of the providers that use no API key are resolved, as data.

A provider row names its ``CredentialKind``; a kind other than an API key (or none) is resolved by a library's own
chain: botocore's for AWS, google-auth's Application Default Credentials for Google Cloud. Everything that is
specific to one chain lives in its row here: the library that resolves it in the target (its distribution and
what installs it), the stdlib-only snippet that asks that library in the target (``doctor/creds/probes.py`` runs it
through the probe door), the variables that are settings rather than credentials, and the online check's endpoint.
The engine (``doctor/creds``, ``checks/aws.py``, ``checks/gcloud_adc.py``) reads the rows and names none of it.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .providers import CredentialKind

# What both snippets start with: ``args`` is given by the probe, ``out`` is the answer, ``done()`` ends the snippet.
_PREAMBLE = r'''
import os, sys
out = {"ok": False}
def cut(s, n=16000):
    # Generous and whole words only: the host redacts the text whole, then cuts it (no key fragment at a cut).
    s = str(s)
    return s if len(s) <= n else s[:max(s[:n].rfind(" "), 0)] + " ..."
def done():
    raise SystemExit(0)
'''

_GOOGLE_AUTH = _PREAMBLE + r'''
try:
    import warnings
    import google.auth
    import google.auth.credentials
    from google.auth import _cloud_sdk
    out["version"] = getattr(google.auth, "__version__", "")
except Exception as exc:
    out["error_class"] = type(exc).__name__
    out["message"] = cut(exc)
    done()
explicit = os.environ.get("GOOGLE_APPLICATION_CREDENTIALS")
try:
    path = explicit or _cloud_sdk.get_application_default_credentials_path()
    out["source"] = "GOOGLE_APPLICATION_CREDENTIALS" if explicit else "gcloud"
    out["path"] = path
    if not explicit and not os.path.isfile(path):
        out["source"] = "none"
        out["ok"] = True
        done()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        creds, project = google.auth.load_credentials_from_file(path)
    out["warnings"] = [cut(w.message) for w in caught]
    out["class"] = type(creds).__module__ + "." + type(creds).__name__
    out["project"] = project
    out["quota_project"] = getattr(creds, "quota_project_id", None)
    out["ok"] = True
except Exception as exc:
    out["error_class"] = type(exc).__name__
    out["message"] = cut(exc)
    done()
if args.get("refresh"):
    import time
    result = {"ok": False}
    out["refresh"] = result
    try:
        creds = google.auth.credentials.with_scopes_if_required(
            creds, ["https://www.googleapis.com/auth/cloud-platform"])
        uri = args.get("token_uri")
        if uri:
            for attr in ("_token_uri", "_token_url"):
                if hasattr(creds, attr):
                    setattr(creds, attr, uri)
            source = getattr(creds, "_source_credentials", None)
            if source is not None and hasattr(source, "_token_uri"):
                source._token_uri = uri
        timeout = float(args.get("timeout", 5))
        try:
            from google.auth.transport.requests import Request as _Base
        except Exception:
            import urllib3
            from google.auth.transport.urllib3 import Request as _U3
            class _Base(_U3):
                def __init__(self):
                    _U3.__init__(self, urllib3.PoolManager())
        class Request(_Base):
            def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kw):
                return _Base.__call__(self, url, method=method, body=body, headers=headers, timeout=TIMEOUT, **kw)
        TIMEOUT = timeout
        start = time.monotonic()
        try:
            creds.refresh(Request())
            result["ok"] = True
        finally:
            result["elapsed"] = time.monotonic() - start
    except Exception as exc:
        result["error_class"] = type(exc).__name__
        result["message"] = cut(exc.args[0] if exc.args and isinstance(exc.args[0], str) else exc)
done()
'''

_BOTOCORE = _PREAMBLE + r'''
try:
    import botocore
    import botocore.session
    out["version"] = botocore.__version__
except Exception as exc:
    out["error_class"] = type(exc).__name__
    out["message"] = cut(exc)
    done()
session = botocore.session.Session()
try:
    out["profile"] = session.get_config_variable("profile")
    out["region"] = session.get_config_variable("region")
except Exception as exc:
    out["region_error"] = type(exc).__name__ + ": " + cut(exc)
skip = set(args.get("skip", []))
out["skipped"] = []
try:
    resolver = session.get_component("credential_provider")
    for provider in resolver.providers:
        method = getattr(provider, "METHOD", type(provider).__name__)
        if method in skip:
            out["skipped"].append(method)
            continue
        creds = provider.load()
        if creds is not None:
            out["method"] = getattr(creds, "method", None) or method
            break
    out["ok"] = True
except Exception as exc:
    out["error_class"] = type(exc).__name__
    out["message"] = cut(exc)
    done()
if args.get("sts") and out.get("method"):
    result = {"ok": False}
    out["sts"] = result
    try:
        from botocore.config import Config
        from botocore.exceptions import ClientError
        t = float(args.get("timeout", 5))
        cfg = Config(connect_timeout=t, read_timeout=t, retries={"max_attempts": 1, "mode": "standard"})
        client = session.create_client("sts", region_name=out.get("region") or args.get("region"), config=cfg)
        try:
            client.get_caller_identity()
            result["ok"] = True
        except ClientError as exc:
            err = exc.response.get("Error", {})
            result["code"] = err.get("Code")
            result["message"] = cut(err.get("Message", ""))
            result["status"] = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    except Exception as exc:
        result["error_class"] = type(exc).__name__
        result["message"] = cut(exc)
done()
'''


class Chain(NamedTuple):
    """One credential chain: what resolves it in the target, and how the doctor asks."""

    kind: CredentialKind
    provider: str
    """The provider row whose checks report on this chain (its findings carry this provider)."""
    library: str
    """Distribution whose own code resolves the chain in the target; the snippet runs only where it is installed."""
    install: str
    """What ``pip install`` brings the library with (boto3 brings botocore)."""
    snippet: str
    """Source run in the target (stdlib-only at top level; ``args`` in, ``out`` back; never a secret in ``out``)."""
    offline_skip: tuple[str, ...] = ()
    """Steps of the library's chain never run offline (they run the user's programs or ask the network)."""
    probe_env: tuple[tuple[str, str], ...] = ()
    """Settings every snippet of this chain runs with (the instance metadata service is never asked)."""
    online_skip: tuple[str, ...] = ()
    """Steps of the chain skipped even online (metadata services: the doctor does not ask them)."""
    env_prefix: str = ""
    """Variables with this prefix may name the chain's credentials, profile or region ..."""
    not_credential_vars: frozenset[str] = frozenset()
    """... except these transport or CLI settings ..."""
    not_credential_prefixes: tuple[str, ...] = ()
    """... and the variables that start with these."""
    endpoint_vars: tuple[str, ...] = ()
    """Variables that move the online check's endpoint, first set wins (tests and proxies)."""
    online_url: str = ""
    """The online check's endpoint, ``{region}`` filled in; ``online_url_global`` when there is no region."""
    online_url_global: str = ""
    default_region: str = ""
    """The region the online check signs for when none is configured."""
    sso_login: tuple[str, ...] = ()
    """The command (argv) that logs in to the chain's single sign-on again; a profile is appended."""


CHAINS: dict[CredentialKind, Chain] = {
    CredentialKind.AWS: Chain(
        CredentialKind.AWS, "aws", "botocore", "boto3", _BOTOCORE,
        # Offline, botocore must not run the user's programs nor ask the network: these providers are skipped.
        offline_skip=("custom-process", "container-role", "iam-role"),
        online_skip=("container-role", "iam-role"),
        probe_env=(("AWS_EC2_METADATA_DISABLED", "true"),),
        env_prefix="AWS_",
        # AWS_* variables that are transport or CLI settings, never a source of credentials or of a profile
        # (botocore's BOTOCORE_DEFAULT_SESSION_VARIABLES: ca_bundle, retries, endpoints, metadata-service
        # tuning...). A proxy's AWS_CA_BUNDLE alone must not cost a botocore import in the target on every run.
        not_credential_vars=frozenset({
            "AWS_CA_BUNDLE", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_METADATA_SERVICE_TIMEOUT",
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS", "AWS_EC2_METADATA_DISABLED", "AWS_STS_REGIONAL_ENDPOINTS",
            "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_DEFAULTS_MODE",
            "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
            "AWS_DISABLE_REQUEST_COMPRESSION", "AWS_SDK_UA_APP_ID", "AWS_REQUEST_CHECKSUM_CALCULATION",
            "AWS_RESPONSE_CHECKSUM_VALIDATION", "AWS_DEFAULT_OUTPUT", "AWS_PAGER",
        }),
        not_credential_prefixes=("AWS_ENDPOINT_URL", "AWS_CLI_"),
        # STS GetCallerIdentity (--online): botocore's service-specific endpoint variable, then the SDK-wide one.
        endpoint_vars=("AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"),
        online_url="https://sts.{region}.amazonaws.com/", online_url_global="https://sts.amazonaws.com/",
        default_region="us-east-1",
        sso_login=("aws", "sso", "login"),
    ),
    CredentialKind.GCLOUD_ADC: Chain(
        CredentialKind.GCLOUD_ADC, "google-vertexai", "google-auth", "google-auth", _GOOGLE_AUTH,
    ),
}
"""Every credential kind that a library's chain resolves (not ``API_KEY``, not ``NONE``) -> its chain."""


# Keyword arguments of model classes that hold a credential, by name. The construction probe (doctor/nbconstruct.py)
# never passes a notebook's value of such an argument on: it hands the class a dummy instead. A word of the name
# (split on ``_``, ``-`` or ``.``) is one of SECRET_ARG_WORDS, or the name ends with one of SECRET_ARG_SUFFIXES or
# holds one of SECRET_ARG_SUBSTRINGS, unless NOT_SECRET_ARG says it names a count, a path, a URL or a setting.
SECRET_ARG_WORDS = frozenset({"key", "keys", "apikey", "token", "secret", "secrets", "password", "passwd", "pwd",
                              "passphrase", "credential", "credentials", "auth", "authorization", "cookie",
                              "cookies"})
SECRET_ARG_SUFFIXES = ("_key", "key", "_token")
SECRET_ARG_SUBSTRINGS = ("access_key",)
NOT_SECRET_ARG = re.compile(r"^(max|min|num|n)_|_(tokens|file|path|dir|url|uri|endpoint|env|var|name|id_name|type)$")


def is_secret_arg(name: str) -> bool:
    """True for an argument name that holds a credential (``api_key``, ``aws_secret_access_key``, ``token``)."""
    low = name.lower()
    if NOT_SECRET_ARG.search(low):
        return False
    return (any(w in SECRET_ARG_WORDS for w in re.split(r"[_\-.]", low)) or low.endswith(SECRET_ARG_SUFFIXES)
            or any(s in low for s in SECRET_ARG_SUBSTRINGS))
