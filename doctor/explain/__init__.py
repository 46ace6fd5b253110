"""``explain``: from a pasted traceback, a log or a notebook's saved outputs to the same findings the checks give.

    read (readers) -> segment each block into events (segment) -> classify with doctor.classify, attribute the
    provider and package (attribution), collapse retries and repeats (build) -> Report with ``target=None``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Optional

from ..explain.readers import MAX_INPUT_BYTES, decode, read

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..model import Report

__all__ = ["ExplainInputError", "explain_bytes", "explain_path", "explain_text"]


class ExplainInputError(Exception):
    """The input cannot be read at all (missing, a folder, no permission): the CLI exits 2 with one line."""


def explain_text(text: str, *, source: str = "-", fail_on: str = "error", verbose: bool = False,
                 environ: Optional[Mapping[str, str]] = None, notes: tuple[str, ...] = ()) -> Report:
    """Explain already-decoded text (a notebook's JSON, a traceback, a log)."""
    from ..explain.build import explain_input

    inp = read(text, source)
    return explain_input(inp, source=source, text=text, fail_on=fail_on, verbose=verbose, environ=environ,
                         notes=notes)


def explain_bytes(data: bytes, *, source: str = "-", fail_on: str = "error", verbose: bool = False,
                  environ: Optional[Mapping[str, str]] = None, truncated: bool = False) -> Report:
    """Explain raw bytes in any encoding (UTF-8, UTF-16 with BOM; undecodable bytes replaced)."""
    notes = (f"only the last {MAX_INPUT_BYTES // (1024 * 1024)} MB of the input were read",) if truncated else ()
    return explain_text(decode(data), source=source, fail_on=fail_on, verbose=verbose, environ=environ, notes=notes)


def read_limited(stream: BinaryIO) -> tuple[bytes, bool]:
    """Up to MAX_INPUT_BYTES from the end of ``stream``; True when the start was dropped."""
    chunks: list[bytes] = []
    size = 0
    truncated = False
    while True:
        chunk = stream.read(1024 * 1024)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        while size - len(chunks[0]) >= MAX_INPUT_BYTES:
            size -= len(chunks.pop(0))
            truncated = True
    data = b"".join(chunks)
    if len(data) > MAX_INPUT_BYTES:
        data = data[-MAX_INPUT_BYTES:]
        truncated = True
    if truncated:  # the first line is cut: drop it whole (a key's tail would escape its redaction)
        data = data[data.find(b"\n") + 1:]
    return data, truncated


def explain_path(path: str, *, fail_on: str = "error", verbose: bool = False,
                 environ: Optional[Mapping[str, str]] = None) -> Report:
    """Explain a file (``-`` is standard input); ExplainInputError when it cannot be read."""
    import sys

    if path == "-":
        data, truncated = read_limited(sys.stdin.buffer)
        return explain_bytes(data, source="<stdin>", fail_on=fail_on, verbose=verbose, environ=environ,
                             truncated=truncated)
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data, truncated = read_limited(fh)
    except IsADirectoryError:
        raise ExplainInputError(f"{path} is a folder, not a file") from None
    except FileNotFoundError:
        raise ExplainInputError(f"{path}: no such file") from None
    except OSError as exc:
        raise ExplainInputError(f"cannot read {path}: {exc.strerror or exc}") from None
    return explain_bytes(data, source=p.name, fail_on=fail_on, verbose=verbose, environ=environ,
                         truncated=truncated)
