"""The straight line of a run: discover the target, read it, run the checks (crash-isolated), build the Report."""

from __future__ import annotations

import os
import time
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from . import __version__, builtin
from .context import Environment, Options
from .findings import make
from .inventory import Inventory, scan
from .knowledge.providers import BY_NAME, Provider, stands_for
from .locate import Located, Pending, locate
from .locate import start as start_locate
from .model import (
    CheckRun,
    CredentialSeen,
    Finding,
    NotebookUse,
    PackageInfo,
    ProviderState,
    ProviderStatus,
    RepairPlan,
    Report,
    Severity,
    SmokeRow,
    TargetInfo,
)
from .repair import plan
from .target import TargetError

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence

    from . import smoke
    from .checkapi import Check
    from .inputs import Recorder
    from .probe import Result
    from .redact import Redactor
    from .render.progress import Progress

_STATE_BY_SEVERITY = {Severity.ERROR: ProviderState.ERROR, Severity.WARNING: ProviderState.WARNING}


def read_environment(
    options: Options,
    *,
    environ: Optional[Mapping[str, str]] = None,
    cwd: Optional[Path] = None,
    located: Optional[Located] = None,
    probe: bool = True,
    on_result: Optional[Callable[[Any], None]] = None,
    inputs: Optional[Recorder] = None,
) -> Environment:
    """Discover the target (unless given) and read its distributions; TargetError when it cannot be examined.

    ``probe=False`` leaves the probes to the caller (``check`` runs them beside the static checks).
    """
    from .inputs import RecordingEnviron, current

    environ = dict(os.environ if environ is None else environ)
    cwd = Path.cwd() if cwd is None else cwd
    recorder = inputs or current()
    with recorder.active():
        target, facts, work_dir = located or locate(options, environ, cwd)
        recorder.stat(target.python)
        recorder.stat(os.path.realpath(target.python))
        inventory = scan(target.sys_path)
    require_known_providers(options)
    needed_packages = {p: BY_NAME[p].package for p in options.providers}
    for f in facts:
        for prov, pkg in f.provider_packages:
            needed_packages.setdefault(prov, pkg)
    env = Environment(target, inventory, options, RecordingEnviron(environ, recorder),
                      needed=frozenset(needed_packages), needed_packages=needed_packages, notebook_facts=facts,
                      work_dir=str(work_dir), inputs=recorder)
    from .creds import needs

    with recorder.active():
        env = replace(env, credential_needs=needs.compute(env))  # once per run: every credential check reads it
    if options.probe and probe:
        from . import probejobs as probeplan

        env = replace(env, probes=probeplan.run(env, on_result=on_result))
    return env


def _run_one(env: Environment, check: Check, timings: Optional[list[CheckRun]] = None,
             running: Optional[set[str]] = None) -> list[Finding]:
    start = time.perf_counter()
    if running is not None:
        running.add(check.name)
    try:
        with env.inputs.active():  # this worker thread reads through the run's recorder
            return [replace(finding, check=check.name) for finding in check.run(env)]
    except Exception as exc:  # crash isolation: never a traceback for the user
        import traceback

        frame = traceback.extract_tb(exc.__traceback__)[-1]
        return [replace(
            make("LCD901", title=f"check {check.name!r} crashed: {type(exc).__name__}", subject=check.name,
                 evidence=[f"{type(exc).__name__}: {exc}", f"at {Path(frame.filename).name}:{frame.lineno}"]),
            check=check.name,
        )]
    finally:
        if timings is not None:
            timings.append(CheckRun(check.name, check.family, time.perf_counter() - start))
        if running is not None:
            running.discard(check.name)


def run_checks(env: Environment, table: Sequence[Check], timings: Optional[list[CheckRun]] = None,
               running: Optional[set[str]] = None) -> list[Finding]:
    """Run the checks, concurrently when probes run (several wait on the target); results keep the table's order.

    A crash becomes an LCD901 finding about the doctor and the others still run. Each check's duration is
    appended to ``timings`` when given; ``running`` holds the names of the checks at work (for live progress).
    """
    chosen = [c for c in table if env.options.probe or not c.needs_probe]
    if not env.options.probe:
        # Static checks are CPU-bound: threads would only contend for the GIL.
        results = [_run_one(env, c, timings, running) for c in chosen]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=max(1, len(chosen))) as pool:
            results = list(pool.map(lambda c: _run_one(env, c, timings, running), chosen))
    return [f for chunk in results for f in chunk]


