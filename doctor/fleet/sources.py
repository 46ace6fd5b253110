"""Which environments ``check --all-kernels`` examines: --python given (several times), the registered
kernelspecs, the conda environments; each interpreter once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Optional

from .. import kernels

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence


@dataclass(frozen=True)
class Candidate:
    """One environment to examine, or one that cannot be (``python`` None, ``reason`` says why)."""

    name: str
    source: str
    """--python | kernelspec | conda."""
    location: str
    """The interpreter given, the kernel.json, the conda env folder."""
    python: Optional[str] = None
    reason: Optional[str] = None
    env: Mapping[str, str] = field(default_factory=dict)
    """Variables the kernel sets for its process (kernel.json ``env``)."""
    why: str = ""
    """One line: how it was found (the report's ``target.reason``)."""


def _key(python: str) -> tuple[str, str]:
    """One environment however its interpreter is spelled: venvs' bin/python and bin/python3 are one, while two
    venvs whose interpreters link to one base Python stay two."""
    folder, exe = os.path.split(os.path.abspath(python))
    return os.path.realpath(folder), os.path.realpath(os.path.join(folder, exe))


def _python_of(path: str) -> str:
    """An interpreter for a --python value (a folder gives its bin/python)."""
    if os.path.isdir(path):
        return kernels.interpreter_in(path) or path
    return path


def collect(environ: Mapping[str, str], *, pythons: Sequence[str] = (), all_kernels: bool = True,
            conda: bool = True) -> list[Candidate]:
    """Every environment, in this order: --python values, kernelspecs (Jupyter's order), conda envs."""
    out: list[Candidate] = []
    seen: set[tuple[str, str]] = set()

    def add(c: Candidate) -> None:
        if c.python is not None:
            key = _key(c.python)
            if key in seen:
                return
            seen.add(key)
        out.append(c)

    for p in pythons:
        exe = _python_of(os.path.expanduser(p))
        add(Candidate(p, "--python", p, exe, why=f"given with --python ({p})"))
    if not all_kernels:
        return out
    for k in kernels.find(environ):
        if isinstance(k, kernels.Rejected):
            add(Candidate(k.name, "kernelspec", k.spec_file, reason=k.reason))
            continue
        kernel_python, why_not = k.interpreter()
        if kernel_python is None:
            add(Candidate(k.name, "kernelspec", k.spec_file, reason=why_not))
        else:
            add(Candidate(k.name, "kernelspec", k.spec_file, kernel_python, env=dict(k.env),
                          why=f"the Jupyter kernel {k.name!r} ({k.spec_file})"))
    if conda:
        for e in kernels.conda_envs(environ):
            env_python = kernels.interpreter_in(e.prefix)
            if env_python is None:
                add(Candidate(f"conda:{e.name}", "conda", e.prefix, reason="no Python in this conda environment"))
            else:
                add(Candidate(f"conda:{e.name}", "conda", e.prefix, env_python,
                              why=f"the conda environment {e.name!r} ({e.prefix}; found by {e.found_by})"))
    return out
