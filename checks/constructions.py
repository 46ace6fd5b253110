"""What happened when the probe built each model class the notebooks construct, with the notebooks' own literal
arguments (dummy secrets, no network): ``BedrockChat(model_id=..., region_name=...)`` failing with ``Unknown
service: 'bedrock-runtime'`` under a botocore that predates Bedrock shows only here, when the class is built.

The jobs and their item ids come from ``probejobs.construction_jobs`` (one source for the run and for this
reading); failures are classified by the shared signature table through ``imports._classify``.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Callable, Optional

from ..findings import make
from ..model import SourceLocation

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from ..context import Environment
    from ..model import Finding
    from ..probe import Result
    from ..probejobs import ConstructionJob

    Classifier = Callable[..., Optional[Finding]]

_MISSING = re.compile(r"required|missing|must be (?:set|provided|passed)|Did not find|not provided", re.IGNORECASE)


def _where(job: ConstructionJob) -> str:
    c = job.construction
    return f"{job.facts.path}" + (f", cell {c.cell}" if c.cell else "") + f", line {c.line}"


def _location(job: ConstructionJob) -> SourceLocation:
    from ..sourcelines import ipynb_line, shown_path

    c, path = job.construction, str(job.facts.path)
    line = ipynb_line(path, c.cell, c.line) if path.endswith(".ipynb") and c.cell else c.line
    return SourceLocation(shown_path(path, os.getcwd()), line, c.call())


def _import_failed(env: Environment, job: ConstructionJob) -> bool:
    """The notebook's own import of the class failed: the import findings report it, with its line."""
    c = job.construction
    for imp in job.facts.imports:
        if imp.module == c.module and (not imp.names or c.name in imp.names):
            r = env.probes.get(f"nb{job.notebook}:cell{imp.cell}:line{imp.line}:{imp.module}")
            if r is not None and not r.ok and r.status != "skipped":
                return True
    return False


def _notes(job: ConstructionJob) -> list[str]:
    c = job.construction
    out = [f"probed with the notebook's literal arguments: {c.call()}"]
    if c.dummied:
        out.append(f"dummy values stood in for {', '.join(c.dummied)} (the notebook's are never used)")
    if c.omitted:
        out.append(f"left out (not literals): {', '.join(c.omitted)}")
    return out


def _needs_omitted(r: Result, job: ConstructionJob) -> Optional[str]:
    """The omitted argument the failure says is missing, if any: then the probe did not build the real call."""
    text = f"{r.message}\n{r.traceback}"  # both bounded by the host already (probejobs.redacted)
    if not _MISSING.search(text):
        return None
    for name in job.construction.omitted:
        if not name.startswith("**") and re.search(rf"\b{re.escape(name)}\b", text):
            return name
    return None


def _skipped(job: ConstructionJob, why: str) -> Finding:
    c = job.construction
    return make("LCD312", title=f"{c.name}(...) at {_where(job)} was not probed: {why}",
                subject=f"{c.module}.{c.name}", evidence=[f"{_where(job)}: {c.call()}", *_notes(job)[1:]])


def findings(env: Environment, classify: Classifier) -> Iterator[Finding]:
    """One finding per construction item that failed (all the notebook lines it stands for), and one note per
    construction the probe could not build as written."""
    from ..classify import distribution_for
    from ..probejobs import _guess_row, construction_jobs

    jobs = construction_jobs(env)
    by_item: dict[str, list[ConstructionJob]] = {}
    for job in jobs:
        if job.skip:
            yield _skipped(job, job.skip)
        elif ":construct:" in job.item_id:  # a row's own construct item is reported by the provider's findings
            by_item.setdefault(job.item_id, []).append(job)
    for item_id, same in by_item.items():
        r = env.probes.get(item_id)
        if r is None or r.ok or r.status == "skipped":
            continue
        first = same[0]
        c = first.construction
        if _import_failed(env, first):
            continue
        missing = _needs_omitted(r, first)
        if missing is not None:
            yield _skipped(first, f"it needs `{missing}`, whose value is not a literal (the probe left it out)")
            continue
        row = _guess_row(c.module, c.name, dict(c.kwargs), c.args)
        f = classify(env, r, stage="construct", package=distribution_for(c.module),
                     provider=row.name if row else None, subject=f"{c.module}.{c.name}", names=(c.name,))
        if f is None:
            continue  # credentials and reachability: the credential checks own them, with the real settings
        yield _located(env, f, same)


def _located(env: Environment, f: Finding, same: Sequence[ConstructionJob]) -> Finding:
    from dataclasses import replace

    first = same[0]
    sites = [f"{_where(j)}: {j.construction.call()}" for j in same]
    title = f"{f.title} ({os.path.basename(str(first.facts.path))}"
    title += (f", cell {first.construction.cell}" if first.construction.cell else "")
    title += f", line {first.construction.line})"
    # botocore's "Valid service names are: ..." runs to thousands of characters: each line is kept readable.
    evidence = (*sites, *_notes(first)[1:], *(env.redactor.cut(e, 400) for e in f.evidence))
    return replace(f, title=title, evidence=evidence,
                   locations=tuple(_location(j) for j in same))
