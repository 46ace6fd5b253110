"""Renderers: one module per output format, one explicit table, one interface (Report -> text)."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ..model import Report


class Format(str, enum.Enum):
    """Output formats of the contract."""

    CONSOLE = "console"
    JSON = "json"
    JUNIT = "junit"
    MARKDOWN = "markdown"


class Renderer(Protocol):
    """What every format module provides."""

    def __call__(self, report: Report, *, verbose: bool = False, color: bool = False, width: int = 100) -> str: ...


def renderer(fmt: Format) -> Renderer:
    """The renderer of ``fmt``; imported lazily (rich itself only when the console is drawn in colour)."""
    if fmt is Format.CONSOLE:
        from ..render import console

        return console.render
    if fmt is Format.JSON:
        from ..render import jsonfmt

        return jsonfmt.render
    if fmt is Format.JUNIT:
        from ..render import junit  # type: ignore[attr-defined,unused-ignore]

        return junit.render  # type: ignore[no-any-return,unused-ignore]
    if fmt is Format.MARKDOWN:
        from ..render import markdown  # type: ignore[attr-defined,unused-ignore]

        return markdown.render  # type: ignore[no-any-return,unused-ignore]
    raise AssertionError(f"unhandled format {fmt!r}")  # pragma: no cover - exhaustiveness is tested
