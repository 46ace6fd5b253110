"""A change tried on a throwaway copy of the target first: the plan's steps (``fix --apply``) or a requested
install (``what-if``) run in the copy, the full check runs there, and the copy is deleted. The target is only read.
"""

from __future__ import annotations

import os
import shlex
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from ..inventory import scan
from ..target import TargetError
from . import apply as fixer
from . import plan as planning
from . import preview, sandbox

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ..context import Options
    from ..model import Finding, Report
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


def _versions(inv: object) -> dict[str, str]:
    return {d.name: d.raw_version or "?" for d in inv.by_name.values()}  # type: ignore[attr-defined]


def _copy_target(target: Target, box: sandbox.Sandbox) -> Target:
    mapped = dict(box.mapping)
    return replace(target, python=box.python, prefix=box.root,
                   site_packages=tuple(mapped.get(s, s) for s in target.site_packages),
                   sys_path=tuple(mapped.get(s, s) for s in target.sys_path))


def _to_target(report: Report, box: sandbox.Sandbox) -> Report:
    def fix_finding(f: Finding) -> Finding:
        return replace(f, subject=box.to_target(f.subject), title=box.to_target(f.title),
                       evidence=tuple(box.to_target(e) for e in f.evidence))

    return replace(report, findings=tuple(fix_finding(f) for f in report.findings))


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


def _open_copy(target: Target,
               environ: Mapping[str, str]) -> tuple[Optional[list[str]], sandbox.Sandbox, Target] | Trial:
    """uv (None when not at hand), a throwaway copy of ``target`` and the copy as a target (the caller removes the
    copy); the failed Trial when no copy can be made."""
    uv = fixer.find_uv(environ)
    try:
        box = sandbox.create(target, environ, uv)
    except (sandbox.SandboxError, OSError) as exc:
        return Trial(False, None, None, preview.exact((), "copy"), {}, False, f"no throwaway copy: {exc}")
    try:
        return uv, box, _copy_target(target, box)
    except BaseException:
        sandbox.remove(box)
        raise


def run_plan(fp: fixer.Procedure, before: Report, target: Target, inventory: object, options: Options,
             environ: Mapping[str, str], facts: Sequence[object] = (), work_dir: Optional[str] = None) -> Trial:
    """The plan's steps on a copy of ``target``, then the check there, compared with ``before``."""
    opened = _open_copy(target, environ)
    if isinstance(opened, Trial):
        return opened
    uv, box, ctarget = opened
    try:
        cs = fp.source or planning.ChangeSet((), (), fp.package_reqs, (), ())
        inside = tuple(c for p in cs.remove_paths if (c := box.to_copy(p)) is not None)
        outside = tuple(p for p in cs.remove_paths if box.to_copy(p) is None)
        steps = fixer.steps_for(cs._replace(remove_paths=inside), ctarget, fp.installer,
                                uv if fp.installer is fixer.Installer.UV else None)
        cfp = fixer.Procedure(box.python, fp.installer, tuple(steps))
        cinv = scan(ctarget.sys_path)
        outcome = fixer.apply(cfp, confirm=lambda p: True, environ=environ, before=cinv,
                              sys_path=ctarget.sys_path) if steps else None
        after_inv = scan(ctarget.sys_path)
        moves = preview.exact(preview.diff(_versions(inventory), _versions(after_inv)), "copy", facts)
        if outcome is not None and not outcome.ok:
            return Trial(False, outcome, None, moves, {}, False, "a step failed in the copy",
                         tuple(f"delete {p}" for p in outside), fp.installer.value)
        try:
            report = _check_copy(options, box, environ, work_dir)
        except TargetError as exc:
            return Trial(False, outcome, None, moves, {}, False, f"the copy could not be checked: {exc}",
                         installer=fp.installer.value)
        return Trial(True, outcome, report, moves, fixer.compare(before, report), cleaner(before, report),
                     not_tried=tuple(f"delete {p}" for p in outside), installer=fp.installer.value)
    finally:
        sandbox.remove(box)


def run_install(requirements: Sequence[str], before: Report, target: Target, inventory: object, options: Options,
                environ: Mapping[str, str], facts: Sequence[object] = (),
                work_dir: Optional[str] = None) -> Trial:
    """``install REQUIREMENTS`` as the target's installer would do it (uv for a uv-made venv, else pip), in a
    copy; then the check there. Needs the package index."""
    opened = _open_copy(target, environ)
    if isinstance(opened, Trial):
        return opened
    uv, box, ctarget = opened
    try:
        use_uv = uv is not None and (fixer.uv_managed(target) or not fixer.has_pip(box.python, environ))
        if use_uv:
            assert uv is not None
            argv = [*uv, "pip", "install", "--python", box.python, *requirements]
            installer = "uv"
        else:
            argv = [box.python, "-m", "pip", "install", *requirements]
            installer = "pip"
        step = fixer.Step(fixer.Action.INSTALL, f"install {' '.join(requirements)}", tuple(argv),
                          shlex.join(argv), fixer.INSTALL_TIMEOUT, packages=tuple(requirements))
        cfp = fixer.Procedure(box.python, fixer.Installer(installer), (step,))
        cinv = scan(ctarget.sys_path)
        outcome = fixer.apply(cfp, confirm=lambda p: True, environ=environ, before=cinv, sys_path=ctarget.sys_path)
        after_inv = scan(ctarget.sys_path)
        moves = preview.exact(preview.diff(_versions(inventory), _versions(after_inv)), installer, facts)
        if outcome is not None and not outcome.ok:
            return Trial(False, outcome, None, moves, {}, False, f"{installer} could not install the change",
                         installer=installer)
        try:
            report = _check_copy(options, box, environ, work_dir)
        except TargetError as exc:
            return Trial(False, outcome, None, moves, {}, False, f"the copy could not be checked: {exc}",
                         installer=installer)
        return Trial(True, outcome, report, moves, fixer.compare(before, report), cleaner(before, report),
                     installer=installer)
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
