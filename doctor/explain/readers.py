"""Input readers: a notebook's saved outputs or any text (traceback, log, exported notebook) -> blocks of lines.

A block is a stretch of input with one context: a notebook cell (its code and its outputs), a cell of a notebook
exported to text (``In [3]:``), a Markdown section, or a whole log. Lines are cleaned of ANSI colours and of log
prefixes (timestamps, levels, logger names) but keep their 1-based line number in the input.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, NamedTuple, Optional

from ..redact import bound

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""Larger inputs are cut to their last part (errors come last) and say so."""
_MAX_CODE = 20_000
_MAX_CELL_OUTPUT = 2_000_000

# CSI sequences, OSC sequences and the remains of CSI whose ESC was lost when copied from a web page.
_ANSI = re.compile(r"\x1b\[[0-9;?]{0,40}[ -/]{0,4}[@-~]|\x1b\][^\x07\x1b]{0,400}(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|"
                   r"\[(?:\d{1,3};){0,4}\d{1,3}m")

_LEVELS = r"(?:DEBUG|INFO|WARNING|WARN|ERROR|CRITICAL|FATAL|NOTICE|TRACE)"
_TS = (r"\[?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2}|\s?UTC)?\]?")
_LOGGER = r"\[?(?:[a-z_][a-z0-9_\-]{0,40}\.){0,8}[a-z_<][a-z0-9_\-<>]{0,40}\]?"
_SEP = r"\s{0,4}(?:[-|:]\s{0,4})?"
# A CI runner's stamp in front of every line (GitHub Actions): not a new log record.
_CI_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z ")
# A log record: timestamp, then optionally logger and/or level, then optionally a logger.
_TS_RECORD = re.compile(rf"{_TS}{_SEP}(?:{_LOGGER}\s{{0,4}}[-|:]\s{{0,4}})?(?:\[?{_LEVELS}\]?{_SEP})?"
                        rf"(?:{_LOGGER}\s{{0,4}}(?:-|\||:)\s{{1,4}})?")
# Python's logging.basicConfig format: ``ERROR:openai._base_client:message``.
_BASIC_RECORD = re.compile(rf"{_LEVELS}:(?:[\w.<>\-]{{1,200}})?:")
# ``ERROR    name: message``, ``[ERROR] message``, uvicorn's ``ERROR:    message``.
_LEVEL_RECORD = re.compile(rf"\[?{_LEVELS}\]?(?::\s{{1,8}}|\s{{1,8}}(?:[-|:]\s{{1,4}})?)"
                           rf"(?:{_LOGGER}\s{{0,4}}[-|:]\s{{1,4}})?")
# pytest's failure lines (``E   ValueError: ...``) and docker compose's ``service-1  | ``.
_PYTEST_E = re.compile(r"E {1,3}(?=\S)")
_COMPOSE = re.compile(r"[\w.\-]{1,60}\s{1,20}\| ")

_IN_CELL = re.compile(r"^In \[\s{0,3}(\d{0,6})\s{0,3}\]:")
_HEADING = re.compile(r"^#{1,6} (\S.{0,200})$")
_FENCE = re.compile(r"^\s{0,3}```")


class Line(NamedTuple):
    """One cleaned line of input (a NamedTuple: a 10 MB log makes hundreds of thousands)."""

    no: int
    """1-based line number in the input (in the cell's outputs for a notebook)."""
    text: str
    record: bool = False
    """A log record starts here (a log prefix with a level or logger was removed): ends the previous message."""


@dataclass(frozen=True)
class Block:
    """A stretch of input with one context."""

    where: str
    """``cell 3 (In [3])``, ``In [3]``, or empty for plain text; evidence adds ``line N`` for text."""
    code: str
    """Code of the cell (notebook); empty for text, whose own lines serve instead (see context())."""
    lines: tuple[Line, ...]
    notebook: bool = False
    """True for a .ipynb cell: locations say the cell, not a line number."""

    def context(self) -> str:
        """The text that says which providers the block uses: the cell's code, or an exported cell's first lines."""
        if self.code or not self.where:
            return self.code
        return "\n".join(x.text for x in self.lines[:400])[:_MAX_CODE]


