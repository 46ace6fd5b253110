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
    from collections.abc import Callable, Mapping

    from .context import Options
    from .target import Target

FORMAT = 5  # bump when the stored shape changes: older entries are then ignored
_MAX_ENTRIES = 1000  # of each kind: a machine's hundreds of kernels all stay warm
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
    from .inputs import pack

    return {"format": FORMAT, "created": created, "record": pack(record), "report": data}


def _value(tp: Any, v: Any) -> Any:
    """``v`` (as ``dataclasses.asdict`` left it, through JSON) rebuilt as the annotated type ``tp``.

    TypeError when ``v`` does not have that type: a cache entry that is valid JSON of the wrong shape (edited,
    from another version, planted) is a corrupted entry, never a report that crashes a renderer later.
    """
    return _converter(tp)(v)


_Convert = typing.Callable[[Any], Any]


@functools.cache
def _converter(tp: Any) -> _Convert:
    """The function that rebuilds values of type ``tp`` (see ``_value``), made once per type: a cached report
    holds thousands of values, and asking ``typing`` about the type of each one was most of a warm replay. A
    dataclass's fields are resolved at its first value, so a type that refers to itself cannot recurse here."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin is typing.Union:
        inner = _converter(next(a for a in args if a is not type(None)))
        if type(None) in args:
            return lambda v: None if v is None else inner(v)
        return inner
    if tp is Any or tp is object:
        return lambda v: v
    check: _Convert
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        cls = tp
        fields: list[tuple[str, _Convert]] = []

        def check(v: Any) -> Any:
            if not isinstance(v, dict):
                _wrong(cls, v)
            if not fields:
                hints = _hints(cls)
                fields.extend((f.name, _converter(hints[f.name])) for f in dataclasses.fields(cls))
            return cls(**{name: conv(v[name]) for name, conv in fields if name in v})
    elif isinstance(tp, type) and issubclass(tp, enum.Enum):
        check = tp
    elif origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _converter(args[0])

            def check(v: Any) -> Any:
                if not isinstance(v, list):
                    _wrong(tp, v)
                return tuple(map(item, v))
        else:
            items = [_converter(a) for a in args]

            def check(v: Any) -> Any:
                if not isinstance(v, list) or len(items) != len(v):
                    _wrong(tp, v)
                return tuple(conv(x) for conv, x in zip(items, v))
    elif origin in (dict, collections.abc.Mapping):
        typed = args[1] if args and args[0] is str and args[1] in (str, int, float) else None

        def check(v: Any) -> Any:
            if not isinstance(v, dict):
                _wrong(tp, v)
            if typed is not None and not all(isinstance(k, str) and type(x) is typed for k, x in v.items()):
                _wrong(tp, v)
            return dict(v)
    elif tp in (str, int, bool):
        def check(v: Any) -> Any:
            if type(v) is not tp:
                _wrong(tp, v)
            return v
    elif tp is float:
        def check(v: Any) -> Any:
            if type(v) not in (int, float):
                _wrong(tp, v)
            return v
    else:
        def check(v: Any) -> Any:
            return v

    def non_null(v: Any) -> Any:
        if v is None:
            _wrong(tp, v)
        return check(v)

    return non_null


@functools.cache
def _hints(tp: type) -> dict[str, Any]:
    # Once per class, not per value: resolving the string annotations costs ~1 ms a class.
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
    return _load_entry(folder / "reports" / f"{key}.json", environ, folder,
                       lambda data: (_from_json(data), str(data.get("created") or "")))


_T = typing.TypeVar("_T")


def _load_entry(path: Path, environ: Mapping[str, str], salt_folder: Path,
                read: Callable[[dict[str, Any]], _T]) -> Optional[_T]:
    """``read(entry)`` for the entry at ``path`` when it is of this format and every input of its record still
    looks the same (the record is validated before anything else of the entry is rebuilt); None otherwise. An
    entry that is corrupted, or that ``read`` finds of the wrong shape, is removed (the run rebuilds it)."""
    from .inputs import InputError, read_own, validate

    try:
        data = json.loads(read_own(path, limit=_MAX_ENTRY))
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return None
        if not validate(data["record"], environ, _salt(salt_folder)):
            return None
        return read(data)
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
    answer = _load_entry(folder / "targets" / f"{key}.json", environ, folder, lambda data: data.get("answer"))
    return answer if isinstance(answer, dict) else None


def store_discovery(folder: Path, key: str, answer: Mapping[str, Any], record: Mapping[str, Any]) -> None:
    """Save an interpreter's answer about itself and the record of what it depends on; never raises. Only
    successful answers come here (a timeout or a failure is asked again next time)."""
    from .inputs import pack

    _store_json(folder / "targets", key, {"format": FORMAT, "record": pack(record), "answer": dict(answer)})


def _store_json(sub: Path, key: str, data: Mapping[str, Any]) -> None:
    try:
        _atomic_write(sub / f"{key}.json", json.dumps(data, default=str).encode())
        entries = list(sub.glob("*.json"))
        if len(entries) > _MAX_ENTRIES:
            entries.sort(key=lambda p: p.stat().st_mtime)
            for old in entries[:-_MAX_ENTRIES]:
                old.unlink()
    except OSError:
        pass


def store(folder: Path, key: str, report: Report, record: Mapping[str, Any]) -> None:
    """Save a redacted report and the record of what its run read, atomically; never raises (a read-only home
    must not fail the run). Never holds a variable's value: the record has salted hashes only."""
    import datetime as dt

    created = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    _store_json(folder / "reports", key, _to_json(report, record, created))
