"""Applying a repair plan: the plan's steps as exact commands for the target, run one by one, then verified.

``plan.build`` merges the findings' fixes into one ChangeSet; this module turns it into a Procedure (cleanups, then one
package step: pip, or uv where the environment is uv-managed), runs them through ``doctor.subproc.run`` with the
target's own interpreter, stops at the first failing step, and reports what changed as observed on disk.
Credential steps are instructions for a person: they are listed, never run.
"""

from __future__ import annotations

import enum
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional

from .. import runner, subproc
from ..inventory import scan
from ..redact import Redactor, for_process
from ..repair import cmdline, coverage, plan

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ..context import Environment, Options
    from ..inventory import Inventory
    from ..model import Finding, Report
    from ..target import Target

INSTALL_TIMEOUT = 900.0
"""Bound for one package step (seconds): pip on a slow index takes minutes, never hours."""
REMOVE_TIMEOUT = 60.0
DRY_RUN_TIMEOUT = 300.0
_TAIL_LINES = 15

# Runs in the target: deletes each path given (file, link or folder); prints one JSON line per path.
_REMOVE = r"""
import json, os, shutil, sys
for p in sys.argv[1:]:
    try:
        if os.path.islink(p) or os.path.isfile(p):
            os.remove(p)
        elif os.path.isdir(p):
            shutil.rmtree(p)
        print(json.dumps({"path": p, "ok": not os.path.lexists(p)}))
    except OSError as exc:
        print(json.dumps({"path": p, "ok": False, "error": "%s: %s" % (type(exc).__name__, exc)}))
        sys.exit(1)
"""


class Action(str, enum.Enum):
    """What a step does, in the order steps run."""

    REMOVE = "remove"
    UNINSTALL = "uninstall"
    REINSTALL = "reinstall"
    INSTALL = "install"


class Installer(str, enum.Enum):
    """Which tool changes the target's packages."""

    PIP = "pip"
    UV = "uv"


@dataclass(frozen=True)
class Step:
    """One command of the plan, exactly as it will run."""

    action: Action
    title: str
    """One line for people: what it changes."""
    argv: tuple[str, ...]
    display: str
    """The command as shown (pastes into a shell with the same effect)."""
    timeout: float
    paths: tuple[str, ...] = ()
    """Files or folders it deletes."""
    packages: tuple[str, ...] = ()
    """Requirements or names it installs, reinstalls or uninstalls."""
    outside: bool = False
    """True when it touches something outside the target environment's prefix."""


@dataclass(frozen=True)
class ManualStep:
    """A fix only a person can apply (a login, a key): shown, never run."""

    summary: str
    commands: tuple[str, ...] = ()
    code: str = ""


@dataclass(frozen=True)
class Procedure:
    """The steps for one target, plus the instructions for a person."""

    python: str
    installer: Installer
    steps: tuple[Step, ...]
    manual: tuple[ManualStep, ...] = ()
    notes: tuple[str, ...] = ()
    """Lines to show before the steps (which installer and why)."""
    source: Optional[plan.ChangeSet] = None

    @property
    def package_reqs(self) -> tuple[str, ...]:
        """Requirements of the install step (empty when there is none)."""
        return next((s.packages for s in self.steps if s.action is Action.INSTALL), ())


@dataclass(frozen=True)
class StepResult:
    """How one step ended."""

    step: Step
    ok: bool
    returncode: Optional[int]
    timed_out: bool
    duration: float
    output: tuple[str, ...] = ()
    """The last lines of its output (redacted)."""


@dataclass(frozen=True)
class Outcome:
    """What applying did: step results, steps never run, and the changes observed on disk."""

    results: tuple[StepResult, ...]
    not_run: tuple[Step, ...]
    changed: tuple[str, ...]
    """Observed: packages installed/upgraded/removed, paths deleted."""
    unchanged: tuple[str, ...] = ()
    """What the plan meant to change but did not (paths still there, requirements not installed)."""

    @property
    def ok(self) -> bool:
        """True when every step ran and succeeded."""
        return not self.not_run and all(r.ok for r in self.results)


@dataclass(frozen=True)
class Resolution:
    """pip's (or uv's) dry-run answer for the package step; nothing is changed."""

    ok: bool
    would_install: tuple[tuple[str, str, Optional[str]], ...] = ()
    """(name, new version, installed version or None)."""
    lines: tuple[str, ...] = ()
    """Tool output when no structured report is available, or the error."""
    command: str = ""
    tool: str = "pip"
    """``pip`` (its JSON report) or ``uv`` (its ``--dry-run`` listing, parsed into ``moves``)."""
    moves: tuple[tuple[str, Optional[str], Optional[str]], ...] = ()
    """uv: (name, installed version or None, new version or None when removed)."""


