"""The symbol-level import scan: which names installed packages import from which modules, and which exist.

Nothing is imported, and nothing is parsed with ``ast`` either: parsing every file of seven integrations took
several times ``pip check``. Importers are read for their module-level ``from X import a, b`` statements (at
column 0: they run unconditionally; imports under ``if TYPE_CHECKING:``, in ``try:`` or in functions are indented
and not checked). A target module is read as text; a name counts as defined when the word occurs anywhere in it or
in the modules it star-imports, or names a submodule (conservative: a missing name is certainly missing). A module
that makes names at run time (``globals()`` at module level, a ``__getattr__`` that reads no module-level dict)
is *unknown*, and nothing is said about it. Results per file are cached by the file's fingerprint (path, mtime,
size) in the doctor's cache folder, so a re-run reads JSON instead of files.

Cheap by construction (the static check must stay well under ``pip check``): an importer is first searched as bytes
for a column-0 ``from <wanted module>`` (or a relative ``from .``, only where a relative import can reach another
distribution's files); only files that match are decoded and only the matched statements are read. A target module
is not turned into a word list: each name asked of it is looked up in its text when asked, and the answer cached.

Every file and folder is read through the run's recorder (``doctor.inputs``): bounded, regular files only, and
noted in the run's record even on a fingerprint hit, so that an edit to a scanned module invalidates the run's
cached report. The fingerprint cache itself is the doctor's own file, read without being recorded.
"""

from __future__ import annotations

import functools
import json
import os
import re
import stat
from typing import TYPE_CHECKING, Optional, Union

from .. import inputs
from ..values import value_type

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping

_MAX_FILES = 3_000
_MAX_BYTES = 2_000_000
_FORMAT = 4


@value_type
class ImportUse:
    """``from module import name`` at a file's top level."""

    file: str
    line: int
    module: str
    name: str


FileFacts = dict[str, object]
"""An importer's ``{"imports": [[line, module, name], ...]}`` or a target's ``{"star", "known", "hits"}`` (``hits``:
name -> whether the module's text has that word, filled as names are asked)."""


def _resolve(module: str, level: int, path: str, is_pkg: bool, base_module: str) -> str:
    if level == 0:
        return module
    parts = base_module.split(".")
    if not is_pkg:
        parts = parts[:-1]
    if level > 1:
        parts = parts[: len(parts) - (level - 1)]
    return ".".join([*parts, module] if module else parts)


# Indented too: ``try: from pydantic.v1 import *`` (langchain_core.pydantic_v1) is a star import all the same.
_STAR = re.compile(r"^[ \t]*from[ \t]+(\.{0,5}[\w.]{0,200})[ \t]+import[ \t]+\*", re.MULTILINE)
_STAR_HINT = re.compile(r"import[ \t]+\*")
_GETATTR = re.compile(r"^def __getattr__\(", re.MULTILINE)
_DICT = re.compile(r"^([A-Za-z_]\w{0,100})(?:[ \t]*:[^=\n]{0,200})?[ \t]*=[ \t]*(?:\{|dict\()", re.MULTILINE)
_DYNAMIC = re.compile(r"^[^\s#][^\n]{0,200}\bglobals\(\)", re.MULTILINE)
_NEXT_TOP = re.compile(r"^[^\s#\n]", re.MULTILINE)


def _read(path: str) -> Optional[str]:
    """The text of a regular file of at most ``_MAX_BYTES``, through the run's recorder; None otherwise (a named
    pipe, a device, a folder, a huge or unreadable file: never blocks, never reads without bound)."""
    try:
        return inputs.read_text(path, limit=_MAX_BYTES, errors="replace")
    except OSError:
        return None


