"""Writing a matrix (made by ``safe.prepare``, so every field is redacted): to ``--output`` (with the console table on
the terminal) or to stdout."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import click

from .render import RENDERERS, MatrixFormat

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from .matrix import Matrix


def ascii_only(stream: Any = None) -> bool:
    """True when the stream's encoding cannot write ✓ and ✗ (cp1252 for redirected output on Windows)."""
    encoding = getattr(stream or sys.stdout, "encoding", None) or "ascii"
    try:
        "✓✗·—×".encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return True
    return False


def _color() -> bool:
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def text(m: Matrix, reports: Sequence[Mapping[str, Any]], fmt: MatrixFormat, *, verbose: bool = False,
         color: bool = False, ascii: bool = False) -> str:
    """The rendered matrix of ``safe.prepare`` (every field of the reports redacted), with this process's secret
    values replaced once more in the whole text (a value split across fields and joined by a renderer)."""
    from ..redact import for_process

    out = RENDERERS[fmt](m, reports, verbose=verbose, color=color, ascii_only=ascii)
    return for_process().known(out)


def emit(m: Matrix, reports: Sequence[Mapping[str, Any]], fmt: MatrixFormat, output: Optional[str], *,
         verbose: bool = False) -> None:
    """Write the matrix in ``fmt``; with ``output``, also the console table to the terminal."""
    if output:
        try:
            Path(output).write_text(text(m, reports, fmt, verbose=verbose), encoding="utf-8", errors="backslashreplace")
        except OSError as exc:
            raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from None
        if fmt is not MatrixFormat.CONSOLE:
            _echo(text(m, reports, MatrixFormat.CONSOLE, verbose=verbose, color=_color(), ascii=ascii_only()))
        click.echo(f"written to {output}", err=True)
        return
    console = fmt is MatrixFormat.CONSOLE
    _echo(text(m, reports, fmt, verbose=verbose, color=console and _color(), ascii=console and ascii_only()))


def _echo(out: str) -> None:
    """``click.echo`` without a newline; text without an escape character is written as it is (click would run its
    ANSI-stripping expression over every byte of a thousand reports' document, and find nothing to strip)."""
    click.echo(out, nl=False, color=True if "\x1b" not in out else None)