def provider_statuses(env: Environment, findings: Iterable[Finding]) -> tuple[ProviderStatus, ...]:
    """One status per provider that is installed or needed: the worst of its findings and of its probe stages.

    A failed import, class or construct stage makes the provider an error even when no finding names it (the
    failure was folded into an environment-wide finding such as LCD210, which has no provider): the probe saw it
    fail, so it is never ``ok``. ``explained_by`` then names the environment-wide findings to read.
    """
    findings = list(findings)
    environment_wide = tuple(dict.fromkeys(f.code for f in findings if f.provider is None and f.ignored is None
                                           and f.severity is Severity.ERROR))
    worst: dict[str, Severity] = {}
    for f in findings:
        if f.provider and f.ignored is None and f.severity in _STATE_BY_SEVERITY:
            if f.provider not in worst or f.severity.rank > worst[f.provider].rank:
                worst[f.provider] = f.severity
    out = []
    from .creds.needs import present_providers

    # One rule for which providers a report shows, shared with the credentials checks.
    for p in present_providers(env, env.needed):
        package = env.needed_packages.get(p.name, p.package)
        # Through another provider's class (Together via ChatOpenAI): that class's probe and findings apply.
        proxy = stands_for(p, package)
        dist = env.inventory.get(package)
        severities = [worst[n] for n in {p.name, proxy} if n in worst]
        probe_stages = _probe_stages(env, proxy)
        failed_stage = any(result == "error" for _, result in probe_stages)
        if severities:
            state = _STATE_BY_SEVERITY[max(severities, key=lambda s: s.rank)]
        elif dist is None:
            state = ProviderState.NOT_INSTALLED
        else:
            state = ProviderState.OK
        explained_by: tuple[str, ...] = ()
        if failed_stage and state in (ProviderState.OK, ProviderState.WARNING):
            state = ProviderState.ERROR
            explained_by = environment_wide
        stages = probe_stages + _credential_stage(findings, p)
        imported = env.probes.get(f"{proxy}:import")
        origin = dict(imported.origin or {}) if imported is not None else {}
        loaded_from = origin.get("file") or next(iter(origin.get("path") or []), None)
        out.append(ProviderStatus(p.name, package, state, dist.raw_version if dist else None,
                                  p.name in env.needed, stages, via=proxy if proxy != p.name else None,
                                  loaded_from=loaded_from, explained_by=explained_by))
    return tuple(out)


def _probe_stages(env: Environment, provider: str) -> tuple[tuple[str, str], ...]:
    """The provider's probe stages; none without probes (and then the probe machinery is not even imported)."""
    if not env.probes:
        return ()
    from .probejobs import stages

    return stages(env.probes, provider)


def _credential_stage(findings: Iterable[Finding], p: Provider) -> tuple[tuple[str, str], ...]:
    """("credential", ok|info|warning|error) for a provider that takes a credential; the rule is credlist's."""
    from .credlist import credential_status
    from .knowledge.providers import CredentialKind

    if p.credential is CredentialKind.NONE:
        return ()
    return (("credential", credential_status(findings, p.name)),)


def packages(inventory: Inventory) -> tuple[PackageInfo, ...]:
    """Every distribution on the path, winners first in path order."""
    return tuple(PackageInfo(d.name, d.raw_version or "", d.location, d.family) for d in inventory.by_name.values())


def build_report(env: Environment, findings: Sequence[Finding], redactor: Redactor,
                 extras: Optional[dict[str, object]] = None, *, notebooks: Sequence[NotebookUse] = (),
                 smoke: Sequence[SmokeRow] = (), checks_run: Optional[Sequence[CheckRun]] = None,
                 elapsed_s: float = 0.0) -> Report:
    """Sort, unify fixes, apply ignores, redact, compute provider statuses and the closing repair plan."""
    ignore = env.options.ignore
    findings = facts_over_predictions(env, findings)
    from .causes import merge

    items = [replace(f, ignored=ignore[f.code]) if f.code in ignore else f for f in merge(findings)]
    items = plan.unify(items, env.inventory, env.target.python)
    repair = repair_plan(items, env, redactor)
    from .redact import redact_fields
    from .sourcelines import locate_findings

    # Located first, then redacted: a location's line is text from the user's files like any evidence.
    items = [redact_fields(f, redactor.text) for f in locate_findings(items, env)]
    credentials = _credentials(env, items)
    items.sort(key=lambda f: (-f.severity.rank, f.provider or "~", f.code, f.subject))
    t = env.target
    # Free text the report carries (and the cache stores) passes the run's redactor like the findings.
    target = TargetInfo(t.python, t.version, t.platform, t.selected_by, redactor.text(t.reason), t.prefix)
    notebooks = [replace(n, problems=tuple(redactor.text(p) for p in n.problems)) for n in notebooks]
    took = {c.name: c.seconds for c in checks_run or ()}
    # Every check of the table, in its order (JUnit lists the ones that did not run as passing cases, as before).
    checks_run = [CheckRun(c.name, c.family, took.get(c.name, 0.0)) for c in builtin.checks()]
    return Report(__version__, target, packages(env.inventory), provider_statuses(env, items), tuple(items),
                  env.options.fail_on, dict(extras or {}), notebooks=tuple(notebooks), smoke=tuple(smoke),
                  repair=repair, checks_run=tuple(checks_run), credentials=credentials, elapsed_s=elapsed_s,
                  redactor=redactor)


