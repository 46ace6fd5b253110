"""A throwaway environment rebuilt from the target's exact installed set instead of copied file by file.

``survey`` reads the target's own site-packages and splits it in two: distributions an installer can put back
exactly from the index (or its cache) by ``name==version`` (a single .dist-info with a RECORD whose files are all
there at their recorded sizes, not installed from a URL, a local folder or in editable mode), and everything else,
which is copied as it is: stale second metadata folders, distributions with missing or changed files, editable and
local installs, and files that no RECORD lists (stray folders, leftovers). Nothing is left out silently: what is
copied, and why, is listed, and what can be neither reinstalled nor copied is named.

``build`` makes a fresh venv on the target's base interpreter (``uv venv``, else ``python -m venv``), installs the
pinned set with ``--no-deps`` (uv from its cache: hard links, seconds; pip when uv is absent), and copies the rest.
The target is only read.
"""

from __future__ import annotations

import csv
import os
import shutil
import tempfile
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional

from packaging.utils import canonicalize_name

from .. import subproc
from ..inventory import scan
from . import cmdline, sandbox

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from ..inventory import Dist, Inventory
    from ..target import Target

INSTALL_TIMEOUT = 900.0
VENV_FILES = frozenset({"_virtualenv.pth", "_virtualenv.py"})
"""Written by the venv tool itself (uv, virtualenv), not by a package: the fresh venv has its own."""


@dataclass(frozen=True)
class Survey:
    """The target's site-packages as a set to reinstall plus the pieces to copy."""

    pins: tuple[tuple[str, str], ...]
    """(name, version) of every distribution an installer can reproduce exactly."""
    copies: tuple[tuple[str, str, str], ...]
    """(site-packages, relative path, owner name or ``""`` for a stray) copied as they are."""
    notes: tuple[str, ...]
    """Why something is copied rather than reinstalled, one line each."""
    not_reproduced: tuple[str, ...] = ()
    """What neither an install nor a copy can reproduce (with why)."""


def _own_site_packages(target: Target) -> list[str]:
    prefix = os.path.realpath(target.prefix).rstrip(os.sep) + os.sep
    out: list[str] = []
    for sp in target.site_packages:
        real = os.path.realpath(sp)
        if os.path.isdir(sp) and real.startswith(prefix) and real not in (os.path.realpath(s) for s in out):
            out.append(sp)
    return out


def _record_rows(metadata_dir: str) -> Optional[list[tuple[str, str]]]:
    """(path, size) rows of RECORD; None without one."""
    try:
        with open(os.path.join(metadata_dir, "RECORD"), encoding="utf-8", errors="replace", newline="") as fh:
            return [(row[0], row[2] if len(row) > 2 else "") for row in csv.reader(fh) if row and row[0]]
    except OSError:
        return None


def _why_not_pinned(d: Dist, twins: int, rows: Optional[list[tuple[str, str]]]) -> str:
    """Why ``d`` cannot be put back by ``name==version`` from the index, or ``""`` when it can."""
    meta = d.metadata_dir
    if not meta.endswith(".dist-info"):
        return "egg-info metadata (not installed from a wheel)"
    if twins > 1:
        return f"{twins} metadata folders of {d.name} in one folder (a stale copy)"
    if d.raw_version is None or d.version is None or d.problems:
        return "unreadable metadata"
    if os.path.exists(os.path.join(meta, "direct_url.json")):
        return "installed from a URL, a local folder or in editable mode"
    if rows is None:
        return "no RECORD (its files are not listed)"
    for path, size in rows:
        if path.startswith("..") or "/__pycache__/" in f"/{path}":
            continue  # scripts outside site-packages are rewritten per venv; bytecode is regenerated
        full = os.path.join(d.location, path)
        try:
            st = os.lstat(full)
        except OSError:
            return f"a file its RECORD lists is missing ({path})"
        if size.isdigit() and int(size) != st.st_size:
            return f"a file differs from its RECORD ({path})"
    return ""


