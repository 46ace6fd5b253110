"""What actually happens when the target imports and constructs each chat class, and runs the notebooks' imports.

Structural facts come first (where the module was loaded from: a namespace, a stray or a local folder, a crash,
a timeout); the exception text is then classified by the shared signature table (``doctor.classify``).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Optional

from packaging.version import Version

from .. import inputs
from ..checkapi import Check
from ..findings import install_fix, make, remove_path, with_python
from ..knowledge.boundaries import known_bad_module
from ..knowledge.compat import moved
from ..knowledge.providers import Provider, module_row
from ..model import Finding, Fix, Kind
from ..registry import probe_code_for

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

    from ..context import Environment
    from ..probe import Result

# Kinds whose fix comes from the signature row (it names both packages and the bound), not the generic upgrade.
_ROW_FIX_KINDS = frozenset({Kind.VERSION_SKEW, Kind.BINARY_INCOMPATIBLE, Kind.KNOWN_BAD_RELEASE,
                            Kind.PYTHON_INCOMPATIBLE, Kind.MOVED_API})
_CREDENTIAL_KINDS = {Kind.MISSING_CREDENTIAL, Kind.INVALID_CREDENTIAL, Kind.REAUTH_REQUIRED, Kind.MISSING_CONFIG,
                     Kind.UNREACHABLE}
_FAILURE_WARNINGS = ("has been renamed", "Mixing V1 models and V2 models", "pydantic_v1",
                     "Valid config keys have changed")


def _under(path: str, roots: tuple[str, ...]) -> bool:
    real = inputs.realpath(path)
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def _site_roots(env: Environment) -> tuple[str, ...]:
    return tuple(inputs.realpath(p) for p in env.target.site_packages)


def _origin_paths(origin: Optional[Mapping[str, Any]]) -> tuple[Optional[str], list[str]]:
    if not origin:
        return None, []
    file = origin.get("file")
    paths = list(origin.get("path") or [])
    return (str(file) if file else None), [str(p) for p in paths]


def _is_editable(env: Environment, package: str) -> bool:
    dist = env.inventory.get(package)
    if dist is None:
        return False
    try:
        text = inputs.read_text(os.path.join(dist.metadata_dir, "direct_url.json"), limit=1024 * 1024)
    except (OSError, UnicodeDecodeError):
        return False
    return '"editable": true' in text.replace(" ", "").replace('"editable":true', '"editable": true')


def _where(env: Environment, path: str) -> str:
    real = inputs.realpath(path)
    cwd = inputs.realpath(env.work_dir or env.target.cwd)
    if real.startswith(cwd + os.sep):
        return "the notebook's folder (first on sys.path in Jupyter)" if env.notebook_facts else "the working directory"
    if env.target.user_site and real.startswith(inputs.realpath(env.target.user_site)):
        return "the user site-packages"
    if any(real.startswith(inputs.realpath(p) + os.sep) for p in env.environ.get("PYTHONPATH", "").split(":") if p):
        return "a PYTHONPATH folder"
    return "a folder on sys.path outside the environment"


def _location_finding(env: Environment, module: str, package: Optional[str], provider: Optional[str],
                      origin: Optional[Mapping[str, Any]], error: Optional[Result]) -> Optional[Finding]:
    """Namespace packages and modules loaded from outside site-packages."""
    file, paths = _origin_paths(origin)
    top = module.split(".")[0]
    if origin is None or (file is None and not paths):
        return None
    site = _site_roots(env)
    located = file or (paths[0] if paths else None)
    assert located is not None
    evidence = [f"import {top} resolves to {located}" + ("" if file else " (namespace package: no __init__.py)")]
    if error is not None:
        evidence.append(f"{error.exc_type}: {error.message.splitlines()[0] if error.message else ''}")
    installed = package is not None and env.inventory.get(package) is not None
    py = env.target.python
    if _under(located, site):
        if file is not None:
            return None
        folder = paths[0]
        return make(
            "LCD303", title=f"{top} is a namespace package: {folder} has no __init__.py",
            subject=folder, provider=provider, evidence=evidence,
            fix=Fix(f"Delete the stray folder and install {package or top} properly",
                    (remove_path(folder), *install_fix(py, "", [package or top]).commands),
                    install=(package or top,), remove_paths=(folder,)),
        )
    if package is not None and _is_editable(env, package):
        return None
    culprit = os.path.dirname(located) if file and file.endswith("__init__.py") else located
    where = _where(env, culprit)
    if installed:
        return make(
            "LCD304", title=f"{culprit} in {where} hides the installed {package}",
            subject=culprit, provider=provider, evidence=evidence,
            fix=Fix(f"Rename or remove {culprit} (it stands before site-packages on sys.path)", manual=True),
        )
    return make(
        "LCD311", title=f"{culprit} in {where} stands in for {package or top}, which is not installed",
        subject=culprit, provider=provider, evidence=evidence,
        fix=Fix(f"Install {package or top}, and rename or remove {culprit}",
                install_fix(py, "", [package or top]).commands, install=(package or top,)),
    )


def _moved_finding(env: Environment, module: str, names: tuple[str, ...], provider: Optional[str],
                   evidence: list[str]) -> Optional[Finding]:
    """LCD310 when langchain >= 1.0 is installed and ``module``/``names`` is in the table of 1.0 moves."""
    row = moved(module, names)
    lc = env.inventory.get("langchain")
    if row is None or lc is None or lc.version is None or lc.version < Version("1.0.0a1"):
        return None
    subject = f"{module}.{names[0]}" if names and row.old.endswith("." + names[0]) else module
    fix = (install_fix(env.target.python, f"Import from {row.new}", list(row.install)) if row.install
           else Fix(f"Import from {row.new}", manual=True))
    return make("LCD310", title=f"{subject} was moved out of langchain {lc.raw_version}: use {row.new}",
                subject=subject, provider=provider, evidence=evidence, fix=fix)


def _classify(env: Environment, r: Result, *, stage: str, package: Optional[str], provider: Optional[str],
              subject: str, names: tuple[str, ...] = ()) -> Optional[Finding]:
    """One finding for a failed item, or None when the failure belongs to the credential layer."""
    py = env.target.python
    # Redacted whole before it is split into lines: a key or a PEM block spread over lines is masked whole.
    decisive = [f"{r.exc_type}: {line}" if i == 0 else line
                for i, line in enumerate(env.redactor.text(r.message or r.reason or "").splitlines()[:6])]
    frames = [f"  at {f}" for f in r.frames[-2:]]
    if r.status == "timeout":
        # A hang (no CPU used) and a busy loop are told apart by the probe; say which, and where it stood.
        how = {"waiting": "hangs (waits without using the CPU)",
               "busy": "was still computing at the hard limit"}.get(r.stopped, "did not finish")
        where = ([f"  at {f}" for f in r.frames]
                 or [f"  {line}" for line in env.redactor.text(r.stderr).splitlines()[-3:]])
        stop_fix = (Fix("See what the module waits for at import time (a network call, a lock, a subprocess, input())",
                   manual=True) if r.stopped == "waiting" else
               Fix(f"Raise --timeout above {env.options.timeout:g} if the import is only slow (each import may then "
                   "run up to six times that while it computes); otherwise see what it computes at import time",
                   manual=True))
        return make("LCD309", title=f"{stage} of {subject} {how} after {env.options.timeout:g}s",
                    subject=subject, provider=provider, evidence=[r.message, *where], fix=stop_fix)
    if r.status == "crashed":
        return make("LCD308", title=f"{stage} of {subject} crashed the interpreter: {r.message}",
                    subject=subject, provider=provider,
                    evidence=[r.message, *env.redactor.text(r.stderr).splitlines()[-5:]])
    if r.exc_type == "SystemExit":
        return make("LCD308", title=f"{stage} of {subject} called sys.exit()", subject=subject, provider=provider,
                    evidence=[r.message])
    module = (r.origin or {}).get("module") or subject
    missing = r.message.split("'")[1] if r.message.count("'") >= 2 else module
    if r.exc_type == "ModuleNotFoundError" and known_bad_module(missing) is None:
        if missing.startswith("langchain."):
            found = _moved_finding(env, missing, names, provider, [*decisive, *frames])
            if found is not None:
                return found
        owner = module_row(missing)
        pkg = owner.package if owner else None
        missing_fix = install_fix(py, f"Install {pkg}", [pkg]) if pkg else Fix(
            f"Install the distribution that provides {missing.split('.')[0]!r} (its name on PyPI may differ)",
            manual=True)
        return make("LCD305", title=f"{stage} of {subject}: no module named {missing!r}", subject=missing,
                    provider=provider, evidence=[*decisive, *frames], fix=missing_fix)
    if r.exc_type == "ImportError" and names and module.split(".")[0] == "langchain":
        found = _moved_finding(env, module, names, provider, [*decisive, *frames])
        if found is not None:
            return found
    from ..classify import classify

    match = classify(r.exc_type or "", r.message, r.traceback)
    if match is not None and match.kind in _CREDENTIAL_KINDS:
        return None  # the credentials checks own these, with the user's real settings
    code = (probe_code_for(match.kind) if match is not None else None) or (
        "LCD307" if stage == "construct" else "LCD306")
    fix: Optional[Fix] = None
    if match is not None and match.kind in _ROW_FIX_KINDS and match.fix_commands:
        fix = match.fix(py)
    elif code in ("LCD301", "LCD306", "LCD307") and package:
        fix = install_fix(py, f"Upgrade {package} together with langchain-core", [package, "langchain-core"])
    elif code == "LCD302":
        fix = install_fix(py, "Reinstall pydantic with its matching pydantic-core", ["pydantic"], force=True)
    elif match is not None and match.fix_commands:
        fix = Fix(match.fix_summary, tuple(with_python(c, py) for c in match.fix_commands))
    first = (env.redactor.text(r.message).splitlines() or [""])[0]
    title = f"{stage} of {subject} fails: " + (match.title if match else f"{r.exc_type}: "
                                               f"{env.redactor.cut(first, 160)}")
    return make(code, title=title, subject=subject, provider=provider,
                evidence=[*decisive, *frames] + ([f"signature: {match.signature_id}"] if match else []), fix=fix)


def _warnings_finding(env: Environment, r: Result, subject: str, provider: Optional[str],
                      package: Optional[str]) -> Optional[Finding]:
    def text(w: Mapping[str, str]) -> str:
        return f"{w.get('category')}: {w.get('message')}"

    failing = [w for w in r.warnings if any(n in text(w) for n in _FAILURE_WARNINGS)]
    if failing:
        return make("LCD320", title=f"importing {subject} warns: "
                                    f"{env.redactor.cut(str(failing[0].get('message', '')), 120)}",
                    subject=subject, provider=provider,
                    evidence=[f"{text(w)} ({w.get('where')})" for w in failing[:4]],
                    fix=install_fix(env.target.python, f"Upgrade {package} together with langchain-core",
                                    [package, "langchain-core"]) if package else None)
    deprecated = sorted((w for w in r.warnings if "Deprecat" in str(w.get("category", ""))
                         and "langchain" in str(w.get("where", "")) + str(w.get("message", ""))),
                        key=lambda w: "LangChain" not in str(w.get("category", "")))
    if deprecated:
        message = env.redactor.text(str(deprecated[0].get("message", "")))
        return make("LCD321", title=f"{subject}: {env.redactor.cut((message.splitlines() or [''])[0], 140)}",
                    subject=subject,
                    provider=provider, evidence=[f"{text(w)} ({w.get('where')})" for w in deprecated[:2]],
                    fix=Fix("Follow the deprecation notice: " + env.redactor.cut(message, 200), manual=True))
    return None


def _provider_findings(env: Environment, p: Provider) -> Iterator[Finding]:
    from ..probejobs import STAGES

    results = {stage: env.probes.get(f"{p.name}:{stage}") for stage in STAGES}
    imp = results["import"]
    if imp is None:
        return
    package = env.needed_packages.get(p.name, p.package)
    installed = env.inventory.get(package) is not None
    loc = _location_finding(env, p.module, p.package, p.name, imp.origin,
                            None if imp.ok else imp)
    if loc is not None:
        yield loc
        return
    if not installed and not imp.ok and imp.exc_type == "ModuleNotFoundError":
        return  # plainly not installed: the providers check says so when the provider is needed
    for stage in STAGES:
        r = results[stage]
        if r is None or r.status in ("ok", "skipped"):
            continue
        names = (p.chat_classes[0],) if stage != "import" else ()
        f = _classify(env, r, stage=stage, package=package, provider=p.name,
                      subject=f"{p.module}.{p.chat_classes[0]}" if stage != "import" else p.module, names=names)
        if f is not None:
            yield f
        return
    for stage in STAGES:
        r = results[stage]
        if r is not None:
            w = _warnings_finding(env, r, p.module, p.name, package)
            if w is not None:
                yield w
                return


def _notebook_findings(env: Environment) -> Iterator[Finding]:
    from ..probejobs import probed_providers

    provider_modules = {p.module for p in probed_providers(env)}
    for n, facts in enumerate(env.notebook_facts, 1):
        for imp in facts.imports:
            r = env.probes.get(f"nb{n}:cell{imp.cell}:line{imp.line}:{imp.module}")
            if r is None or r.ok or r.status == "skipped":
                continue
            top = imp.module.split(".")[0]
            row = module_row(top)
            if top in provider_modules and not imp.module.startswith("langchain."):
                continue  # the provider's own probe reports it, with more context
            provider = row.name if row else None
            f = _classify(env, r, stage="import", package=row.package if row else None, provider=provider,
                          subject=imp.module, names=imp.names)
            if f is None:
                continue
            where = f"{facts.path}" + (f", cell {imp.cell}" if imp.cell else "") + f", line {imp.line}: {imp.source}"
            yield make(f.code, title=f.title, subject=f.subject, provider=f.provider,
                       evidence=[where, *f.evidence], fix=f.fix, severity=f.severity)


def run(env: Environment) -> Iterator[Finding]:
    """Findings from the probe results."""
    # The probe machinery is imported only by runs that probe (this check needs_probe).
    from ..probejobs import probed_providers
    from .constructions import findings as construction_findings

    for p in probed_providers(env):
        yield from _provider_findings(env, p)
    yield from _notebook_findings(env)
    yield from construction_findings(env, _classify)


CHECK = Check("imports", "imports", "Import and construct each chat class; run the notebooks' imports.", run,
              needs_probe=True)
