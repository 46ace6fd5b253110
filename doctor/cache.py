"""Offline results cached by what their run read, so a re-run on an unchanged environment is instant.

An entry is found by the request (options, the target as it answers, the working folder) and holds the report
and the record of every input the run read through ``doctor.inputs``: files (kind, size, mtime_ns, and a hash
of small files' content), folder listings, variables (presence and a *salted hash* of the value, never the
value). It is replayed only when every one of those inputs still looks the same, so the key is correct by
construction: a variable a notebook reads, a ``.env`` added in a parent folder, an edited integration module
all make the run examine again, and a busy working folder (``/tmp``) does not, as long as nothing read changed.
A run can mark itself not cacheable (``Recorder.not_cacheable``: a timeout or a crash is machine state).
Only redacted reports are stored; online runs are neither read nor written. Writes are atomic; an unreadable or
corrupted entry is ignored and rebuilt.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
import errno
import functools
import hashlib
import json
import os
import secrets
import sys
import tempfile
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Optional

from .model import Report

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .context import Options
    from .target import Target

FORMAT = 4  # bump when the stored shape changes: older entries are then ignored
_MAX_ENTRIES = 200
_MAX_ENTRY = 64 * 1024 * 1024


def cache_dir(environ: Mapping[str, str]) -> Path:
    """The user cache folder, by platformdirs conventions (LANGCHAIN_DOCTOR_CACHE_DIR overrides)."""
    override = environ.get("LANGCHAIN_DOCTOR_CACHE_DIR")
    if override:
        return Path(override)
    home = Path(environ.get("HOME") or Path.home())
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "langchain-doctor"
    if sys.platform == "win32":
        base = environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        return Path(base) / "langchain-doctor" / "Cache"
    return Path(environ.get("XDG_CACHE_HOME") or home / ".cache") / "langchain-doctor"


def _salt(folder: Path) -> bytes:
    # A per-machine random salt: the hashes of credential values in the key cannot be reversed by a dictionary.
    path = folder / "salt"
    try:
        data = path.read_bytes()
        if len(data) == 32:
            return data
    except OSError:
        pass
    data = secrets.token_bytes(32)
    _atomic_write(path, data)
    return data


def salt(folder: Path) -> bytes:
    """The per-machine salt of the hashes of variables' values in the records."""
    return _salt(folder)


def request_key(options: Options, target: Target, work_dir: str, version: str) -> str:
    """Which run this is: the request and the target as it answered. What the run *read* is the record, stored
    beside the report and re-validated (``doctor.inputs.validate``) before the report is replayed."""
    opts = dataclasses.asdict(options)
    for unrelated in ("use_cache", "verbose", "fail_on"):  # they change the rendering, not the findings
        opts.pop(unrelated, None)
    material = {
        "format": FORMAT, "doctor": version, "options": opts, "work_dir": work_dir,
        "target": [target.python, target.version, target.prefix, target.base_prefix, list(target.sys_path),
                   list(target.site_packages), target.user_site, dict(target.markers), target.selected_by,
                   target.reason],
    }
    return hashlib.sha256(json.dumps(material, sort_keys=True, default=str).encode()).hexdigest()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def _to_json(report: Report, record: Mapping[str, Any], created: str) -> dict[str, Any]:
    data = dataclasses.asdict(dataclasses.replace(report, redactor=None))
    del data["redactor"]  # the run's secrets are never written
    return {"format": FORMAT, "created": created, "record": dict(record), "report": data}


def _value(tp: Any, v: Any) -> Any:
    """``v`` (as ``dataclasses.asdict`` left it, through JSON) rebuilt as the annotated type ``tp``.

    TypeError when ``v`` does not have that type: a cache entry that is valid JSON of the wrong shape (edited,
    from another version, planted) is a corrupted entry, never a report that crashes a renderer later.
    """
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union:
        if v is None and type(None) in args:
            return None
        return _value(next(a for a in args if a is not type(None)), v)
    if v is None:
        return None if tp is Any or tp is object else _wrong(tp, v)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        if not isinstance(v, dict):
            _wrong(tp, v)
        hints = _hints(tp)
        return tp(**{f.name: _value(hints[f.name], v[f.name]) for f in dataclasses.fields(tp) if f.name in v})
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp(v)
    if origin is tuple:
        if not isinstance(v, list):
            _wrong(tp, v)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], x) for x in v)
        if len(args) != len(v):
            _wrong(tp, v)
        return tuple(_value(a, x) for a, x in zip(args, v))
    if origin in (dict, collections.abc.Mapping):
        if not isinstance(v, dict):
            _wrong(tp, v)
        if args and args[0] is str and args[1] in (str, int, float) and not all(
                isinstance(k, str) and type(x) is args[1] for k, x in v.items()):
            _wrong(tp, v)
        return dict(v)
    if tp in (str, int, bool) and type(v) is not tp:
        _wrong(tp, v)
    if tp is float and (type(v) not in (int, float)):
        _wrong(tp, v)
    return v


