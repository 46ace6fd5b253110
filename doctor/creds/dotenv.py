"""A stdlib reader for ``.env`` files, parsing them as python-dotenv does, and the search for them.

Values come back exactly as ``load_dotenv()`` would set them (quotes removed, escapes decoded), so that the
key checks judge what the application would see.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Optional

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

MAX_SIZE = 1024 * 1024
"""Larger files are not read (a .env file is a few lines)."""

_KEY = re.compile(r"[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.\-]*)[ \t]*(=?)[ \t]*")
_DQ_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'", "a": "\a", "b": "\b",
               "f": "\f", "v": "\v"}
_PROJECT_MARKERS = ("pyproject.toml", ".git", "setup.py", "setup.cfg")


# The default of a mapping field: shared by every instance, so read-only.
_NO_ENTRIES: Mapping[str, Any] = MappingProxyType({})

class Entry(NamedTuple):
    """One ``NAME=value`` binding of a .env file."""

    name: str
    value: str
    """As python-dotenv sets it."""
    line: int


class DotenvFile(NamedTuple):
    """A parsed .env file."""

    path: str
    entries: Mapping[str, Entry] = _NO_ENTRIES
    """Last binding wins, as in python-dotenv."""
    bad_lines: tuple[int, ...] = ()
    """Line numbers python-dotenv could not parse (it skips them with a warning)."""
    error: str = ""
    """Why the file could not be read at all (empty when it was)."""


def _quoted(text: str, pos: int, quote: str) -> tuple[Optional[str], int]:
    """The value of a quoted string starting at text[pos] (the quote), and the position after it."""
    out: list[str] = []
    i = pos + 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if quote == '"' and nxt in _DQ_ESCAPES:
                out.append(_DQ_ESCAPES[nxt])
                i += 2
                continue
            if quote == "'" and nxt in ("'", "\\"):
                out.append(nxt)
                i += 2
                continue
        if ch == quote:
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    return None, i


def parse(text: str, path: str = "") -> DotenvFile:
    """Parse .env text: ``[export] NAME=value`` lines, quotes (multi-line allowed), ``#`` comments."""
    entries: dict[str, Entry] = {}
    bad: list[int] = []
    pos = 0
    n = len(text)
    while pos < n:
        line_no = text.count("\n", 0, pos) + 1
        eol = text.find("\n", pos)
        eol = n if eol < 0 else eol
        line = text[pos:eol]
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            pos = eol + 1
            continue
        m = _KEY.match(text, pos, eol)
        if m is None or not m.group(2):
            bad.append(line_no)
            pos = eol + 1
            continue
        name = m.group(1)
        vpos = m.end()
        if vpos < n and text[vpos] in ("'", '"'):
            value, after = _quoted(text, vpos, text[vpos])
            if value is None:
                bad.append(line_no)
                pos = eol + 1
                continue
            rest_end = text.find("\n", after)
            rest_end = n if rest_end < 0 else rest_end
            rest = text[after:rest_end].strip()
            if rest and not rest.startswith("#"):
                bad.append(line_no)
                pos = rest_end + 1
                continue
            entries[name] = Entry(name, value, line_no)
            pos = rest_end + 1
            continue
        raw = text[vpos:eol]
        # An unquoted value ends at " #" (an inline comment); surrounding whitespace is dropped.
        cut = re.search(r"[ \t]+#", raw)
        if cut is not None:
            raw = raw[: cut.start()]
        entries[name] = Entry(name, raw.strip(), line_no)
        pos = eol + 1
    return DotenvFile(path, entries, tuple(bad))


def read(path: Path) -> DotenvFile:
    """Read and parse one .env file; an unreadable file gives ``error`` instead of raising."""
    from ..inputs import read_text

    try:
        text = read_text(path, limit=MAX_SIZE, content=True, errors="replace")
    except OSError as exc:
        return DotenvFile(str(path), error=str(exc.strerror or exc))
    return parse(text, str(path))


def project_root(folder: Path) -> Optional[Path]:
    """The nearest folder at or above ``folder`` holding pyproject.toml, .git, setup.py or setup.cfg."""
    from ..inputs import exists

    for candidate in (folder, *folder.parents):
        if any(exists(candidate / m) for m in _PROJECT_MARKERS):
            return candidate
    return None


def search_folders(folders: Iterable[str]) -> list[Path]:
    """Each folder and its parents up to its project root (only the folder itself when there is none)."""
    out: list[Path] = []
    for f in folders:
        if not f:
            continue
        start = Path(f).absolute()
        root = project_root(start)
        chain = [start]
        if root is not None and root != start:
            for parent in start.parents:
                chain.append(parent)
                if parent == root:
                    break
        for p in chain:
            if p not in out:
                out.append(p)
    return out


def find(folders: Iterable[str]) -> list[DotenvFile]:
    """Every ``.env`` file in the search folders, nearest first."""
    from ..inputs import exists, is_file

    out = []
    for folder in search_folders(folders):
        candidate = folder / ".env"
        if is_file(candidate) or exists(candidate):  # a named pipe or a folder is reported, never opened blocking
            out.append(read(candidate))
    return out


def lookup(files: Iterable[DotenvFile], name: str) -> Optional[tuple[DotenvFile, Entry]]:
    """The first (nearest) file binding ``name``, with its entry."""
    for f in files:
        entry = f.entries.get(name)
        if entry is not None:
            return f, entry
    return None


_LOADS_DOTENV = re.compile(r"load_dotenv|dotenv_values|%dotenv|find_dotenv|read_dotenv|environ\.read_env")


def code_loads_dotenv(text: str) -> bool:
    """True when source text (a script or a notebook's JSON) loads .env files."""
    return _LOADS_DOTENV.search(text) is not None
