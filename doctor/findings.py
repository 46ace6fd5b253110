"""Helpers to build findings from the registry and fixes that work when pasted into a shell."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Optional

from .model import Finding, Fix, Severity
from .registry import info
from .repair import cmdline

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence


def make(
    code: str,
    *,
    title: str,
    subject: str,
    provider: Optional[str] = None,
    evidence: Iterable[str] = (),
    fix: Optional[Fix] = None,
    severity: Optional[Severity] = None,
) -> Finding:
    """A finding whose kind and default severity come from the registry entry of ``code``."""
    entry = info(code)
    return Finding(
        code=code,
        kind=entry.kind,
        severity=severity or entry.severity,
        title=title,
        subject=subject,
        provider=provider,
        evidence=tuple(evidence),
        fix=fix,
    )


def pip_install(python: str, requirements: Sequence[str], *, upgrade: bool = True, reinstall: bool = False) -> str:
    """``/path/to/python -m pip install -U 'req' ...`` for the target's own interpreter (``reinstall``: exactly
    these files again, ``--force-reinstall --no-deps``)."""
    return shlex.join(cmdline.install_argv(python, requirements, upgrade=upgrade, reinstall=reinstall,
                                           no_deps=reinstall))


def pip_uninstall(python: str, names: Sequence[str]) -> str:
    """``/path/to/python -m pip uninstall -y name ...``."""
    return shlex.join(cmdline.uninstall_argv(python, names))


def command(*argv: str) -> str:
    """The one way a fix's shell command is written: structured arguments, each quoted as the shell needs.

    Paths with spaces, quotes or ``$`` round-trip through ``shlex.split``; a hand-built f-string would not.
    """
    return shlex.join(argv)


def remove_path(path: str) -> str:
    """A command that deletes one file or folder, quoted."""
    return command("rm", "-rf", path)


def export_placeholder(var: str) -> str:
    """``export VAR=...``: where the user puts their own value (the doctor never writes one)."""
    return command("export", f"{var}=...")


def with_python(template: str, python: str) -> str:
    """A command template of the signature table with ``{python}`` replaced by the quoted interpreter."""
    return template.replace("{python}", shlex.quote(python))


def install_fix(python: str, summary: str, requirements: Sequence[str], *, force: bool = False) -> Fix:
    """A package step as a Fix (commands plus the structured form ``fix`` merges)."""
    if force:
        cmd = pip_install(python, requirements, upgrade=False, reinstall=True)
        return Fix(summary, (cmd,), reinstall=tuple(requirements))
    return Fix(summary, (pip_install(python, requirements),), install=tuple(requirements))
