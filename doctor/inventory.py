"""Inventory: the distributions on the target's path, read from their metadata files (nothing is imported)."""

from __future__ import annotations

import errno
import functools
import os
import re
import stat as stat_mod
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, Optional, Union

from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from .inputs import is_dir, listdir, read_text, stat
from .knowledge.providers import INTEGRATION_PACKAGES, SDK_PACKAGES

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from packaging.markers import Marker
    from packaging.requirements import Requirement

LANGCHAIN_EXACT = frozenset({"langchain", "langsmith"})
METADATA_LIMIT = 32 * 1024 * 1024
"""METADATA/PKG-INFO larger than this is not read (a long description is a few hundred kB at most)."""
RECORD_LIMIT = 32 * 1024 * 1024
"""RECORD (and files hashed against it) larger than this are not read."""
PYDANTIC = frozenset({"pydantic", "pydantic-core"})


def family_of(name: str) -> str:
    """langchain | pydantic | sdk | "" for a normalised distribution name."""
    if name == "langchain-doctor":  # ourselves: a tool, not part of what the notebook imports
        return ""
    if name in LANGCHAIN_EXACT or name.startswith(("langchain-", "langgraph")):
        return "langchain"
    if name in PYDANTIC:
        return "pydantic"
    if name in SDK_PACKAGES:
        return "sdk"
    if name in INTEGRATION_PACKAGES:
        return "langchain"
    return ""


class Dist(NamedTuple):
    """One installed distribution, as its metadata folder describes it."""

    name: str
    """PEP 503 normalised name (from METADATA's Name, else from the folder name)."""
    raw_version: Optional[str]
    """The Version field as written, or None when missing."""
    location: str
    """The sys.path entry holding it."""
    metadata_dir: str
    """Path of the .dist-info / .egg-info folder."""
    requires: tuple[str, ...] = ()
    """Requires-Dist lines as written."""
    problems: tuple[str, ...] = ()
    """Why its metadata could not be read fully (unreadable file, invalid version...)."""
    family: str = ""

    @property
    def version(self) -> Optional[Version]:
        """Parsed version, None when missing or invalid."""
        return None if self.raw_version is None else parse_version(self.raw_version)

    def requirements(self) -> list[Req]:
        """Parsed Requires-Dist; unparsable lines are skipped."""
        return [r for r in map(parse_requirement, self.requires) if r is not None]

    def recorded_files(self) -> Optional[list[str]]:
        """Paths listed in RECORD (relative to ``location``), or None when there is no RECORD."""
        files = _record(self.metadata_dir)
        return None if files is None else list(files)

    def top_level_names(self) -> list[str]:
        """Import names this distribution provides (top_level.txt, else derived from RECORD)."""
        tl = Path(self.metadata_dir) / "top_level.txt"
        try:
            names = [n.strip() for n in read_text(tl, limit=METADATA_LIMIT).splitlines() if n.strip()]
            if names:
                return names
        except (OSError, UnicodeDecodeError):
            pass
        found: list[str] = []
        for rel in _record(self.metadata_dir) or ():
            head = rel.split("/", 1)[0]
            if head.endswith((".dist-info", ".egg-info", ".data")) or head in ("..", "__pycache__"):
                continue
            name = head[:-3] if head.endswith(".py") else head
            if "/" in rel or head.endswith(".py"):
                if name.isidentifier() and name not in found:
                    found.append(name)
        return found


class Inventory(NamedTuple):
    """All distributions on the target's path, in path order (the first of a name is the one imported)."""

    dists: tuple[Dist, ...]
    scanned: tuple[str, ...]
    """Path entries that were folders and were scanned."""
    by_name: dict[str, Dist]
    """First (winning) distribution of each name."""
    unreadable: tuple[tuple[str, str], ...] = ()
    """Path entries that could not be listed (a symlink loop, a name too long): (entry, why)."""

    def get(self, name: str) -> Optional[Dist]:
        """The winning distribution of ``name`` (any spelling), or None."""
        return self.by_name.get(canonicalize_name(name))

    def version_of(self, name: str) -> Optional[Version]:
        """Installed version of ``name``, or None."""
        d = self.get(name)
        return d.version if d else None

    def family(self, family: str) -> list[Dist]:
        """Winning distributions of one family."""
        return [d for d in self.by_name.values() if d.family == family]


def _record(metadata_dir: str) -> Optional[tuple[str, ...]]:
    """RECORD's paths, parsed once per version of the file (the integrity and requirements checks both ask)."""
    path = os.path.join(metadata_dir, "RECORD")
    st = stat(path)
    if st is None:
        return None
    return _parse_record(path, st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=1024)
