"""Symbol-level import check: a LangChain-family package importing a name the installed other package lacks.

Reads files only (``ast``; see ``_symbols.py``). An importer and its target are told apart by the target
environment's RECORD files (which distribution owns which module), so a package's imports of its own modules are
not checked (a name missing there is a damaged install, which the integrity check owns).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from ..checkapi import Check
from ..findings import install_fix, make
from ..knowledge import boundaries as kb
from ._symbols import ImportUse, Scanner, exported, load_cache, save_cache

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..context import Environment
    from ..inventory import Dist
    from ..model import Finding

# Importers: the LangChain family (names start so). Targets: other family packages and typing_extensions.
_FAMILY = ("langchain", "langgraph")
_SHARED_TARGETS = ("typing_extensions",)
_MAX_FILES = 3_000


def _record_modules(d: Dist) -> list[tuple[str, str, bool]]:
    """(module, path, is_package) of each .py file a distribution installed (its RECORD, read once per run for
    every check that asks), under its location."""
    out: list[tuple[str, str, bool]] = []
    for rel in d.recorded_files() or ():
        if not rel.endswith(".py") or rel.startswith(("..", "/")) or ".dist-info" in rel:
            continue
        parts = rel[:-3].split("/")
        is_pkg = parts[-1] == "__init__"
        if is_pkg:
            parts = parts[:-1]
        if not parts or not all(p.isidentifier() for p in parts):
            continue
        out.append((".".join(parts), os.path.join(d.location, rel), is_pkg))
    return out


def scan(env: Environment, scanner: Scanner) -> list[tuple[str, str, ImportUse]]:
    """(importer dist, target dist, use) for each import of a name the target module does not define."""
    family = [d for d in env.inventory.dists if d.name.startswith(_FAMILY)]
    owners: dict[str, str] = {}
    files: dict[str, list[tuple[str, str, bool]]] = {}
    for d in family:
        files[d.name] = _record_modules(d)
        for module, _path, _pkg in files[d.name]:
            owners.setdefault(module, d.name)
    tops = tuple(sorted({m.split(".")[0] + "." for m in owners} | {m.split(".")[0] for m in owners}))
    wanted = (*tops, *_SHARED_TARGETS)
    scanner.searched = wanted
    for t in _SHARED_TARGETS:
        shared = env.inventory.get(t.replace("_", "-"))
        if shared is not None:
            owners.setdefault(t, shared.name)
    # A relative import stays inside its top-level package: it can reach another distribution's module only where
    # several distributions share that package (a namespace such as ``langgraph``); elsewhere it is not read.
    top_owners: dict[str, set[str]] = {}
    for name, mods in files.items():
        for module, _path, _pkg in mods:
            top_owners.setdefault(module.split(".")[0], set()).add(name)
    roots = tuple(dict.fromkeys(d.location for d in env.inventory.dists))
    found: list[tuple[str, str, ImportUse]] = []
    exports: dict[str, object] = {}
    budget = _MAX_FILES
    for d in family:
        # A package's imports of its own top-level package (not shared with another distribution) are not checked:
        # leaving them out of the pattern skips most statements of most files.
        own = {t for t, ds in top_owners.items() if ds == {d.name}}
        wanted_d = tuple(w for w in wanted if w.rstrip(".") not in own)
        for module, path, is_pkg in files[d.name]:
            budget -= 1
            if budget < 0:
                return found
            facts = scanner.facts(path, module, is_pkg, wanted_d, len(top_owners[module.split(".")[0]]) > 1)
            for line, target, name in facts["imports"]:  # type: ignore[attr-defined]
                owner = owners.get(target) or owners.get(str(target).split(".")[0])
                if owner is None or owner == d.name:
                    continue
                if target not in exports:
                    exports[target] = exported(scanner, roots, str(target))
                names = exports[target]
                if names is None or name in names:  # type: ignore[operator]
                    continue
                found.append((d.name, owner, ImportUse(path, int(line), str(target), str(name))))
    return found


def _cache_path(env: Environment) -> str:
    from ..cache import cache_dir

    return str(cache_dir(env.environ) / "symbols.json")


def run(env: Environment) -> Iterator[Finding]:
    """One finding per (importer, target) pair with missing names, with file:line evidence."""
    use_cache = env.options.use_cache
    path = _cache_path(env) if use_cache else ""
    scanner = Scanner(load_cache(path) if use_cache else {})
    found = scan(env, scanner)
    if use_cache and scanner.dirty:
        save_cache(path, scanner.cache)
    by_pair: dict[tuple[str, str], list[ImportUse]] = {}
    for importer, target, use in found:
        by_pair.setdefault((importer, target), []).append(use)
    inv = env.inventory
    for (importer, target), uses in sorted(by_pair.items()):
        td, idist = inv.get(target), inv.get(importer)
        tv = td.raw_version if td else "?"
        iv = idist.raw_version if idist else "?"
        names = sorted({u.name for u in uses})
        floors = [row for u in uses if (row := kb.symbol(u.module, u.name)) is not None and row.added]
        if floors:
            need = max(floors, key=lambda r: kb.version(r.added) or kb.version("0"))  # type: ignore[arg-type,return-value]
            reqs = [f"{target}>={need.added}"]
            summary = f"Install {target}>={need.added} (`{need.name}` arrived in {need.added}; source: {need.source})"
        else:
            reqs = [target, importer]
            summary = f"Upgrade {target} together with {importer} so that pip picks releases that fit"
        evidence = [f"{os.path.relpath(u.file, idist.location if idist else '/')}:{u.line}: from {u.module} import "
                    f"{u.name}" for u in uses[:4]]
        evidence.append(f"{target} {tv} does not define {', '.join(names[:6])}; {importer} {iv} imports "
                        f"{'it' if len(names) == 1 else 'them'} (pip check is silent: its declared range admits "
                        f"{target} {tv})")
        yield make("LCD701", title=f"{importer} {iv} imports {', '.join(names[:3])} from {target} {tv}, which "
                                   f"lacks {'it' if len(names) == 1 else 'them'}",
                   subject=target, evidence=evidence, fix=install_fix(env.target.python, summary, reqs))


CHECK = Check("symbols", "packages", "Names LangChain-family packages import exist in the installed releases "
              "(read with ast, nothing imported).", run)
