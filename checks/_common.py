"""Small helpers the checks share: requirement evaluation, a credential chain whose
library is absent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..findings import command, make
from ..model import Fix

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..inventory import Dist, Req
    from ..knowledge.credentials import Chain
    from ..model import Finding


def applies(req: Req, markers: Mapping[str, str]) -> bool:
    """True when ``req`` applies to the target without extras (its marker holds for the base install)."""
    holds = req.holds(markers)  # the common markers, without packaging's parser; None: packaging decides
    if holds is not None:
        return holds
    if req.marker is None:
        return True
    env = dict(markers)
    env["extra"] = ""
    try:
        return bool(req.marker.evaluate(env))
    except Exception:  # an unknown marker variable: treat as applying, so nothing is silently skipped
        return True


def direction(req: Req, dist: Dist) -> str:
    """'too-new' when the installed version is above what ``req`` admits, 'too-old' when below, else 'excluded'."""
    v = dist.version
    assert v is not None
    for s in req.specifier:
        if s.contains(v, prereleases=True):
            continue
        if s.operator in (">", ">="):
            return "too-old"
        if s.operator in ("<", "<="):
            return "too-new"
        if s.operator in ("==", "~=", "==="):
            base = s.version.rstrip("*").rstrip(".")
            try:
                from packaging.version import Version

                return "too-new" if v > Version(base) else "too-old"
            except Exception:
                return "excluded"
    return "excluded"


def req_text(req: Req) -> str:
    """``name<spec>`` without marker, for messages."""
    return f"{req.name}{req.specifier}"


def not_verified(code: str, chain: Chain, title: str, subject: str) -> Finding:
    """``code``: the chain's credentials were not verified online because its library is not in the target (or
    probes are off); the fix installs the library."""
    return make(code, title=title, subject=subject, provider=chain.provider,
                evidence=[f"{chain.library} is not installed in the target (or --no-probe)"],
                fix=Fix(f"Install {chain.install} in the target", (command("pip", "install", chain.install),),
                        manual=True))
