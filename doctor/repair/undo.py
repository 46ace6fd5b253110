"""Undo for ``fix --apply``: before the first change, the exact installed set is recorded and the target's
site-packages copied into the user cache folder; folders the plan deletes are moved aside there, not deleted.

Restoring puts back exactly what was there (the copy, and the moved-aside folders), then compares the installed
set with the record. The record holds package names, versions and paths only: never the environment's variables.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from ..cache import cache_dir
from ..inventory import scan
from .sandbox import copy_tree

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from ..inventory import Inventory
    from ..target import Target

RECORD = "record.json"


class UndoError(Exception):
    """No record to restore from, or a restore that could not complete."""


@dataclass(frozen=True)
class Restored:
    """What a restore did, as observed."""

    exact: bool
    """True when the installed set afterwards equals the recorded one."""
    differences: tuple[str, ...]
    moved_back: tuple[str, ...]
    when: str


def folder_for(python: str, environ: Mapping[str, str]) -> Path:
    """The undo folder of one target (by its interpreter's real path), in the user cache folder."""
    key = hashlib.sha256(os.path.realpath(python).encode("utf-8")).hexdigest()[:16]
    return cache_dir(environ) / "undo" / key


def installed_set(inventory: Inventory) -> dict[str, str]:
    """Every distribution's metadata folder -> version: the exact set, duplicates and stale copies included."""
    return {d.metadata_dir: d.raw_version or "?" for d in inventory.dists}


def _own_site_packages(target: Target) -> list[str]:
    prefix = os.path.realpath(target.prefix)
    return [sp for sp in target.site_packages
            if os.path.isdir(sp) and os.path.realpath(sp).startswith(prefix.rstrip(os.sep) + os.sep)]


def record(target: Target, inventory: Inventory, environ: Mapping[str, str]) -> Path:
    """Record the installed set and copy the site-packages; returns the undo folder (replacing an older record)."""
    folder = folder_for(target.python, environ)
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "backup").mkdir(parents=True)
    os.chmod(folder, 0o700)
    saved = []
    for i, sp in enumerate(_own_site_packages(target)):
        copy_tree(sp, str(folder / "backup" / str(i)))
        saved.append({"path": sp, "backup": str(i)})
    data = {"python": target.python, "prefix": target.prefix, "created": time.strftime("%Y-%m-%d %H:%M:%S"),
            "site_packages": saved, "sys_path": list(target.sys_path), "installed": installed_set(inventory),
            "moved": []}
    (folder / RECORD).write_text(json.dumps(data, indent=1), encoding="utf-8")
    return folder


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


def restore(python: str, environ: Mapping[str, str], *, forget: bool = True) -> Restored:
    """Put the target back exactly as recorded; ``forget`` deletes the record afterwards."""
    folder = folder_for(python, environ)
    data = _load(folder)
    for entry in data.get("site_packages", []):  # type: ignore[attr-defined]
        sp, backup = str(entry["path"]), folder / "backup" / str(entry["backup"])
        if not backup.is_dir():
            raise UndoError(f"the undo copy of {sp} is missing ({backup})")
        # Empty the folder (it may be a mount or carry permissions: keep the folder itself), then copy back.
        for child in os.scandir(sp):
            if child.is_dir(follow_symlinks=False):
                shutil.rmtree(child.path)
            else:
                os.unlink(child.path)
        copy_tree(str(backup), sp)
    moved_back = []
    for entry in reversed(data.get("moved", [])):  # type: ignore[call-overload]
        path, kept = str(entry["path"]), str(entry["kept"])
        if os.path.lexists(kept) and not os.path.lexists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            shutil.move(kept, path)
            moved_back.append(path)
        elif os.path.lexists(path):
            moved_back.append(path)  # inside site-packages: the copy put it back already
    now = installed_set(scan([str(p) for p in data.get("sys_path", [])]))  # type: ignore[attr-defined]
    was: dict[str, str] = dict(data.get("installed", {}))  # type: ignore[call-overload]
    differences = tuple(
        [f"{k}: {was[k]} -> {now.get(k, 'gone')}" for k in sorted(was) if now.get(k) != was[k]]
        + [f"{k}: new {now[k]}" for k in sorted(set(now) - set(was))])
    if forget and not differences:
        shutil.rmtree(folder, ignore_errors=True)
    return Restored(not differences, differences, tuple(moved_back), str(data.get("created", "")))


def created(python: str, environ: Mapping[str, str]) -> Optional[str]:
    """When the record of this target was made, or None."""
    try:
        return str(_load(folder_for(python, environ)).get("created", ""))
    except UndoError:
        return None
