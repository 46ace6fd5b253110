"""What must work and where the code runs: needed providers, the notebooks' env vars, .env files, folders."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Optional

from ..creds import dotenv
from ..knowledge.providers import BY_NAME, PROVIDERS, Provider

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from ..context import Environment
    from ..model import Severity
    from ..notebook import NotebookFacts

_SCAN_LIMIT = 200
"""At most this many scripts/notebooks of the working folder are scanned for load_dotenv."""
_SCAN_BYTES = 2 * 1024 * 1024


class Needs(NamedTuple):
    """The credential layer's view of what the run requires."""

    needed: frozenset[str]
    """Provider names that must work: --provider, notebook providers, providers whose key a notebook reads."""
    present: tuple[Provider, ...]
    """Providers to examine: installed (as the runner shows them) or needed."""
    notebook_vars: Mapping[str, tuple[str, ...]]
    """Env var name -> notebooks (paths) that read it."""
    folders: tuple[str, ...]
    """Where the code runs: the notebooks' folders, then the working directory."""
    dotenv_files: tuple[dotenv.DotenvFile, ...]
    loads_dotenv: bool
    """True when the code (the notebooks, else the working folder's scripts) loads .env files."""
    set_by_code: frozenset[str] = frozenset()
    """Env var names the notebooks set themselves (``os.environ["X"] = getpass()``)."""

    def severity(self, provider: str, *, when_needed: Severity, otherwise: Severity) -> Severity:
        """``when_needed`` for a needed provider, else ``otherwise``."""
        return when_needed if provider in self.needed else otherwise


def _fact_folder(fact: NotebookFacts) -> str:
    return fact.folder or (os.path.dirname(os.path.abspath(fact.path)) if fact.path else "")


def _read_head(path: Path) -> str:
    from ..inputs import read_text

    try:
        return read_text(path, limit=_SCAN_BYTES, head=True, content=True, errors="replace")
    except OSError:
        return ""


def _code_loads_dotenv(facts: tuple[NotebookFacts, ...], work_dir: str) -> bool:
    paths = [Path(f.path) for f in facts if f.path]
    if not facts and work_dir:
        from ..inputs import is_file, listdir

        folder = Path(work_dir)
        try:
            paths = [folder / n for n in listdir(folder, suffixes=(".py", ".ipynb")) if is_file(folder / n)]
        except OSError:
            paths = []
        paths = paths[:_SCAN_LIMIT]
    return any(dotenv.code_loads_dotenv(_read_head(p)) for p in paths)


def present_providers(env: Environment, needed: Iterable[str]) -> tuple[Provider, ...]:
    """Installed providers (the secondary row of a shared package only when its variables are set) or needed."""
    need = set(needed)
    out = []
    primary_seen: set[str] = set()
    for p in PROVIDERS:
        installed = env.inventory.get(p.package) is not None
        primary = p.package not in primary_seen
        primary_seen.add(p.package)
        uses_vars = any(v in env.environ for v in (*p.key_vars, *p.required_vars))
        if p.name in need or (installed and (primary or uses_vars)):
            out.append(p)
    return tuple(out)


def provider_of_var(name: str) -> Optional[Provider]:
    """The provider whose key variable is ``name``."""
    for p in PROVIDERS:
        if name in p.key_vars:
            return p
    return None


def compute(env: Environment) -> Needs:
    """Needs of ``env``: the ones computed when it was read (``runner.read_environment``), else computed now
    (reads .env files and, when there are no notebooks, the working folder's scripts)."""
    return env.credential_needs if env.credential_needs is not None else _compute(env)


def _compute(env: Environment) -> Needs:
    facts = env.notebook_facts
    needed = set(env.needed)
    vars_by_nb: dict[str, list[str]] = {}
    set_by_code = {v for fact in facts for v in fact.env_vars_set}
    for fact in facts:
        for prov in fact.providers:
            if prov in BY_NAME:
                needed.add(prov)
        for var in fact.env_vars:
            vars_by_nb.setdefault(var, []).append(fact.path)
            owner = provider_of_var(var)
            if owner is not None:
                needed.add(owner.name)
    folders: list[str] = []
    for fact in facts:
        folder = _fact_folder(fact)
        if folder and folder not in folders:
            folders.append(folder)
    if env.work_dir and env.work_dir not in folders:
        folders.append(env.work_dir)
    files = tuple(dotenv.find(folders))
    return Needs(
        needed=frozenset(needed),
        present=present_providers(env, needed),
        notebook_vars={k: tuple(v) for k, v in vars_by_nb.items()},
        folders=tuple(folders),
        dotenv_files=files,
        loads_dotenv=_code_loads_dotenv(facts, env.work_dir),
        set_by_code=frozenset(set_by_code),
    )
