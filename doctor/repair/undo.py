"""Undo for ``fix --apply``: before the first change, the exact installed set and a manifest of every file of the
target's site-packages (path, size, modification time) are recorded, and only what the plan will touch is backed up
into the user cache folder: the files of the distributions it moves (their RECORD-listed files, their bytecode, their
metadata folder). Folders the plan deletes are moved aside there, not deleted.

Restoring moves the moved-aside folders back, deletes what the apply added (any file or folder not in the manifest),
copies the backed-up files back, then compares the site-packages with the manifest and the installed set with the
record: ``exact`` only when both match. When a distribution to back up has no RECORD (its files cannot be listed),
the whole site-packages is copied instead, as before, and the record says so.

The record holds package names, versions and paths only: never the environment's variables.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from packaging.utils import canonicalize_name

from .. import subproc
from ..cache import cache_dir
from ..inventory import scan
from .sandbox import COPY_TIMEOUT, copy_tree

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
    from pathlib import Path

    from ..inventory import Dist, Inventory
    from ..target import Target

RECORD = "record.json"
MANIFEST = "manifest.json"


class UndoError(Exception):
    """No record to restore from, or a restore that could not complete."""


@dataclass(frozen=True)
class Restored:
    """What a restore did, as observed."""

    exact: bool
    """True when the installed set and every file of the site-packages equal the recorded ones."""
    differences: tuple[str, ...]
    moved_back: tuple[str, ...]
    when: str
    mode: str = "full"
    """``partial`` (only what the plan touched was backed up) or ``full`` (the whole site-packages)."""


def folder_for(python: str, environ: Mapping[str, str]) -> Path:
    """The undo folder of one target (by its interpreter's real path), in the user cache folder."""
    key = hashlib.sha256(os.path.realpath(python).encode("utf-8")).hexdigest()[:16]
    return cache_dir(environ) / "undo" / key


def installed_set(inventory: Inventory) -> dict[str, str]:
    """Every distribution's metadata folder -> version: the exact set, duplicates and stale copies included."""
    return {d.metadata_dir: d.raw_version or "?" for d in inventory.dists}


def _own_site_packages(target: Target) -> list[str]:
    prefix = os.path.realpath(target.prefix)
    out: list[str] = []
    for sp in target.site_packages:
        real = os.path.realpath(sp)
        if os.path.isdir(sp) and real.startswith(prefix.rstrip(os.sep) + os.sep) and \
                real not in (os.path.realpath(o) for o in out):
            out.append(sp)
    return out


def manifest(folder: str) -> dict[str, list[int]]:
    """Every file, link and folder under ``folder``: relative path -> [size, mtime_ns] (folders: [-1, 0])."""
    out: dict[str, list[int]] = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        rel_dir = os.path.relpath(dirpath, folder)
        for name in dirnames:
            path = os.path.join(dirpath, name)
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if os.path.islink(path):
                st = os.lstat(path)
                out[rel] = [st.st_size, st.st_mtime_ns]
            else:
                out[rel] = [-1, 0]
        for name in filenames:
            try:
                st = os.lstat(os.path.join(dirpath, name))
            except OSError:
                continue
            out[os.path.normpath(os.path.join(rel_dir, name))] = [st.st_size, st.st_mtime_ns]
    return out


def _files_of(d: Dist, sp: str, listed: dict[str, list[str]]) -> Optional[list[str]]:
    """What to back up for ``d``, relative to ``sp``: its metadata folder, its RECORD's files inside ``sp``, the
    bytecode of its modules. None when it has no RECORD. ``listed``: __pycache__ listings, read once per folder."""
    recorded = d.recorded_files()
    if recorded is None:
        return None
    meta = os.path.relpath(d.metadata_dir, sp)
    out = [meta]
    for rel in recorded:
        rel = os.path.normpath(rel)
        if rel.startswith("..") or rel.startswith(meta + os.sep):
            continue
        out.append(rel)
        if rel.endswith(".py"):
            cache = os.path.join(os.path.dirname(rel), "__pycache__")
            if cache not in listed:
                try:
                    listed[cache] = [n for n in os.listdir(os.path.join(sp, cache)) if n.endswith(".pyc")]
                except OSError:
                    listed[cache] = []
            stem = os.path.basename(rel)[:-3] + "."
            out += [os.path.join(cache, n) for n in listed[cache] if n.startswith(stem) and n.count(".") <= 3]
    return out


def record(target: Target, inventory: Inventory, environ: Mapping[str, str],
           touched: Optional[Iterable[str]] = None) -> Path:
    """Record the installed set and a manifest of the site-packages, and back up what the plan touches; returns
    the undo folder (replacing an older record).

    ``touched``: names of the distributions the plan will install, upgrade, reinstall or remove (from the trial's
    exact moves and the plan's requirements). Their files are backed up; None backs up the whole site-packages.
    """
    folder = folder_for(target.python, environ)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "backup").mkdir(parents=True)
    os.chmod(folder, 0o700)
    names = None if touched is None else {canonicalize_name(n) for n in touched}
    own = _own_site_packages(target)
    why_full = "" if names is not None else "no list of what the plan touches"
    plan_files: dict[str, list[str]] = {}
    if names is not None:
        for sp in own:
            real = os.path.realpath(sp)
            files: list[str] = []
            listed: dict[str, list[str]] = {}
            for d in inventory.dists:
                if d.name not in names or os.path.realpath(d.location) != real:
                    continue
                mine = _files_of(d, sp, listed)
                if mine is None:
                    why_full = f"{d.name} {d.raw_version or '?'} has no RECORD: its files cannot be listed"
                    break
                files += mine
            plan_files[sp] = files
            if why_full:
                break
    saved = []
    for i, sp in enumerate(own):
        dest = folder / "backup" / str(i)
        if why_full:
            copy_tree(sp, str(dest))
        else:
            dest.mkdir()
            _copy_many(sp, [r for r in dict.fromkeys(plan_files.get(sp, ())) if os.path.lexists(os.path.join(sp, r))],
                       str(dest))
        (folder / f"{MANIFEST}.{i}").write_text(json.dumps(manifest(sp)), encoding="utf-8")
        saved.append({"path": sp, "backup": str(i)})
    data = {"python": target.python, "prefix": target.prefix, "created": time.strftime("%Y-%m-%d %H:%M:%S"),
            "mode": "full" if why_full else "partial", "why_full": why_full or None,
            "touched": sorted(names or ()), "site_packages": saved, "sys_path": list(target.sys_path),
            "installed": installed_set(inventory), "moved": []}
    (folder / RECORD).write_text(json.dumps(data, indent=1), encoding="utf-8")
    return folder


