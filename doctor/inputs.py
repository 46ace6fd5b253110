"""The one door through which a run reads the user's files, folders and environment variables, recorded.

Every read goes through a ``Recorder`` (the run's, on ``Environment.inputs``; made current for the run's threads
with ``Recorder.active()``), which notes what was read and what it looked like: a file's kind, size and
``mtime_ns`` (plus a hash of the content for small files the caller asks it of: ``.env``, notebooks, settings,
credential files), a folder's listing, a variable's presence and a salted hash of its value. The cache stores
that record beside the report and replays the report only when every input still looks the same
(``validate``): the key of a run is what the run read, by construction.

Reads are also bounded and never block: only regular files are opened (``O_NONBLOCK``, so a named pipe never
hangs the run, and a device such as ``/dev/zero`` is refused), each read has a size cap, and anything else is an
``InputError`` (an ``OSError``) whose ``strerror`` is one line saying why.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import hashlib
import os
import stat as stat_mod
import threading
from collections.abc import Iterator, Mapping
from typing import Any, Optional

__all__ = [
    "InputError", "Recorder", "RecordingEnviron", "exists", "is_dir", "is_file", "listdir", "read_bytes",
    "read_own", "read_text", "stat", "validate", "walk", "which",
]

DEFAULT_LIMIT = 8 * 1024 * 1024
"""Size cap of a read when the caller names none."""
_CHUNK = 1024 * 1024
# Variables that change from one shell to the next without changing what any code reads to import or run.
_VOLATILE_VARS = frozenset({"PWD", "OLDPWD", "SHLVL", "_", "COLUMNS", "LINES", "TERM_SESSION_ID", "WINDOWID",
                            "SSH_AUTH_SOCK", "SSH_AGENT_PID", "SSH_CLIENT", "SSH_CONNECTION", "SSH_TTY",
                            "GPG_AGENT_INFO", "DBUS_SESSION_BUS_ADDRESS", "XDG_SESSION_ID", "INVOCATION_ID"})


class InputError(OSError):
    """A file that is not read: not a regular file, too large, missing or unreadable (``strerror`` says which)."""


def _kind(mode: int) -> str:
    if stat_mod.S_ISREG(mode):
        return "f"
    if stat_mod.S_ISDIR(mode):
        return "d"
    if stat_mod.S_ISFIFO(mode):
        return "p"
    if stat_mod.S_ISCHR(mode) or stat_mod.S_ISBLK(mode):
        return "c"
    if stat_mod.S_ISSOCK(mode):
        return "s"
    return "o"


_KIND_TEXT = {"d": "a folder", "p": "a named pipe", "c": "a device", "s": "a socket", "o": "a special file"}


def _state(st: Optional[os.stat_result]) -> list[Any]:
    if st is None:
        return ["-", 0, 0]
    return [_kind(st.st_mode), st.st_size, st.st_mtime_ns]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _listing_hash(names: list[str]) -> str:
    return _sha("\0".join(sorted(names)).encode("utf-8", "surrogateescape"))


def _stem(name: str) -> str:
    return name.split(".", 1)[0]


def _filtered(names: list[str], suffixes: Optional[tuple[str, ...]], stems: Optional[frozenset[str]] = None
              ) -> list[str]:
    return sorted(n for n in names if (suffixes is None or n.endswith(suffixes))
                  and (stems is None or _stem(n) in stems))


def _spec(suffixes: Optional[tuple[str, ...]], stems: Optional[frozenset[str]]) -> str:
    if stems is not None:
        return "n:" + "|".join(sorted(stems))
    return "s:" + "|".join(suffixes) if suffixes is not None else "*"


def _unspec(spec: str) -> tuple[Optional[tuple[str, ...]], Optional[frozenset[str]]]:
    if spec.startswith("n:"):
        return None, frozenset(spec[2:].split("|"))
    if spec.startswith("s:"):
        return tuple(spec[2:].split("|")), None
    return None, None


def _raw_read(path: str, limit: int, head: bool) -> tuple[bytes, os.stat_result]:
    """Open without blocking, refuse anything but a regular file, read at most ``limit`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
                     | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise InputError(exc.errno or errno.EIO, exc.strerror or str(exc), path) from None
    try:
        st = os.fstat(fd)
        kind = _kind(st.st_mode)
        if kind != "f":
            raise InputError(errno.EINVAL, f"not a regular file ({_KIND_TEXT[kind]}); not read", path)
        if st.st_size > limit and not head:
            raise InputError(errno.EFBIG, f"larger than {limit} bytes; not read", path)
        parts: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            parts.append(chunk)
            size += len(chunk)
        data = b"".join(parts)
        if len(data) > limit:
            if not head:
                raise InputError(errno.EFBIG, f"larger than {limit} bytes; not read", path)
            data = data[:limit]
        return data, st
    except InputError:
        raise
    except OSError as exc:
        raise InputError(exc.errno or errno.EIO, exc.strerror or str(exc), path) from None
    finally:
        os.close(fd)


class Recorder:
    """What one run read, and how it looked. Thread-safe; values of variables stay in memory, never written."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._files: dict[str, list[Any]] = {}
        self._dirs: dict[str, Optional[str]] = {}
        self._vars: dict[str, Optional[str]] = {}
        self._links: dict[str, Optional[str]] = {}
        self._names: Optional[tuple[str, ...]] = None
        self._uncacheable: list[str] = []

    # --- files and folders ---------------------------------------------------------------------------------
    def _note_file(self, path: str, st: Optional[os.stat_result], sha: Optional[str] = None) -> None:
        with self._lock:
            old = self._files.get(path)
            entry = [*_state(st), sha if sha is not None else (old[3] if old and old[:3] == _state(st) else None)]
            self._files[path] = entry

    def read_bytes(self, path: str | os.PathLike[str], *, limit: int = DEFAULT_LIMIT, content: bool = False,
                   head: bool = False) -> bytes:
        """The file's bytes (at most ``limit``; with ``head``, its first ``limit`` bytes); InputError otherwise.

        ``content``: also record a hash of the bytes, so that a rewrite with a new mtime but the same text still
        validates (small files: .env, notebooks, settings, credential files).
        """
        p = os.fspath(path)
        try:
            data, st = _raw_read(p, limit, head)
        except InputError:
            self._note_file(p, _safe_stat(p))
            raise
        self._note_file(p, st, _sha(data) if content else None)
        return data

    def read_text(self, path: str | os.PathLike[str], *, limit: int = DEFAULT_LIMIT, content: bool = False,
                  head: bool = False, encoding: str = "utf-8", errors: str = "strict") -> str:
        """``read_bytes`` decoded (UnicodeDecodeError when it does not decode and ``errors`` is strict)."""
        return self.read_bytes(path, limit=limit, content=content, head=head).decode(encoding, errors)

    def stat(self, path: str | os.PathLike[str]) -> Optional[os.stat_result]:
        """``os.stat`` (following links), None when it fails; recorded either way."""
        p = os.fspath(path)
        st = _safe_stat(p)
        self._note_file(p, st)
        return st

    def listdir(self, path: str | os.PathLike[str], *, suffixes: Optional[tuple[str, ...]] = None,
                stems: Optional[frozenset[str]] = None) -> list[str]:
        """Sorted names in a folder, only those ending with ``suffixes`` / whose stem (the name up to its first
        dot) is in ``stems`` when given; only what is kept is recorded. OSError as os.listdir."""
        p = os.fspath(path)
        key = p + "\0" + _spec(suffixes, stems)
        try:
            names = _filtered(os.listdir(p), suffixes, stems)
        except OSError:
            self._note_dir(key, None)
            raise
        self._note_dir(key, _listing_hash(names))
        return names

    def _note_dir(self, key: str, listing: Optional[str]) -> None:
        with self._lock:
            self._dirs[key] = listing

    def realpath(self, path: str | os.PathLike[str]) -> str:
        """``os.path.realpath``, with every symbolic link it could follow recorded (each folder on the way: a link's
        text, or that it is not a link), so that a link re-pointed, added or removed between two runs is a miss."""
        p = os.fspath(path)
        real = os.path.realpath(p)
        todo, seen = [os.path.abspath(p)], set[str]()
        while todo and len(seen) < _MAX_LINK_STEPS:
            parts = todo.pop().split(os.sep)
            for n in range(2, len(parts) + 1):
                prefix = os.sep.join(parts[:n])
                if not prefix or prefix in seen:
                    continue
                seen.add(prefix)
                link = _readlink(prefix)
                self._note_link(prefix, link)
                if link is not None:
                    todo.append(os.path.normpath(os.path.join(os.path.dirname(prefix), link)))
        return real

    def _note_link(self, path: str, link: Optional[str]) -> None:
        with self._lock:
            self._links[path] = link

    # --- variables -----------------------------------------------------------------------------------------
    def variable(self, name: str, value: Optional[str]) -> None:
        """Note that ``name`` was read and what it was (None: unset). The value is kept in memory only."""
        if name in _VOLATILE_VARS:
            return  # the shell's own bookkeeping ($_, $PWD...): never what a verdict depends on
        with self._lock:
            self._vars.setdefault(name, value)

    def names(self, names: tuple[str, ...]) -> None:
        """Note that the set of variable names was read (iteration over the environment)."""
        with self._lock:
            self._names = self._names or tuple(sorted(n for n in names if n not in _VOLATILE_VARS))

    # --- cacheability --------------------------------------------------------------------------------------
    def not_cacheable(self, reason: str) -> None:
        """Mark this run's result as one never to replay (a timeout, a crash: machine state, not the inputs)."""
        with self._lock:
            self._uncacheable.append(reason)

    @property
    def cacheable(self) -> bool:
        """False once anything called ``not_cacheable``."""
        return not self._uncacheable

    @property
    def uncacheable_reasons(self) -> tuple[str, ...]:
        """Why the result is not cached (empty when it is)."""
        return tuple(self._uncacheable)

    # --- the record ----------------------------------------------------------------------------------------
    def snapshot(self, salt: bytes) -> dict[str, Any]:
        """The record as JSON data: variables as salted hashes (never their values)."""
        with self._lock:
            return {
                "files": {k: list(v) for k, v in self._files.items()},
                "dirs": dict(self._dirs),
                "vars": {k: _var_hash(salt, v) for k, v in self._vars.items()},
                "links": dict(self._links),
                "names": _listing_hash(list(self._names)) if self._names is not None else None,
            }

    @property
    def size(self) -> int:
        """How many inputs were recorded."""
        with self._lock:
            return len(self._files) + len(self._dirs) + len(self._vars) + len(self._links)

    @contextlib.contextmanager
    def active(self) -> Iterator[Recorder]:
        """Make this the recorder that ``doctor.inputs``' functions use, in this thread's context."""
        token = _ACTIVE.set(self)
        try:
            yield self
        finally:
            _ACTIVE.reset(token)


_MAX_LINK_STEPS = 4096  # folders looked at for one path (a link loop ends here, as realpath's own loop check does)


def _readlink(path: str) -> Optional[str]:
    """A symbolic link's text; None for anything that is not a link (or cannot be read)."""
    try:
        return os.readlink(path)
    except (OSError, ValueError):
        return None


def _safe_stat(path: str) -> Optional[os.stat_result]:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _var_hash(salt: bytes, value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    return _sha(salt + value.encode("utf-8", "surrogatepass"))


class RecordingEnviron(Mapping[str, str]):
    """The environment variables as a Mapping whose every lookup is recorded (name, and the value's hash)."""

    def __init__(self, values: Mapping[str, str], recorder: Recorder) -> None:
        self._values = dict(values)
        self._recorder = recorder

    def __getitem__(self, name: str) -> str:
        value = self._values.get(name)
        self._recorder.variable(name, value)
        if value is None:
            raise KeyError(name)
        return value

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        self._recorder.variable(name, self._values.get(name))
        return name in self._values

    def get(self, name: str, default: Any = None) -> Any:
        value = self._values.get(name)
        self._recorder.variable(name, value)
        return default if value is None else value

    def __iter__(self) -> Iterator[str]:
        self._recorder.names(tuple(self._values))
        return iter(dict(self._values))

    def __len__(self) -> int:
        self._recorder.names(tuple(self._values))
        return len(self._values)

    def unrecorded(self) -> dict[str, str]:
        """A plain copy, for what is not a verdict input (the redactor masks every value it is given)."""
        return dict(self._values)

    def record_all(self) -> None:
        """Record every variable but the shell's volatile ones: code run in the target may read any of them."""
        for name, value in self._values.items():
            if name not in _VOLATILE_VARS:
                self._recorder.variable(name, value)
        self._recorder.names(tuple(n for n in self._values if n not in _VOLATILE_VARS))


_PARALLEL_STATS = 512
_STAT_THREADS = 4


def _states(paths: list[str]) -> list[list[Any]]:
    """``_state`` of every path, in order. Many paths (the files of every module a probe loaded: thousands in an
    environment with several SDKs) are stat'ed from a few threads: each ``stat`` is a system call that releases the
    GIL, so a warm run's revalidation costs a fraction of the serial time."""
    if len(paths) < _PARALLEL_STATS:
        return [_state(_safe_stat(p)) for p in paths]
    size = -(-len(paths) // _STAT_THREADS)
    parts = [paths[i:i + size] for i in range(0, len(paths), size)]
    out: list[list[list[Any]]] = [[] for _ in parts]

    def work(n: int) -> None:
        out[n] = [_state(_safe_stat(p)) for p in parts[n]]

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(1, len(parts))]
    for t in threads:
        t.start()
    work(0)
    for t in threads:
        t.join()
    return [state for part in out for state in part]


def validate(record: Mapping[str, Any], environ: Mapping[str, str], salt: bytes) -> bool:
    """True when every input of ``record`` still looks as it did (a stale or malformed record is False)."""
    try:
        files = record["files"]
        paths = list(files)
        for path, now in zip(paths, _states(paths)):
            kind, size, mtime, sha = files[path]
            if now == [kind, size, mtime]:
                continue
            if sha is None or now[0] != "f" or kind != "f":
                return False
            try:
                data, _ = _raw_read(path, max(int(size), now[1]) + 1, False)
            except InputError:
                return False
            if _sha(data) != sha:
                return False
        for key, expected in record["dirs"].items():
            path, _, spec = str(key).partition("\0")
            suffixes, stems = _unspec(spec)
            try:
                actual: Optional[str] = _listing_hash(_filtered(os.listdir(path), suffixes, stems))
            except OSError:
                actual = None
            if actual != expected:
                return False
        for path, link in record.get("links", {}).items():
            if _readlink(path) != link:
                return False
        for name, expected in record["vars"].items():
            if _var_hash(salt, environ.get(name)) != expected:
                return False
        names = record.get("names")
        if names is not None and names != _listing_hash([n for n in environ if n not in _VOLATILE_VARS]):
            return False
    except (KeyError, TypeError, ValueError, AttributeError):
        return False
    return True


class _NullRecorder(Recorder):
    """Used when no run is recording (the settings file read by the command line, tests): reads stay safe."""

    def _note_file(self, path: str, st: Optional[os.stat_result], sha: Optional[str] = None) -> None:
        return None

    def _note_dir(self, key: str, listing: Optional[str]) -> None:
        return None

    def _note_link(self, path: str, link: Optional[str]) -> None:
        return None

    def variable(self, name: str, value: Optional[str]) -> None:
        return None

    def names(self, names: tuple[str, ...]) -> None:
        return None


_NULL = _NullRecorder()
_ACTIVE: contextvars.ContextVar[Optional[Recorder]] = contextvars.ContextVar("langchain_doctor_inputs",
                                                                             default=None)


def current() -> Recorder:
    """The recorder of the run in this context (a non-recording one when none is active)."""
    rec = _ACTIVE.get()
    return _NULL if rec is None else rec


def read_bytes(path: str | os.PathLike[str], *, limit: int = DEFAULT_LIMIT, content: bool = False,
               head: bool = False) -> bytes:
    """``Recorder.read_bytes`` of the current run."""
    return current().read_bytes(path, limit=limit, content=content, head=head)


def read_text(path: str | os.PathLike[str], *, limit: int = DEFAULT_LIMIT, content: bool = False,
              head: bool = False, encoding: str = "utf-8", errors: str = "strict") -> str:
    """``Recorder.read_text`` of the current run."""
    return current().read_text(path, limit=limit, content=content, head=head, encoding=encoding, errors=errors)


def read_own(path: str | os.PathLike[str], *, limit: int = DEFAULT_LIMIT) -> bytes:
    """A file of the doctor's own (its caches), bounded and regular only like every read, but never recorded:
    what the doctor wrote for itself is not an input of the verdict, and recording it would miss every time."""
    return _NULL.read_bytes(path, limit=limit)


def realpath(path: str | os.PathLike[str]) -> str:
    """``Recorder.realpath`` of the current run."""
    return current().realpath(path)


def stat(path: str | os.PathLike[str]) -> Optional[os.stat_result]:
    """``Recorder.stat`` of the current run."""
    return current().stat(path)


def is_file(path: str | os.PathLike[str]) -> bool:
    """A regular file (following links); recorded."""
    st = stat(path)
    return st is not None and stat_mod.S_ISREG(st.st_mode)


def is_dir(path: str | os.PathLike[str]) -> bool:
    """A folder (following links); recorded."""
    st = stat(path)
    return st is not None and stat_mod.S_ISDIR(st.st_mode)


def exists(path: str | os.PathLike[str]) -> bool:
    """Anything at that path (following links); recorded."""
    return stat(path) is not None


def listdir(path: str | os.PathLike[str], *, suffixes: Optional[tuple[str, ...]] = None,
            stems: Optional[frozenset[str]] = None) -> list[str]:
    """``Recorder.listdir`` of the current run."""
    return current().listdir(path, suffixes=suffixes, stems=stems)


def which(program: str, path: str) -> Optional[str]:
    """``shutil.which`` through the recorder: the first executable regular file named ``program`` in the folders
    of ``path`` (a PATH value), or ``program`` itself when it names a path; every candidate tried is recorded."""
    candidates = [os.path.expanduser(program)] if os.sep in program or (os.altsep and os.altsep in program) else [
        os.path.join(folder, program) for folder in path.split(os.pathsep) if folder]
    for candidate in candidates:
        st = stat(candidate)
        if st is not None and stat_mod.S_ISREG(st.st_mode) and st.st_mode & 0o111:
            return candidate
    return None


def walk(root: str, *, skip: frozenset[str] = frozenset()) -> Iterator[tuple[str, list[str], list[str]]]:
    """``os.walk`` (top-down, sorted, not following links) with every listing and entry kind recorded."""
    try:
        names = listdir(root)
    except OSError:
        return
    dirs, files = [], []
    for n in names:
        full = os.path.join(root, n)
        st = stat(full)
        if st is None:
            continue
        if stat_mod.S_ISDIR(st.st_mode) and not os.path.islink(full):
            if n not in skip:
                dirs.append(n)
        else:
            files.append(n)
    yield root, dirs, files
    for d in dirs:
        yield from walk(os.path.join(root, d), skip=skip)
