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
import os
import stat as stat_mod
import threading
import time
from collections.abc import Iterator, Mapping
from typing import Any, Optional

__all__ = [
    "InputError", "Recorder", "RecordingEnviron", "exists", "is_dir", "is_file", "listdir", "read_bytes",
    "pack", "read_own", "read_text", "read_with_stat", "recorded_paths", "stat", "unrecorded", "validate", "walk",
    "which",
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


def _fp(st: Optional[os.stat_result]) -> Optional[tuple[int, int, int, int]]:
    """What a file looked like: mode (kind and permissions), size, ``mtime_ns`` and inode, so that an edit in place
    (new size or mtime) and a replacement (new inode, even with the old size and mtime kept) both show; None when
    nothing is there. Not ``ctime``: making a hard link to a file changes it, and environments share files through
    hard links (uv's cache, cloned venvs), so a link made for another environment would be read as a change."""
    if st is None:
        return None
    return (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino)


_RACY_NS = 2_000_000_000
"""A folder modified this recently when it was listed may change again within the same timestamp tick (coarse
clocks, 2 s on FAT): its listing is then compared every time instead of being vouched for by its stat."""


def _dir_fp(st: Optional[os.stat_result]) -> Optional[list[int]]:
    """A folder's inode, mode, ``mtime_ns`` and ``ctime_ns`` taken *before* it was listed: while they are the same,
    no entry was added, removed or renamed since (each of those updates both times), so the listing is the same.
    None (always list again) when there is no folder, or when it changed too recently to trust the timestamps."""
    if st is None or not stat_mod.S_ISDIR(st.st_mode):
        return None
    if max(st.st_mtime_ns, st.st_ctime_ns) >= time.time_ns() - _RACY_NS:
        return None
    return [st.st_ino, st.st_mode, st.st_mtime_ns, st.st_ctime_ns]


def _digest(fps: list[Optional[tuple[int, int, int, int]]]) -> int:
    """One number for how a folder's files look, in order. Python's hash of a tuple of integers is the same in
    every process (only str and bytes hashes are salted; None's hash is not stable before 3.12, hence ``()``), so
    it can be stored; it is not cryptographic, and need not be: it tells a change from no change, and whoever can
    plant a file can as well edit the cache. Another Python may hash otherwise: then it is a miss, never a hit."""
    return hash(tuple(() if fp is None else fp for fp in fps))


def _sha(data: bytes) -> str:
    import hashlib  # here, not at the top: a run that records nothing (--no-cache) never loads OpenSSL's module

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


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
               | getattr(os, "O_BINARY", 0))


def _raw_read(path: str, limit: int, head: bool) -> tuple[bytes, os.stat_result]:
    """Open without blocking, refuse anything but a regular file, read at most ``limit`` bytes."""
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as exc:
        raise InputError(exc.errno or errno.EIO, exc.strerror or str(exc), path) from None
    try:
        st = os.fstat(fd)
        if not stat_mod.S_ISREG(st.st_mode):
            raise InputError(errno.EINVAL, f"not a regular file ({_KIND_TEXT[_kind(st.st_mode)]}); not read", path)
        if st.st_size > limit and not head:
            raise InputError(errno.EFBIG, f"larger than {limit} bytes; not read", path)
        # A regular file answers a read short only at its end: one read of one byte more than its size is the whole
        # file unless it grew meanwhile (then the loop reads on, within the limit).
        want = min(st.st_size + 1, limit + 1, _CHUNK)
        data = os.read(fd, want)
        if len(data) == want:
            parts = [data]
            size = len(data)
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
        self._files: dict[str, tuple[Optional[tuple[int, int, int, int]], Optional[str]]] = {}
        self._dirs: dict[str, tuple[Optional[str], Optional[list[int]]]] = {}
        self._vars: dict[str, Optional[str]] = {}
        self._links: dict[str, Optional[str]] = {}
        self._names: Optional[tuple[str, ...]] = None
        self._uncacheable: list[str] = []

    # --- files and folders ---------------------------------------------------------------------------------
    def _note_file(self, path: str, st: Optional[os.stat_result], sha: Optional[str] = None) -> None:
        fp = _fp(st)
        with self._lock:
            old = self._files.get(path)
            self._files[path] = (fp, sha if sha is not None else (old[1] if old and old[0] == fp else None))

    def read_bytes(self, path: str | os.PathLike[str], *, limit: int = DEFAULT_LIMIT, content: bool = False,
                   head: bool = False) -> bytes:
        """The file's bytes (at most ``limit``; with ``head``, its first ``limit`` bytes); InputError otherwise.

        ``content``: also record a hash of the bytes, so that a rewrite with a new mtime but the same text still
        validates (small files: .env, notebooks, settings, credential files).
        """
        return self.read_with_stat(path, limit=limit, content=content, head=head)[0]

    def read_with_stat(self, path: str | os.PathLike[str], *, limit: int = DEFAULT_LIMIT, content: bool = False,
                       head: bool = False) -> tuple[bytes, os.stat_result]:
        """``read_bytes``, and the file's ``fstat`` taken while it was open (the fingerprint the read recorded): a
        caller that needs both pays no ``stat`` of its own."""
        p = os.fspath(path)
        try:
            data, st = _raw_read(p, limit, head)
        except InputError:
            self._note_file(p, _safe_stat(p))
            raise
        self._note_file(p, st, _sha(data) if content else None)
        return data, st

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
        before = _dir_fp(_safe_stat(p))  # before listing: a change made while listing shows as a new stat
        try:
            names = _filtered(os.listdir(p), suffixes, stems)
        except OSError:
            self._note_dir(key, None, None)
            raise
        self._note_dir(key, _listing_hash(names), before)
        return names

    def _note_dir(self, key: str, listing: Optional[str], fp: Optional[list[int]]) -> None:
        with self._lock:
            self._dirs[key] = (listing, fp)

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
                "files": {k: [list(fp) if fp is not None else None, sha] for k, (fp, sha) in self._files.items()},
                "dirs": {k: [listing, fp] for k, (listing, fp) in self._dirs.items()},
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