def _regenerated(rel: str, owned: set[str]) -> bool:
    """True for bytecode of a listed module (``pkg/__pycache__/mod.cpython-311.pyc`` of a listed ``pkg/mod.py``):
    the fresh venv makes its own. Bytecode whose source no RECORD lists (a leftover's) is kept."""
    folder, name = os.path.split(rel)
    if os.path.basename(folder) != "__pycache__" or not name.endswith(".pyc"):
        return False
    return os.path.join(os.path.dirname(folder), name.split(".", 1)[0] + ".py") in owned


def survey(target: Target, inventory: Inventory) -> Survey:
    """Which of the target's distributions can be reinstalled by pin, and which files must be copied."""
    pins: list[tuple[str, str]] = []
    copies: list[tuple[str, str, str]] = []
    notes: list[str] = []
    not_reproduced: list[str] = []
    for sp in _own_site_packages(target):
        real_sp = os.path.realpath(sp)
        here = [d for d in inventory.dists if os.path.realpath(d.location) == real_sp]
        count: dict[str, int] = {}
        for d in here:
            count[d.name] = count.get(d.name, 0) + 1
        owned: set[str] = set()
        whole: set[str] = set()  # top-level folders taken whole: metadata folders, a RECORD-less one's packages
        for d in here:
            rows = _record_rows(d.metadata_dir)
            meta_rel = os.path.relpath(d.metadata_dir, sp)
            whole.add(meta_rel)
            files = [os.path.normpath(p) for p, _ in rows or () if not p.startswith("..")]
            owned.update(files)
            why = _why_not_pinned(d, count[d.name], rows)
            if not why:
                pins.append((d.name, d.raw_version or ""))
                continue
            notes.append(f"{d.name} {d.raw_version or '?'} ({os.path.basename(d.metadata_dir)}): copied as it is, "
                         f"because of {why}")
            copies.append((sp, meta_rel, d.name))
            present = [f for f in files if os.path.lexists(os.path.join(sp, f)) and not f.startswith(meta_rel + os.sep)]
            if rows is None:
                present = [n for n in (*d.top_level_names(), *(f"{n}.py" for n in d.top_level_names()))
                           if os.path.lexists(os.path.join(sp, n))]
                if not present:
                    not_reproduced.append(f"{d.name} {d.raw_version or '?'}: no RECORD and no top-level folder "
                                          "found; only its metadata was copied")
                whole.update(present)
            copies += [(sp, f, d.name) for f in present]
        strays: dict[str, int] = {}
        for dirpath, dirnames, filenames in os.walk(sp):
            rel_dir = os.path.normpath(os.path.relpath(dirpath, sp))
            if rel_dir.split(os.sep, 1)[0] in whole:
                dirnames[:] = []
                continue
            links = [n for n in dirnames if os.path.islink(os.path.join(dirpath, n))]
            found = [os.path.normpath(os.path.join(rel_dir, n)) for n in (*filenames, *links)]
            if not found and not dirnames and rel_dir != ".":
                found = [rel_dir]  # an empty folder: importable as a namespace package, so it matters
            for rel in found:
                if rel in owned or (rel_dir == "." and os.path.basename(rel) in VENV_FILES) or _regenerated(rel, owned):
                    continue
                copies.append((sp, rel, ""))
                head = rel.split(os.sep, 1)[0]
                strays[head] = strays.get(head, 0) + 1
        notes += [f"{head}{'/' if os.path.isdir(os.path.join(sp, head)) else ''}: no RECORD lists it "
                  f"({n} entr{'ies' if n > 1 else 'y'}); copied as it is" for head, n in sorted(strays.items())]
    return Survey(tuple(sorted(set(pins))), tuple(copies), tuple(notes), tuple(not_reproduced))


def with_moves(s: Survey, moves: Iterable[tuple[str, Optional[str], Optional[str]]]) -> Survey:
    """The survey after a resolver's answer: moved packages pinned at their new versions (or dropped when removed),
    their copied files (if they were copied) left out: the installer puts the new release in their place."""
    pins = dict(s.pins)
    moved: set[str] = set()
    for name, _old, new in moves:
        n = canonicalize_name(name)
        moved.add(n)
        pins.pop(n, None)
        if new is not None:
            pins[n] = new
    copies = tuple(c for c in s.copies if c[2] not in moved)
    notes = tuple(ln for ln in s.notes if ln.split(" ", 1)[0] not in moved)
    return Survey(tuple(sorted(pins.items())), copies, notes, s.not_reproduced)


