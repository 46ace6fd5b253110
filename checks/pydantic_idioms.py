"""Heuristic: integrations whose own source still speaks pydantic v1 next to a pydantic-v2 langchain-core."""

from __future__ import annotations

from typing import TYPE_CHECKING

from packaging.version import Version

from ..checkapi import Check
from ..findings import install_fix, make
from ..inventory import canonicalize_name
from ..knowledge.compat import core_era, installed_core_era
from ..knowledge.providers import PROVIDERS
from ._source_scan import v1_idioms

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..context import Environment
    from ..model import Finding


def run(env: Environment) -> Iterator[Finding]:
    """LCD203 for an integration with v1 idioms whose declared core range does not already say so (LCD201)."""
    core = env.inventory.get("langchain-core")
    if core is None or core.version is None or installed_core_era(core.version) != "v2":
        return
    seen: set[str] = set()
    for prov in PROVIDERS:
        dist = env.inventory.get(prov.package)
        if dist is None or dist.name in seen:
            continue
        seen.add(dist.name)
        if prov.core1_line is not None and dist.version is not None and dist.version >= Version(prov.core1_line):
            continue  # built for langchain-core 1.x: pydantic v2 by construction, nothing to suspect
        core_reqs = [r for r in dist.requirements() if canonicalize_name(r.name) == "langchain-core"]
        if any(core_era(r.specifier) == "v1" for r in core_reqs):
            continue  # the requirements check reports it, with these idioms as evidence
        hits = v1_idioms(dist.location, prov.module)
        if not hits:
            continue
        yield make(
            "LCD203",
            title=f"{dist.name} {dist.raw_version} still uses pydantic v1 idioms next to langchain-core "
            f"{core.raw_version} (heuristic)",
            subject=dist.name, provider=prov.name,
            evidence=[f"{dist.location}/{h}" for h in hits]
            + [f"declared: {', '.join(str(r) for r in core_reqs) or 'no langchain-core requirement'}"],
            fix=install_fix(env.target.python, f"Upgrade {dist.name} together with langchain-core",
                            [dist.name, "langchain-core"]),
        )


CHECK = Check("pydantic-idioms", "pydantic", "Integration source with pydantic v1 idioms under a v2 core.", run)
