"""Inventory check: is there anything LangChain here, and is every distribution's metadata readable?"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..checkapi import Check
from ..findings import make

if TYPE_CHECKING:
    from collections.abc import Iterator

    from ..context import Environment
    from ..model import Finding


def run(env: Environment) -> Iterator[Finding]:
    """LCD120 when no LangChain package is installed; LCD114 for each unreadable metadata folder."""
    for d in env.inventory.dists:
        if d.problems and not all(p.startswith("single-file") for p in d.problems):
            yield make(
                "LCD114",
                title=f"{d.name}: metadata cannot be read fully",
                subject=d.metadata_dir,
                evidence=[f"{d.metadata_dir}: {p}" for p in d.problems],
            )
    for entry, why in env.inventory.unreadable:
        yield make("LCD902", title=f"a sys.path entry could not be read: {why}", subject=entry,
                   evidence=[f"{entry}: {why}; packages there were not examined"])
    if not env.inventory.family("langchain") and not env.needed:
        yield make(
            "LCD120",
            title="No LangChain package in this interpreter",
            subject=env.target.python,
            evidence=[
                f"interpreter: {env.target.python} ({env.target.reason})",
                f"{len(env.inventory.dists)} distributions on its path, none of the LangChain family",
            ],
        )


CHECK = Check("inventory", "packages", "What is installed; unreadable metadata; no LangChain at all.", run)
