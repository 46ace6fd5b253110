"""The symbol-level import scan: which names installed packages import from which modules, and which exist.

Nothing is imported, and nothing is parsed with ``ast`` either: parsing every file of seven integrations took
several times ``pip check``. Importers are read for their module-level ``from X import a, b`` statements (at
column 0: they run unconditionally; imports under ``if TYPE_CHECKING:``, in ``try:`` or in functions are indented
and not checked). A target module is read as text; a name counts as defined when the word occurs anywhere in it or
in the modules it star-imports, or names a submodule (conservative: a missing name is certainly missing). A module
that makes names at run time (``globals()`` at module level, a ``__getattr__`` that reads no module-level dict)
is *unknown*, and nothing is said about it. Results per file are cached by the file's fingerprint (path, mtime,
size) in the doctor's cache folder, so a re-run reads JSON instead of files.

Every file and folder is read through the run's recorder (``doctor.inputs``): bounded, regular files only, and
noted in the run's record even on a fingerprint hit, so that an edit to a scanned module invalidates the run's
cached report. The fingerprint cache itself is the doctor's own file, read without being recorded.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from typing import TYPE_CHECKING, Optional, Union

from .. import inputs

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

_MAX_FILES = 3_000
_MAX_BYTES = 2_000_000
_FORMAT = 3


@dataclass(frozen=True)
class ImportUse:
    """``from module import name`` at a file's top level."""

    file: str
    line: int
    module: str
    name: str


FileFacts = dict[str, object]
"""An importer's ``{"imports": [[line, module, name], ...]}`` or a target's ``{"words", "star", "known"}``."""


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
# Indented too: ``try: from pydantic.v1 import *`` (langchain_core.pydantic_v1) is a star import all the same.
_STAR = re.compile(r"^[ \t]*from[ \t]+(\.{0,5}[\w.]{0,200})[ \t]+import[ \t]+\*", re.MULTILINE)
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


def target_facts(path: str, module: str, is_pkg: bool) -> FileFacts:
    """What a target module's text says: its words, its star imports, and whether its names are knowable.

    Conservative by design: a name counts as defined when the word appears anywhere in the file (a def, an
    assignment, an import, a key of the dict a lazy ``__getattr__`` reads). ``known`` is False when names are
    made at run time: ``globals()`` at module level, or a ``__getattr__`` that reads no module-level dict.
    """
    text = _read(path)
    if text is None:
        return {"words": [], "star": [], "known": False}
    known = _DYNAMIC.search(text) is None
    g = _GETATTR.search(text)
    if known and g is not None:
        end = _NEXT_TOP.search(text, g.end())
        body = text[g.end(): end.start() if end else len(text)]
        dicts = {m.group(1) for m in _DICT.finditer(text)}
        known = any(re.search(r"\b" + re.escape(d) + r"\b", body) for d in dicts)
    star = [_resolve(m.group(1).lstrip("."), len(m.group(1)) - len(m.group(1).lstrip(".")), path, is_pkg, module)
            for m in _STAR.finditer(text)]
    words = sorted(set(re.findall(r"[A-Za-z_]\w{0,200}", text)))
    return {"words": words, "star": star, "known": known}


# A module-level ``from X import a, b`` / ``from X import (a,\n b)``: at column 0, so it runs unconditionally
# (imports under ``if TYPE_CHECKING:``, ``try:`` or in functions are indented and not matched).
_TOP_IMPORT = re.compile(r"^from[ \t]+(\.{0,5}[\w.]{0,200})[ \t]+import[ \t]+(\([^)]{0,20000}\)|[^\n#]{1,2000})",
                         re.MULTILINE)
_ALIAS = re.compile(r"([A-Za-z_]\w{0,200})(?:\s+as\s+\w{1,200})?")


def top_imports(path: str, module: str, is_pkg: bool, wanted: tuple[str, ...]) -> FileFacts:
    """The module-level ``from`` imports of modules starting with ``wanted``, read without parsing the file."""
    text = _read(path)
    if text is None:
        return {"imports": []}
    imports: list[list[Union[int, str]]] = []
    if not any(w.rstrip(".") in text for w in wanted) and "from ." not in text:
        return {"imports": imports}
    for m in _TOP_IMPORT.finditer(text):
        raw = m.group(1)
        level = len(raw) - len(raw.lstrip("."))
        target = _resolve(raw.lstrip("."), level, path, is_pkg, module)
        if not target.startswith(wanted):
            continue
        line = text.count("\n", 0, m.start()) + 1
        body = re.sub(r"#[^\n]{0,2000}", "", m.group(2)).strip("() \t\n\\")
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

    def facts(self, path: str, module: str, is_pkg: bool, wanted: tuple[str, ...]) -> FileFacts:
        st = inputs.stat(path)  # recorded even on a hit: the run's report depends on this file
        if st is None or not stat.S_ISREG(st.st_mode):
            return {"imports": [], "words": [], "star": [], "known": False}
        key = f"{path}|{','.join(wanted)}"
        hit = self.cache.get(key)
        if hit is not None and hit[0] == st.st_mtime_ns and hit[1] == st.st_size:
            return hit[2]  # type: ignore[return-value]
        facts = top_imports(path, module, is_pkg, wanted) if wanted else target_facts(path, module, is_pkg)
        self.parsed += 1
        self.cache[key] = [st.st_mtime_ns, st.st_size, facts]
        self.dirty = True
        return facts


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


def exported(scanner: Scanner, roots: tuple[str, ...], module: str, depth: int = 0) -> Optional[set[str]]:
    """The words that may name what ``module`` defines, or None when unknown (no source, or names made at run
    time). A name absent from this set is certainly not importable from the module."""
    found = module_file(roots, module)
    if found is None or depth > 6:
        return None
    path, is_pkg = found
    facts = scanner.facts(path, module, is_pkg, ())
    if not facts.get("known"):
        return None
    names: set[str] = {str(n) for n in facts["words"]}  # type: ignore[attr-defined]
    for sub in facts["star"]:  # type: ignore[attr-defined]
        inner = exported(scanner, roots, str(sub), depth + 1)
        if inner is None:
            return None
        names |= inner
    if is_pkg:
        # submodules are importable as names of their package (``from pkg import submodule``)
        folder = os.path.dirname(path)
        try:
            for entry in inputs.listdir(folder):
                if entry.endswith(".py"):
                    names.add(entry[:-3])
                elif inputs.is_file(os.path.join(folder, entry, "__init__.py")):
                    names.add(entry)
        except OSError:
            return None
    return names


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