def _copy_many(src_root: str, rels: Sequence[str], dst_root: str) -> None:
    """Copy each relative path from ``src_root`` to the same place under ``dst_root`` (links stay links, times
    kept): GNU ``cp -a --parents`` in batches where there is one (one process per 400 files instead of a Python
    copy each: 3x faster on a busy machine), else one by one."""
    cp = shutil.which("cp")
    if cp is not None and sys.platform.startswith("linux"):
        for i in range(0, len(rels), 400):
            done = subproc.run([cp, "-a", "--parents", "--", *rels[i:i + 400], dst_root], cwd=src_root,
                               timeout=COPY_TIMEOUT)
            if done.returncode != 0 or done.timed_out:
                break
    for rel in rels:  # what cp did not copy (no GNU cp, a failed batch): one by one
        if not os.path.lexists(os.path.join(dst_root, rel)):
            _copy(os.path.join(src_root, rel), os.path.join(dst_root, rel))


def _copy(src: str, dst: str) -> None:
    """Copy one file, link or folder (links stay links; times kept); missing sources are skipped."""
    if not os.path.lexists(src):
        return
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    if os.path.isdir(src) and not os.path.islink(src):
        shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)
    else:
        if os.path.lexists(dst) or os.path.islink(dst):
            if os.path.isdir(dst) and not os.path.islink(dst):
                shutil.rmtree(dst)
            else:
                os.unlink(dst)
        shutil.copy2(src, dst, follow_symlinks=False)


def _load(folder: Path) -> dict[str, object]:
    try:
        data: dict[str, object] = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UndoError(f"no undo record in {folder}: {exc}") from None
    return data


def move_aside(folder: Path, paths: Sequence[str]) -> list[tuple[str, str]]:
    """Move each path into the undo folder instead of deleting it; (path, where it went) for each one moved."""
    data = _load(folder)
    moved = list(data.get("moved", []))  # type: ignore[call-overload]
    out = []
    for p in paths:
        if not os.path.lexists(p):
            continue
        dest = folder / "moved" / str(len(moved))
        dest.mkdir(parents=True)
        where = str(dest / os.path.basename(p.rstrip(os.sep)))
        shutil.move(p, where)
        moved.append({"path": p, "kept": where})
        out.append((p, where))
    data["moved"] = moved
    (folder / RECORD).write_text(json.dumps(data, indent=1), encoding="utf-8")
    return out


def has_record(python: str, environ: Mapping[str, str]) -> bool:
    """True when an apply of this target can be undone."""
    return (folder_for(python, environ) / RECORD).is_file()


