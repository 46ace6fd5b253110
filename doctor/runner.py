"""The straight line of a run: discover the target, read it, run the checks (crash-isolated), build the Report."""

from __future__ import annotations

import os
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Optional

from doctor import __version__, builtin, plan
from doctor.checkapi import Check
from doctor.context import Environment, Options
from doctor.findings import make
from doctor.inventory import Inventory, scan
from doctor.model import Finding, PackageInfo, ProviderState, ProviderStatus, Report, Severity, TargetInfo
from doctor.providers import PROVIDERS, Provider
from doctor.redact import Redactor
from doctor.target import Target, discover

_STATE_BY_SEVERITY = {Severity.ERROR: ProviderState.ERROR, Severity.WARNING: ProviderState.WARNING}


def read_environment(
    options: Options,
    *,
    environ: Optional[Mapping[str, str]] = None,
    cwd: Optional[Path] = None,
    target: Optional[Target] = None,
) -> Environment:
    """Discover the target (unless given) and read its distributions; TargetError when it cannot be examined."""
    environ = dict(os.environ if environ is None else environ)
    cwd = Path.cwd() if cwd is None else cwd
    if target is None:
        target = discover(options.python, environ=environ, cwd=cwd, timeout=options.timeout)
    inventory = scan(target.sys_path)
    needed = frozenset(p for p in options.providers)
    return Environment(target, inventory, options, environ, needed=needed, work_dir=str(cwd))


def run_checks(env: Environment, table: Sequence[Check]) -> list[Finding]:
    """Run each check; a crash becomes an LCD901 finding about the doctor and the others still run."""
    out: list[Finding] = []
    for check in table:
        if check.needs_probe and not env.options.probe:
            continue
        try:
            for finding in check.run(env):
                out.append(replace(finding, check=check.name))
        except Exception as exc:  # crash isolation: never a traceback for the user
            frame = traceback.extract_tb(exc.__traceback__)[-1]
            out.append(replace(
                make("LCD901", title=f"check {check.name!r} crashed: {type(exc).__name__}",
                     subject=check.name,
                     evidence=[f"{type(exc).__name__}: {exc}", f"at {Path(frame.filename).name}:{frame.lineno}"]),
                check=check.name,
            ))
    return out


def _present_providers(env: Environment) -> list[Provider]:
    # langchain-openai serves openai and azure-openai: the secondary row shows only when it is used.
    out = []
    primary_seen: set[str] = set()
    for p in PROVIDERS:
        installed = env.inventory.get(p.package) is not None
        primary = p.package not in primary_seen
        primary_seen.add(p.package)
        uses_vars = any(v in env.environ for v in (*p.key_vars, *p.required_vars))
        if p.name in env.needed or (installed and (primary or uses_vars)):
            out.append(p)
    return out


def provider_statuses(env: Environment, findings: Iterable[Finding]) -> tuple[ProviderStatus, ...]:
    """One status per provider that is installed or needed, from the worst finding about it."""
    worst: dict[str, Severity] = {}
    for f in findings:
        if f.provider and f.ignored is None and f.severity in _STATE_BY_SEVERITY:
            if f.provider not in worst or f.severity.rank > worst[f.provider].rank:
                worst[f.provider] = f.severity
    out = []
    for p in _present_providers(env):
        dist = env.inventory.get(p.package)
        if p.name in worst:
            state = _STATE_BY_SEVERITY[worst[p.name]]
        elif dist is None:
            state = ProviderState.NOT_INSTALLED
        else:
            state = ProviderState.OK
        stages = tuple(env.probes.get(f"stages:{p.name}", ()))
        out.append(ProviderStatus(p.name, p.package, state, dist.raw_version if dist else None,
                                  p.name in env.needed, stages))
    return tuple(out)


def packages(inventory: Inventory) -> tuple[PackageInfo, ...]:
    """Every distribution on the path, winners first in path order."""
    return tuple(PackageInfo(d.name, d.raw_version or "", d.location, d.family) for d in inventory.by_name.values())


def redact_finding(f: Finding, redactor: Redactor) -> Finding:
    """The finding with every text field passed through the redaction layer."""
    fix = f.fix
    if fix is not None:
        fix = replace(fix, summary=redactor.text(fix.summary), commands=tuple(redactor.text(c) for c in fix.commands))
    return replace(f, title=redactor.text(f.title), subject=redactor.text(f.subject),
                   evidence=tuple(redactor.text(e) for e in f.evidence), fix=fix)


def build_report(env: Environment, findings: Sequence[Finding], redactor: Redactor,
                 extras: Optional[dict[str, object]] = None) -> Report:
    """Sort, unify fixes, apply ignores, redact, and compute provider statuses."""
    ignore = env.options.ignore
    items = [replace(f, ignored=ignore[f.code]) if f.code in ignore else f for f in findings]
    items = plan.unify(items, env.inventory, env.target.python)
    items = [redact_finding(f, redactor) for f in items]
    items.sort(key=lambda f: (-f.severity.rank, f.provider or "~", f.code, f.subject))
    t = env.target
    target = TargetInfo(t.python, t.version, t.platform, t.selected_by, t.reason, t.prefix)
    return Report(__version__, target, packages(env.inventory), provider_statuses(env, items), tuple(items),
                  env.options.fail_on, dict(extras or {}))


def check(options: Options, *, environ: Optional[Mapping[str, str]] = None,
          cwd: Optional[Path] = None) -> Report:
    """Examine the target described by ``options`` and return the Report (the CLI's ``check`` uses this)."""
    env = read_environment(options, environ=environ, cwd=cwd)
    findings = run_checks(env, builtin.checks())
    redactor = Redactor.from_environ(env.environ, [v for p in PROVIDERS for v in p.key_vars])
    return build_report(env, findings, redactor)
