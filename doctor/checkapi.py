"""The interface every check satisfies: a name, a family, and a function from Environment to findings."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Callable, NamedTuple

from .context import Environment
from .model import Finding

CheckFunc = Callable[[Environment], Iterable[Finding]]


class Check(NamedTuple):
    """One built-in check (one module in ``checks/``)."""

    name: str
    """Stable, kebab-case; shown in crash findings and JUnit test cases."""
    family: str
    """packages | pydantic | imports | credentials: JUnit suites and the console group by it."""
    description: str
    run: CheckFunc
    needs_probe: bool = False
    """Skipped with --no-probe."""