@functools.cache
def _hints(tp: type) -> dict[str, Any]:
    # Once per class, not per value: resolving the string annotations costs ~1 ms a class, and a cached report
    # holds thousands of values (most of a warm run's CPU time before this was memoised).
    return typing.get_type_hints(tp)


def _wrong(tp: Any, v: Any) -> NoReturn:
    raise TypeError(f"cached value of type {type(v).__name__} where {tp} is expected")


def _from_json(data: dict[str, Any]) -> Report:
    report: Report = _value(Report, data["report"])
    if report.fail_on not in ("error", "warning", "never"):
        _wrong(str, report.fail_on)
    return report


def load(folder: Path, key: str, environ: Mapping[str, str]) -> Optional[tuple[Report, str]]:
    """(the cached report for ``key``, when it was made) when every input its run read still looks the same.

    None when there is none, when an input changed, or when the entry is unreadable, corrupted or of another
    format (then it is removed and this run rebuilds it).
    """
    from .inputs import InputError, read_bytes, validate

    path = folder / "reports" / f"{key}.json"
    try:
        data = json.loads(read_bytes(path, limit=_MAX_ENTRY))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        if not validate(data["record"], environ, _salt(folder)):
            return None
        return _from_json(data), str(data.get("created") or "")
    except InputError as exc:
        if exc.errno == errno.ENOENT:
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, StopIteration):
        pass
    try:
        path.unlink()  # corrupted: rebuilt by this run
    except OSError:
        pass
    return None


def _load_entry(path: Path, environ: Mapping[str, str], salt_folder: Path) -> Optional[dict[str, Any]]:
    """The entry at ``path`` when it is of this format and every input of its record still looks the same; a
    corrupted entry is removed (the run rebuilds it)."""
    from .inputs import InputError, read_own, validate

    try:
        data = json.loads(read_own(path, limit=_MAX_ENTRY))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        if not validate(data["record"], environ, _salt(salt_folder)):
            return None
        return data
    except InputError as exc:
        if exc.errno == errno.ENOENT:
            return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        pass
    try:
        path.unlink()
    except OSError:
        pass
    return None


def discovery_key(python: str, cwd: str, environ: Mapping[str, str], version: str) -> str:
    """Which interpreter is asked about itself, from where: its path as given and as resolved (a venv's
    ``bin/python`` relinked to another base Python is another key), the working folder, the names of the
    ``PYTHON*`` variables set (their values are in the record, hashed) and this machine's kernel (the markers)."""
    uname = list(os.uname()) if hasattr(os, "uname") else []
    material = {"format": FORMAT, "doctor": version, "python": python, "real": os.path.realpath(python),
                "cwd": cwd, "python_vars": sorted(n for n in environ if n.upper().startswith("PYTHON")),
                "uname": uname}
    return hashlib.sha256(json.dumps(material, sort_keys=True).encode()).hexdigest()


def load_discovery(folder: Path, key: str, environ: Mapping[str, str]) -> Optional[dict[str, Any]]:
    """The interpreter's cached answer about itself when every input of its record still looks the same, else
    None. The caller checks its shape as it checks a fresh answer (an entry may have been edited)."""
    data = _load_entry(folder / "targets" / f"{key}.json", environ, folder)
    answer = data.get("answer") if data is not None else None
    return answer if isinstance(answer, dict) else None


def store_discovery(folder: Path, key: str, answer: Mapping[str, Any], record: Mapping[str, Any]) -> None:
    """Save an interpreter's answer about itself and the record of what it depends on; never raises. Only
    successful answers come here (a timeout or a failure is asked again next time)."""
    _store_json(folder / "targets", key, {"format": FORMAT, "record": dict(record), "answer": dict(answer)})


def _store_json(sub: Path, key: str, data: Mapping[str, Any]) -> None:
    try:
        _atomic_write(sub / f"{key}.json", json.dumps(data, default=str).encode())
        entries = sorted(sub.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-_MAX_ENTRIES]:
            old.unlink()
    except OSError:
        pass


def store(folder: Path, key: str, report: Report, record: Mapping[str, Any]) -> None:
    """Save a redacted report and the record of what its run read, atomically; never raises (a read-only home
    must not fail the run). Never holds a variable's value: the record has salted hashes only."""
    import datetime as dt

    created = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    try:
        reports = folder / "reports"
        _atomic_write(reports / f"{key}.json", json.dumps(_to_json(report, record, created), default=str).encode())
        entries = sorted(reports.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-_MAX_ENTRIES]:
            old.unlink()
    except OSError:
        pass