def _credentials(env: Environment, findings: Sequence[Finding]) -> tuple[CredentialSeen, ...]:
    """Every credential found (fingerprints only); a failure to list them never costs the report."""
    from . import credlist

    try:
        return credlist.collect(env, findings)
    except Exception:  # the listing is a courtesy: the credential checks report the problems themselves
        return ()


def repair_plan(findings: Sequence[Finding], env: Environment, redactor: Redactor) -> RepairPlan:
    """The closing fix: the unified plan's commands (what ``fix --apply`` runs), then each manual command once."""
    python = env.target.python
    change = plan.build(findings, env.inventory)
    commands = change.commands(python)
    if env.inventory.get("pip") is None:
        commands = [plan._via_uv(c, python) for c in commands]
    manual: list[str] = []
    for f in findings:
        if f.fix is not None and f.fix.manual and f.ignored is None:
            manual += [c for c in f.fix.commands if c not in manual]
    cannot = tuple(redactor.text(f"{u.code} {u.subject}: {u.reason}") for u in change.cannot)
    return RepairPlan(tuple(redactor.text(c) for c in commands), tuple(redactor.text(c) for c in manual), cannot)


def facts_over_predictions(env: Environment, findings: Sequence[Finding]) -> list[Finding]:
    """A prediction that a provider fails, when the probe imported and constructed its class: a warning that says so.

    The probe's fact beats the metadata's prediction: the class works here, so the prediction is not an error
    (the declared requirement is still unmet, and may matter for code paths the probe does not run).
    """
    if not env.probes:
        return list(findings)
    from .knowledge.confirms import REFUTED_BY_A_WORKING_CLASS
    from .probejobs import STAGES

    out = []
    for f in findings:
        results = [env.probes.get(f"{f.provider}:{stage}") for stage in STAGES] if f.provider else []
        ran = [r for r in results if r is not None]
        if (f.code in REFUTED_BY_A_WORKING_CLASS and f.severity is Severity.ERROR and len(ran) >= 2
                and all(r.ok for r in ran)):
            did = " and ".join(stage for stage, r in zip(STAGES, results) if r is not None)
            f = replace(f, severity=Severity.WARNING, title=f"{f.title} (predicted from metadata; the probe's "
                        f"{did} succeeded)",
                        evidence=(*f.evidence, f"probe: {did} of {f.provider}'s chat class succeeded in the target, "
                                  "so this prediction did not come true here"))
        out.append(f)
    return out


def _checks_beside_probes(env: Environment, timings: Optional[list[CheckRun]] = None,
                          progress: Optional[Progress] = None) -> tuple[Environment, list[Finding]]:
    """Static checks run while the probes work in the target, then the checks that read the probes' results.

    Returns the Environment with the probe results (the report's provider stages read them) and all findings.
    """
    active: set[str] = set()
    if not env.options.probe:
        if progress is not None:
            progress.phase("checking", lambda: sorted(active))
        return env, run_checks(env, builtin.checks(), timings, active)
    from concurrent.futures import ThreadPoolExecutor

    from . import probe
    from . import probejobs as probeplan

    listener = probe_listener(env, progress, time.perf_counter()) if progress is not None else None
    if progress is not None:
        progress.phase("probing the target",
                       lambda: [*sorted({i.split(":", 1)[0] for i in probe.running()}), *sorted(active)])
    with ThreadPoolExecutor(max_workers=1) as pool:
        probing = pool.submit(probeplan.run, env, listener)
        # The checks are imported only now: the probes' interpreters start first, and the import overlaps them.
        table = builtin.checks()
        first = run_checks(env, [c for c in table if not c.needs_probe], timings, active)
        probed = replace(env, probes=probing.result())
    if progress is not None:
        progress.phase("online checks" if env.options.online else "checking", lambda: sorted(active))
    return probed, first + run_checks(probed, [c for c in table if c.needs_probe], timings, active)