def _parse_record(path: str, mtime_ns: int, size: int) -> Optional[tuple[str, ...]]:
    # mtime and size are part of the cache key: a RECORD rewritten in the same process (a fix, a test) is reread.
    try:
        text = read_text(path, limit=RECORD_LIMIT, errors="replace")
    except OSError:
        return None
    files = []
    for line in text.splitlines():
        path = line.rsplit(",", 2)[0] if line.count(",") >= 2 else line
        if path:
            files.append(path.strip('"'))
    return tuple(files)


def _name_from_folder(folder: str) -> str:
    stem = folder.rsplit(".", 1)[0]
    # "name-version" for dist-info; egg-info may lack the version.
    return stem.split("-", 1)[0]


@functools.lru_cache(maxsize=4096)
def parse_version(raw: str) -> Optional[Version]:
    """A Version, parsed once per distinct string (the checks ask for the same ones many times); None if invalid."""
    try:
        return Version(raw)
    except InvalidVersion:
        return None


def canonicalize_name(name: str) -> str:
    """PEP 503 normalisation (``re.sub(r"[-_.]+", "-", name).lower()``), as packaging's ``canonicalize_name``.

    Here rather than imported: ``packaging.utils`` imports ``packaging.tags`` (logging, sysconfig, ctypes...),
    a tenth of a static check's start-up for one line of code. A test compares the two on every name.
    """
    return _SEPARATORS.sub("-", name).lower()


_SEPARATORS = re.compile(r"[-_.]+")


@functools.lru_cache(maxsize=4096)
def parse_requirement(line: str) -> Optional[Req]:
    """A requirement, parsed once per distinct line (several checks ask for the same ones); None if invalid.

    Shared between callers: never mutate it (``read_requirement`` gives a fresh one).
    """
    return read_requirement(line)


def read_requirement(line: str) -> Optional[Req]:
    """A Requires-Dist line as packaging reads it, or None when packaging rejects it.

    The common forms (a name, extras, version specifiers, and a marker of ``and``/``or``-joined comparisons) are
    read here, with packaging's own ``SpecifierSet``: ``packaging.requirements`` (its parser, its markers and
    ``packaging.tags``) costs more to import than a static check spends reading every requirement of an
    environment. Anything else (a URL, ``in``, an unusual spelling) is handed to packaging itself. A test
    compares both readings on every Requires-Dist line of the real test venvs.
    """
    m = _SIMPLE.fullmatch(line)
    if m is not None:
        spec = m.group("spec") if m.group("spec") is not None else (m.group("pspec") or "")
        marker = m.group("marker")
        try:
            specifier = SpecifierSet(spec)
        except InvalidSpecifier:
            specifier = None
        if specifier is not None and (marker is None or _marker_tree(marker) is not None):
            extras = m.group("extras")
            names = {e.strip() for e in extras.split(",")} if extras else set()
            return Req(line, m.group("name"), names, specifier, marker)
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        parsed = Requirement(line)
    except InvalidRequirement:
        return None
    req = Req(line, parsed.name, set(parsed.extras), parsed.specifier, None)
    req._full = parsed
    return req


def marker_excludes(line: str, environment: Mapping[str, str]) -> bool:
    """True when the Requires-Dist ``line`` certainly does not apply: its marker, read as ``Req.holds`` reads it,
    is false for ``environment`` (the base install). Answered from the line alone, before any specifier is built:
    most lines of an environment are gated by an extra that is not installed. False whenever in doubt (no marker,
    a form only packaging reads): then the line is parsed and judged as before."""
    m = _SIMPLE.fullmatch(line)
    marker = m.group("marker") if m is not None else None
    if marker is None:
        return False
    tree = _marker_tree(marker)
    return tree is not None and _evaluate(tree, environment) is False