def target_facts(path: str, module: str, is_pkg: bool, text: Optional[str] = None) -> FileFacts:
    """What a target module's text says: its star imports, and whether its names are knowable.

    Conservative by design: a name counts as defined when the word appears anywhere in the file (a def, an
    assignment, an import, a key of the dict a lazy ``__getattr__`` reads), which ``has_word`` answers when asked.
    ``known`` is False when names are made at run time: ``globals()`` at module level, or a ``__getattr__`` that
    reads no module-level dict.
    """
    if text is None:
        text = _read(path)
    if text is None:
        return {"star": [], "known": False, "hits": {}}
    # The anchored patterns are tried only at the lines that hold the words they need (found with str.find): tried
    # at every line, they cost milliseconds on a large module (typing_extensions, 165 kB, read by every run).
    known = not _dynamic(text)
    g_end = _getattr_end(text)
    if known and g_end >= 0:
        end = _NEXT_TOP.search(text, g_end)
        body = text[g_end: end.start() if end else len(text)]
        dicts = {m.group(1) for m in _DICT.finditer(text)}
        known = any(has_word(body, d) for d in dicts)
    star = []
    line_start = -1
    for hint in _STAR_HINT.finditer(text):  # a star import's line holds ``import *``; one statement per line
        start = text.rfind("\n", 0, hint.start()) + 1
        if start == line_start:
            continue
        line_start = start
        m = _STAR.match(text, start)
        if m is not None:
            raw = m.group(1)
            star.append(_resolve(raw.lstrip("."), len(raw) - len(raw.lstrip(".")), path, is_pkg, module))
    return {"star": star, "known": known, "hits": {}}


def _dynamic(text: str) -> bool:
    """``_DYNAMIC.search(text) is not None``, tried only from each ``globals()``: a line that starts with neither a
    space nor ``#`` and holds ``globals()`` as a whole word at most 201 characters in."""
    i = text.find("globals()")
    while i >= 0:
        start = text.rfind("\n", 0, i) + 1
        if (1 <= i - start <= 201 and not text[start].isspace() and text[start] != "#"
                and not _word_char(text[i - 1])):
            return True
        i = text.find("globals()", i + 1)
    return False


_GETATTR_HEAD = "def __getattr__("


def _getattr_end(text: str) -> int:
    """Where the first column-0 ``def __getattr__(`` ends (``_GETATTR.search(text).end()``), or -1."""
    if text.startswith(_GETATTR_HEAD):
        return len(_GETATTR_HEAD)
    i = text.find("\n" + _GETATTR_HEAD)
    return -1 if i < 0 else i + 1 + len(_GETATTR_HEAD)


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def has_word(text: str, name: str) -> bool:
    """True when ``name`` occurs in ``text`` as a whole identifier (not inside a longer one)."""
    n = len(name)
    i = text.find(name)
    while i >= 0:
        j = i + n
        if (i == 0 or not _word_char(text[i - 1])) and (j >= len(text) or not _word_char(text[j])):
            return True
        i = text.find(name, j)
    return False


_COMMENT = re.compile(r"#[^\n]{0,2000}")
_ALIAS = re.compile(r"([A-Za-z_]\w{0,200})(?:\s+as\s+\w{1,200})?")


@functools.lru_cache(maxsize=32)
def _statement_pattern(wanted: tuple[str, ...], relative: bool) -> re.Pattern[bytes]:
    """A column-0 ``from <wanted module> import ...`` (or a relative one), searched in bytes that start with a
    newline: the literal ``\\nfrom`` lets the regex engine skip to candidates instead of trying every position."""
    alts = sorted({w.rstrip(".") for w in wanted if w.rstrip(".")}, key=len, reverse=True)
    mods = b"|".join(re.escape(a.encode()) for a in alts) or b"(?!)"
    rel = rb"|\.{1,5}[\w.]{0,200}" if relative else b""
    return re.compile(rb"\nfrom[ \t]+((?:" + mods + rb")[\w.]{0,200}" + rel
                      + rb")[ \t]+import[ \t]+(\([^)]{0,20000}\)|[^\n#]{1,2000})")