@dataclass(frozen=True)
class Input:
    """The whole input, read."""

    blocks: tuple[Block, ...]
    format: str
    """``ipynb``, ``notebook-text`` (exported), ``markdown`` or ``text``."""
    notes: tuple[str, ...] = ()
    """What could not be read as given (invalid notebook JSON, size cut)."""
    line_count: int = 0


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour sequences (also their remains when ESC was lost)."""
    if "\x1b" not in text and "[" not in text:
        return text
    return _ANSI.sub("", text)


_PREFIX_START = frozenset("0123456789[DIWECFNT")


def strip_log_prefix(line: str) -> tuple[str, bool]:
    """The line without a CI stamp or log-record prefix, and whether a log record starts there."""
    c = line[:1]
    if c not in _PREFIX_START:
        if c.isalnum() and "| " in line[:82]:
            m = _COMPOSE.match(line)
            if m:
                return line[m.end():], False
        return line, False
    if len(line) > 21 and c.isdigit():
        m = _CI_STAMP.match(line)
        if m:
            line = line[m.end():]
            c = line[:1]
            if c not in _PREFIX_START:
                return line, False
    if (c.isdigit() or c == "[") and len(line) > 12:
        m = _TS_RECORD.match(line)
        if m:
            return line[m.end():], True
        if c == "[":
            m = _LEVEL_RECORD.match(line)
            if m:
                return line[m.end():], True
        return line, False
    if c == "E" and line.startswith("E ") and _PYTEST_E.match(line):
        return _PYTEST_E.sub("", line, count=1), False
    if line[:4].isupper():
        m = _BASIC_RECORD.match(line) or _LEVEL_RECORD.match(line)
        if m:
            return line[m.end():], True
    if c.isalnum() and "| " in line[:82]:
        m = _COMPOSE.match(line)
        if m:
            return line[m.end():], False
    return line, False


def decode(data: bytes) -> str:
    """Bytes of any file as text: UTF-8 (BOM or not), UTF-16 with BOM, else UTF-8 with replacement."""
    if data.startswith(b"\xff\xfe") or data.startswith(b"\xfe\xff"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    text = data.decode("utf-8", errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


def read(text: str, name: str = "") -> Input:
    """Read any input: a notebook when it parses as one (or is named .ipynb), else text."""
    notes: list[str] = []
    head = text.lstrip()[:1]
    if head == "{" or name.endswith(".ipynb"):
        nb, problem = _load_json(text)
        if nb is not None:
            blocks = _notebook_blocks(nb)
            if blocks is not None:
                return Input(tuple(blocks), "ipynb", tuple(notes), text.count("\n") + 1)
            problem = "it has no list of cells"
        if name.endswith(".ipynb") or '"cells"' in text[:100_000]:
            notes.append(f"the notebook is not valid notebook JSON ({problem}); its text was read instead")
    return _text_input(text, notes)


def _load_json(text: str) -> tuple[Optional[Any], str]:
    try:
        return json.loads(text), ""
    except RecursionError:
        return None, "nested too deeply"
    except ValueError as exc:
        return None, str(exc)[:120]


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return ""


def _notebook_blocks(nb: Any) -> Optional[list[Block]]:
    if not isinstance(nb, dict):
        return None
    cells = nb.get("cells")
    if cells is None:  # nbformat 3
        sheets = nb.get("worksheets")
        if isinstance(sheets, list) and sheets and isinstance(sheets[0], dict):
            cells = sheets[0].get("cells")
    if not isinstance(cells, list):
        return None
    blocks: list[Block] = []
    index = 0
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        index += 1
        code = _as_text(cell.get("source", cell.get("input")))[:_MAX_CODE]
        count = cell.get("execution_count", cell.get("prompt_number"))
        where = f"cell {index}" + (f" (In [{count}])" if isinstance(count, int) and count != index else "")
        outputs = cell.get("outputs")
        lines: list[Line] = []
        if isinstance(outputs, list):
            for out in outputs:
                if isinstance(out, dict):
                    _output_lines(out, lines)
        if lines:
            blocks.append(Block(where, code, tuple(lines), notebook=True))
    return blocks


def _output_lines(out: dict[str, Any], lines: list[Line]) -> None:
    kind = out.get("output_type")
    if kind == "stream":
        text = _as_text(out.get("text"))
    elif kind in ("error", "pyerr"):
        ename = out.get("ename") if isinstance(out.get("ename"), str) else ""
        evalue = out.get("evalue") if isinstance(out.get("evalue"), str) else ""
        tb = out.get("traceback")
        parts = [t for t in tb if isinstance(t, str)] if isinstance(tb, list) else []
        text = strip_ansi("\n".join(parts))
        final = f"{ename}: {evalue}" if evalue else str(ename)
        if ename and (not text.strip() or final.splitlines()[0] not in text):
            text = (text + "\n" if text else "") + final
    elif kind in ("display_data", "execute_result"):
        data = out.get("data")
        text = _as_text(data.get("application/vnd.jupyter.stderr")) if isinstance(data, dict) else ""
    else:
        return
    if not text:
        return
    text = strip_ansi(bound(text, _MAX_CELL_OUTPUT, tail=True))
    # A record boundary between outputs: a traceback never runs from one output into the next.
    lines.append(Line(len(lines) + 1, "", record=True))
    for raw in text.splitlines():
        clean, record = strip_log_prefix(raw)
        lines.append(Line(len(lines) + 1, clean, record))


def _text_input(text: str, notes: list[str]) -> Input:
    text = strip_ansi(text)
    raw_lines = text.splitlines()
    markdown = any(_FENCE.match(x) for x in raw_lines[:20_000] if x.startswith(("```", " ")))
    blocks: list[Block] = []
    current: list[Line] = []
    where = ""
    in_fence = False
    cells = 0

    def close() -> None:
        if current:
            blocks.append(Block(where, "", tuple(current)))

    n = len(raw_lines)
    append = current.append
    for i, raw in enumerate(raw_lines):
        no = i + 1
        c = raw[:1]
        if markdown and c in "` " and _FENCE.match(raw):
            if not in_fence:
                close()
                current = []
                append = current.append
                cells += 1
                where = f"code block {cells}"
            in_fence = not in_fence
            append(Line(no, "", True))
            continue
        if not in_fence and c in "I#":
            m = _IN_CELL.match(raw) if raw.startswith("In [") else None
            if m:
                close()
                current = []
                append = current.append
                where = f"In [{m.group(1) or ' '}]"
                append(Line(no, raw[m.end():].strip(), True))
                continue
            if c == "#" and _HEADING.match(raw) and (i == 0 or not raw_lines[i - 1].strip()) and (
                    i + 1 >= n or not raw_lines[i + 1].strip()):
                close()
                current = []
                append = current.append
                where = ""
                append(Line(no, "", True))
                continue
        if markdown and not in_fence and raw.startswith("    "):
            raw = raw[4:]
        clean, record = strip_log_prefix(raw)
        append(Line(no, clean, record))
    close()
    fmt = "markdown" if markdown else ("notebook-text" if any(b.where.startswith("In [") for b in blocks) else "text")
    return Input(tuple(blocks), fmt, tuple(notes), n)
