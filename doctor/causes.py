"""One cause, one finding: a probe's fact and the metadata's prediction of the same failure are folded together.

A static check reads versions and files and predicts a failure (botocore 1.31.56 has no ``bedrock-runtime`` data:
LCD702); the probe builds the class in the target and sees it happen (``Unknown service: 'bedrock-runtime'``:
LCD705). Both name the same repair. The report keeps the probe's finding (a fact beats a prediction, and it carries
the notebook line) and folds the prediction into its evidence, so one cause is one finding.

"The same cause" is decided from data, not by provider or message: the prediction's code is one the probe's code
confirms (``knowledge/codes/compat.PREDICTED_BY``, one kind on both sides) and the probe's fix installs every
distribution the prediction's fix installs.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from .inventory import canonicalize_name, parse_requirement
from .knowledge.codes.compat import PREDICTED_BY

if TYPE_CHECKING:
    from collections.abc import Sequence

    from .model import Finding


def installs(f: Finding) -> frozenset[str]:
    """The distributions (canonical names) a finding's fix installs or reinstalls; empty without a package step."""
    if f.fix is None:
        return frozenset()
    names = set()
    for line in (*f.fix.install, *f.fix.reinstall):
        req = parse_requirement(line)
        if req is not None:
            names.add(canonicalize_name(req.name))
    return frozenset(names)


def same_cause(fact: Finding, prediction: Finding) -> bool:
    """``prediction`` (static) foretells the failure ``fact`` (probe) shows: codes related, one kind, and the
    fact's repair covers every distribution the prediction's repair touches."""
    if prediction.code not in PREDICTED_BY.get(fact.code, ()) or prediction.kind is not fact.kind:
        return False
    predicted = installs(prediction)
    return bool(predicted) and predicted <= installs(fact)


def fold_predictions(findings: Sequence[Finding]) -> list[Finding]:
    """Each static prediction that a probe finding shows came true is folded into that finding's evidence (the
    order of the rest is kept)."""
    gone: set[int] = set()
    out = []
    for f in findings:
        if f.code not in PREDICTED_BY:
            out.append(f)
            continue
        came_true = [p for p in findings if same_cause(f, p)]
        gone.update(id(p) for p in came_true)
        evidence = [*f.evidence]
        for p in came_true:
            evidence += [f"predicted from metadata too ({p.code}): {p.title}", *p.evidence]
        severity = max((f.severity, *(p.severity for p in came_true)), key=lambda s: s.rank)
        out.append(replace(f, severity=severity, evidence=tuple(evidence)))
    return [f for f, original in zip(out, findings) if id(original) not in gone]