@functools.lru_cache(maxsize=64)
def _prefixes(wanted: tuple[str, ...]) -> tuple[bytes, ...]:
    """``.`` (a relative import, resolved before it is judged) and each wanted module, as bytes."""
    return (b".", *(w.encode() for w in wanted))


def _statements(pattern: re.Pattern[bytes], data: bytes) -> Iterator[re.Match[bytes]]:
    """``pattern.finditer(data)`` for a pattern that starts with ``\\nfrom``: tried only where bytes.find puts that
    (the regex engine's own scan for its literal prefix is slower on megabytes of source)."""
    i = data.find(b"\nfrom")
    while i >= 0:
        m = pattern.match(data, i)
        if m is None:
            i = data.find(b"\nfrom", i + 5)  # the next "\nfrom" cannot start inside this one
        else:
            yield m
            i = data.find(b"\nfrom", m.end())


def top_imports(path: str, module: str, is_pkg: bool, wanted: tuple[str, ...], relative: bool = True,
                searched: tuple[str, ...] = (), *, data: Optional[bytes] = None) -> FileFacts:
    """The module-level ``from`` imports of modules starting with ``wanted``, read without parsing the file.

    ``relative``: also read relative imports (only needed where one can reach another distribution's module).
    ``searched``: the modules the bytes search looks for, when wider than ``wanted`` (one pattern serves every
    distribution of a run: each one compiled was a millisecond); the statements outside ``wanted`` are dropped,
    as bytes before anything is decoded (the module names the pattern takes are ASCII). ``data``: the file's
    bytes when the caller read them already."""
    imports: list[list[Union[int, str]]] = []
    if data is None:
        try:
            data = inputs.read_bytes(path, limit=_MAX_BYTES)
        except OSError:
            return {"imports": imports}
    data = b"\n" + data
    wanted_bytes = _prefixes(wanted)
    line, pos = 0, 0
    for m in _statements(_statement_pattern(searched or wanted, relative), data):
        module_bytes = m.group(1)
        if not module_bytes.startswith(wanted_bytes):
            continue  # an absolute import of a module outside ``wanted`` (its name is its target as it stands)
        raw = module_bytes.decode("utf-8", "replace")
        level = len(raw) - len(raw.lstrip("."))
        target = _resolve(raw.lstrip("."), level, path, is_pkg, module)
        if not target.startswith(wanted):
            continue
        line += data.count(b"\n", pos, m.start() + 1)
        pos = m.start() + 1
        body = _COMMENT.sub("", m.group(2).decode("utf-8", "replace")).strip("() \t\n\\")
        for part in body.split(","):
            a = _ALIAS.fullmatch(part.strip())
            if a is not None and a.group(1) != "*":
                imports.append([line, target, a.group(1)])
    return {"imports": imports}


class Scanner:
    """Parses files once per fingerprint; remembers facts in ``cache`` (path -> [mtime_ns, size, facts])."""

    def __init__(self, cache: Optional[dict[str, list[object]]] = None) -> None:
        self.cache: dict[str, list[object]] = cache if cache is not None else {}
        self.dirty = False
        self.parsed = 0
        self.searched: tuple[str, ...] = ()
        """Every module the run's importers are searched for (a superset of each file's ``wanted``)."""
        self._texts: dict[str, Optional[str]] = {}

    def facts(self, path: str, module: str, is_pkg: bool, wanted: tuple[str, ...],
              relative: bool = True) -> FileFacts:
        key = f"{path}|{','.join(wanted)}|{'r' if relative else ''}" if wanted else path
        hit = self.cache.get(key)
        data: Optional[bytes] = None
        if hit is None:
            # Nothing cached for this file (always so with --no-cache): it is read at once, and the read's own
            # fstat is its fingerprint (recorded by the read), instead of a stat before it.
            try:
                data, st = inputs.read_with_stat(path, limit=_MAX_BYTES)
            except OSError:  # not a regular file, too large, unreadable: as before, from its stat
                data = None
        if data is None:
            seen = inputs.stat(path)  # recorded even on a hit: the run's report depends on this file
            if seen is None or not stat.S_ISREG(seen.st_mode):
                return {"imports": [], "star": [], "known": False, "hits": {}}
            st = seen
            if hit is not None and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
                return hit[2]  # type: ignore[return-value]
        if wanted:
            facts = top_imports(path, module, is_pkg, wanted, relative, self.searched, data=data)
        else:
            self._texts[path] = text = _read(path) if data is None else data.decode("utf-8", "replace")
            facts = target_facts(path, module, is_pkg, text)
        self.parsed += 1
        self.cache[key] = [st.st_mtime_ns, st.st_size, facts]
        self.dirty = True
        return facts

    def has_word(self, path: str, name: str) -> bool:
        """Whether the target module at ``path`` (whose facts were taken this run) has the word ``name``."""
        entry = self.cache.get(path)
        hits = entry[2].get("hits") if entry is not None and isinstance(entry[2], dict) else None
        if isinstance(hits, dict) and name in hits:
            return bool(hits[name])
        if path not in self._texts:
            self._texts[path] = _read(path)
        text = self._texts[path]
        found = text is not None and has_word(text, name)
        if isinstance(hits, dict):
            hits[name] = found
            self.dirty = True
        return found


