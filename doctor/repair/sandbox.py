"""A throwaway copy of the target environment, apart from it: a fresh venv on the same base interpreter, either
holding a copy of the target's site-packages (``create``: broken states included, file for file) or filled from the
target's installed set (``fresh_venv`` + ``rebuild.build``: reinstalled by pin, the rest copied).

``what-if`` and ``fix --apply`` change the copy, check it, and delete it; the target is only read.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Optional

from .. import subproc

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ..target import Target

COPY_TIMEOUT = 900.0
VENV_TIMEOUT = 300.0


class SandboxError(Exception):
    """The copy could not be made (no interpreter to make a venv with, a copy that failed)."""


@dataclass(frozen=True)
class Sandbox:
    """The copy: its folder, interpreter, and where each of the target's site-packages went."""

    root: str
    python: str
    mapping: tuple[tuple[str, str], ...]
    """(target's site-packages, the copy's) pairs."""
    method: str = "copy"
    """``copy`` (site-packages copied file by file) or ``fresh`` (a new venv filled from the installed set)."""

    def to_copy(self, path: str) -> Optional[str]:
        """The copy's path for a path inside one of the target's site-packages, else None."""
        real = os.path.realpath(path)
        for orig, copy in self.mapping:
            o = os.path.realpath(orig)
            if real == o or real.startswith(o.rstrip(os.sep) + os.sep):
                return copy + real[len(o):]
        return None

    def to_target(self, text: str) -> str:
        """``text`` with the copy's folders written as the target's (so findings compare by subject)."""
        for orig, copy in self.mapping:
            text = text.replace(copy, orig)
        return text.replace(self.root, "<copy>")


def copy_tree(src: str, dst: str, env: Optional[Mapping[str, str]] = None) -> None:
    """Copy a folder's contents exactly (links stay links); ``cp -a`` where there is one, else shutil."""
    os.makedirs(dst, exist_ok=True)
    cp = shutil.which("cp")
    if cp is not None and os.name == "posix":
        done = subproc.run([cp, "-a", os.path.join(src, "."), dst], timeout=COPY_TIMEOUT, env=env)
        if done.returncode != 0 or done.timed_out:
            raise SandboxError(f"copying {src} failed: {(done.stderr or 'timed out').strip()[-300:]}")
        return
    shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)


def _venv_python(root: str) -> str:
    return os.path.join(root, "Scripts", "python.exe") if os.name == "nt" else os.path.join(root, "bin", "python")


def child_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for making and filling the copy: the user's (index settings, uv's cache), no venv selected."""
    env = {k: v for k, v in environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME", "PYTHONPATH", "CONDA_PREFIX")}
    env.update({"UV_NO_PROGRESS": "1", "PIP_NO_INPUT": "1", "NO_COLOR": "1"})
    return env


def fresh_venv(target: Target, environ: Mapping[str, str], uv: Optional[Sequence[str]] = None,
               parent: Optional[str] = None, *, method: str = "fresh") -> Sandbox:
    """An empty venv on the target's base interpreter (``uv venv``, else ``python -m venv --without-pip``), with
    the target's settings (system site-packages, uv-managed), mapped folder for folder to the target's own
    site-packages."""
    root = tempfile.mkdtemp(prefix="langchain-doctor-copy-", dir=parent)
    env = child_env(environ)
    try:
        if uv is not None:
            argv = [*uv, "venv", "--quiet", "--allow-existing", "--python", target.python, root]
        else:
            argv = [target.python, "-m", "venv", "--without-pip", root]
        done = subproc.run(argv, timeout=VENV_TIMEOUT, env=env)
        if done.returncode != 0 or done.timed_out:
            raise SandboxError(f"could not create a venv for the copy: {(done.stderr or 'timed out').strip()[-300:]}")
        _same_settings(target, root)
        mapping: list[tuple[str, str]] = []
        for sp in target.site_packages:
            if not os.path.isdir(sp):
                continue
            rel = os.path.relpath(sp, target.prefix)
            if rel.startswith(".."):
                continue  # outside the environment (a base or system folder): the copy sees it as the target does
            dst = os.path.join(root, rel)
            if any(os.path.realpath(sp) == os.path.realpath(o) for o, _ in mapping):
                continue  # lib64 -> lib: one folder under two names
            os.makedirs(dst, exist_ok=True)
            mapping.append((sp, dst))
        if not mapping:
            raise SandboxError(f"{target.python} has no site-packages of its own to copy (not a venv?)")
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return Sandbox(root, _venv_python(root), tuple(mapping), method)


def create(target: Target, environ: Mapping[str, str], uv: Optional[Sequence[str]] = None,
           parent: Optional[str] = None) -> Sandbox:
    """A fresh venv on the target's base interpreter with a copy of the target's own site-packages."""
    box = fresh_venv(target, environ, uv, parent, method="copy")
    try:
        env = child_env(environ)
        for sp, dst in box.mapping:
            shutil.rmtree(dst)  # the new venv's own (empty, or pip alone): the target's replaces it
            copy_tree(sp, dst, env)
    except BaseException:
        remove(box)
        raise
    return box


def _same_settings(target: Target, root: str) -> None:
    """The copy sees system site-packages when the target does, and is uv-managed when the target is."""
    try:
        theirs = (Path(target.prefix) / "pyvenv.cfg").read_text(encoding="utf-8", errors="replace").splitlines()
        ours_path = Path(root) / "pyvenv.cfg"
        ours = ours_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return
    keys = {"include-system-site-packages", "uv"}

    def key(line: str) -> str:
        return line.split("=", 1)[0].strip().lower()

    kept = [ln for ln in ours if key(ln) not in keys]
    kept += [ln for ln in theirs if key(ln) in keys]
    ours_path.write_text("\n".join(kept) + "\n", encoding="utf-8")


def remove(box: Sandbox) -> None:
    """Delete the copy."""
    shutil.rmtree(box.root, ignore_errors=True)
