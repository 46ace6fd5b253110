"""A change tried on a throwaway copy of the target first: the plan's steps (``fix --apply``) or a requested
install (``what-if``) run in the copy, the full check runs there, and the copy is deleted. The target is only read.
"""

from __future__ import annotations

import os
import shlex
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from ..inventory import scan
from ..target import TargetError
from . import apply as fixer
from . import cmdline, preview, rebuild, sandbox
from . import plan as planning

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ..context import Options
    from ..inventory import Inventory
    from ..model import Report
    from ..target import Target


@dataclass(frozen=True)
class Trial:
    """What the change did to the copy."""

    ok: bool
    """True when every step ran and the copy could be checked."""
    outcome: Optional[fixer.Outcome]
    report: Optional[Report]
    """The check of the copy, its paths written as the target's."""
    moves: preview.Preview
    diff: dict[str, list[str]]
    cleaner: bool
    """True when the copy has fewer errors (or as many and fewer warnings) and no new error."""
    error: str = ""
    not_tried: tuple[str, ...] = ()
    """Steps that touch something outside the environment: not repeated in the copy."""
    installer: str = ""
    """``pip`` or ``uv``: which tool resolved the change."""
    method: str = ""
    """How the throwaway environment was made: ``fresh`` (a new venv filled by pin) or ``copy`` (file for file)."""
    copied: tuple[str, ...] = ()
    """In a fresh venv: what was copied as it is rather than reinstalled, and why."""
    not_reproduced: tuple[str, ...] = ()
    """What the throwaway environment could not reproduce."""
    note: str = ""
    """Why it was made the other way (a fresh venv that could not be built)."""
    seconds: tuple[tuple[str, float], ...] = ()
    """Wall time of each phase: build, steps, check."""


def _versions(inv: Inventory) -> dict[str, str]:
    return {d.name: d.raw_version or "?" for d in inv.by_name.values()}


def _copy_target(target: Target, box: sandbox.Sandbox) -> Target:
    mapped = dict(box.mapping)
    return replace(target, python=box.python, prefix=box.root,
                   site_packages=tuple(mapped.get(s, s) for s in target.site_packages),
                   sys_path=tuple(mapped.get(s, s) for s in target.sys_path))


def _to_target(report: Report, box: sandbox.Sandbox) -> Report:
    # Every text of every finding (its fix and locations too), walked the way the redactor walks them.
    from ..redact import redact_fields

    return replace(report, findings=tuple(redact_fields(f, box.to_target) for f in report.findings))


def errors_of(report: Report) -> set[str]:
    """``code subject`` of the active errors."""
    return {f"{f.code} {f.subject}" for f in report.active_findings if f.severity.value == "error"}


def new_errors(before: Report, after: Report) -> set[str]:
    """Errors of ``after`` that were not there before, in any form.

    A problem the earlier run could only half see is not new: LCD114 "cannot tell whether FOLDER is a leftover"
    becomes LCD111 "FOLDER is a leftover" once the file list is readable again. An error whose subject (a path,
    a package) some finding of ``before`` already named in its subject or title was there before.
    """
    seen = [f"{f.subject} {f.title}" for f in before.active_findings]
    return {key for key in errors_of(after) - errors_of(before)
            if not any(key.split(" ", 1)[1] and key.split(" ", 1)[1] in text for text in seen)}


def cleaner(before: Report, after: Report) -> bool:
    """Fewer errors (or as many and fewer warnings), and no error that was not there before."""
    if new_errors(before, after):
        return False
    b, a = before.summary, after.summary
    return a["error"] < b["error"] or (a["error"] == b["error"] and a["warning"] < b["warning"])


def worse(before: Report, after: Report) -> bool:
    """More errors than before, or an error that was not there before."""
    return bool(new_errors(before, after)) or after.summary["error"] > before.summary["error"]


def _check_copy(options: Options, box: sandbox.Sandbox, environ: Mapping[str, str],
                work_dir: Optional[str]) -> Report:
    ex = fixer.examine(replace(options, python=box.python, use_cache=False), environ=environ,
                       cwd=Path(work_dir) if work_dir else None)
    return _to_target(ex.report, box)


@dataclass(frozen=True)
class Box:
    """The throwaway environment of one trial, and how faithful it is."""

    sandbox: sandbox.Sandbox
    copied: tuple[str, ...] = ()
    """What was copied as it is rather than reinstalled, and why (a fresh venv only)."""
    not_reproduced: tuple[str, ...] = ()
    note: str = ""
    """Why the other way was taken (a fresh venv that could not be built, so a copy)."""
    seconds: float = 0.0


