"""Loads the built-in checks by file location, so a user's own ``checks`` package can never stand in for ours.

In a source checkout (or an editable install) they live in ``checks/`` beside ``doctor/``; in a wheel they are
installed as ``doctor/_checks``. Either way they are imported under the private name ``doctor._checks``.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from types import ModuleType

    from doctor.checkapi import Check

_NAME = "doctor._checks"


def _checks_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "_checks", here.parent / "checks"):
        if (candidate / "__init__.py").is_file():
            return candidate
    raise ImportError("langchain-doctor is installed without its checks package")


def load() -> ModuleType:
    """The built-in checks package, imported once under ``doctor._checks``."""
    module = sys.modules.get(_NAME)
    if module is not None:
        return module
    folder = _checks_dir()
    spec = importlib.util.spec_from_file_location(
        _NAME, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load checks from {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[_NAME] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[_NAME]
        raise
    return module


def checks() -> tuple[Check, ...]:
    """The explicit table of built-in checks, in run order."""
    table: tuple[Check, ...] = load().CHECKS
    return table
