"""One cause, one finding: a probe's fact and the static finding of the same failure are folded together.

A static check reads versions and files and names a failure before anything runs (botocore 1.31.56 has no
``bedrock-runtime`` data: LCD702; an integration built for pydantic v1 next to a v2 core: LCD201); the probe builds
the class in the target and sees it happen (``Unknown service: 'bedrock-runtime'``: LCD705; the import fails:
LCD306). ``merge`` is the one place that folds such pairs: the table ``knowledge/confirms.CONFIRMS`` says which probe
codes confirm which static codes, how the two are known to be one cause (the same provider, or the same repair when
no provider row stands behind the prediction), and which of the two the report keeps. The other's evidence is
folded into the kept finding, its severity rises to the worse of the two, and the other finding goes: one cause is
one finding. A static finding no probe confirms is left untouched.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Optional

from .inventory import canonicalize_name, parse_requirement
from .knowledge.confirms import BY_PROBE, ENVIRONMENT_WIDE, Confirms, Kept, SameCause

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .model import Finding


def installs(f: Finding) -> frozenset[str]:
    """The distributions (canonical names) a finding's fix installs or reinstalls; empty without a package step.

    What a fix installs is ``repair.coverage.installs`` (what ``fix --apply`` would install), plain pip commands
    included."""
    if f.fix is None:
        return frozenset()
    from .repair.coverage import installs as fix_installs

    names = set()
    for line in (*fix_installs(f.fix), *f.fix.reinstall):
        req = parse_requirement(line)
        if req is not None:
            names.add(canonicalize_name(req.name))
    return frozenset(names)


def same_cause(row: Confirms, fact: Finding, static: Finding) -> bool:
    """``fact`` (the probe's finding, of ``row.probe``) shows the failure ``static`` names, by ``row``'s rule."""
    if fact.code != row.probe or static.code not in row.static:
        return False
    if row.same is SameCause.PROVIDER:
        if static.provider is None:
            return static.code in ENVIRONMENT_WIDE
        return static.provider == fact.provider
    if static.kind is not fact.kind:
        return False
    predicted = installs(static)
    return bool(predicted) and predicted <= installs(fact)


def _fold(kept: Finding, folded: Sequence[Finding], line: str) -> Finding:
    """``kept`` with each of ``folded``'s evidence after a line naming it, at the worst severity of them all."""
    evidence = [*kept.evidence]
    for f in folded:
        evidence += [line.format(code=f.code, title=f.title), *f.evidence]
    severity = max((kept.severity, *(f.severity for f in folded)), key=lambda s: s.rank)
    return replace(kept, severity=severity, evidence=tuple(evidence))


def merge(findings: Sequence[Finding]) -> list[Finding]:
    """Each probe finding and the static findings it confirms become one finding (the order of the rest is kept).

    ``Kept.STATIC``: the probe's fact goes into the first static finding it confirms (in the row's order of codes),
    as ``confirmed by probe (CODE): title`` and its evidence; the static finding keeps its place. ``Kept.PROBE``:
    every static finding the probe's fact confirms goes into it, as ``predicted from metadata too (CODE): title``
    and its evidence; the probe's finding keeps its place.
    """
    out: list[Optional[Finding]] = list(findings)
    for i, fact in enumerate(findings):
        row = BY_PROBE.get(fact.code)
        if row is None:
            continue
        if row.kept is Kept.STATIC:
            at = next((j for code in row.static for j, f in enumerate(out)
                       if f is not None and f.code == code and same_cause(row, fact, f)), None)
            if at is None:
                continue
            target = out[at]
            assert target is not None
            out[at] = _fold(target, [fact], "confirmed by probe ({code}): {title}")
            out[i] = None
        else:
            came_true = [j for j, f in enumerate(findings) if same_cause(row, fact, f)]
            out[i] = _fold(fact, [findings[j] for j in came_true], "predicted from metadata too ({code}): {title}")
            for j in came_true:
                out[j] = None
    return [f for f in out if f is not None]
