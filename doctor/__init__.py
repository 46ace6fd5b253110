"""langchain-doctor: diagnose broken LangChain environments without importing LangChain in this process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from doctor.model import Report

__all__ = ["__version__", "check"]


def check(python: str | None = None, providers: Any = (), notebooks: Any = (), **options: Any) -> Report:
    """Examine an interpreter and return the Report (the Python API; the CLI's ``check`` runs the same code)."""
    from doctor.context import Options
    from doctor.runner import check as _check

    return _check(Options(python=python, providers=tuple(providers), notebooks=tuple(notebooks), **options))