class BuildError(sandbox.SandboxError):
    """The fresh venv could not be filled (a pin the installer cannot get, no installer)."""


def build(target: Target, s: Survey, environ: Mapping[str, str], uv: Optional[Sequence[str]], *,
          offline: bool = False, pip_fallback: bool = True, inventory: Optional[Inventory] = None) -> sandbox.Sandbox:
    """A fresh venv holding ``s``: pins installed with ``--no-deps`` (uv, else the target's pip), the rest copied.

    ``offline``: uv may use its cache only (``--offline``); a pin it has not cached fails the build.
    ``inventory``: the target's; the bytecode of every distribution pinned at its installed version is linked in.
    """
    box = sandbox.fresh_venv(target, environ, uv)
    try:
        env = sandbox.child_env(environ)
        if s.pins:
            pinned = os.path.join(box.root, "langchain-doctor-pinned.txt")
            with open(pinned, "w", encoding="utf-8") as fh:
                fh.write("".join(f"{n}=={v}\n" for n, v in s.pins))
            if uv is not None:
                argv = cmdline.install_argv(box.python, ["-r", pinned], uv=uv, no_deps=True, offline=offline)
            elif pip_fallback and not offline:
                argv = cmdline.install_argv(box.python, ["-r", pinned], pip_from=target.python, no_deps=True,
                                            unattended=True)
            else:
                raise BuildError("uv is not available to install from its cache")
            done = subproc.run(argv, timeout=INSTALL_TIMEOUT, env=env)
            os.unlink(pinned)
            if done.returncode != 0 or done.timed_out:
                why = "timed out" if done.timed_out else _last(done.stderr or done.stdout, environ, 3)
                raise BuildError(f"installing the pinned set failed: {why}")
        mapped = dict(box.mapping)
        if inventory is not None:
            link_bytecode(inventory, s, mapped)
        for sp, rel, _owner in s.copies:
            src, dst = os.path.join(sp, rel), os.path.join(mapped[sp], rel)
            if os.path.isdir(src) and not os.path.islink(src):
                shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)
            else:
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                if os.path.lexists(dst):
                    os.unlink(dst)
                shutil.copy2(src, dst, follow_symlinks=False)
    except BaseException:
        sandbox.remove(box)
        raise
    return box


def link_bytecode(inventory: Inventory, s: Survey, mapped: Mapping[str, str]) -> int:
    """Give the fresh venv the target's bytecode of every distribution pinned at its installed version; returns
    how many files.

    Without it, every probe of the check in the copy compiles the same modules again (the check in a fresh copy
    of the seven-integration venv took twice as long as on the target). Hard links where the file system allows
    (Python replaces a stale .pyc by writing a new file and renaming it over, never in place, and deleting the copy
    only drops its links: the target's files keep their bytes and times), else copies. Python checks each .pyc
    against its source's size and time, so one that does not match is simply recompiled.
    """
    same = {n for n, v in s.pins if (d := inventory.get(n)) is not None and d.raw_version == v}
    done = 0
    for d in inventory.dists:
        box_sp = mapped.get(d.location)
        if d.name not in same or box_sp is None or inventory.by_name.get(d.name) != d:
            continue
        for rel in d.recorded_files() or ():
            if not rel.endswith(".py") or rel.startswith(".."):
                continue
            folder = os.path.join(os.path.dirname(rel), "__pycache__")
            stem = os.path.basename(rel)[:-3] + "."
            try:
                names = [n for n in os.listdir(os.path.join(d.location, folder)) if n.startswith(stem)
                         and n.endswith(".pyc")]
            except OSError:
                continue
            for n in names:
                src, dst = os.path.join(d.location, folder, n), os.path.join(box_sp, folder, n)
                if os.path.lexists(dst) or not os.path.exists(os.path.join(box_sp, rel)):
                    continue
                try:
                    os.makedirs(os.path.dirname(dst), exist_ok=True)
                    try:
                        os.link(src, dst)
                    except OSError:
                        shutil.copy2(src, dst)
                    done += 1
                except OSError:
                    continue
    return done