class Req:
    """A requirement: what packaging's ``Requirement`` gives for the same line (name, extras, specifier, url,
    marker, ``str``), read without packaging's parser where the line allows it.

    ``marker`` and, for a line with a marker, ``str()`` come from packaging itself (parsed when first asked: only
    messages and fixes ask). ``holds`` answers whether the marker holds for a target without it.
    """

    __slots__ = ("_full", "_marker", "extras", "line", "name", "specifier")

    def __init__(self, line: str, name: str, extras: set[str], specifier: SpecifierSet,
                 marker: Optional[str]) -> None:
        self.line = line
        self.name = name
        self.extras = extras
        self.specifier = specifier
        self._marker = marker
        self._full: Optional[Requirement] = None

    def full(self) -> Requirement:
        """packaging's own reading of the line."""
        if self._full is None:
            from packaging.requirements import Requirement

            self._full = Requirement(self.line)
        return self._full

    @property
    def url(self) -> Optional[str]:
        return None if self._full is None else self._full.url

    @property
    def marker(self) -> Optional[Marker]:
        if self._full is None and self._marker is None:
            return None
        return self.full().marker

    def holds(self, environment: Mapping[str, str]) -> Optional[bool]:
        """Whether the marker holds (``extra`` empty: the base install); None when packaging must say."""
        if self._full is not None:
            return None
        if self._marker is None:
            return True
        tree = _marker_tree(self._marker)
        return None if tree is None else _evaluate(tree, environment)

    def __str__(self) -> str:
        if self._full is not None or self._marker is not None:
            full = self.full()
            if (full.name, full.extras, full.specifier) == (self.name, self.extras, self.specifier):
                return str(full)
        # packaging's spelling: name, sorted extras, specifiers, then the marker (a fix may have merged specifiers)
        extras = f"[{','.join(sorted(self.extras))}]" if self.extras else ""
        marker = self.marker
        return f"{self.name}{extras}{self.specifier}{f'; {marker}' if marker else ''}"

    def __repr__(self) -> str:
        return f"<Requirement({str(self)!r})>"


# The forms read without packaging's parser. Stricter than PEP 508 on purpose: a line this does not take is
# read by packaging. Specifiers: operator and version, no space inside; commas may be spaced.
_PEP508_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_ONE_SPEC = r"(?:===|==|~=|!=|<=|>=|<|>)[A-Za-z0-9.*+!_-]+"
_SPECS = rf"{_ONE_SPEC}(?:[ \t]*,[ \t]*{_ONE_SPEC})*"
_SIMPLE = re.compile(
    rf"[ \t]*(?P<name>{_PEP508_NAME})[ \t]*"
    rf"(?:\[[ \t]*(?P<extras>{_PEP508_NAME}(?:[ \t]*,[ \t]*{_PEP508_NAME})*)[ \t]*\][ \t]*)?"
    rf"(?:(?P<spec>{_SPECS})|\([ \t]*(?P<pspec>{_SPECS})[ \t]*\))?[ \t]*"
    r"(?:;[ \t]*(?P<marker>[^;]*?))?[ \t]*"
)
_MARKER_TOKEN = re.compile(
    r"[ \t]*(?:(?P<paren>[()])|(?P<bool>and|or)(?![A-Za-z0-9_])|(?P<var>[a-z_]+)(?![A-Za-z0-9_.])"
    r"|(?P<op>===|==|~=|!=|<=|>=|<|>)|'(?P<sq>[^']*)'|\"(?P<dq>[^\"]*)\")"
)
# The marker variables read here (their PEP 508 spellings; packaging also takes dotted legacy ones).
_MARKER_VARS = frozenset({
    "python_version", "python_full_version", "os_name", "sys_platform", "platform_release", "platform_system",
    "platform_version", "platform_machine", "platform_python_implementation", "implementation_name",
    "implementation_version", "extra",
})
# Compared as versions by every packaging release when the value reads as one.
_VERSION_VARS = frozenset({"python_version", "python_full_version", "implementation_version"})

_Atom = tuple[str, str, str]
_Tree = list[list[Union[_Atom, "_Tree"]]]  # or-groups of and-ed atoms (and nested trees)