@dataclass(frozen=True)
class Examined:
    """One run of the checks, keeping what the fixer needs besides the Report."""

    env: Environment
    report: Report


# --- examination ---

def examine(options: Options, *, environ: Optional[Mapping[str, str]] = None,
            cwd: Optional[Path] = None) -> Examined:
    """The target examined through ``check``'s own pipeline (probes, secrets collected, the run's redactor),
    keeping the environment read; TargetError when it cannot be examined."""
    env, report = runner.examine(options, environ=environ, cwd=cwd)
    return Examined(env, report)


def redactor_for(environ: Mapping[str, str]) -> Redactor:
    """The redaction layer for the steps' output: the one builder, for this environment."""
    return for_process(environ)


# --- building the steps ---

def uv_managed(target: Target) -> bool:
    """True when the target's pyvenv.cfg says uv created it (a ``uv = ...`` line)."""
    cfg = Path(target.prefix) / "pyvenv.cfg"
    try:
        text = cfg.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(re.match(r"^\s*uv\s*=", line) for line in text.splitlines())


def find_uv(environ: Mapping[str, str]) -> Optional[list[str]]:
    """The uv command: on PATH, else the ``uv`` package installed next to the doctor; None when absent."""
    found = shutil.which("uv", path=environ.get("PATH"))
    if found:
        return [found]
    try:
        from uv import find_uv_bin  # type: ignore[import-not-found,unused-ignore]

        return [str(find_uv_bin())]
    except (ImportError, FileNotFoundError, OSError):
        return None


def has_pip(python: str, environ: Mapping[str, str]) -> bool:
    """True when ``python -m pip`` runs in the target."""
    done = subproc.run([python, "-m", "pip", "--version"], timeout=60.0, env=step_env(environ))
    return done.returncode == 0


def step_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for the steps: the user's (index settings, proxies), never asking questions."""
    env = dict(environ)
    for var in ("PYTHONHOME", "PYTHONEXECUTABLE", "__PYVENV_LAUNCHER__", "PYTHONDONTWRITEBYTECODE"):
        env.pop(var, None)
    env.update({"PIP_NO_INPUT": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PYTHONIOENCODING": "utf-8",
                "NO_COLOR": "1", "UV_NO_PROGRESS": "1"})
    return env


def _inside(path: str, target: Target) -> bool:
    real = os.path.realpath(path)
    roots = {os.path.realpath(target.prefix), *(os.path.realpath(s) for s in target.site_packages)}
    return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def steps_for(p: plan.ChangeSet, target: Target, installer: Installer,
              uv: Optional[Sequence[str]] = None) -> list[Step]:
    """The plan's steps for ``target``: deletions, uninstall, reinstall, then the one install step."""
    py = target.python
    steps: list[Step] = []
    for path in p.remove_paths:
        outside = not _inside(path, target)
        steps.append(Step(
            Action.REMOVE, f"delete {path}" + (" (outside the environment)" if outside else ""),
            (py, "-c", _REMOVE, path), shlex.join(["rm", "-rf", path]), REMOVE_TIMEOUT, paths=(path,),
            outside=outside))
    if installer is Installer.UV:
        assert uv is not None
    else:
        uv = None

    def package_step(action: Action, title: str, argv: Sequence[str], packages: tuple[str, ...]) -> Step:
        return Step(action, f"{title} {' '.join(packages)}", tuple(argv), shlex.join(argv), INSTALL_TIMEOUT,
                    packages=packages)

    if p.uninstall:
        steps.append(package_step(Action.UNINSTALL, "uninstall", cmdline.uninstall_argv(py, p.uninstall, uv=uv),
                                  p.uninstall))
    if p.reinstall:
        argv = cmdline.install_argv(py, p.reinstall, uv=uv, reinstall=True, no_deps=True)
        steps.append(package_step(Action.REINSTALL, "reinstall damaged", argv, p.reinstall))
    if p.install:
        argv = cmdline.install_argv(py, p.install, uv=uv, upgrade=True)
        steps.append(package_step(Action.INSTALL, "install together:", argv, p.install))
    return steps


def manual_steps(findings: Sequence[Finding]) -> tuple[ManualStep, ...]:
    """The fixes the doctor does not run (not ignored), each once: those for a person (logins, keys) and those
    given only as text, with no structured package or cleanup step the plan could merge."""
    out: list[ManualStep] = []
    for f in findings:
        if f.fix is None or f.ignored is not None:
            continue
        if coverage.has_step(f):
            continue
        step = ManualStep(f.fix.summary, f.fix.commands, f.code)
        if all((m.summary, m.commands) != (step.summary, step.commands) for m in out):
            out.append(step)
    return tuple(out)


