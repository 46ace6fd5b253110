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
from ..knowledge.credentials import CHAINS
from ..knowledge.providers import CredentialKind

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..context import Environment
    from ..redact import Redactor

_AWS = CHAINS[CredentialKind.AWS]
_GOOGLE = CHAINS[CredentialKind.GCLOUD_ADC]


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


def _nothing_for_aws(environ: Mapping[str, str]) -> bool:
    # No AWS_* variable that could name credentials, a profile or a region, and no shared config or credentials
    # file: botocore (metadata services skipped offline) can only find nothing too.
    from ..creds.gcloud import home

    if any(k.startswith(_AWS.env_prefix) and k not in _AWS.not_credential_vars
           and not k.startswith(_AWS.not_credential_prefixes) for k in environ):
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


def no_answer(probe: Mapping[str, Any]) -> str:
    """Why a probe that ran gave no result: its own failure, else the library's message, else ``no result``."""
    return str(probe.get("probe_failed") or probe.get("message") or "no result")


def google_auth(env: Environment, *, refresh: bool = False, token_uri: str = "") -> Optional[dict[str, Any]]:
    """The Google chain's library's own view of the ADC file (and, with ``refresh``, one refresh); None when it
    cannot run."""
    if not env.options.probe or not _has(env, _GOOGLE.library):
        return None
    if not refresh and _nothing_for_google(env.environ):
        return None
    net = env.options.net_timeout
    args = {"refresh": refresh, "token_uri": token_uri, "timeout": net}
    return run(env, _GOOGLE.snippet, args, env.options.timeout + (net if refresh else 0))


def botocore(env: Environment, *, sts: bool = False) -> Optional[dict[str, Any]]:
    """The AWS chain's library's own credential method and region (and, with ``sts``, GetCallerIdentity); None
    if not run."""
    if not env.options.probe or not _has(env, _AWS.library):
        return None
    if not sts and _nothing_for_aws(env.environ):
        return None
    net = env.options.net_timeout
    args = {"skip": list(_AWS.online_skip if sts else _AWS.offline_skip), "sts": sts, "timeout": net,
            "region": _AWS.default_region}
    # Belt and braces: the instance metadata service is never asked.
    return run(env, _AWS.snippet, args, env.options.timeout + (net if sts else 0), extra_env=dict(_AWS.probe_env))