def _failed(error: str, source: str = "copy", installer: str = "") -> Trial:
    return Trial(False, None, None, preview.exact((), source), {}, False, error, installer=installer)


def replica(target: Target, inventory: Inventory, environ: Mapping[str, str],
            uv: Optional[Sequence[str]]) -> Box:
    """A faithful throwaway copy of ``target`` for ``fix --apply``'s trial.

    With uv at hand: a fresh venv filled from uv's cache alone (``--offline``), every distribution it cannot put
    back exactly copied as it is, then compared with the target's installed set; when a pin is not cached or the
    sets differ, the site-packages are copied file for file instead (``sandbox.create``), which is also the way
    without uv. SandboxError when neither works.
    """
    t0 = time.monotonic()
    note = ""
    if uv is not None:
        survey = rebuild.survey(target, inventory)
        try:
            box = rebuild.build(target, survey, environ, uv, offline=True, inventory=inventory)
        except (sandbox.SandboxError, OSError) as exc:
            note = f"a fresh venv from uv's cache was not possible ({exc}); copied the site-packages instead"
        else:
            differs = rebuild.same_set(inventory, box)
            if not differs:
                return Box(box, survey.notes, survey.not_reproduced, seconds=time.monotonic() - t0)
            sandbox.remove(box)
            note = (f"a fresh venv from uv's cache differed from the target ({'; '.join(differs[:3])}); "
                    "copied the site-packages instead")
    return Box(sandbox.create(target, environ, uv), note=note, seconds=time.monotonic() - t0)


def run_plan(fp: fixer.Procedure, before: Report, target: Target, inventory: Inventory, options: Options,
             environ: Mapping[str, str], facts: Sequence[object] = (), work_dir: Optional[str] = None) -> Trial:
    """The plan's steps on a copy of ``target``, then the check there, compared with ``before``."""
    uv = fixer.find_uv(environ)
    try:
        made = replica(target, inventory, environ, uv)
    except (sandbox.SandboxError, OSError) as exc:
        return _failed(f"no throwaway copy: {exc}")
    box = made.sandbox
    try:
        ctarget = _copy_target(target, box)
        cs = fp.source or planning.ChangeSet((), (), fp.package_reqs, (), ())
        inside = tuple(c for p in cs.remove_paths if (c := box.to_copy(p)) is not None)
        outside = tuple(p for p in cs.remove_paths if box.to_copy(p) is None)
        steps = fixer.steps_for(cs._replace(remove_paths=inside), ctarget, fp.installer,
                                uv if fp.installer is fixer.Installer.UV else None)
        cfp = fixer.Procedure(box.python, fp.installer, tuple(steps))
        return _run_and_check(cfp, made, before, ctarget, inventory, options, environ, facts, work_dir,
                              fp.installer.value, "copy", tuple(f"delete {p}" for p in outside))
    finally:
        sandbox.remove(box)


def _run_and_check(cfp: fixer.Procedure, made: Box, before: Report, ctarget: Target, inventory: Inventory,
                   options: Options, environ: Mapping[str, str], facts: Sequence[object], work_dir: Optional[str],
                   installer: str, source: str, not_tried: tuple[str, ...] = ()) -> Trial:
    """Run ``cfp`` in the box (nothing when it has no steps), check the box, compare with ``before``."""
    box = made.sandbox
    def how(t: Trial) -> Trial:
        return replace(t, method=box.method, copied=made.copied, not_reproduced=made.not_reproduced,
                       note=made.note, seconds=seconds)

    t0 = time.monotonic()
    outcome = None
    if cfp.steps:
        outcome = fixer.apply(cfp, confirm=lambda p: True, environ=environ, before=scan(ctarget.sys_path),
                              sys_path=ctarget.sys_path)
    t1 = time.monotonic()
    moves = preview.exact(preview.diff(_versions(inventory), _versions(scan(ctarget.sys_path))), source, facts)
    seconds: tuple[tuple[str, float], ...] = (("build", round(made.seconds, 1)), ("steps", round(t1 - t0, 1)))
    if outcome is not None and not outcome.ok:
        what = "a step failed in the copy" if source == "copy" else f"{installer} could not install the change"
        return how(Trial(False, outcome, None, moves, {}, False, what, not_tried, installer))
    try:
        report = _check_copy(options, box, environ, work_dir)
    except TargetError as exc:
        return how(Trial(False, outcome, None, moves, {}, False, f"the copy could not be checked: {exc}",
                         installer=installer))
    seconds += (("check", round(time.monotonic() - t1, 1)),)
    return how(Trial(True, outcome, report, moves, fixer.compare(before, report), cleaner(before, report),
                     not_tried=not_tried, installer=installer))