def make_plan(findings: Sequence[Finding], inventory: Inventory, target: Target,
              environ: Mapping[str, str], *, line: Optional[str] = None) -> Procedure:
    """The repair plan for ``target``: uv where the environment is uv-managed and uv is at hand, else pip.

    ``line``: move the LangChain family to this release line (``fix --line``); default: stay on the environment's.
    """
    p = plan.build(findings, inventory, line=line)
    notes: list[str] = []
    installer, uv = Installer.PIP, None
    has_package_step = bool(p.install or p.reinstall or p.uninstall)
    if uv_managed(target):
        uv = find_uv(environ)
        if uv is not None:
            installer = Installer.UV
            notes.append("the environment is uv-managed (pyvenv.cfg has a uv line): package steps use uv pip")
        elif has_package_step:
            notes.append("the environment is uv-managed but uv is not installed here: package steps use pip"
                         + ("" if has_pip(target.python, environ) else ", which this environment lacks "
                            "(install uv, or run the commands below with uv pip)"))
    if p.line and p.install:
        notes.append(f"the plan moves the LangChain family to the {p.line} line, as asked" if p.moves_line
                     else f"every LangChain package stays on the {p.line} line the environment is on "
                     "(bounds written into the command)")
    return Procedure(target.python, installer, tuple(steps_for(p, target, installer, uv)),
                   manual_steps(findings), tuple(notes), p)


# --- running ---

_URL_CREDENTIALS = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s:@]+(:[^/\s@]*)?@")


def _tail(text: str, redactor: Redactor, limit: int = _TAIL_LINES) -> tuple[str, ...]:
    lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
    return tuple(_URL_CREDENTIALS.sub(r"\1***@", redactor.text(ln)) for ln in lines[-limit:])


def _versions(inv: Inventory) -> dict[str, str]:
    return {d.name: d.raw_version or "?" for d in inv.by_name.values()}