_VALIDATING = threading.Lock()
"""One record is validated at a time in a process. ``check --all-kernels`` replays many environments from worker
threads, and validating is tens of thousands of ``stat`` calls, each of which lets go of the GIL: with several
threads validating at once, every ``stat`` became a hand-over of the GIL (433,000 futex calls and 1.5 s of system
time for a warm run over 50 environments, 2.1 s wall). Serialised, the same run makes 250 futex calls and takes
1.0 s. Statting from helper threads was dropped for the same reason: the calls are a few microseconds each, less
than a hand-over of the GIL."""


def _split(path: str) -> tuple[str, str]:
    """(everything up to and including the last ``/``, the rest): ``prefix + name`` is ``path`` again exactly."""
    cut = path.rfind("/") + 1
    return path[:cut], path[cut:]


def pack(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record as the cache stores it: compact, and quick to read back and validate.

    Files are grouped by folder: one ``[folder/, "name/name/...", digest]`` per folder, the digest covering the
    look of each file in turn (``_fp``), so a record of thousands of modules is a few hundred short strings rather
    than thousands of absolute paths and numbers. Files whose content was hashed keep their own entry
    (``hashed``): a new mtime with the same content still validates. A record already packed is returned as is.
    """
    files = record.get("files", {})
    if isinstance(files, list):
        return dict(record)
    groups: dict[str, list[str]] = {}
    looks: dict[str, list[Optional[tuple[int, int, int, int]]]] = {}
    hashed: dict[str, list[Any]] = {}
    for path, (fp, sha) in files.items():
        if sha is not None:
            hashed[path] = [fp, sha]
            continue
        prefix, name = _split(path)
        groups.setdefault(prefix, []).append(name)
        looks.setdefault(prefix, []).append(tuple(fp) if fp is not None else None)
    out = dict(record)
    out["files"] = [[prefix, "/".join(names), _digest(looks[prefix])] for prefix, names in groups.items()]
    out["hashed"] = hashed
    return out


def recorded_paths(record: Mapping[str, Any]) -> list[str]:
    """Every file path a record (as snapshot or as packed) holds."""
    files = record["files"]
    if isinstance(files, dict):
        return list(files)
    return [prefix + name for prefix, names, _ in files for name in names.split("/")] + list(record["hashed"])


_Look = Optional[tuple[int, int, int, int]]
_UNSEEN = object()
_shared_looks: Optional[dict[str, _Look]] = None
_shared_users = 0
_shared_lock = threading.Lock()


@contextlib.contextmanager
def one_look_per_file() -> Iterator[None]:
    """While this block runs (one command over many environments), a file that several records hold (the base
    interpreter's modules, shared by every environment built on it) is stat'ed once, by the first validation
    that needs it, and that look serves the others: every file is still looked at during this run, and the looks
    are forgotten when the block ends, so a later run (or a long-lived process) never reuses them."""
    global _shared_looks, _shared_users
    with _shared_lock:
        if _shared_users == 0:
            _shared_looks = {}
        _shared_users += 1
    try:
        yield
    finally:
        with _shared_lock:
            _shared_users -= 1
            if _shared_users == 0:
                _shared_looks = None


def _look(path: str) -> _Look:
    shared = _shared_looks
    if shared is not None:
        seen = shared.get(path, _UNSEEN)
        if seen is not _UNSEEN:
            return seen  # type: ignore[return-value]
    try:
        st = os.stat(path)
    except (OSError, ValueError):
        look: _Look = None
    else:
        look = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino)
    if shared is not None:
        shared[path] = look
    return look


def _groups_unchanged(groups: list[Any]) -> bool:
    """``_digest`` of ``_look`` of every file of each group, unchanged: the same computation written out in one
    loop, as this is the warm run's innermost one (tens of thousands of files)."""
    stat = os.stat
    shared = _shared_looks
    for prefix, names, digest in groups:
        looks: list[Any] = []
        add = looks.append
        for name in names.split("/"):
            path = prefix + name
            if shared is not None:
                look = shared.get(path, _UNSEEN)
                if look is not _UNSEEN:
                    add(() if look is None else look)
                    continue
            try:
                st = stat(path)
            except (OSError, ValueError):
                look = None
            else:
                look = (st.st_mode, st.st_size, st.st_mtime_ns, st.st_ino)
            if shared is not None:
                shared[path] = look
            add(() if look is None else look)
        if hash(tuple(looks)) != digest:
            return False
    return True


def _hashed_unchanged(path: str, fp: Any, sha: str) -> bool:
    """A file whose content was hashed: the same look, or the same bytes under a new look."""
    now = _look(path)
    if now is not None and fp is not None and list(now) == list(fp):
        return True
    if now is None or fp is None or not stat_mod.S_ISREG(now[0]) or not stat_mod.S_ISREG(int(fp[0])):
        return False
    try:
        data, _ = _raw_read(path, max(int(fp[1]), now[1]) + 1, False)
    except InputError:
        return False
    return _sha(data) == sha


def _listing_unchanged(key: str, expected: Any, looks: dict[str, Optional[list[int]]]) -> bool:
    listing, fp = expected
    path, _, spec = str(key).partition("\0")
    if fp is not None:
        if path not in looks:
            looks[path] = _dir_fp(_safe_stat(path))
        if looks[path] == fp:
            return True  # no entry added, removed or renamed since it was listed
    suffixes, stems = _unspec(spec)
    try:
        actual: Optional[str] = _listing_hash(_filtered(os.listdir(path), suffixes, stems))
    except OSError:
        actual = None
    return bool(actual == listing)


def validate(record: Mapping[str, Any], environ: Mapping[str, str], salt: bytes) -> bool:
    """True when every input of ``record`` (as snapshot or as packed) still looks as it did (a stale or malformed
    record is False)."""
    with _VALIDATING:
        return _validate(record, environ, salt)


def _validate(record: Mapping[str, Any], environ: Mapping[str, str], salt: bytes) -> bool:
    try:
        if not isinstance(record["files"], (list, dict)):
            return False
        record = pack(record)
        for name, expected in record["vars"].items():  # the cheapest first: a changed variable ends it at once
            if _var_hash(salt, environ.get(name)) != expected:
                return False
        names = record.get("names")
        if names is not None and names != _listing_hash([n for n in environ if n not in _VOLATILE_VARS]):
            return False
        for path, link in record.get("links", {}).items():
            if _readlink(path) != link:
                return False
        looks: dict[str, Optional[list[int]]] = {}
        for key, expected in record["dirs"].items():
            if not _listing_unchanged(key, expected, looks):
                return False
        for path, (fp, sha) in record["hashed"].items():
            if not _hashed_unchanged(path, fp, sha):
                return False
        if not _groups_unchanged(record["files"]):
            return False
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return False
    return True


class _NullRecorder(Recorder):
    """Used when no run is recording (the settings file read by the command line, tests): reads stay safe."""

    def _note_file(self, path: str, st: Optional[os.stat_result], sha: Optional[str] = None) -> None:
        return None

    def _note_dir(self, key: str, listing: Optional[str], fp: Optional[list[int]]) -> None:
        return None

    def _note_link(self, path: str, link: Optional[str]) -> None:
        return None

    def variable(self, name: str, value: Optional[str]) -> None:
        return None

    def names(self, names: tuple[str, ...]) -> None:
        return None

    # What the recording forms compute only to note it (a hash of every listing and of read contents, a stat of
    # each folder before it is listed, the link text of every folder on a resolved path) is not computed: the same
    # answers and the same errors, without the bookkeeping nobody reads.
    def read_with_stat(self, path: str | os.PathLike[str], *, limit: int = DEFAULT_LIMIT, content: bool = False,
                       head: bool = False) -> tuple[bytes, os.stat_result]:
        return _raw_read(os.fspath(path), limit, head)

    def stat(self, path: str | os.PathLike[str]) -> Optional[os.stat_result]:
        return _safe_stat(os.fspath(path))

    def listdir(self, path: str | os.PathLike[str], *, suffixes: Optional[tuple[str, ...]] = None,
                stems: Optional[frozenset[str]] = None) -> list[str]:
        return _filtered(os.listdir(os.fspath(path)), suffixes, stems)

    def realpath(self, path: str | os.PathLike[str]) -> str:
        return os.path.realpath(os.fspath(path))


_NULL = _NullRecorder()


def unrecorded() -> Recorder:
    """A recorder that records nothing (its reads as safe as any): for a run whose record nobody will store, such
    as ``check --no-cache``. A fresh one, so that ``not_cacheable`` stays the run's own."""
    return _NullRecorder()
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


def read_with_stat(path: str | os.PathLike[str], *, limit: int = DEFAULT_LIMIT) -> tuple[bytes, os.stat_result]:
    """``Recorder.read_with_stat`` of the current run."""
    return current().read_with_stat(path, limit=limit)


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
