"""Decides what to probe in the target (each present integration; each notebook import line) and runs it."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Optional

from . import probe
from .knowledge.providers import PROVIDERS, Provider
from .probe import Item, Result

if TYPE_CHECKING:
    from .context import Environment
    from .nbconstruct import Construction
    from .notebook import NotebookFacts
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


MAX_CONSTRUCTIONS = 32
"""Distinct notebook constructions probed in one run; the rest are reported as not probed, with this bound."""


@dataclass(frozen=True)
class ConstructionJob:
    """One construction of a notebook and the probe item whose result answers it."""

    notebook: int
    """1-based index of the notebook among ``env.notebook_facts``."""
    facts: NotebookFacts
    construction: Construction
    item_id: str
    """The item that answers it: its own, another construction's with the same class and arguments, or a provider
    row's construct item (``aws:construct``) when the row builds the same class with the same arguments."""
    item: Optional[Item] = None
    """The item to run; None when another job's item (or a row's) answers this one, or when it is not probed."""
    skip: str = ""
    """Why it is not probed (then ``item`` is None and ``item_id`` empty)."""


def _guess_row(module: str, name: str, kwargs: Mapping[str, Any], args: tuple[Any, ...]) -> Optional[Provider]:
    """The provider row a class belongs to, for its dummy settings (a heuristic for classes outside the table:
    ``BedrockChat`` from langchain_community is the ``aws`` row's, by its community module name)."""
    from .knowledge.providers import BY_NAME, COMMUNITY_MODULES, INIT_CHAT_MODEL_NAMES, by_class, module_row

    if name in ("init_chat_model", "init_embeddings"):
        spec = kwargs.get("model_provider")
        model = kwargs.get("model", args[0] if args else None)
        if spec is None and isinstance(model, str) and ":" in model:
            spec = model.split(":", 1)[0]
        return BY_NAME.get(INIT_CHAT_MODEL_NAMES.get(spec, "")) if isinstance(spec, str) else None
    row = by_class(name)
    if row is not None:
        return row
    top = module.split(".")[0]
    if top not in ("langchain", "langchain_community"):
        return module_row(top)
    bare = name.lower()
    for word in ("chat", "llm", "embeddings", "embedding", "converse"):
        bare = bare.replace(word, "")
    for mod, prov in sorted(COMMUNITY_MODULES.items(), key=lambda kv: -len(kv[0])):
        if mod.replace("_", "") == bare or module.rsplit(".", 1)[-1] == mod:
            return BY_NAME.get(prov)
    return None


def construction_env(env: Environment, c: Construction) -> dict[str, str]:
    """Dummy secrets for one construction: every secret-named variable the target would see, the guessed row's
    key variables and its fake settings (AWS credentials and region). No real credential reaches the class."""
    from .nbconstruct import DUMMY_SECRET
    from .redact import is_secret_name

    out = {k: DUMMY_SECRET for k in env.environ if is_secret_name(k)}
    row = _guess_row(c.module, c.name, dict(c.kwargs), c.args)
    if row is not None:
        fake = next((v for k, v in row.construct or () if isinstance(v, str) and k in ("api_key",)), DUMMY_SECRET)
        out.update({k: str(fake) for k in row.key_vars})
        out.update(dict(row.construct_env))
    return out


def _construction_item(env: Environment, item_id: str, c: Construction) -> Item:
    environ = construction_env(env, c)
    if c.args:  # positional literals: the call as written (values are JSON literals, their reprs are Python)
        call = ", ".join([*(repr(a) for a in c.args), *(f"{k}={v!r}" for k, v in c.kwargs)])
        return Item(item_id, "exec", module=c.module, source=f"from {c.module} import {c.name}\n{c.name}({call})\n",
                    env=environ)
    return Item(item_id, "construct", module=c.module, attr=c.name, kwargs=dict(c.kwargs), env=environ)


def construction_jobs(env: Environment) -> list[ConstructionJob]:
    """Every construction of every notebook with the item that answers it; deterministic, so that the probe run
    and the check that reads its results agree. Same class and arguments in the same folder: one item."""
    import json

    from .nbconstruct import Construction

    rows: dict[str, str] = {}
    row_folder = env.work_dir or env.target.cwd
    for p in probed_providers(env):
        if p.construct is not None:
            twin = Construction(0, 0, p.module, p.chat_classes[0], (), tuple(p.construct))
            rows[twin.key()] = f"{p.name}:construct"
    seen: dict[tuple[str, str], str] = {}
    jobs: list[ConstructionJob] = []
    for n, facts in enumerate(env.notebook_facts, 1):
        for c in facts.constructions:
            if c.skip:
                jobs.append(ConstructionJob(n, facts, c, "", skip=c.skip))
                continue
            key = c.key()
            if facts.folder == row_folder and key in rows:
                jobs.append(ConstructionJob(n, facts, c, rows[key]))
                continue
            if (facts.folder, key) in seen:
                jobs.append(ConstructionJob(n, facts, c, seen[(facts.folder, key)]))
                continue
            if len(seen) >= MAX_CONSTRUCTIONS:
                jobs.append(ConstructionJob(n, facts, c, "", skip=f"more than {MAX_CONSTRUCTIONS} distinct "
                                                                   "constructions in this run; not probed"))
                continue
            item_id = f"nb{n}:cell{c.cell}:line{c.line}:construct:{c.name}"
            seen[(facts.folder, key)] = item_id
            json.dumps(c.kwargs)  # JSON data by construction (nbconstruct.literal); fail here, not in the door
            jobs.append(ConstructionJob(n, facts, c, item_id, _construction_item(env, item_id, c)))
    return jobs


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
    for job in construction_jobs(env):
        if job.item is not None:
            plans.setdefault(job.facts.folder, []).append([job.item])
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