def observed_changes(before: Inventory, after: Inventory, fp: Procedure,
                     removed: Optional[Mapping[str, bool]] = None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(changed, unchanged): package versions compared on disk, deleted paths checked; never what was hoped.

    ``removed``: path -> gone, looked at right after its step (a later install may rightly re-create a folder).
    """
    old, new = _versions(before), _versions(after)
    changed: list[str] = []
    for name in sorted(set(old) | set(new)):
        if name not in new:
            changed.append(f"removed {name} {old[name]}")
        elif name not in old:
            changed.append(f"installed {name} {new[name]}")
        elif old[name] != new[name]:
            changed.append(f"{name} {old[name]} -> {new[name]}")
    unchanged: list[str] = []
    deleted: list[str] = []
    for step in fp.steps:
        for path in step.paths:
            gone = removed.get(path) if removed is not None else not os.path.lexists(path)
            if gone:
                deleted.append(f"deleted {path}")
            elif gone is not None:
                unchanged.append(f"{path} is still there")
        if step.action is Action.INSTALL:
            for req in step.packages:
                name = plan._name(req)
                if name not in new:
                    unchanged.append(f"{req}: not installed")
                elif not _satisfied(req, new[name]):
                    unchanged.append(f"{req}: {name} {new[name]} is installed")
                elif old.get(name) == new[name]:
                    unchanged.append(f"{name} stays {new[name]}")
        if step.action is Action.UNINSTALL:
            unchanged += [f"{n} is still installed ({new[plan._name(n)]})" for n in step.packages
                          if plan._name(n) in new]
    return (*deleted, *changed), tuple(unchanged)


def _satisfied(req: str, version: str) -> bool:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return Requirement(req).specifier.contains(version, prereleases=True)
    except (InvalidRequirement, ValueError):
        return False


def apply(
    fp: Procedure,
    *,
    confirm: Callable[[Procedure], bool],
    environ: Mapping[str, str],
    before: Inventory,
    sys_path: Sequence[str],
    on_step: Optional[Callable[[int, Step], None]] = None,
    on_result: Optional[Callable[[int, StepResult], None]] = None,
    undo_folder: Optional[Path] = None,
) -> Optional[Outcome]:
    """Ask ``confirm``; then run the steps in order, stopping at the first failure. None when not confirmed.

    With ``undo_folder`` (``undo.record``'s), the paths a step deletes are moved aside there instead.
    """
    if not fp.steps or not confirm(fp):
        return None
    env = step_env(environ)
    redactor = redactor_for(environ)
    results: list[StepResult] = []
    not_run: list[Step] = []
    removed: dict[str, bool] = {}
    for i, step in enumerate(fp.steps):
        if results and not results[-1].ok:
            not_run.append(step)
            continue
        if on_step is not None:
            on_step(i, step)
        if step.action is Action.REMOVE and undo_folder is not None:
            done = _move_aside(undo_folder, step)
        else:
            done = subproc.run(list(step.argv), timeout=step.timeout, env=env)
        ok = done.returncode == 0 and not done.timed_out
        for path in step.paths:
            removed[path] = not os.path.lexists(path)
        text = done.stderr if not ok else (done.stdout + "\n" + done.stderr)
        result = StepResult(step, ok, done.returncode, done.timed_out, done.duration,
                            _tail(text, redactor, _TAIL_LINES if not ok else 4))
        results.append(result)
        if on_result is not None:
            on_result(i, result)
    after = scan(sys_path)
    changed, unchanged = observed_changes(before, after, fp, removed)
    return Outcome(tuple(results), tuple(not_run), changed, unchanged)


def _move_aside(folder: Path, step: Step) -> subproc.Completed:
    from . import undo

    try:
        moved = undo.move_aside(folder, step.paths)
    except (OSError, undo.UndoError) as exc:
        return subproc.Completed(step.argv, 1, "", f"could not move aside: {type(exc).__name__}: {exc}", False, 0.0)
    return subproc.Completed(step.argv, 0, "".join(f"moved {p} to {w}\n" for p, w in moved), "", False, 0.0)


def dry_run(fp: Procedure, environ: Mapping[str, str], before: Inventory) -> Optional[Resolution]:
    """Let the plan's own installer resolve the install step; nothing changes. None without one.

    uv where the plan uses uv (the environment is uv-managed): ``uv pip install --dry-run``, its listing parsed.
    Else pip's ``install --dry-run --report``; uv when the target has no pip.
    """
    reqs = fp.package_reqs
    if not reqs:
        return None
    env = step_env(environ)
    redactor = redactor_for(environ)
    if fp.installer is not Installer.UV and has_pip(fp.python, environ):
        # The report goes to a file: with every package's description it is far larger than captured stdout.
        with tempfile.TemporaryDirectory(prefix="langchain-doctor-") as tmp:
            report_file = os.path.join(tmp, "report.json")
            argv = cmdline.install_argv(fp.python, reqs, upgrade=True, dry_run=True, report=report_file)
            shown = shlex.join(cmdline.install_argv(fp.python, reqs, upgrade=True, dry_run=True, report="-"))
            done = subproc.run(argv, timeout=DRY_RUN_TIMEOUT, env=env)
            if done.returncode != 0 or done.timed_out:
                return Resolution(False, lines=_tail(done.stderr or done.stdout, redactor), command=shown)
            try:
                with open(report_file, encoding="utf-8") as fh:
                    data = json.load(fh)
            except (OSError, ValueError) as exc:
                return Resolution(False, lines=(f"pip wrote no readable report: {exc}",), command=shown)
        old = _versions(before)
        items = []
        for entry in data.get("install", []):
            meta = entry.get("metadata", {})
            name = plan._name(str(meta.get("name", "?")))
            items.append((name, str(meta.get("version", "?")), old.get(name)))
        return Resolution(True, tuple(sorted(items)), command=shown)
    uv = find_uv(environ)
    if uv is None:
        return Resolution(False, lines=("neither pip in the target nor uv here: cannot resolve",))
    # uv as the plan runs it (only the named packages move); a pip step planned for a target without pip is asked
    # of uv as it stands.
    argv = cmdline.install_argv(fp.python, reqs, uv=uv, upgrade=fp.installer is Installer.UV, dry_run=True)
    done = subproc.run(argv, timeout=DRY_RUN_TIMEOUT, env=env)
    ok = done.returncode == 0 and not done.timed_out
    text = done.stderr + "\n" + done.stdout
    from .preview import parse_uv

    moves = tuple(parse_uv(text.splitlines(), _versions(before))) if ok else ()
    return Resolution(ok, lines=_tail(text, redactor, 40), command=shlex.join(argv), tool="uv", moves=moves)


def recheck_options(options: Options, target: Target) -> Options:
    """Options for the check after applying: the same interpreter, fresh results (no cache)."""
    return replace(options, python=target.python, use_cache=False)


def compare(before: Report, after: Report) -> dict[str, list[str]]:
    """Findings resolved, remaining and new between two reports (by code and subject; ignored ones left out)."""
    def key(f: Finding) -> str:
        return f"{f.code} {f.subject}"

    old = {key(f) for f in before.active_findings}
    new = {key(f) for f in after.active_findings}
    return {"resolved": sorted(old - new), "remaining": sorted(old & new), "new": sorted(new - old)}


def interactive() -> bool:
    """True when a person can answer a prompt (stdin is a terminal)."""
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
