"""Loads the built-in checks, so a user's own ``checks`` package can never stand in for ours.

They live in the repository's top-level ``checks/`` folder, which the package sees as its ``_checks`` subpackage
(``doctor/_checks`` is a link to it; a wheel holds a copy): imported as ``langchain_doctor._checks``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

    from .checkapi import Check


def load() -> ModuleType:
    """The built-in checks package (a subpackage of this one, never a top-level ``checks``)."""
    return importlib.import_module("._checks", __package__)


def checks() -> tuple[Check, ...]:
    """The explicit table of built-in checks, in run order."""
    table: tuple[Check, ...] = load().CHECKS
    return table
