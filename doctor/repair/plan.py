"""Turns the package steps of many findings into one consistent set for the target environment."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, NamedTuple

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from ..findings import pip_install, pip_uninstall, remove_path

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..inventory import Inventory
    from ..model import Finding


class ChangeSet(NamedTuple):
    """One repair plan: cleanups first, then one package step, then what a person must do."""

    remove_paths: tuple[str, ...]
    uninstall: tuple[str, ...]
    install: tuple[str, ...]
    reinstall: tuple[str, ...]
    manual: tuple[str, ...]
    """Summaries of fixes only a person can apply (logins, keys)."""

    def commands(self, python: str) -> list[str]:
        """The shell commands of the plan, in order."""
        out = [remove_path(p) for p in self.remove_paths]
        if self.uninstall:
            out.append(pip_uninstall(python, self.uninstall))
        if self.reinstall:
            out.append(pip_install(python, self.reinstall, upgrade=False, extra=("--force-reinstall", "--no-deps")))
        if self.install:
            out.append(pip_install(python, self.install))
        return out


def _name(req: str) -> str:
    try:
        return canonicalize_name(Requirement(req).name)
    except InvalidRequirement:
        return canonicalize_name(req)


def _merge_requirements(reqs: Sequence[str]) -> list[str]:
    # One entry per project: specifiers of the same project are joined so pip sees every constraint at once.
    merged: dict[str, Requirement] = {}
    for text in reqs:
        try:
            r = Requirement(text)
        except InvalidRequirement:
            continue
        key = canonicalize_name(r.name)
        if key in merged:
            prev = merged[key]
            prev.specifier &= r.specifier
        else:
            merged[key] = r
    return [str(r) for r in merged.values()]


def _dependents_of_core(inventory: Inventory) -> list[str]:
    # Everything installed that pins langchain-core must move with it, or pip leaves a new conflict behind.
    out = []
    for d in inventory.by_name.values():
        if d.family != "langchain" or d.name == "langchain-core":
            continue
        for r in d.requirements():
            if canonicalize_name(r.name) == "langchain-core":
                out.append(d.name)
                break
    return out


def build(findings: Sequence[Finding], inventory: Inventory) -> ChangeSet:
    """Merge the structured fixes of ``findings`` (ignored ones excluded) into one plan."""
    remove: list[str] = []
    uninstall: list[str] = []
    install: list[str] = []
    manual: list[str] = []
    reinstall: list[str] = []
    for f in findings:
        if f.fix is None or f.ignored is not None:
            continue
        if f.fix.manual:
            manual.append(f.fix.summary)
            continue
        remove += [p for p in f.fix.remove_paths if p not in remove]
        uninstall += [u for u in f.fix.uninstall if u not in uninstall]
        install += list(f.fix.install)
        reinstall += [r for r in f.fix.reinstall if r not in reinstall]
    names = {_name(r) for r in install}
    if "langchain-core" in names:
        install += [d for d in _dependents_of_core(inventory) if d not in names]
    return ChangeSet(tuple(remove), tuple(uninstall), tuple(_merge_requirements(install)),
                tuple(reinstall), tuple(manual))


def unify(findings: Sequence[Finding], inventory: Inventory, python: str) -> list[Finding]:
    """Rewrite each package-step fix to the environment's single merged install command, so any one works.

    In an environment without pip (``uv venv`` makes those), the commands use ``uv pip ... --python``.
    """
    plan = build(findings, inventory)
    merged = pip_install(python, plan.install) if plan.install else None
    no_pip = inventory.get("pip") is None
    out = []
    for f in findings:
        if f.fix is not None and not f.fix.manual:
            commands = f.fix.commands
            if merged is not None and f.fix.install:
                commands = (*(c for c in commands if " -m pip install " not in c), merged)
            if no_pip:
                commands = tuple(_via_uv(c, python) for c in commands)
            if commands != f.fix.commands:
                f = replace(f, fix=replace(f.fix, commands=commands))
        out.append(f)
    return out


def _via_uv(command: str, python: str) -> str:
    """``PY -m pip install ARGS`` as ``uv pip install --python PY ARGS`` (other commands unchanged)."""
    import shlex

    prefix = shlex.join([python, "-m", "pip"]) + " "
    if not command.startswith(prefix):
        return command
    verb, _, rest = command[len(prefix):].partition(" ")
    if verb == "uninstall":
        rest = " ".join(a for a in rest.split(" ") if a != "-y")  # uv pip uninstall asks nothing
    return shlex.join(["uv", "pip", verb, "--python", python]) + (" " + rest if rest else "")