@functools.lru_cache(maxsize=1024)
def _marker_tree(text: str) -> Optional[_Tree]:
    """The marker as or-groups of and-ed ``(variable, op, value)`` atoms, or None for anything else."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _MARKER_TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            if text[pos:].strip(" \t") == "":
                break
            return None
        pos = m.end()
        kind = m.lastgroup or ""
        if kind in ("sq", "dq"):
            tokens.append(("value", m.group(kind)))
        else:
            tokens.append((kind, m.group(kind)))
    tree, end = _parse_or(tokens, 0)
    return tree if tree is not None and end == len(tokens) else None


def _parse_or(tokens: list[tuple[str, str]], i: int) -> tuple[Optional[_Tree], int]:
    groups: _Tree = [[]]
    while True:
        item, i = _parse_item(tokens, i)
        if item is None:
            return None, i
        groups[-1].append(item)
        if i < len(tokens) and tokens[i][0] == "bool":
            if tokens[i][1] == "or":
                groups.append([])
            i += 1
            continue
        return groups, i


def _parse_item(tokens: list[tuple[str, str]], i: int) -> tuple[Optional[Union[_Atom, _Tree]], int]:
    if i < len(tokens) and tokens[i] == ("paren", "("):
        inner, i = _parse_or(tokens, i + 1)
        if inner is None or i >= len(tokens) or tokens[i] != ("paren", ")"):
            return None, i
        return inner, i + 1
    if (i + 2 < len(tokens) and tokens[i][0] == "var" and tokens[i][1] in _MARKER_VARS
            and tokens[i + 1][0] == "op" and tokens[i + 2][0] == "value"):
        return (tokens[i][1], tokens[i + 1][1], tokens[i + 2][1]), i + 3
    return None, i


class _Unknown(Exception):
    """A comparison whose answer differs between packaging releases or raises there: packaging decides."""


def _evaluate(tree: _Tree, environment: Mapping[str, str]) -> Optional[bool]:
    try:
        return _any_group(tree, environment)
    except _Unknown:
        return None


def _any_group(tree: _Tree, environment: Mapping[str, str]) -> bool:
    # Every comparison is evaluated (as packaging does): one it cannot make decides the whole marker.
    values = [[_item(x, environment) for x in group] for group in tree]
    return any(all(group) for group in values)


def _item(item: Union[_Atom, _Tree], environment: Mapping[str, str]) -> bool:
    if isinstance(item, list):
        return _any_group(item, environment)
    var, op, value = item
    if var == "extra":
        lhs = ""  # the base install: no extra selected
    elif var in environment:
        lhs = environment[var]
    else:
        raise _Unknown(var)
    try:
        spec: Optional[Specifier] = Specifier(f"{op}{value}")
    except InvalidSpecifier:
        spec = None
    if spec is not None:
        if var not in _VERSION_VARS:
            raise _Unknown(var)  # older packaging compares these as versions, newer as text
        return spec.contains(lhs, prereleases=True)
    if var == "extra":
        if op not in ("==", "!="):
            raise _Unknown(var)
        equal = canonicalize_name(value) == lhs
        return equal if op == "==" else not equal
    if op == "==":
        return lhs == value
    if op == "!=":
        return lhs != value
    raise _Unknown(var)


# The fields read from METADATA, with their folded continuation lines (RFC 822). One C-level scan of the
# header block instead of a Python loop over its lines (Classifier lines alone are often a hundred); the pattern
# starts with a literal newline (the block is read with one put before it), so the engine tries it only at line
# starts instead of at every character, as a multi-line ``^`` with ignored case made it do.
_FIELDS = re.compile(r"\n((?i:name|version|requires-dist))[ \t]*:[ \t]*([^\r\n]*(?:\r?\n[ \t][^\r\n]*)*)")


def parse_headers(text: str) -> dict[str, list[str]]:
    """Name, Version and Requires-Dist of a METADATA/PKG-INFO header block, lower-cased names -> values.

    The body (the long description) is not parsed: email's full parser costs ten times more per distribution,
    which matters at thousands of distributions.
    """
    end = text.find("\n\n")
    if end < 0:
        end = text.find("\n\r\n")  # CRLF line endings (rare)
    if end >= 0:
        text = text[:end]
    headers: dict[str, list[str]] = {}
    for m in _FIELDS.finditer("\n" + text):
        value = m.group(2)
        value = " ".join(part.strip() for part in value.split("\n")) if "\n" in value else value.strip()
        headers.setdefault(m.group(1).lower(), []).append(value)
    return headers


def read_dist(location: str, folder: str) -> Dist:
    """Read one metadata folder, never raising: problems become data.

    A .dist-info's METADATA is read with one open(): the three header fields used here need no library,
    and importing importlib-metadata costs more than reading a thousand distributions' headers. The tests
    check this reader against importlib-metadata's answers on every distribution of the real test venvs.
    """
    meta_dir = os.path.join(location, folder)
    problems: list[str] = []
    name = canonicalize_name(_name_from_folder(folder))
    raw_version: Optional[str] = None
    requires: tuple[str, ...] = ()
    if not is_dir(meta_dir):
        # A single-file .egg-info (old distutils): the file is PKG-INFO itself.
        problems.append("single-file .egg-info: requirements unknown")
        parts = folder[: -len(".egg-info")].split("-")
        raw_version = parts[1] if len(parts) > 1 else None
        return Dist(name, raw_version, location, meta_dir, (), tuple(problems), family_of(name))
    text: Optional[str] = None
    try:
        for filename in ("METADATA", "PKG-INFO"):
            try:
                text = read_text(os.path.join(meta_dir, filename), limit=METADATA_LIMIT)
                break
            except OSError as exc:
                if exc.errno == errno.ENOENT:
                    continue
                raise
    except UnicodeDecodeError:
        problems.append("METADATA is not valid UTF-8 text")
    except OSError as exc:
        problems.append(f"METADATA unreadable: {exc.strerror or exc}")
    if text is None and not problems:
        problems.append("no METADATA or PKG-INFO file")
    record = stat(os.path.join(meta_dir, "RECORD"))
    if record is not None and not stat_mod.S_ISREG(record.st_mode):
        problems.append("RECORD is not a regular file; not read")
    if text is not None:
        headers = parse_headers(text)
        meta_name = headers.get("name", [None])[0]
        if meta_name:
            name = canonicalize_name(meta_name)
        else:
            problems.append("METADATA has no Name")
        raw_version = headers.get("version", [None])[0]
        if raw_version is None:
            problems.append("METADATA has no Version")
        else:
            if parse_version(raw_version) is None:
                problems.append(f"invalid version {raw_version!r}")
        requires = tuple(headers.get("requires-dist", ()))
    if not requires and folder.endswith(".egg-info"):
        # requires.txt's [extra:marker] sections become markers: importlib-metadata's job, and only egg-info
        # needs it, so the library is imported here (about 8 ms of start-up otherwise paid by every run).
        import importlib_metadata

        try:
            requires = tuple(importlib_metadata.PathDistribution(Path(meta_dir)).requires or ())
        except (OSError, UnicodeDecodeError, ValueError):
            pass
    return Dist(name, raw_version, location, meta_dir, requires, tuple(problems), family_of(name))


def scan(path_entries: Sequence[str]) -> Inventory:
    """Scan each folder on the path for .dist-info/.egg-info, in order."""
    dists: list[Dist] = []
    scanned: list[str] = []
    seen_entries: set[str] = set()
    unreadable: list[tuple[str, str]] = []
    for entry in path_entries:
        if not entry or entry in seen_entries:
            continue
        seen_entries.add(entry)
        try:
            names = listdir(entry, suffixes=(".dist-info", ".egg-info"))
        except (NotADirectoryError, FileNotFoundError, PermissionError):
            continue  # zip files, missing or closed entries hold no installed metadata we can read here
        except OSError as exc:  # a symlink loop, a name too long, an I/O error: said, never a traceback
            unreadable.append((entry, exc.strerror or type(exc).__name__))
            continue
        scanned.append(entry)
        dists.extend(read_dist(entry, name) for name in names)
    by_name: dict[str, Dist] = {}
    for d in dists:
        by_name.setdefault(d.name, d)
    for name, first in list(by_name.items()):
        twins = [d for d in dists if d.name == name and d.location == first.location]
        if len(twins) > 1:
            by_name[name] = owner(twins)
    return Inventory(tuple(dists), tuple(scanned), by_name, tuple(unreadable))


_MAX_VERIFIED = 3
"""Files whose hash is compared with RECORD's when several metadata folders of one project claim them."""