def probe_listener(env: Environment, progress: Optional[Progress], started: float) -> Callable[[Any], None]:
    """A probe ``on_result`` callback that reports each provider once all of its items have answered."""
    import threading

    from . import probejobs as probeplan

    expected = {p.name: {i.id for i in probeplan.provider_items(p)} for p in probeplan.probed_providers(env)}
    seen: dict[str, dict[str, Any]] = {}
    lock = threading.Lock()

    def on_result(result: Any) -> None:
        provider = str(result.id).split(":", 1)[0]
        if progress is None or provider not in expected:
            return
        with lock:
            got = seen.setdefault(provider, {})
            got[result.id] = result
            if set(got) != expected[provider]:
                return
        progress.provider_done(provider, probeplan.stages(got, provider), time.perf_counter() - started)

    return on_result


def notebook_summary(env: Environment) -> list[NotebookUse]:
    """What each --notebook needs, for the report: providers, env var names (never values), skipped cells."""
    return [
        NotebookUse(path=f.path, kernel=f.kernel_name, providers=tuple(f.providers),
                    provider_packages=tuple(f.provider_packages), env_vars=tuple(f.env_vars),
                    env_vars_set=tuple(f.env_vars_set), imports=tuple(sorted({i.module for i in f.imports})),
                    problems=tuple(f.problems))
        for f in env.notebook_facts
    ]


def smoke_rows(entries: Sequence[dict[str, object]]) -> list[SmokeRow]:
    """The smoke stage's contract objects (already redacted) as typed rows for the renderers."""
    def opt_int(v: object) -> Optional[int]:
        return v if isinstance(v, int) and not isinstance(v, bool) else None

    def opt_str(v: object) -> Optional[str]:
        return v if isinstance(v, str) else None

    out = []
    for d in entries:
        latency = d.get("latency_s")
        timings = d.get("timings")
        keys = d.get("response_metadata_keys")
        notes = d.get("notes")
        out.append(SmokeRow(
            provider=str(d.get("provider", "")), model=opt_str(d.get("model")), ok=bool(d.get("ok")),
            latency_s=float(latency) if isinstance(latency, (int, float)) else None,
            finish_reason=opt_str(d.get("finish_reason")), input_tokens=opt_int(d.get("input_tokens")),
            output_tokens=opt_int(d.get("output_tokens")), total_tokens=opt_int(d.get("total_tokens")),
            response_metadata_keys=tuple(str(k) for k in keys) if isinstance(keys, list) else (),
            status=str(d.get("status") or ("ok" if d.get("ok") else "error")), chat_class=opt_str(d.get("class")),
            requested_model=opt_str(d.get("requested_model")), usage_from=opt_str(d.get("usage_from")),
            timings=tuple((str(k), float(v)) for k, v in timings.items()) if isinstance(timings, dict) else (),
            error=opt_str(d.get("error")), code=opt_str(d.get("code")),
            notes=tuple(str(n) for n in notes) if isinstance(notes, list) else ()))
    return out


def require_known_providers(options: Options) -> None:
    """TargetError naming the first ``--provider`` that is no row of the providers table."""
    unknown = [p for p in options.providers if p not in BY_NAME]
    if unknown:
        raise TargetError(f"unknown provider {unknown[0]!r}; known: {', '.join(sorted(BY_NAME))}")