def run_install(requirements: Sequence[str], before: Report, target: Target, inventory: Inventory,
                options: Options, environ: Mapping[str, str], facts: Sequence[object] = (),
                work_dir: Optional[str] = None) -> Trial:
    """``install REQUIREMENTS`` as the target's installer would resolve it (uv for a uv-made venv, else pip), tried
    in a fresh venv that holds the resolved set (the target's installed set with the resolver's moves); then the
    check there. Needs the package index. When the fresh venv cannot be filled (a pin the installer cannot get),
    the change is installed into a copy of the site-packages instead, and the trial says so."""
    uv = fixer.find_uv(environ)
    t0 = time.monotonic()
    res = rebuild.resolve(requirements, target, inventory, environ, uv)
    if not res.ok:
        return _failed(f"{res.installer} could not resolve the change: {res.error}", res.installer, res.installer)
    survey = rebuild.with_moves(rebuild.survey(target, inventory), res.moves)
    try:
        made = Box(rebuild.build(target, survey, environ, uv, inventory=inventory), survey.notes,
                   survey.not_reproduced,
                   seconds=time.monotonic() - t0)
    except (sandbox.SandboxError, OSError) as exc:
        return _copy_and_install(requirements, before, target, inventory, options, environ, facts, work_dir, uv,
                                 res.installer, f"a fresh venv with the resolved set could not be built ({exc})")
    try:
        cfp = fixer.Procedure(made.sandbox.python, fixer.Installer(res.installer), ())
        return _run_and_check(cfp, made, before, _copy_target(target, made.sandbox), inventory, options, environ,
                              facts, work_dir, res.installer, res.installer)
    finally:
        sandbox.remove(made.sandbox)


def _copy_and_install(requirements: Sequence[str], before: Report, target: Target, inventory: Inventory,
                      options: Options, environ: Mapping[str, str], facts: Sequence[object],
                      work_dir: Optional[str], uv: Optional[Sequence[str]], installer: str, note: str) -> Trial:
    """The change installed into a file-for-file copy of the site-packages (what-if's way when no fresh venv)."""
    t0 = time.monotonic()
    try:
        box = sandbox.create(target, environ, uv)
    except (sandbox.SandboxError, OSError) as exc:
        return _failed(f"no throwaway copy: {exc}", installer=installer)
    made = Box(box, note=f"{note}; installed the change into a copy of the site-packages instead",
               seconds=time.monotonic() - t0)
    try:
        argv = cmdline.install_argv(box.python, requirements, uv=uv if installer == "uv" else None,
                                    pip_from=target.python)
        step = fixer.Step(fixer.Action.INSTALL, f"install {' '.join(requirements)}", tuple(argv),
                          shlex.join(argv), fixer.INSTALL_TIMEOUT, packages=tuple(requirements))
        cfp = fixer.Procedure(box.python, fixer.Installer(installer), (step,))
        return _run_and_check(cfp, made, before, _copy_target(target, box), inventory, options, environ, facts,
                              work_dir, installer, installer)
    finally:
        sandbox.remove(box)


def site_checksum(folders: Sequence[str], *, content: bool = True) -> str:
    """A checksum of every file under the folders (path, size, mtime and, with ``content``, the bytes)."""
    import hashlib

    h = hashlib.sha256()
    for top in folders:
        for dirpath, dirnames, filenames in os.walk(top):
            dirnames.sort()
            for name in sorted(filenames):
                path = os.path.join(dirpath, name)
                h.update(os.path.relpath(path, top).encode("utf-8", "surrogateescape"))
                try:
                    st = os.lstat(path)
                    h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
                    if content and os.path.isfile(path) and not os.path.islink(path):
                        with open(path, "rb") as fh:
                            h.update(hashlib.sha256(fh.read()).digest())
                except OSError as exc:
                    h.update(str(exc).encode())
    return h.hexdigest()