def same_set(target_inv: Inventory, box: sandbox.Sandbox) -> list[str]:
    """Differences between the target and the copy: metadata folders with their versions, and the top-level
    entries of each site-packages (a leftover folder missing would change what imports)."""
    def key(inv: Inventory, sps: Sequence[str]) -> set[tuple[str, str]]:
        reals = {os.path.realpath(s) for s in sps}
        return {(os.path.basename(d.metadata_dir), d.raw_version or "?") for d in inv.dists
                if os.path.realpath(d.location) in reals}

    theirs = key(target_inv, [o for o, _ in box.mapping])
    ours = key(scan([c for _, c in box.mapping]), [c for _, c in box.mapping])
    out = [f"missing in the copy: {m} {v}" for m, v in sorted(theirs - ours)] + \
        [f"only in the copy: {m} {v}" for m, v in sorted(ours - theirs)]
    for orig, copy in box.mapping:
        a, b = _top(orig), _top(copy)
        out += [f"missing in the copy: {n}" for n in sorted(a - b)] + [f"only in the copy: {n}" for n in sorted(b - a)]
    return out


def _top(folder: str) -> set[str]:
    try:
        return {n for n in os.listdir(folder) if n != "__pycache__" and n not in VENV_FILES}
    except OSError:
        return set()


@dataclass(frozen=True)
class Resolved:
    """A resolver's answer for a requested change against the target; nothing is changed."""

    ok: bool
    installer: str
    """``uv`` or ``pip``."""
    moves: tuple[tuple[str, Optional[str], Optional[str]], ...] = ()
    """(name, installed version or None, new version or None when removed)."""
    command: str = ""
    error: str = ""


DRY_RUN_TIMEOUT = 300.0


def resolve(requirements: Sequence[str], target: Target, inventory: Inventory, environ: Mapping[str, str],
            uv: Optional[Sequence[str]]) -> Resolved:
    """What ``install REQUIREMENTS`` would move in the target, as its own installer resolves it (uv for a uv-made
    venv or one without pip, else pip's ``--dry-run --report``). Reaches the package index."""
    import json
    import shlex

    from . import apply as fixer
    from . import preview

    installed = {d.name: d.raw_version or "?" for d in inventory.by_name.values()}
    env = fixer.step_env(environ)
    if uv is not None and (fixer.uv_managed(target) or not fixer.has_pip(target.python, environ)):
        argv = cmdline.install_argv(target.python, requirements, uv=uv, dry_run=True)
        done = subproc.run(argv, timeout=DRY_RUN_TIMEOUT, env=env)
        text = f"{done.stderr}\n{done.stdout}"
        if done.returncode != 0 or done.timed_out:
            return Resolved(False, "uv", command=shlex.join(argv), error=_last(text, environ))
        return Resolved(True, "uv", tuple(preview.parse_uv(text.splitlines(), installed)), shlex.join(argv))
    with tempfile.TemporaryDirectory(prefix="langchain-doctor-") as tmp:
        report = os.path.join(tmp, "report.json")
        argv = cmdline.install_argv(target.python, requirements, dry_run=True, report=report)
        shown = shlex.join(cmdline.install_argv(target.python, requirements, dry_run=True, report="-"))
        done = subproc.run(argv, timeout=DRY_RUN_TIMEOUT, env=env)
        if done.returncode != 0 or done.timed_out:
            return Resolved(False, "pip", command=shown, error=_last(f"{done.stderr}\n{done.stdout}", environ))
        try:
            with open(report, encoding="utf-8") as fh:
                data = json.load(fh)
        except (OSError, ValueError) as exc:
            return Resolved(False, "pip", command=shown, error=f"pip wrote no readable report: {exc}")
    moves = []
    for entry in data.get("install", []):
        meta = entry.get("metadata", {})
        name = canonicalize_name(str(meta.get("name", "?")))
        new = str(meta.get("version", "?"))
        if installed.get(name) != new:
            moves.append((name, installed.get(name), new))
    return Resolved(True, "pip", tuple(sorted(moves)), shown)


def _last(text: str, environ: Mapping[str, str], n: int = 4) -> str:
    """The last lines of a tool's output, redacted (an index URL may carry a password)."""
    from . import apply as fixer

    return " / ".join(fixer._tail(text, fixer.redactor_for(environ), n))[-600:] or "no output"
