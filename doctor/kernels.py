"""Finds the interpreter of a Jupyter kernelspec by name, as Jupyter would (kernel.json in the data dirs)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from collections.abc import Mapping


def kernel_dirs(environ: Mapping[str, str]) -> list[Path]:
    """Kernelspec folders in Jupyter's search order (JUPYTER_PATH, user, env, system)."""
    dirs: list[Path] = []
    for entry in environ.get("JUPYTER_PATH", "").split(os.pathsep):
        if entry:
            dirs.append(Path(entry) / "kernels")
    data_home = environ.get("JUPYTER_DATA_DIR")
    if data_home:
        dirs.append(Path(data_home) / "kernels")
    home = environ.get("HOME")
    if home:
        dirs.append(Path(environ.get("XDG_DATA_HOME") or Path(home) / ".local" / "share") / "jupyter" / "kernels")
    for prefix in (environ.get("CONDA_PREFIX"), environ.get("VIRTUAL_ENV"), sys.prefix):
        if prefix:
            dirs.append(Path(prefix) / "share" / "jupyter" / "kernels")
    dirs += [Path("/usr/local/share/jupyter/kernels"), Path("/usr/share/jupyter/kernels")]
    seen: list[Path] = []
    for d in dirs:
        if d not in seen:
            seen.append(d)
    return seen


def resolve(name: str, environ: Mapping[str, str]) -> Optional[tuple[str, str]]:
    """(python path, reason) for kernelspec ``name``, or None when no kernel.json names an existing interpreter."""
    for d in kernel_dirs(environ):
        spec = d / name / "kernel.json"
        try:
            data = json.loads(spec.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        argv = data.get("argv") if isinstance(data, dict) else None
        if not argv or not isinstance(argv[0], str):
            continue
        exe = argv[0]
        if exe in ("python", "python3") or not os.path.isabs(exe):
            continue  # "python" means whatever is on the server's PATH: not resolvable from here
        if Path(exe).exists():
            return exe, f"the notebook's kernel {name!r} ({spec})"
    return None