def examine(options: Options, *, environ: Optional[Mapping[str, str]] = None, cwd: Optional[Path] = None,
            located: Optional[Located] = None, confirm_smoke: Optional[Callable[[smoke.SmokeCalls], bool]] = None,
            progress: Optional[Progress] = None, started: Optional[float] = None,
            inputs: Optional[Recorder] = None) -> tuple[Environment, Report]:
    """The one pipeline, shared by ``check`` and ``fix``: read the target (probes beside the static checks), run
    every check, redact with the run's redactor (``Environment.redactor``: the secrets the credential layer sees
    too), build the Report. Never cached; TargetError when the target cannot be examined.

    ``progress`` hears what is running (probes, checks, online checks, smoke calls) while the run works.
    With ``options.smoke`` (and ``--online``), the planned calls are confirmed (``confirm_smoke``, default:
    ``--yes`` or a terminal prompt; ``smoke.SmokeRefused`` otherwise) before any check runs, and made after them.
    """
    from .inputs import Recorder as _Recorder

    started = time.perf_counter() if started is None else started
    recorder = inputs or _Recorder()
    timings: list[CheckRun] = []
    environ = dict(os.environ if environ is None else environ)
    cwd = Path.cwd() if cwd is None else cwd
    smoke_calls = None
    if options.smoke and options.online:
        # The plan depends on what the probes saw, and is confirmed before any network check runs.
        env = read_environment(options, environ=environ, cwd=cwd, located=located, probe=False, inputs=recorder)
        if options.probe:
            from . import probejobs

            # No spinner yet: the confirmation prompt comes next and must not be drawn over.
            listener = probe_listener(env, progress, time.perf_counter()) if progress is not None else None
            env = replace(env, probes=probejobs.run(env, on_result=listener))
        from . import smoke as smoke_stage

        smoke_calls = smoke_stage.select(env)
        smoke_stage.confirm(smoke_calls, confirm_smoke)
        active: set[str] = set()
        if progress is not None:
            progress.phase("online checks", lambda: sorted(active))
        findings = run_checks(env, builtin.checks(), timings, active)
    else:
        env = read_environment(options, environ=environ, cwd=cwd, located=located, probe=False, inputs=recorder)
        env, findings = _checks_beside_probes(env, timings, progress)
    with recorder.active():
        record_probe_inputs(env)
        redactor = env.redactor
    rows: list[SmokeRow] = []
    if smoke_calls is not None:
        if progress is not None:
            calls = [c.provider for c in smoke_calls.calls]
            progress.phase(f"smoke calls ({len(calls)})", lambda: calls)
        entries, smoke_findings = smoke_stage.execute(env, smoke_calls)
        if progress is not None:
            for e in entries:
                if e.status != "skipped":
                    progress.step_done(f"smoke call {e.provider} ({e.model or e.chat_class})", e.ok, e.latency_s or 0)
        findings = [*findings, *(replace(f, check="smoke") for f in smoke_findings)]
        rows = smoke_rows(smoke_stage.to_json(entries, redactor))
    # How the probes were contained (which network blocks held): JSON's "probe" object.
    extras: dict[str, object] = {"probe": probe_facts(env.probes)} if env.probes else {}
    report = build_report(env, findings, redactor, extras, notebooks=notebook_summary(env), smoke=rows,
                          checks_run=timings, elapsed_s=time.perf_counter() - started)
    return env, report


def check(options: Options, *, environ: Optional[Mapping[str, str]] = None, cwd: Optional[Path] = None,
          located: Optional[Pending] = None,
          confirm_smoke: Optional[Callable[[smoke.SmokeCalls], bool]] = None,
          progress: Optional[Progress] = None) -> Report:
    """Examine the target described by ``options`` and return the Report (the CLI's ``check`` uses this).

    :func:`examine` does the work; offline runs are cached by a fingerprint of the target (``doctor.cache``),
    online runs never are.
    """
    started = time.perf_counter()
    environ = dict(os.environ if environ is None else environ)
    cwd = Path.cwd() if cwd is None else cwd
    require_known_providers(options)  # before waiting on the target: a typo is answered at once
    # The target interpreter answers in a subprocess while this one imports (the CLI starts it before importing
    # this module, so it has answered by now); the checks are imported once the probes have been started.
    pending = located or start_locate(options, environ, cwd)
    use_cache = options.use_cache and not options.online
    if pending.answering and not use_cache:
        # The checks will run (nothing is replayed), and the target's interpreter is still answering: import them
        # now, while this process would only wait (about 7 ms of a static check).
        builtin.checks()
    target_facts = pending.result()
    key = None
    from .inputs import Recorder, unrecorded

    # Without the cache the run's record of inputs is never stored: nothing is noted (the reads stay as safe).
    recorder = (getattr(pending, "inputs", None) or Recorder()) if use_cache else unrecorded()
    if use_cache:
        from . import cache

        folder = cache.cache_dir(environ)
        key = cache.request_key(options, target_facts.target, str(target_facts.work_dir), __version__)
        hit = cache.load(folder, key, environ)
        if hit is not None:
            return replace(hit[0], fail_on=options.fail_on, cache_hit=True, cached_at=hit[1])
    _env, report = examine(options, environ=environ, cwd=cwd, located=target_facts, confirm_smoke=confirm_smoke,
                           progress=progress, started=started, inputs=recorder)
    # A timeout or a crash is a fact about this run (a loaded machine, a flaky import), not about the environment:
    # such a report is never replayed from the cache.
    for r in _env.probes.values():
        if r.transient:
            recorder.not_cacheable(f"{r.id}: {r.status}")
    if key is not None and recorder.cacheable:
        cache.store(folder, key, report, recorder.snapshot(cache.salt(folder)))
    return report