def backup_text(folder: Path) -> str:
    """``backed up 3 distributions (12.4 MB)`` or ``copied the whole site-packages (...)``: what the record kept."""
    data = _load(folder)
    size = 0
    for dirpath, _dirnames, filenames in os.walk(folder):
        for name in filenames:
            try:
                size += os.lstat(os.path.join(dirpath, name)).st_size
            except OSError:
                pass
    mb = f"{size / 1e6:.1f} MB"
    if data.get("mode") == "full":
        return f"copied the whole site-packages, {mb}, because {data.get('why_full')}"
    touched = data.get("touched") or []
    return f"backed up the {len(touched)} distribution{'s' if len(touched) != 1 else ''} it touches, {mb}"  # type: ignore[arg-type]


def _empty(sp: str) -> None:
    for child in os.scandir(sp):
        if child.is_dir(follow_symlinks=False):
            shutil.rmtree(child.path)
        else:
            os.unlink(child.path)


def _put_back(sp: str, backup: Path, was: dict[str, list[int]]) -> None:
    """Make ``sp`` hold what the manifest ``was`` lists: delete what the apply added, copy the backup back."""
    now = manifest(sp)
    # deepest first, so a folder is emptied before it is judged
    for rel in sorted(set(now) - set(was), key=lambda r: r.count(os.sep), reverse=True):
        path = os.path.join(sp, rel)
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path, ignore_errors=True)
        elif os.path.lexists(path):
            os.unlink(path)
    for dirpath, dirnames, filenames in os.walk(backup):
        rel_dir = os.path.relpath(dirpath, backup)
        for name in [*filenames, *(n for n in dirnames if os.path.islink(os.path.join(dirpath, n)))]:
            rel = os.path.normpath(os.path.join(rel_dir, name))
            dst = os.path.join(sp, rel)
            st = was.get(rel)
            try:
                cur = os.lstat(dst)
                same = st is not None and [cur.st_size, cur.st_mtime_ns] == st
            except OSError:
                same = False
            if not same:
                _copy(os.path.join(dirpath, name), dst)
    for rel, (size, _mtime) in was.items():  # folders the apply emptied and removed (a package's own folder)
        if size == -1:
            os.makedirs(os.path.join(sp, rel), exist_ok=True)


def restore(python: str, environ: Mapping[str, str], *, forget: bool = True) -> Restored:
    """Put the target back exactly as recorded; ``forget`` deletes the record afterwards (when exact)."""
    folder = folder_for(python, environ)
    data = _load(folder)
    mode = str(data.get("mode", "full"))
    moved_back = []
    for entry in reversed(data.get("moved", [])):  # type: ignore[call-overload]
        path, kept = str(entry["path"]), str(entry["kept"])
        if os.path.lexists(kept):
            if os.path.lexists(path):  # something the apply re-created there: the kept one is the original
                shutil.rmtree(path) if os.path.isdir(path) and not os.path.islink(path) else os.unlink(path)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            shutil.move(kept, path)
            moved_back.append(path)
        elif os.path.lexists(path):
            moved_back.append(path)
    differences: list[str] = []
    for entry in data.get("site_packages", []):  # type: ignore[attr-defined]
        sp, key = str(entry["path"]), str(entry["backup"])
        backup = folder / "backup" / key
        if not backup.is_dir():
            raise UndoError(f"the undo copy of {sp} is missing ({backup})")
        try:
            was: dict[str, list[int]] = json.loads((folder / f"{MANIFEST}.{key}").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            was = {}
        if mode == "full":
            _empty(sp)  # keep the folder itself (it may be a mount or carry permissions), then copy back
            copy_tree(str(backup), sp)
        else:
            _put_back(sp, backup, was)
        if was:
            now = manifest(sp)
            for rel in sorted(set(was) | set(now)):
                if was.get(rel) != now.get(rel) and not (was.get(rel, [0])[0] == -1 and now.get(rel, [0])[0] == -1):
                    differences.append(f"{os.path.join(sp, rel)}: " + (
                        "missing" if rel not in now else "not there before" if rel not in was else "differs"))
    installed_now = installed_set(scan([str(p) for p in data.get("sys_path", [])]))  # type: ignore[attr-defined]
    was_set: dict[str, str] = dict(data.get("installed", {}))  # type: ignore[call-overload]
    differences = [
        *(f"{k}: {was_set[k]} -> {installed_now.get(k, 'gone')}" for k in sorted(was_set)
          if installed_now.get(k) != was_set[k]),
        *(f"{k}: new {installed_now[k]}" for k in sorted(set(installed_now) - set(was_set))),
        *differences[:50]]
    if forget and not differences:
        shutil.rmtree(folder, ignore_errors=True)
    return Restored(not differences, tuple(differences), tuple(moved_back), str(data.get("created", "")), mode)


def created(python: str, environ: Mapping[str, str]) -> Optional[str]:
    """When the record of this target was made, or None."""
    try:
        return str(_load(folder_for(python, environ)).get("created", ""))
    except UndoError:
        return None