class Names:
    """What a module may define: a name is in it when it is a submodule or a word of the module's text (or of a
    module it star-imports). Looked up per name, so no module is ever turned into a word list."""

    def __init__(self, scanner: Scanner, paths: list[str], extra: set[str]) -> None:
        self._scanner = scanner
        self._paths = paths
        self._extra = extra

    def __contains__(self, name: object) -> bool:
        if not isinstance(name, str):
            return False
        return name in self._extra or any(self._scanner.has_word(p, name) for p in self._paths)


def module_file(roots: Iterable[str], module: str) -> Optional[tuple[str, bool]]:
    """(file, is_package) of ``module`` in the first root that has it."""
    rel = module.replace(".", os.sep)
    for root in roots:
        pkg = os.path.join(root, rel, "__init__.py")
        if inputs.is_file(pkg):
            return pkg, True
        mod = os.path.join(root, rel + ".py")
        if inputs.is_file(mod):
            return mod, False
    return None


def exported(scanner: Scanner, roots: tuple[str, ...], module: str, depth: int = 0) -> Optional[Names]:
    """The names ``module`` may define, or None when unknown (no source, or names made at run time). A name not
    in it is certainly not importable from the module."""
    found = module_file(roots, module)
    if found is None or depth > 6:
        return None
    path, is_pkg = found
    facts = scanner.facts(path, module, is_pkg, ())
    if not facts.get("known"):
        return None
    paths = [path]
    extra: set[str] = set()
    for sub in facts["star"]:  # type: ignore[attr-defined]
        inner = exported(scanner, roots, str(sub), depth + 1)
        if inner is None:
            return None
        paths += inner._paths
        extra |= inner._extra
    if is_pkg:
        # submodules are importable as names of their package (``from pkg import submodule``)
        folder = os.path.dirname(path)
        try:
            for entry in inputs.listdir(folder):
                if entry.endswith(".py"):
                    extra.add(entry[:-3])
                elif inputs.is_file(os.path.join(folder, entry, "__init__.py")):
                    extra.add(entry)
        except OSError:
            return None
    return Names(scanner, paths, extra)


def load_cache(path: str) -> dict[str, list[object]]:
    try:
        data = json.loads(inputs.read_own(path))
    except (OSError, ValueError, RecursionError):
        return {}
    if not isinstance(data, dict) or data.get("format") != _FORMAT or not isinstance(data.get("files"), dict):
        return {}
    return data["files"]  # type: ignore[no-any-return]


def save_cache(path: str, files: Mapping[str, list[object]]) -> None:
    from ..cache import _atomic_write

    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        _atomic_write(__import__("pathlib").Path(path),
                      json.dumps({"format": _FORMAT, "files": dict(files)}).encode("utf-8"))
    except OSError:
        pass
