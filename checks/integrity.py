"""Install integrity: duplicate metadata, stray import folders, packages without __init__.py, missing files."""

from __future__ import annotations

import errno
import os
import stat
from collections import defaultdict
from typing import TYPE_CHECKING, Optional

from .. import inputs
from ..checkapi import Check
from ..findings import install_fix, make, remove_path
from ..knowledge.providers import PROVIDERS, provider_of
from ..model import Finding, Fix

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..context import Environment
    from ..inventory import Dist

# Import names whose leftovers matter: every integration plus the packages they all import first.
_CORE_MODULES = {
    "langchain_core": "langchain-core",
    "langchain": "langchain",
    "langchain_community": "langchain-community",
    "langchain_text_splitters": "langchain-text-splitters",
    "langsmith": "langsmith",
    "pydantic": "pydantic",
    "pydantic_core": "pydantic-core",
}
_WATCHED = {**_CORE_MODULES, **{p.module: p.package for p in PROVIDERS}}
_MAX_LISTED = 5


def _duplicates(env: Environment) -> Iterator[Finding]:
    per_location: dict[tuple[str, str], list[Dist]] = defaultdict(list)
    locations: dict[str, list[str]] = defaultdict(list)
    for d in env.inventory.dists:
        per_location[(d.location, d.name)].append(d)
        if d.location not in locations[d.name]:
            locations[d.name].append(d.location)
    py = env.target.python
    for (_location, name), dists in per_location.items():
        if len(dists) < 2:
            continue
        # The real copy is the one whose recorded files are on disk as recorded, not the one that sorts first: a
        # stale metadata folder left by an interrupted upgrade lists files that are gone or were overwritten.
        keep = max(dists, key=lambda d: (_files_as_recorded(d), d is env.inventory.get(name), d.version is not None))
        stale = [d for d in dists if d is not keep]
        reinstall = install_fix(py, "", [f"{name}=={keep.raw_version}" if keep.raw_version else name], force=True)
        yield make(
            "LCD110",
            title=f"{name}: {len(dists)} metadata folders in one site-packages "
            f"({', '.join(d.raw_version or '?' for d in dists)})",
            subject=name, provider=provider_of(name),
            evidence=[d.metadata_dir for d in dists],
            fix=Fix(
                f"Remove the stale metadata of {name}, then reinstall it",
                tuple(remove_path(d.metadata_dir) for d in stale) + reinstall.commands,
                reinstall=reinstall.reinstall, remove_paths=tuple(d.metadata_dir for d in stale),
            ),
        )
    for name, locs in locations.items():
        if len(locs) < 2:
            continue
        first = env.inventory.get(name)
        shadowed = [d for d in env.inventory.dists if d.name == name and d.location != locs[0]]
        yield make(
            "LCD115",
            title=f"{name} is installed in {len(locs)} folders on sys.path; {locs[0]} wins",
            subject=name, provider=provider_of(name),
            evidence=[f"{d.location}: {d.name} {d.raw_version}" for d in [first, *shadowed] if d is not None],
            fix=Fix(f"Keep one copy of {name}: delete the one you do not use",
                    tuple(remove_path(d.metadata_dir) for d in shadowed), manual=True),
        )


def _files_as_recorded(d: Dist) -> int:
    """How many files listed in the distribution's RECORD exist with the recorded size (its own folder excluded)."""
    try:
        text = inputs.read_text(os.path.join(d.metadata_dir, "RECORD"), limit=_MAX_RECORD_BYTES, errors="replace")
    except OSError:
        return 0
    rows = [line.rsplit(",", 2) for line in text.splitlines() if line.strip()]
    meta = os.path.basename(d.metadata_dir) + "/"
    count = 0
    for row in rows:
        # Any metadata folder's own files are excluded: a renamed stale copy's RECORD lists the real folder's.
        if len(row) != 3 or row[0].startswith((meta, "..")) or ".dist-info/" in row[0] or not row[2].isdigit():
            continue
        st = inputs.stat(os.path.join(d.location, row[0]))
        if st is not None and stat.S_ISREG(st.st_mode) and st.st_size == int(row[2]):
            count += 1
    return count


_MAX_RECORD_BYTES = 64 * 1024 * 1024


def _unlisted(d: Dist) -> Optional[str]:
    """Why ``d``'s own file list cannot be read (its RECORD unreadable, not a file, or garbage); None when it can.

    "Could not read the owner" is not "no owner": a folder whose possible owner cannot be read is never called a
    leftover, so no fix ever deletes an installed package because its RECORD was unreadable.
    """
    try:  # only a regular file is opened (inputs): a named pipe never blocks, /dev/zero is never read
        if inputs.read_bytes(os.path.join(d.metadata_dir, "top_level.txt"), limit=65536, head=True).strip():
            return None
    except OSError:
        pass
    try:
        raw = inputs.read_bytes(os.path.join(d.metadata_dir, "RECORD"), limit=_MAX_RECORD_BYTES)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return "it has no RECORD"
        if exc.errno == errno.EINVAL:
            return "its RECORD is not a regular file"
        if exc.errno == errno.EFBIG:
            return "its RECORD is too large to read"
        return f"its RECORD cannot be read ({exc.strerror or exc})"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "its RECORD is not UTF-8 text"
    rows = [line.rsplit(",", 2) for line in text.splitlines() if line.strip()]
    if not any(len(r) == 3 and r[0] and (r[2].isdigit() or r[2] == "") for r in rows):
        return "its RECORD holds no file rows"
    return None


