"""Providers that must work (--provider, notebooks) but whose integration is not installed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..checkapi import Check
from ..findings import install_fix, make
from ..knowledge.providers import BY_NAME

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..context import Environment
    from ..model import Finding


def run(env: Environment) -> Iterator[Finding]:
    """LCD103 for each needed provider without its integration package."""
    for name in sorted(env.needed):
        prov = BY_NAME.get(name)
        package = env.needed_packages.get(name, prov.package if prov else "")
        if prov is None or env.inventory.get(package) is not None:
            continue
        via = "" if package == prov.package else f" (the code uses it through {package})"
        yield make(
            "LCD103",
            title=f"{name}: {package} is not installed, but this provider must work{via}",
            subject=package, provider=name,
            evidence=[f"no {package} distribution on {env.target.python}'s path"],
            fix=install_fix(env.target.python, f"Install {package}", [package]),
        )


CHECK = Check("providers", "packages", "Needed providers have their integration installed.", run)
