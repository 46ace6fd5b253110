"""Decides what to probe in the target (each present integration; each notebook import line) and runs it."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Optional

from . import probe
from .knowledge.providers import PROVIDERS, Provider
from .probe import Item, Result

if TYPE_CHECKING:
    from .context import Environment
    from .redact import Redactor

STAGES = ("import", "class", "construct")

_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {
    "os", "sys", "json", "re", "time", "typing", "pathlib", "getpass", "asyncio", "dataclasses", "math",
}


def probed_providers(env: Environment) -> list[Provider]:
    """Providers whose integration is installed, plus needed ones (a local folder may stand in for them)."""
    out: list[Provider] = []
    for p in PROVIDERS:
        if env.needed_packages.get(p.name, p.package) != p.package:
            continue  # used through another provider's class (Together via ChatOpenAI): that probe covers it
        installed = env.inventory.get(p.package) is not None
        secondary = any(q.package == p.package for q in out)
        if p.name in env.needed or (installed and not secondary):
            out.append(p)
    return out


def provider_items(p: Provider) -> list[Item]:
    """import module -> import class -> construct with dummy arguments (when the row allows it)."""
    items = [
        Item(f"{p.name}:import", "import", module=p.module),
        Item(f"{p.name}:class", "getattr", module=p.module, attr=p.chat_classes[0], after=f"{p.name}:import"),
    ]
    if p.construct is not None:
        kwargs: dict[str, Any] = dict(p.construct)
        items.append(Item(f"{p.name}:construct", "construct", module=p.module, attr=p.chat_classes[0],
                          kwargs=kwargs, after=f"{p.name}:class", env=dict(p.construct_env)))
    return items


def notebook_items(env: Environment) -> dict[str, list[list[Item]]]:
    """Per notebook folder: one group per distinct import statement the notebooks run."""
    by_folder: dict[str, list[list[Item]]] = {}
    seen: set[tuple[str, str]] = set()
    for n, facts in enumerate(env.notebook_facts, 1):
        for imp in facts.imports:
            if imp.module.split(".")[0] in _STDLIB or (facts.folder, imp.source) in seen:
                continue
            seen.add((facts.folder, imp.source))
            item = Item(f"nb{n}:cell{imp.cell}:line{imp.line}:{imp.module}", "exec", module=imp.module,
                        source=imp.source)
            by_folder.setdefault(facts.folder, []).append([item])
    return by_folder


def run(env: Environment, on_result: Optional[probe.OnResult] = None) -> Mapping[str, Result]:
    """Run every probe; results by item id (each also given to ``on_result`` as soon as it is known).

    Every text a result carries is redacted whole as it arrives, before anything cuts or shows it.
    """
    redactor = env.redactor

    def clean(r: Result) -> None:
        if on_result is not None:
            on_result(redacted(r, redactor))

    workers = max(1, min(os.cpu_count() or 2, 4))
    results: dict[str, Result] = {}
    groups = [provider_items(p) for p in probed_providers(env)]
    plans: dict[str, list[list[Item]]] = {env.work_dir or env.target.cwd: groups}
    for folder, nb_groups in notebook_items(env).items():
        plans.setdefault(folder, []).extend(nb_groups)
    for cwd, gs in plans.items():
        if not gs:
            continue
        batches = probe.split(gs, workers)
        results.update(probe.run(env.target, batches, cwd=cwd, environ=env.environ,
                                 timeout=env.options.timeout, workers=workers, on_result=clean))
    return {k: redacted(r, env.redactor) for k, r in results.items()}


# What the host keeps of a probe's texts, cut only after they were redacted whole (the probe itself sends
# generous, bounded texts: see ``_probe._MAX_TEXT``).
MAX_MESSAGE = 4000
MAX_TRACEBACK = 4000
MAX_STREAM = 2000


def redacted(r: Result, redactor: Redactor) -> Result:
    """``r`` with every text the target produced redacted whole, then cut to the host's bounds."""
    def one(value: object, limit: int = MAX_MESSAGE, *, tail: bool = False) -> str:
        return redactor.cut(value if isinstance(value, str) else str(value), limit, tail=tail)

    warnings = tuple({str(k): one(v, 500) for k, v in w.items()} if isinstance(w, Mapping) else {"message": one(w, 500)}
                     for w in r.warnings)
    return replace(r, message=one(r.message), traceback=one(r.traceback, MAX_TRACEBACK, tail=True),
                   stdout=one(r.stdout, MAX_STREAM), stderr=one(r.stderr, MAX_STREAM, tail=True),
                   reason=one(r.reason), frames=tuple(one(f, 500) for f in r.frames), warnings=warnings)


def stages(probes: Mapping[str, Result], provider: str) -> tuple[tuple[str, str], ...]:
    """(stage, ok|error|skipped) pairs of one provider's probe, for the console picture and JSON."""
    out = []
    for stage in STAGES:
        r = probes.get(f"{provider}:{stage}")
        if r is not None:
            out.append((stage, "ok" if r.ok else ("skipped" if r.status == "skipped" else "error")))
    return tuple(out)