def probe_facts(probes: Mapping[str, Result]) -> dict[str, str]:
    """``probe.facts`` of the run's probe results (imported here only when there were probes)."""
    from . import probe

    return probe.facts(probes)


_MAX_TREE_FILES = 5000
_CORE_PACKAGES = ("langchain-core", "langchain", "pydantic", "pydantic-core", "langsmith")


def record_probe_inputs(env: Environment) -> None:
    """What the probes read, as far as the doctor can name it, into the run's record of inputs.

    The probes run the user's imports in the target with the whole environment and the working folder first on
    sys.path: every variable (but the shell's volatile ones), the working folder's entries that could stand in for
    a module, and the source files of the packages they imported (an in-place or editable edit of an
    integration must not replay a crash).
    """
    if not env.probes:
        return
    from .inputs import RecordingEnviron, listdir, walk

    if isinstance(env.environ, RecordingEnviron):
        env.environ.record_all()
    folders: list[str] = []
    for r in env.probes.values():
        origin = getattr(r, "origin", None) or {}
        file, paths = origin.get("file"), origin.get("path") or []
        top = os.path.dirname(file) if file and os.path.basename(file) == "__init__.py" else None
        for folder in ([top] if top else []) + [str(p) for p in paths]:
            if folder and folder not in folders:
                folders.append(folder)
        if file and not top:
            env.inputs.stat(file)
    for name in _CORE_PACKAGES:
        dist = env.inventory.get(name)
        if dist is not None:
            for module in dist.top_level_names():
                folder = os.path.join(dist.location, module)
                if folder not in folders:
                    folders.append(folder)
    seen = 0
    for folder in folders:
        for _, _, files in walk(folder, skip=frozenset({"__pycache__", "tests"})):
            seen += len(files)
            if seen > _MAX_TREE_FILES:
                break
    # Every file of every module the probes loaded (the target's SDKs, pydantic, a C extension...), as reported
    # by the probe: an in-place edit of any of them is a different input.
    record_loaded_files(env.inputs, env.probes.values())
    # The working folder is first on sys.path: an entry named like an importable module can shadow it.
    work = env.work_dir or env.target.cwd
    try:
        for n in listdir(work, stems=_importable_names(env)):
            env.inputs.stat(os.path.join(work, n))
    except OSError:
        pass


def record_loaded_files(recorder: Recorder, results: Iterable[Result]) -> None:
    """Record (size, ``mtime_ns``: a stat, never a read) the file of each module the probes loaded.

    A module loaded from inside an archive (a zip on sys.path) is recorded as that archive. When a probe could not
    list everything it loaded, the run is not cached: its key would miss inputs.
    """
    seen: set[str] = set()
    for r in results:
        if r.loaded_truncated:
            recorder.not_cacheable(f"{r.id}: the probe loaded more modules than it could list")
        for path in r.loaded:
            if path in seen:
                continue
            seen.add(path)
            if recorder.stat(path) is not None:
                continue
            parent = os.path.dirname(path)
            while parent and parent != os.path.dirname(parent) and parent not in seen:
                seen.add(parent)
                st = recorder.stat(parent)
                if st is not None:
                    break
                parent = os.path.dirname(parent)


def _importable_names(env: Environment) -> frozenset[str]:
    import sys

    from .inputs import listdir

    names: set[str] = set(getattr(sys, "stdlib_module_names", ()))
    from .knowledge.providers import PROVIDERS

    for p in PROVIDERS:
        names.add(p.module.split(".")[0])
    for folder in env.target.sys_path:
        if folder == (env.work_dir or env.target.cwd):
            continue
        try:
            names.update(n.split(".", 1)[0] for n in listdir(folder) if not n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
    names.discard("")
    return frozenset(n for n in names if n.isidentifier())
