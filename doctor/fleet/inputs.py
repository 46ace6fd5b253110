"""Reads the JSON reports ``summarize`` merges: files and folders of schema_version 1 reports, or of matrices.

A report file is read only when it is a regular file under a size cap; an input that is not valid JSON, not a
report of this doctor, or has the wrong shape becomes a row with its reason (a folder's other JSON files, such
as a ``package.json`` among CI artifacts, are skipped and counted).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

from ..redact import clip
from ..safeio import read_regular
from .matrix import Entry

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

MAX_BYTES = 64 * 1024 * 1024
"""A report larger than this is not read (the largest real report is well under 1 MiB)."""


@dataclass(frozen=True)
class _Unreadable:
    reason: str


class InputError(Exception):
    """No input could be read at all (exit 2)."""


@dataclass(frozen=True)
class Inputs:
    """What the inputs held."""

    entries: tuple[Entry, ...]
    skipped: tuple[str, ...] = ()
    """Files found in a folder that are not reports of this doctor."""


def shape_problem(report: Any) -> Optional[str]:
    """Why ``report`` is not a schema_version 1 report the matrix can use, or None."""
    if not isinstance(report, dict):
        return "not a JSON object"
    if report.get("schema_version") != 1:
        return f"schema_version is {report.get('schema_version')!r}, not 1"
    for key in ("findings", "providers"):
        value = report.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
            return f"{key!r} is not a list of objects"
    if not isinstance(report.get("target"), (dict, type(None))):
        return "'target' is not an object"
    return None


def _label_of(report: Mapping[str, Any], fallback: str) -> str:
    env = report.get("environment")
    if isinstance(env, dict) and isinstance(env.get("name"), str) and env["name"]:
        return str(env["name"])
    return fallback


def _is_ours(data: Any) -> bool:
    return isinstance(data, dict) and ("schema_version" in data or "matrix" in data) and (
        isinstance(data.get("tool"), dict) and data["tool"].get("name") == "langchain-doctor")


def entries_of(data: Any, label: str, location: str) -> list[Entry]:
    """The environments one parsed document holds: one report, or every row of a matrix document."""
    if isinstance(data, dict) and isinstance(data.get("reports"), list) and isinstance(data.get("matrix"), dict):
        rows = data["matrix"].get("rows")
        reports = data["reports"]
        if not isinstance(rows, list):
            return [Entry(label, "report", location, reason="'matrix.rows' is not a list")]
        out = []
        for i, row in enumerate(rows):
            if not isinstance(row, dict):
                out.append(Entry(f"{label}#{i}", "report", location, reason="a matrix row is not an object"))
                continue
            name = f"{row.get('name') or i}"
            source = str(row.get("source") or "report")
            where = str(row.get("location") or location)
            index = row.get("report")
            if not row.get("examined", True) or not isinstance(index, int):
                out.append(Entry(name, source, where, reason=str(row.get("reason") or "not examined")))
                continue
            report = reports[index] if 0 <= index < len(reports) else None
            problem = shape_problem(report) if report is not None else "its report is missing"
            out.append(Entry(name, source, where, reason=problem) if problem else
                       Entry(name, source, where, report))
        return out
    problem = shape_problem(data)
    if problem:
        return [Entry(label, "report", location, reason=f"not a langchain-doctor report: {problem}")]
    return [Entry(_label_of(data, label), "report", location, data)]


def _labels(files: list[Path], root: Optional[Path]) -> list[str]:
    """Readable row names: the path under the folder given, without ``.json``; a file name all share is dropped
    (``py3.11/report.json`` and ``py3.12/report.json`` become ``py3.11`` and ``py3.12``)."""
    parts = []
    top = root.parts if root is not None else ()
    for f in files:  # relative_to and with_suffix by parts: each would parse a new Path for every file
        every = f.parts
        rel = every[len(top):] if top and every[:len(top)] == top and len(every) > len(top) else (f.name,)
        name = rel[-1]
        dot = name.rfind(".")
        parts.append((*rel[:-1], name[:dot]) if 0 < dot < len(name) - 1 and name[dot:] == ".json" else rel)
    if len(parts) > 1 and all(len(p) > 1 for p in parts) and len({p[-1] for p in parts}) == 1:
        parts = [p[:-1] for p in parts]
    return ["/".join(p) for p in parts]


def json_files(root: Path) -> list[Path]:
    """Every file named ``*.json`` under the folder ``root``, sorted as paths are: what
    ``sorted(p for p in root.rglob("*.json") if p.is_file())`` gives (links to files kept, links to folders not
    followed, a folder that cannot be listed left out), with one listing per folder and no ``stat`` per file (the
    listing tells a file from a folder), which is most of the time of listing a thousand CI artifacts."""
    normcase = os.path.normcase
    found: list[tuple[tuple[str, ...], str]] = []
    stack: list[tuple[str, tuple[str, ...]]] = [(os.fspath(root), ())]
    while stack:
        folder, rel = stack.pop()
        try:
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((entry.path, (*rel, normcase(entry.name))))
                elif normcase(entry.name).endswith(".json") and entry.is_file():
                    found.append(((*rel, normcase(entry.name)), entry.path))
            except OSError:
                continue
    found.sort(key=lambda x: x[0])
    return [Path(p) for _, p in found]


def read(paths: Iterable[str]) -> Inputs:
    """Every environment in the files and folders given, in order; InputError when a path does not exist."""
    entries: list[Entry] = []
    skipped: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files = json_files(path)
            root: Optional[Path] = path
        elif path.exists():
            files, root = [path], None
        else:
            raise InputError(f"{raw}: no such file or folder")
        kept: list[tuple[Path, Any]] = []
        for f in files:
            try:
                data: Any = json.loads(read_regular(f, MAX_BYTES))
            except (OSError, ValueError, RecursionError, MemoryError) as exc:
                if root is not None and type(exc) is json.JSONDecodeError:
                    skipped.append(str(f))  # a folder's file that is not JSON at all: not ours
                    continue
                why = exc.strerror if isinstance(exc, OSError) and exc.strerror else (
                    "nested too deeply" if isinstance(exc, RecursionError) else clip(str(exc).splitlines()[0], 200))
                data = _Unreadable(f"cannot read {f.name}: {why}")
            if root is not None and not isinstance(data, _Unreadable) and not _is_ours(data):
                skipped.append(str(f))
                continue
            kept.append((f, data))
        for (f, data), label in zip(kept, _labels([f for f, _ in kept], root)):
            if isinstance(data, _Unreadable):
                entries.append(Entry(label, "report", str(f), reason=data.reason))
            else:
                entries.extend(entries_of(data, label, str(f)))
    return Inputs(tuple(entries), tuple(skipped))