def _names(d: Dist) -> Optional[list[str]]:
    """Import names ``d`` provides, or None when its RECORD exists but cannot be read as a regular file.

    A top_level.txt that is not a regular file (a named pipe, a device) or too large is not read, and the names
    come from RECORD, as when there is none: it never makes an installed package's folder look unowned.
    """
    try:  # one byte: can RECORD be opened as a regular file at all (a loop or no permission is not "absent")
        inputs.read_bytes(os.path.join(d.metadata_dir, "RECORD"), limit=1, head=True)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            return None
    return d.top_level_names()


def _watched_here(env: Environment, location: str) -> list[Dist]:
    return [d for d in env.inventory.dists if d.location == location and (d.family or d.name in _WATCHED.values())]


def _stray_folders(env: Environment) -> Iterator[Finding]:
    py = env.target.python
    for location in env.inventory.scanned:
        present = [m for m in _WATCHED if inputs.is_dir(os.path.join(location, m))]
        if not present:
            continue
        owned: Optional[set[str]] = None
        for module in present:
            # The usual owner first; every LangChain/pydantic distribution's file list only when it is not.
            if any(d.name == _WATCHED[module] and module in (_names(d) or ()) for d in _watched_here(env, location)):
                continue
            if owned is None:
                owned = {n for d in _watched_here(env, location) for n in (_names(d) or ())}
            if module in owned:
                continue
            folder = os.path.join(location, module)
            unknown = [(d, why) for d in _watched_here(env, location) for why in (_unlisted(d),) if why is not None]
            if unknown:
                d, why = unknown[0]
                yield make(
                    "LCD114",
                    title=f"cannot tell whether {folder} is a leftover: {d.name}'s file list cannot be read",
                    subject=d.name, provider=provider_of(d.name),
                    evidence=[f"{d.metadata_dir}: {why}", f"{folder}/ may belong to {d.name}: it is not deleted"],
                    fix=install_fix(py, f"Reinstall {d.name} (this rewrites its RECORD)",
                                    [f"{d.name}=={d.raw_version}" if d.raw_version else d.name], force=True),
                )
                continue
            try:
                entries = inputs.listdir(folder)
            except OSError:
                entries = []
            package = _WATCHED[module]
            has_init = "__init__.py" in entries
            yield make(
                "LCD111",
                title=f"{folder} is a leftover: no installed distribution owns it"
                + ("" if has_init else " (no __init__.py: imports as a namespace package)"),
                subject=folder, provider=provider_of(package),
                evidence=[f"{folder}/ holds {', '.join(entries[:_MAX_LISTED]) or 'nothing'}"
                          + (" ..." if len(entries) > _MAX_LISTED else ""),
                          f"no .dist-info in {location} lists {module}/ (expected {package})",
                          f"imports give: cannot import name ... from '{module}' (unknown location)"
                          if not has_init else f"imports run the leftover {module}/__init__.py"],
                fix=Fix(
                    f"Delete the stray folder, then install {package} properly",
                    (remove_path(folder), *install_fix(py, "", [package]).commands),
                    install=(package,), remove_paths=(folder,),
                ),
            )


def _absent(location: str, files: list[str]) -> list[str]:
    """The files (relative to ``location``, in order) that are not there: one listing per folder, not a stat each."""
    listings: dict[str, Optional[frozenset[str]]] = {}
    missing = []
    for rel in files:
        folder, _, name = rel.rpartition("/")
        if folder not in listings:
            try:
                listings[folder] = frozenset(inputs.listdir(os.path.join(location, folder)))
            except OSError:
                listings[folder] = None
        names = listings[folder]
        if names is None or name not in names:
            missing.append(rel)
    return missing


def _missing_files(env: Environment) -> Iterator[Finding]:
    py = env.target.python
    for d in env.inventory.by_name.values():
        # LangChain and pydantic only: the SDKs (botocore, google-cloud-aiplatform) hold thousands of files,
        # and a partial install of those shows as an import failure in the probes anyway.
        if d.family not in ("langchain", "pydantic") and d.name not in _WATCHED.values():
            continue
        files = d.recorded_files()
        if not files:
            continue
        missing = _absent(d.location, [rel for rel in files if not (
            rel.startswith("..") or "__pycache__" in rel or rel.endswith(".pyc"))])
        if not missing:
            continue
        inits = [m for m in missing if m.endswith("/__init__.py") and m.count("/") == 1]
        code = "LCD112" if inits else "LCD113"
        title = (f"{d.name} {d.raw_version}: {inits[0]} is missing (the package imports as a namespace)"
                 if inits else f"{d.name} {d.raw_version}: {len(missing)} installed files are missing")
        yield make(
            code, title=title, subject=d.name, provider=provider_of(d.name),
            evidence=[f"{len(missing)} of {len(files)} files listed in {d.metadata_dir}/RECORD are gone"]
            + [os.path.join(d.location, m) for m in missing[:_MAX_LISTED]],
            fix=install_fix(py, f"Reinstall {d.name}", [f"{d.name}=={d.raw_version}"], force=True),
        )


def run(env: Environment) -> Iterator[Finding]:
    """All integrity findings."""
    yield from _duplicates(env)
    yield from _stray_folders(env)
    yield from _missing_files(env)


CHECK = Check("integrity", "packages", "Duplicate metadata, stray folders, missing installed files.", run)
