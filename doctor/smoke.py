"""``--online --smoke``: one tiny real chat call per needed or configured provider, made from the target interpreter.

The stage is three pure-ish steps around one confirmation:

- :func:`select` decides who is called and how: providers that must work (``--provider``, a notebook) or that are
  configured (their credential is present); the notebook's own class and literal arguments (model, base URL)
  when it constructs one, else the provider's default model; the smallest output limit the class accepts,
  ``max_retries=0`` (or one botocore attempt) and the network timeout. Never more than one call per provider.
- :func:`confirm` shows that plan (the calls may cost money) and needs ``--yes`` or a terminal's answer.
- :func:`execute` makes each call in the target interpreter (``doctor/probe/_probe.py``'s ``invoke`` op, in a job
  whose network is open; nothing else runs in it) and turns what came back into table rows (:class:`Entry`)
  and findings (LCD6xx, classified with ``doctor.classify`` and the HTTP status).

Response metadata differ per provider; :func:`normalise` reads them all into one row, preferring the standard
``AIMessage.usage_metadata`` where present. Nothing secret crosses into the doctor: keys are named
(``@probe:env:VAR``) and read by the target; what comes back is redacted before it is shown.
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional, Union
from urllib.parse import urlparse

from .findings import make
from .knowledge.providers import (
    BY_NAME,
    FINISH_KEYS,
    MODEL_KEYS,
    SHAPES,
    TIMINGS,
    TOKEN_KEYS,
    CallShape,
    CredentialKind,
    Provider,
    by_class,
    by_host,
    stands_for,
)
from .model import Finding, Fix, Kind, Severity
from .redact import default as default_redactor
from .redact import fingerprint
from .registry import info
from .target import TargetError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from .context import Environment
    from .notebook import ClassUse
    from .redact import Redactor

PROMPT = "Reply with the single word OK."
"""The one-line prompt every smoke call sends."""

_ENV_REF = "@probe:env:"


# ---- knowledge: how to make the smallest call with each chat class ------------------------------------------

# The notebook's literal keyword arguments that are passed on (never secrets: keys come from the environment).
_MODEL_KWS = ("model", "model_name", "model_id", "azure_deployment", "deployment_name")
_URL_KWS = ("base_url", "openai_api_base", "api_base", "endpoint", "azure_endpoint", "anthropic_api_url")
_PASSED_KWS = (*_MODEL_KWS, *_URL_KWS, "api_version", "openai_api_version", "region_name", "project",
               "location", "credentials_profile_name", "provider", "beta_use_converse_api")


# ---- the plan -------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    """One smoke call to make. ``env`` may hold a key read from a .env file: it is never shown."""

    provider: str
    module: str
    chat_class: str
    kwargs: Mapping[str, Any]
    """Constructor keyword arguments; secrets only as ``@probe:env:VAR`` references."""
    model: Optional[str]
    """The model asked for (None: the class's default)."""
    origin: str
    """Where the arguments come from: ``notebook.ipynb cell 3`` or ``default``."""
    credential: str = ""
    """What authenticates the call, for the plan (``key OPENAI_API_KEY``); never a value."""
    needed: bool = False
    notes: tuple[str, ...] = ()
    env: Mapping[str, str] = field(default_factory=dict, repr=False)

    def display(self) -> str:
        """``ChatOpenAI(model='gpt-4o-mini', max_tokens=1, ...)`` with key references as ``$VAR``."""
        parts = []
        for k, v in self.kwargs.items():
            if isinstance(v, str) and v.startswith(_ENV_REF):
                parts.append(f"{k}=${v[len(_ENV_REF):]}")
            elif isinstance(v, str) and v.startswith("@probe:botocore-config:"):
                parts.append(f"{k}=Config(timeouts {v.rsplit(':', 1)[1]}s, 1 attempt)")
            else:
                parts.append(f"{k}={v!r}")
        return f"{self.chat_class}({', '.join(parts)})"


@dataclass(frozen=True)
class Skip:
    """A provider that must work or is configured, but is not called, and why."""

    provider: str
    reason: str
    needed: bool = False


@dataclass(frozen=True)
class SmokeCalls:
    """Who is called and how; who is not and why."""

    calls: tuple[Call, ...] = ()
    skipped: tuple[Skip, ...] = ()
    redactor: Redactor = field(default_factory=default_redactor, compare=False, repr=False)
    """The run's redactor (``Environment.redactor``): the plan shown before the calls passes through it."""


class SmokeRefused(TargetError):
    """The calls were not confirmed (no ``--yes``, no terminal, or the answer was no): nothing was called."""


def _configured(p: Provider, env: Environment, nd: Any) -> tuple[bool, str, Optional[str]]:
    """(credential present, what it is for the plan, why it cannot be used or None)."""
    from .creds import apikeys, aws, gcloud

    if p.credential is CredentialKind.API_KEY:
        src, dotenv_only = apikeys.resolve(p, env, nd)
        if src is None:
            where = f" (only in {dotenv_only.origin}, which the code does not load)" if dotenv_only else ""
            return False, "", f"no API key: {' or '.join(p.key_vars) or 'none known'} is not set{where}"
        if apikeys.usable(p, env, nd) is None:
            return True, f"key {src.var}", f"the key in {src.var} has problems (see the LCD40x findings)"
        return True, f"key {src.var} from {src.origin}", None
    if p.credential is CredentialKind.AWS:
        chain = aws.resolve(env.environ)
        if not chain.method:
            return False, "", "no AWS credentials were found (see the LCD44x findings)"
        return True, f"AWS credentials ({chain.method}, profile {chain.profile})", None
    if p.credential is CredentialKind.GCLOUD_ADC:
        res = gcloud.resolve(env.environ)
        if res.file is None and not res.on_gce:
            return False, "", "no Google Application Default Credentials (see the LCD42x findings)"
        return True, "Google Application Default Credentials", None
    configured = any(env.environ.get(v) for v in p.base_url_vars)
    return configured, "no credential needed", None  # needed, or its endpoint variable is set


def _probe_failure(env: Environment, proxy: str) -> Optional[str]:
    for stage in ("import", "class", "construct"):
        r = env.probes.get(f"{proxy}:{stage}")
        if r is not None and not r.ok:
            what = {"import": "the integration does not import", "class": "the chat class does not import",
                    "construct": "the chat class cannot be constructed"}[stage]
            return f"{what} ({r.exc_type or r.status}; see the findings above)"
    return None


def _notebook_use(env: Environment, provider: str) -> tuple[Optional[ClassUse], str]:
    """The first chat-class construction of ``provider`` in the notebooks, and where it is."""
    for facts in env.notebook_facts:
        for c in facts.classes:
            if c.provider != provider:
                continue
            if c.name != "init_chat_model" and by_class(c.name) is None:
                continue
            where = Path(str(facts.path)).name + (f" cell {c.cell}" if c.cell else f" line {c.line}")
            return c, where
    return None, ""


def _endpoint_override(p: Provider, url: str, environ: Mapping[str, str]) -> Optional[tuple[str, str]]:
    """(variable, value) when a base-URL variable of ``p`` is set and the notebook's URL is ``p``'s public API."""
    host = urlparse(url if "//" in url else "//" + url).netloc
    if by_host(host) is not p:
        return None
    for var in p.base_url_vars:
        value = environ.get(var, "").strip()
        if value:
            return var, value
    return None


def _default_model(p: Provider) -> Optional[str]:
    if not p.construct_model_is_default or p.construct is None:
        return None
    args = dict(p.construct)
    for kw in _MODEL_KWS:
        if isinstance(args.get(kw), str):
            return str(args[kw])
    return None


def _call_for(p: Provider, env: Environment, nd: Any, credential: str) -> Union[Call, Skip]:
    """The call for one provider, or why there is none."""
    needed = p.name in nd.needed
    use, where = _notebook_use(env, p.name)
    class_name = p.chat_classes[0]
    row = p
    literal: dict[str, Any] = {}
    if use is not None:
        literal = {k: v for k, v in use.kwargs if k in _PASSED_KWS and v is not None}
        if use.name != "init_chat_model":
            class_name = use.name
            row = by_class(use.name) or p
        elif isinstance(literal.get("model"), str) and ":" in str(literal["model"]):
            literal["model"] = str(literal["model"]).split(":", 1)[1]
    shape: Optional[CallShape] = SHAPES.get(class_name)
    if shape is None:
        return Skip(p.name, f"the doctor does not know how to make a minimal call with {class_name}", needed)
    if shape.unsupported:
        return Skip(p.name, shape.unsupported, needed)
    kwargs: dict[str, Any] = {}
    notes: list[str] = []
    model = next((str(literal[k]) for k in _MODEL_KWS if isinstance(literal.get(k), str)), None)
    if model is None:
        model = _default_model(p)
        if model is None:
            return Skip(p.name, f"no model to call: give the notebook that constructs {class_name} "
                        "(--notebook)", needed)
        kwargs[shape.model_kw] = model
    kwargs.update(literal)
    for kw in _URL_KWS:
        url = kwargs.get(kw)
        if isinstance(url, str):
            override = _endpoint_override(p, url, env.environ)
            if override is not None:
                kwargs[kw] = override[1]
                notes.append(f"base URL from {override[0]} (the notebook names {url})")
    item_env: dict[str, str] = {}
    if p.credential is CredentialKind.API_KEY:
        from .creds import apikeys

        src, _ = apikeys.resolve(p, env, nd)
        if src is not None:
            if row is not p:
                # The class belongs to another provider (ChatOpenAI pointed at Together): it would read its own
                # provider's variable, so the notebook passes this provider's key; the doctor names it.
                kwargs["api_key"] = _ENV_REF + src.var
            if src.from_dotenv:
                item_env[src.var] = src.value
    kwargs.update(shape.limit)
    timeout = env.options.net_timeout
    if shape.timeout_kw == "config":
        kwargs["config"] = f"@probe:botocore-config:{timeout:g}"
    elif shape.timeout_kw:
        kwargs[shape.timeout_kw] = max(1, round(timeout)) if shape.timeout_int else timeout
    if shape.retries_kw:
        kwargs[shape.retries_kw] = 0
    return Call(p.name, row.module, class_name, kwargs, model, where or "default", credential, needed,
                tuple(notes), item_env)


def select(env: Environment) -> SmokeCalls:
    """Which providers are called and how (needed or configured ones; at most one call each)."""
    from .creds import needs

    nd = needs.compute(env)
    calls: list[Call] = []
    skipped: list[Skip] = []
    for p in nd.present:
        is_needed = p.name in nd.needed
        has_cred, credential, unusable = _configured(p, env, nd)
        if not (is_needed or has_cred):
            continue
        package = env.needed_packages.get(p.name, p.package)
        proxy = stands_for(p, package)
        reason: Optional[str] = None
        if not env.options.probe:
            reason = "--no-probe: nothing may be imported in the target"
        elif env.inventory.get(package) is None:
            reason = f"{package} is not installed"
        else:
            reason = _probe_failure(env, proxy) or unusable
        if reason is not None:
            skipped.append(Skip(p.name, reason, is_needed))
            continue
        got = _call_for(p, env, nd, credential)
        if isinstance(got, Call):
            calls.append(got)
        else:
            skipped.append(got)
    return SmokeCalls(tuple(calls), tuple(skipped), env.redactor)


def describe(pl: SmokeCalls) -> list[str]:
    """What will be called, shown before anything is: provider, class and arguments, credential, notes."""
    n = len(pl.calls)
    lines = [f"--smoke will make {n} real chat call{'s' if n != 1 else ''} (one per provider, one short prompt, "
             "output limited to 1 token); providers may bill for them:"]
    width = max((len(c.provider) for c in pl.calls), default=0)
    for c in pl.calls:
        lines.append(f"  {c.provider.ljust(width)}  {c.display()}  [{c.origin}; {c.credential}]")
        lines += [f"  {' ' * width}  note: {note}" for note in c.notes]
    for s in pl.skipped:
        lines.append(f"  not called: {s.provider}: {s.reason}")
    return [pl.redactor.text(line) for line in lines]


def cli_confirm(pl: SmokeCalls) -> bool:
    """The command line's confirmation: show the plan on stderr; ``--yes`` or a terminal's "y" confirms."""
    import click

    click.echo("\n".join(describe(pl)), err=True)
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.params.get("yes"):
        return True
    if not sys.stdin.isatty():
        return False
    return click.confirm("Make these calls?", default=False, err=True)


def confirm(pl: SmokeCalls, ask: Optional[Callable[[SmokeCalls], bool]] = None) -> None:
    """SmokeRefused unless the calls are confirmed (nothing to confirm when nothing would be called)."""
    if not pl.calls:
        return
    if not (ask or cli_confirm)(pl):
        raise SmokeRefused("--smoke makes real API calls that may cost money: confirm on a terminal or pass --yes "
                           "(nothing was called)")


# ---- normalising what came back -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Usage:
    """One provider's response metadata read into the table's columns."""

    model: Optional[str] = None
    finish_reason: Optional[str] = None
    input_tokens: Optional[int] = None
    output_tokens: Optional[int] = None
    total_tokens: Optional[int] = None
    source: Optional[str] = None
    """Where the token counts were read: ``usage_metadata`` or ``response_metadata.<key>``."""
    timings: Mapping[str, float] = field(default_factory=dict)
    """Server-side timings where the provider reports them (Groq's queue/prompt/completion/total time)."""


def _int(v: Any) -> Optional[int]:
    return v if isinstance(v, int) and not isinstance(v, bool) else None


def _first_str(d: Mapping[str, Any], keys: Iterable[str]) -> Optional[str]:
    for k in keys:
        v = d.get(k)
        if isinstance(v, str) and v:
            return v
    return None


def normalise(response_metadata: Any, usage_metadata: Any, chat_class: str = "") -> Usage:
    """The table's columns from ``AIMessage.response_metadata`` and ``usage_metadata`` (preferred for tokens).

    The model and finish-reason keys are the ones ``chat_class``'s smoke shape names in the providers table, then
    every other row's (an unknown class, or an integration release that spells them differently)."""
    rm: Mapping[str, Any] = response_metadata if isinstance(response_metadata, dict) else {}
    um: Mapping[str, Any] = usage_metadata if isinstance(usage_metadata, dict) else {}
    shape = SHAPES.get(chat_class)
    model = _first_str(rm, (*(shape.model_keys if shape else ()), *MODEL_KEYS))
    finish = _first_str(rm, (*(shape.finish_keys if shape else ()), *FINISH_KEYS))
    timings: dict[str, float] = {}
    usage = rm.get("token_usage")
    if isinstance(usage, dict):
        timings = {k: float(usage[k]) for k in TIMINGS if isinstance(usage.get(k), (int, float))}
    if _int(um.get("input_tokens")) is not None or _int(um.get("output_tokens")) is not None:
        i, o = _int(um.get("input_tokens")), _int(um.get("output_tokens"))
        t = _int(um.get("total_tokens"))
        if t is None and i is not None and o is not None:
            t = i + o
        return Usage(model, finish, i, o, t, "usage_metadata", timings)
    for keys in TOKEN_KEYS:  # where the providers table says each class keeps its token counts
        d = rm.get(keys.at) if keys.at else rm
        if not isinstance(d, dict):
            continue
        i, o = _int(d.get(keys.input)), _int(d.get(keys.output))
        t = _int(d.get(keys.total)) if keys.total else None
        if i is None and o is None:
            continue
        if t is None and i is not None and o is not None:
            t = i + o
        return Usage(model, finish, i, o, t, f"response_metadata.{keys.at or keys.output}", timings)
    return Usage(model, finish, timings=timings)


# ---- classifying a failed call --------------------------------------------------------------------------------

_MODEL_MISSING = (
    "model_not_found", "does not exist or you do not have access", "not_found_error", "Invalid model",
    "invalid_model", "is not found for API version", "Unable to access model", "Model not found",
    "The provided model identifier is invalid", "don't have access to the model", "model_not_available",
    "NotFoundError", "no such model", "Unknown model",
)
_RATE = ("insufficient_quota", "rate_limit", "RESOURCE_EXHAUSTED", "ThrottlingException", "Too many requests",
         "exceeded your current quota", "RateLimitError", "TooManyRequests")
_TIMEOUTS = ("APITimeoutError", "ReadTimeout", "ConnectTimeout", "TimeoutException", "ReadTimeoutError",
             "ConnectTimeoutError", "DeadlineExceeded", "timeout")


@dataclass(frozen=True)
class Failure:
    """How a failed call is reported."""

    code: str
    title: str
    why: str
    """One line for the table."""
    fix: Optional[Fix] = None


def classify(call: Call, result: Mapping[str, Any], python: str, *, timeout: float) -> Failure:
    """The LCD6xx verdict on a failed call, from the exception, its HTTP status and the signature table."""
    from . import classify as signatures

    p = call.provider
    status = result.get("status")
    if status == "timeout":
        return Failure("LCD606", f"{p}: no answer to the smoke call within {timeout:g} s", "timed out")
    if status == "crashed":
        return Failure("LCD608", f"{p}: the smoke call crashed the interpreter", str(result.get("message", "")))
    exc_type = str(result.get("exc_type") or "")
    message = str(result.get("message") or "")
    http = result.get("http") or {}
    code = http.get("http_status") if isinstance(http, dict) else None
    err_code = str(http.get("error_code") or "") if isinstance(http, dict) else ""
    text = f"{exc_type} {err_code} {message}"
    sig = signatures.classify(exc_type, message, str(result.get("traceback") or ""))
    kind = sig.kind if sig else None
    model = call.model or "the class's default model"
    sig_fix = sig.fix(python) if sig else None
    head = f"HTTP {code}" if isinstance(code, int) else exc_type or "error"
    if kind is Kind.REAUTH_REQUIRED:
        return Failure("LCD602", f"{p}: {sig.title if sig else 'log in again'}", head, sig_fix)
    if any(s in text for s in _MODEL_MISSING) or code == 404:
        return Failure("LCD604", f"{p}: model {model!r} is not available to this account (not found or no access)",
                       f"{head}: model not found or no access",
                       Fix(f"Use a model that {p} lists for your account, or request access to {model!r}",
                           manual=True))
    if code in (401, 403) or kind is Kind.INVALID_CREDENTIAL:
        return Failure("LCD601", f"{p}: the credential was rejected ({head})", f"{head}: credential rejected",
                       sig_fix or Fix(f"Set a valid credential for {p}", manual=True))
    if code == 429 or any(s in text for s in _RATE):
        return Failure("LCD605", f"{p}: rate-limited or out of quota ({head})", f"{head}: rate limit or quota",
                       Fix(f"Check the {p} account's quota and billing, then retry later", manual=True))
    if isinstance(code, int) and code >= 500:
        return Failure("LCD607", f"{p}: server error ({head})", f"{head}: server error")
    if kind is Kind.UNREACHABLE or any(t in exc_type for t in _TIMEOUTS):
        return Failure("LCD606", f"{p}: the API could not be reached ({exc_type or 'connection error'})",
                       "unreachable", sig_fix)
    if kind is Kind.MISSING_CREDENTIAL:
        return Failure("LCD603", f"{p}: {sig.title if sig else 'no credential'}", "no credential", sig_fix)
    if kind is Kind.MISSING_CONFIG:
        return Failure("LCD604", f"{p}: {sig.title if sig else 'a setting is missing'}", "missing setting", sig_fix)
    return Failure("LCD608", f"{p}: the smoke call failed ({exc_type or 'error'})",
                   f"{head}: {sig.title if sig else 'call failed'}", sig_fix)


# ---- running the calls ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    """One row of the smoke table (the contract's ``smoke[]`` object, plus a few extensions)."""

    provider: str
    chat_class: str
    model: Optional[str]
    status: str
    """ok | error | skipped."""
    latency_s: Optional[float] = None
    usage: Usage = field(default_factory=Usage)
    response_metadata_keys: tuple[str, ...] = ()
    error: Optional[str] = None
    """One line: why the call failed or was skipped."""
    code: Optional[str] = None
    """The finding code of a failed call."""
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when the call answered."""
        return self.status == "ok"

    def to_json(self, redactor: Optional[Redactor] = None) -> dict[str, Any]:
        """The contract's object; text fields redacted."""
        def r(s: Optional[str]) -> Optional[str]:
            return redactor.text(s) if (redactor is not None and s is not None) else s

        d: dict[str, Any] = {
            "provider": self.provider,
            "model": r(self.usage.model or self.model),
            "ok": self.ok,
            "latency_s": self.latency_s,
            "finish_reason": r(self.usage.finish_reason),
            "input_tokens": self.usage.input_tokens,
            "output_tokens": self.usage.output_tokens,
            "total_tokens": self.usage.total_tokens,
            "response_metadata_keys": list(self.response_metadata_keys),
            "status": self.status,
            "class": self.chat_class or None,
            "requested_model": r(self.model),
            "usage_from": self.usage.source,
        }
        if self.usage.timings:
            d["timings"] = dict(self.usage.timings)
        if self.error is not None:
            d["error"] = r(self.error)
        if self.code is not None:
            d["code"] = self.code
        if self.notes:
            d["notes"] = [r(n) for n in self.notes]
        return d


def _run_call(env: Environment, call: Call, timeout: float) -> dict[str, Any]:
    """Run one invoke item through the probe door, in its own process whose network is open; its raw result."""
    from . import probe

    item = probe.Item(f"smoke:{call.provider}", "invoke", module=call.module, attr=call.chat_class,
                      kwargs=dict(call.kwargs), env=dict(call.env), prompt=PROMPT)
    results = probe.run(env.target, [[item]], cwd=env.work_dir or env.target.cwd, environ=env.environ,
                        timeout=timeout, network=True)
    r = results.get(item.id) or probe.Result(item.id, "crashed", message="the probe gave no result")
    return {"status": r.status, "message": env.redactor.text(r.message), "exc_type": r.exc_type,
            "traceback": env.redactor.text(r.traceback), "http": dict(r.http), "value": r.value}


def _evidence(call: Call, result: Mapping[str, Any], env: Environment) -> list[str]:
    lines = [f"call: {call.display()} ({call.origin})"]
    redactor = env.redactor
    if result.get("exc_type"):
        msg = redactor.text(str(result.get("message") or "")).strip().splitlines()
        lines.append(redactor.cut(f"{result['exc_type']}: {msg[0] if msg else ''}", 400))
    elif result.get("message"):
        lines.append(redactor.cut(str(result["message"]), 400))
    http = result.get("http") or {}
    if isinstance(http, dict) and http.get("http_status"):
        lines.append(f"HTTP status {http['http_status']}" + (f", error code {http['error_code']}"
                                                              if http.get("error_code") else ""))
    p = BY_NAME.get(call.provider)
    if p is not None and p.credential is CredentialKind.API_KEY:
        for var in p.key_vars:
            if env.environ.get(var):
                lines.append(f"key {var}: {fingerprint(env.environ[var])}")
                break
    lines += [f"note: {n}" for n in call.notes]
    return lines


def execute(env: Environment, pl: SmokeCalls, *,
            workers: Optional[int] = None) -> tuple[tuple[Entry, ...], list[Finding]]:
    """Make the planned calls (in parallel, one process each) and return the table rows and the findings."""
    timeout = env.options.timeout + 2 * env.options.net_timeout
    n = max(1, min(workers or 4, len(pl.calls) or 1))
    with ThreadPoolExecutor(max_workers=n) as pool:
        raw = list(pool.map(lambda c: _run_call(env, c, timeout), pl.calls))
    entries: list[Entry] = []
    findings: list[Finding] = []
    for call, result in zip(pl.calls, raw):
        if result.get("status") == "ok":
            value = result.get("value") or {}
            rm, um = value.get("response_metadata"), value.get("usage_metadata")
            keys = tuple(sorted(str(k) for k in rm)) if isinstance(rm, dict) else ()
            latency = value.get("latency_s")
            entries.append(Entry(call.provider, call.chat_class, call.model, "ok",
                                 float(latency) if isinstance(latency, (int, float)) else None,
                                 normalise(rm, um, call.chat_class), keys, notes=call.notes))
            continue
        failure = classify(call, result, env.target.python, timeout=env.options.net_timeout)
        entries.append(Entry(call.provider, call.chat_class, call.model, "error", error=failure.why,
                             code=failure.code, notes=call.notes))
        # As for the offline credential checks: an error for a provider that must work, else a warning.
        severity = None if call.needed or info(failure.code).severity is not Severity.ERROR else Severity.WARNING
        findings.append(make(failure.code, title=failure.title, subject=call.provider, provider=call.provider,
                             evidence=_evidence(call, result, env), fix=failure.fix, severity=severity))
    for s in pl.skipped:
        entries.append(Entry(s.provider, "", None, "skipped", error=s.reason))
        if s.needed:
            findings.append(make("LCD609", title=f"{s.provider}: not called by --smoke", subject=s.provider,
                                 provider=s.provider, evidence=[s.reason]))
    return tuple(entries), findings


def to_json(entries: Sequence[Entry], redactor: Optional[Redactor] = None) -> list[dict[str, Any]]:
    """``report.extras["smoke"]``: the contract's list."""
    return [e.to_json(redactor) for e in entries]


# ---- the table, for the renderers -----------------------------------------------------------------------------

COLUMNS = ("provider", "model", "ok", "latency", "finish", "in", "out", "total")


def _cell(v: Any) -> str:
    return "-" if v is None else str(v)


def table_rows(smoke: Sequence[Mapping[str, Any]]) -> list[tuple[str, ...]]:
    """One row of strings per entry of ``report.extras["smoke"]``, in :data:`COLUMNS` order."""
    rows: list[tuple[str, ...]] = []
    for e in smoke:
        status = str(e.get("status") or ("ok" if e.get("ok") else "error"))
        mark = {"ok": "✓", "error": "✗", "skipped": "·"}.get(status, status)
        latency = e.get("latency_s")
        rows.append((
            str(e.get("provider", "")), _cell(e.get("model")), mark,
            f"{latency:.2f}s" if isinstance(latency, (int, float)) else "-",
            _cell(e.get("finish_reason")), _cell(e.get("input_tokens")), _cell(e.get("output_tokens")),
            _cell(e.get("total_tokens")),
        ))
    return rows


def row_notes(smoke: Sequence[Mapping[str, Any]]) -> list[str]:
    """Lines under the table: why a call failed or was skipped, and the response_metadata keys of each answer."""
    out = []
    for e in smoke:
        if e.get("error"):
            code = f" ({e['code']})" if e.get("code") else ""
            out.append(f"{e.get('provider')}: {e.get('status')}{code}: {e['error']}")
        elif e.get("response_metadata_keys"):
            out.append(f"{e.get('provider')}: response_metadata keys: {', '.join(e['response_metadata_keys'])}")
    return out
