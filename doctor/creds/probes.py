"""Credential resolution inside the target, with the target's own google-auth / botocore, exactly as the app.

Each snippet runs as a ``snippet`` item through the probe door (``doctor/probe/``: one process, the same time
limits, output bounds and containment as every probe). It is stdlib-only at top level, imports the library inside
try/except, answers with its ``out`` dict, and never puts a secret value in it. Offline snippets run with the
network blocked; ``refresh``/``sts`` (only with --online) run in a job whose network is open and make one call
with the library's own code, so the verdict is the library's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Optional

from .. import inputs

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..context import Environment
    from ..redact import Redactor

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

GOOGLE_AUTH = _PREAMBLE + r'''
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

BOTOCORE = _PREAMBLE + r'''
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
        client = session.create_client("sts", region_name=out.get("region") or "us-east-1", config=cfg)
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

# Offline, botocore must not run the user's programs nor ask the network: these providers are skipped.
OFFLINE_SKIP = ("custom-process", "container-role", "iam-role")


def _has(env: Environment, dist: str) -> bool:
    return env.inventory.get(dist) is not None


def run(env: Environment, snippet: str, args: dict[str, Any], timeout: float,
        extra_env: Optional[dict[str, str]] = None) -> dict[str, Any]:
    """Run ``snippet`` in the target as one probe job; its answer, or {"probe_failed": reason}."""
    from .. import probe

    network = bool(args.get("refresh") or args.get("sts"))
    item = probe.Item("creds:snippet", "snippet", source=snippet, args=args, env=extra_env or {})
    results = probe.run(env.target, [[item]], cwd=env.work_dir or env.target.cwd, environ=env.environ,
                        timeout=timeout, network=network)
    r = results.get(item.id) or probe.Result(item.id, "crashed", message="the probe gave no result")
    if r.ok and isinstance(r.value, dict):
        return _redacted(r.value, env.redactor)
    cut = env.redactor.cut
    if r.status == "timeout":
        return {"probe_failed": f"no answer within {timeout:g} s ({cut(r.message, 300)})"}
    if r.status == "error":
        return {"probe_failed": f"{r.exc_type}: {cut(r.message, 300)}"}
    tail = (env.redactor.text(r.stderr).strip().splitlines() or ["no output"])[-1]
    return {"probe_failed": f"{cut(r.message, 200)}: {cut(tail, 300)}"}


_MAX_SHOWN = 500


def _redacted(data: dict[str, Any], redactor: Redactor) -> dict[str, Any]:
    """The snippet's answer with its texts redacted whole, then cut (paths and names are kept whole)."""
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, str) and key in ("message", "region_error", "error"):
            out[key] = redactor.cut(value, _MAX_SHOWN)
        elif isinstance(value, list) and key == "warnings":
            out[key] = [redactor.cut(str(v), _MAX_SHOWN) for v in value]
        elif isinstance(value, dict):  # the refresh / sts call's own result
            out[key] = _redacted(value, redactor)
        else:
            out[key] = value
    return out


def _nothing_for_google(environ: Mapping[str, str]) -> bool:
    # No key file named, no gcloud folder, not on Google Cloud: offline, google-auth can only find nothing too,
    # so the interpreter start-up (and google-auth's import) would buy no information.
    from ..creds.gcloud import gcloud_config_dir, on_gce

    return (not environ.get("GOOGLE_APPLICATION_CREDENTIALS") and not inputs.exists(gcloud_config_dir(environ))
            and not on_gce())


# AWS_* variables that are transport or CLI settings, never a source of credentials or of a profile
# (botocore's BOTOCORE_DEFAULT_SESSION_VARIABLES: ca_bundle, retries, endpoints, metadata-service tuning...).
# A proxy's AWS_CA_BUNDLE alone must not cost a botocore import in the target on every run.
_AWS_NOT_CREDENTIALS = frozenset({
    "AWS_CA_BUNDLE", "AWS_MAX_ATTEMPTS", "AWS_RETRY_MODE", "AWS_METADATA_SERVICE_TIMEOUT",
    "AWS_METADATA_SERVICE_NUM_ATTEMPTS", "AWS_EC2_METADATA_DISABLED", "AWS_STS_REGIONAL_ENDPOINTS",
    "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT", "AWS_DEFAULTS_MODE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
    "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "AWS_DISABLE_REQUEST_COMPRESSION", "AWS_SDK_UA_APP_ID",
    "AWS_REQUEST_CHECKSUM_CALCULATION", "AWS_RESPONSE_CHECKSUM_VALIDATION", "AWS_DEFAULT_OUTPUT", "AWS_PAGER",
})
_AWS_NOT_CREDENTIALS_PREFIXES = ("AWS_ENDPOINT_URL", "AWS_CLI_")


def _nothing_for_aws(environ: Mapping[str, str]) -> bool:
    # No AWS_* variable that could name credentials, a profile or a region, and no shared config or credentials
    # file: botocore (metadata services skipped offline) can only find nothing too.
    from ..creds.gcloud import home

    if any(k.startswith("AWS_") and k not in _AWS_NOT_CREDENTIALS and not k.startswith(_AWS_NOT_CREDENTIALS_PREFIXES)
           for k in environ):
        return False
    aws_dir = home(environ) / ".aws"
    return not inputs.exists(aws_dir / "config") and not inputs.exists(aws_dir / "credentials")


def failure_lines(probe: Optional[Mapping[str, Any]], library: str) -> Optional[list[str]]:
    """Evidence when the in-target probe did not run or the library raised; None when it answered normally."""
    if probe is None:
        return []
    if "probe_failed" in probe:
        return [f"{library} probe in the target failed: {probe['probe_failed']}"]
    if probe.get("error_class"):
        return [f"{library} {probe.get('version', '?')} in the target: {probe['error_class']}: "
                f"{probe.get('message', '')}"]
    return None


def google_auth(env: Environment, *, refresh: bool = False, token_uri: str = "") -> Optional[dict[str, Any]]:
    """google-auth's own view of the ADC file (and, with ``refresh``, one refresh); None when it cannot run."""
    if not env.options.probe or not _has(env, "google-auth"):
        return None
    if not refresh and _nothing_for_google(env.environ):
        return None
    net = env.options.net_timeout
    args = {"refresh": refresh, "token_uri": token_uri, "timeout": net}
    return run(env, GOOGLE_AUTH, args, env.options.timeout + (net if refresh else 0))


def botocore(env: Environment, *, sts: bool = False) -> Optional[dict[str, Any]]:
    """botocore's own credential method and region (and, with ``sts``, GetCallerIdentity); None if not run."""
    if not env.options.probe or not _has(env, "botocore"):
        return None
    if not sts and _nothing_for_aws(env.environ):
        return None
    net = env.options.net_timeout
    args = {"skip": list(OFFLINE_SKIP) if not sts else ["container-role", "iam-role"], "sts": sts,
            "timeout": net}
    # Belt and braces: the instance metadata service is never asked.
    return run(env, BOTOCORE, args, env.options.timeout + (net if sts else 0),
               extra_env={"AWS_EC2_METADATA_DISABLED": "true"})
