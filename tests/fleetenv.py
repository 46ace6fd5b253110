"""Many real environments, cheaply: hard-linked clones of the cached real venvs, registered as Jupyter kernels.

Each clone is a real venv of its own (its own folder, ``sys.prefix`` and ``site-packages``) whose files are
hard links to a venv that ``tests/realenv.py`` built with uv from uv's cache (themselves hard links into that
cache where it sits on the same filesystem), so fifty environments cost seconds and almost no disk. The venvs
are ``--relocatable``, which is what lets a clone work from another folder. Deleting a file in a clone only
removes its link (the original is untouched); never write into a cloned file.

Stdlib only (the benchmarks import it too).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Optional

from tests.realenv import named_venv, uninstall_leaving_folder, venv_python

#: The real states the fleet cycles through (tests/realenv.py SPECS): broken and healthy, several providers.
FLEET_SPECS = ("seed-broken", "a", "basecache", "pydcore-old-core", "anthropic-03", "lc1-mistral-02")


def _link_or_copy(src: str, dst: str) -> None:
    try:
        os.link(src, dst)
    except OSError:  # another filesystem, or links not allowed
        shutil.copy2(src, dst)


def clone_venv(src: Path, dest: Path) -> Path:
    """A hard-linked copy of the relocatable venv ``src`` at ``dest``."""
    shutil.copytree(src, dest, symlinks=True, copy_function=_link_or_copy)
    return dest


def register_kernel(jupyter_path: Path, name: str, argv0: str, **extra: object) -> Path:
    """Write ``jupyter_path/kernels/name/kernel.json`` as ``ipykernel install`` does."""
    folder = jupyter_path / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [argv0, "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": name,
            "language": "python", "metadata": {"debugger": True}}
    spec.update(extra)
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1), encoding="utf-8")
    return folder


def make_fleet(root: Path, count: int, *, specs: Sequence[str] = FLEET_SPECS, broken: bool = True,
               jupyter_path: Optional[Path] = None) -> dict[str, str]:
    """``count`` real environments under ``root`` registered as kernels in ``jupyter_path`` (default
    ``root/jupyter``), cycling through ``specs``; with ``broken``, also:

    - ``stray-openai``: a clone whose langchain-openai was uninstalled leaving its folder (``unknown location``);
    - ``gone``: a kernel whose interpreter was deleted;
    - ``not-python``: a kernel whose interpreter is a shell script;
    - ``typed``: a kernel.json with ``"argv": 5``.

    Returns {kernel name: what it is (its spec, or the kind of breakage)}.
    """
    jp = jupyter_path or root / "jupyter"
    bases = {s: named_venv(s) for s in specs}
    made: dict[str, str] = {}
    for i in range(count):
        spec = specs[i % len(specs)]
        name = f"env{i:03d}-{spec}"
        venv = clone_venv(bases[spec], root / "envs" / name)
        register_kernel(jp, name, str(venv_python(venv)))
        made[name] = spec
    if broken:
        stray = clone_venv(bases.get("a") or named_venv("a"), root / "envs" / "stray-openai")
        uninstall_leaving_folder(stray, "langchain-openai", "langchain_openai")
        register_kernel(jp, "stray-openai", str(venv_python(stray)))
        made["stray-openai"] = "stray folder"
        register_kernel(jp, "gone", str(root / "envs" / "deleted" / "bin" / "python"))
        made["gone"] = "interpreter deleted"
        script = root / "envs" / "not-python" / "bin" / "python"
        script.parent.mkdir(parents=True)
        script.write_text("#!/bin/sh\necho 'this is not python' >&2\nexit 3\n", encoding="utf-8")
        script.chmod(0o755)
        register_kernel(jp, "not-python", str(script))
        made["not-python"] = "not an interpreter"
        typed = register_kernel(jp, "typed", "unused")
        (typed / "kernel.json").write_text('{"argv": 5, "display_name": "typed"}', encoding="utf-8")
        made["typed"] = "kernel.json of the wrong shape"
    return made