def owner(twins: Sequence[Dist]) -> Dist:
    """Of several metadata folders of one project in one folder, the one that owns the installed files.

    Not the first by name: a stale copy (a renamed ``langchain_core-0.2.43.dist-info`` next to the real 0.3 one)
    would then decide the version every check judges. The owner's RECORD lists its own metadata folder, and the
    hashes it records for the package's first files match the files on disk (what ``import`` actually loads).
    Ties keep the first.
    """
    def score(d: Dist) -> tuple[int, int]:
        own = os.path.basename(d.metadata_dir)
        entries = _record_entries(d.metadata_dir)
        lists_itself = any(path.startswith(own + "/") for path, _ in entries)
        checked = matched = 0
        for path, digest in entries:
            if checked >= _MAX_VERIFIED:
                break
            if not digest.startswith("sha256=") or not path.endswith(".py") or path.startswith(".."):
                continue
            checked += 1
            matched += _hash_matches(os.path.join(d.location, path), digest[len("sha256="):])
        return (matched if checked and matched == checked else 0, int(lists_itself))

    return max(twins, key=score)  # max keeps the first of equal scores


def _record_entries(metadata_dir: str) -> list[tuple[str, str]]:
    """(path, hash) pairs of RECORD (hash may be empty); [] when it cannot be read."""
    try:
        text = read_text(os.path.join(metadata_dir, "RECORD"), limit=RECORD_LIMIT, errors="replace")
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        parts = line.rsplit(",", 2)
        if len(parts) == 3 and parts[0]:
            out.append((parts[0].strip('"'), parts[1]))
    return out


def _hash_matches(path: str, expected: str) -> int:
    import base64
    import hashlib

    from .inputs import read_bytes

    try:
        data = read_bytes(path, limit=RECORD_LIMIT)
    except OSError:
        return 0
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return int(digest == expected)
