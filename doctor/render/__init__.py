"""Renderers: one module per output format, one explicit table, one interface (Report -> text).

A renderer receives everything it needs in the typed ``Report`` and imports nothing of the engine: only the
model, the standard library and rich (a test holds every module here to that).
"""

from __future__ import annotations

import enum
import importlib
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..model import Report


class Format(str, enum.Enum):
    """Output formats of the contract."""

    CONSOLE = "console"
    JSON = "json"
    JUNIT = "junit"
    MARKDOWN = "markdown"
    SARIF = "sarif"
    GITHUB = "github"


class Renderer(Protocol):
    """What every format module provides."""

    def __call__(self, report: Report, *, verbose: bool = False, color: bool = False, width: int = 0,
                 quiet: bool = False) -> str: ...


# Format -> the module (in this package) whose ``render`` draws it; imported only when used (rich itself only when
# the console is drawn in colour).
MODULES: dict[Format, str] = {
    Format.CONSOLE: "console",
    Format.JSON: "jsonfmt",
    Format.JUNIT: "junit",
    Format.MARKDOWN: "markdown",
    Format.SARIF: "sarif",
    Format.GITHUB: "github",
}


def renderer(fmt: Format) -> Renderer:
    """The renderer of ``fmt``."""
    module = importlib.import_module(f".{MODULES[fmt]}", __package__)
    draw: Renderer = module.render
    return draw
