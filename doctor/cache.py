"""Offline results cached by a fingerprint of the target, so a re-run on an unchanged environment is instant.

The fingerprint covers what the verdict depends on: the interpreter (path, mtime), its sys.path folders (and
their mtimes: installs, uninstalls and stray folders change them), every distribution's metadata folder name,
the working directory (a new local ``langchain_openai.py`` changes its mtime), the notebooks' contents, the
options, the names of credential variables plus a *salted hash* of their values, and credential files' mtimes.
Only redacted reports are stored, never a credential value; online runs are neither read nor written.
Writes are atomic; an unreadable or corrupted entry is ignored and rebuilt.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import enum
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
    from collections.abc import Iterable, Mapping

    from .context import Options
    from .target import Target

FORMAT = 3  # bump when the stored shape changes: older entries are then ignored
_MAX_ENTRIES = 200
_CREDENTIAL_FILES = (
    "~/.config/gcloud/application_default_credentials.json", "~/.config/gcloud/configurations",
    "~/.config/gcloud/active_config", "~/.aws/credentials", "~/.aws/config", "~/.aws/sso/cache",
)
_CREDENTIAL_PREFIXES = ("AWS_", "GOOGLE_", "GCLOUD", "CLOUDSDK_", "AZURE_", "OPENAI_", "ANTHROPIC_")


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


def _stat(path: str) -> list[Any]:
    """[path, mtime_ns, size], or [path, None] when it does not exist."""
    try:
        st = os.stat(path)
    except OSError:
        return [path, None]
    return [path, st.st_mtime_ns, st.st_size]


def _importable(name: str) -> bool:
    # What can change an import or an inventory: metadata folders, .pth files, modules and packages.
    if name.endswith((".dist-info", ".egg-info", ".pth", ".egg-link")):
        return True
    stem = name[:-3] if name.endswith(".py") else name
    return stem.isidentifier() and stem != "__pycache__"


def _listing(folder: str) -> list[str]:
    # Names only, no mtimes: temporary files in a working directory such as /tmp must not defeat the cache.
    try:
        return sorted(n for n in os.listdir(folder) if _importable(n))
    except OSError:
        return []


def fingerprint(options: Options, target: Target, environ: Mapping[str, str], work_dir: str,
                notebooks: Iterable[str], folder: Path, version: str) -> str:
    """The cache key of one offline run."""
    salt = _salt(folder)
    creds = sorted(
        (name, hashlib.sha256(salt + value.encode("utf-8", "surrogatepass")).hexdigest())
        for name, value in environ.items()
        if name.startswith(_CREDENTIAL_PREFIXES) or any(w in name for w in ("KEY", "TOKEN", "SECRET", "PROJECT",
                                                                              "REGION", "PROFILE", "BASE_URL"))
    )
    home = environ.get("HOME") or str(Path.home())
    cred_files = [_stat(p.replace("~", home, 1)) for p in _CREDENTIAL_FILES]
    adc = environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    if adc:
        cred_files.append(_stat(adc))
    cred_files.append(_stat(os.path.join(work_dir, ".env")))
    paths = [[entry, _listing(entry)] for entry in target.sys_path]
    nb_hashes: list[list[Optional[str]]] = []
    for nb in notebooks:
        try:
            nb_hashes.append([nb, hashlib.sha256(Path(nb).read_bytes()).hexdigest()])
        except OSError:
            nb_hashes.append([nb, None])
    opts = dataclasses.asdict(options)
    for unrelated in ("use_cache", "verbose", "fail_on"):  # they change the rendering, not the findings
        opts.pop(unrelated, None)
    material = {
        "format": FORMAT, "doctor": version, "python": _stat(target.python),
        "real_python": _stat(os.path.realpath(target.python)), "target": [target.version, target.prefix],
        "paths": paths, "cwd": [work_dir, _listing(work_dir)], "notebooks": nb_hashes,
        "options": opts, "env": creds, "cred_files": cred_files,
        "env_path": [environ.get("PYTHONPATH"), environ.get("JUPYTER_PATH")],
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


def _to_json(report: Report) -> dict[str, Any]:
    return {"format": FORMAT, "report": dataclasses.asdict(report)}


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
        hints = typing.get_type_hints(tp)
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


def _wrong(tp: Any, v: Any) -> NoReturn:
    raise TypeError(f"cached value of type {type(v).__name__} where {tp} is expected")


def _from_json(data: dict[str, Any]) -> Report:
    report: Report = _value(Report, data["report"])
    if report.fail_on not in ("error", "warning", "never"):
        _wrong(str, report.fail_on)
    return report


def load(folder: Path, key: str) -> Optional[Report]:
    """The cached report for ``key``, or None (missing, unreadable, corrupted or from another format)."""
    path = folder / "reports" / f"{key}.json"
    try:
        data = json.loads(path.read_bytes())
        if data.get("format") != FORMAT:
            return None
        return _from_json(data)
    except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError, StopIteration):
        try:
            path.unlink()  # corrupted: rebuilt by this run
        except OSError:
            pass
        return None


def store(folder: Path, key: str, report: Report) -> None:
    """Save a redacted report atomically; never raises (a read-only home must not fail the run)."""
    try:
        reports = folder / "reports"
        _atomic_write(reports / f"{key}.json", json.dumps(_to_json(report), default=str).encode())
        entries = sorted(reports.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for old in entries[:-_MAX_ENTRIES]:
            old.unlink()
    except OSError:
        pass
