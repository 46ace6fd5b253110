"""Where a finding belongs in the user's files: the notebook line that needs the provider, the requirement pin.

CI formats (SARIF, GitHub annotations) put a finding on a line. A finding about a provider that a ``--notebook``
uses points at the first import or chat-class call of that provider in the notebook (for an ``.ipynb``, the line
of the JSON text as stored, which is what code scanning and annotations count). A finding about a package points
at the line of a ``requirements*.txt`` or ``pyproject.toml`` (in the notebook's or the working folder) that names
it, where one exists. Files are only read; a file that cannot be read gives no location.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Optional

from .knowledge.providers import BY_NAME, by_class, by_module
from .model import SourceLocation

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from .context import Environment
    from .model import Finding
    from .redact import Redactor

_REQ_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_TOML_NAME = re.compile(r"""["']\s*([A-Za-z0-9][A-Za-z0-9._-]*)""")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*=")
_MAX_BYTES = 2_000_000


def _canon(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def shown_path(path: str, cwd: str) -> str:
    """``path`` relative to ``cwd`` when it lies below it (what CI tools expect), else as given."""
    try:
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(cwd))
    except ValueError:  # another drive on Windows
        return path
    return path if rel.startswith("..") else rel.replace(os.sep, "/")


def _read_lines(path: str) -> tuple[str, ...]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(_MAX_BYTES)
    except OSError:
        return ()
    return tuple(raw.decode("utf-8", errors="replace").splitlines())


def ipynb_line(path: str, cell: int, line: int) -> int:
    """The line of the stored ``.ipynb`` JSON holding line ``line`` of the ``cell``-th code cell (1-based).

    nbformat writes one JSON string per source line after ``"source": [``; a notebook written otherwise gets the
    ``"source"`` line itself, and a cell that cannot be found gets line 1.
    """
    lines = _read_lines(path)
    seen = 0
    n = 0
    while n < len(lines):
        if re.search(r'"cell_type"\s*:\s*"code"', lines[n]):
            seen += 1
            if seen == cell:
                break
        n += 1
    else:
        return 1
    # The cell's own keys follow (nbformat sorts them, "source" last); stop at the next cell.
    for m in range(n, len(lines)):
        if m > n and '"cell_type"' in lines[m]:
            break
        text = lines[m]
        if '"source"' in text:
            if text.rstrip().endswith("["):
                return min(m + 1 + line, len(lines))
            return m + 1
    # "source" may precede "cell_type" in a hand-written file: look back to the previous cell.
    for m in range(n, -1, -1):
        if '"source"' in lines[m]:
            return m + 1 + (line if lines[m].rstrip().endswith("[") else 0)
        if m < n and '"cell_type"' in lines[m]:
            break
    return n + 1


def _notebook_sites(env: Environment) -> dict[str, list[SourceLocation]]:
    """Provider -> where each notebook first imports or calls it (one location per notebook)."""
    out: dict[str, list[SourceLocation]] = {}
    for facts in env.notebook_facts:
        path = str(facts.path)
        is_ipynb = path.endswith(".ipynb")
        uses: list[tuple[int, int, str, str]] = []  # (cell, line, provider, text)
        for imp in facts.imports:
            for p in by_module(imp.module):
                uses.append((imp.cell, imp.line, p.name, imp.source))
        for cls in facts.classes:
            found = by_class(cls.name)
            prov = cls.provider or (found.name if found is not None else None)
            if prov:
                uses.append((cls.cell, cls.line, prov, f"{cls.name}(...)"))
        # Together used through ChatOpenAI: the class's call is where the notebook needs it.
        for prov, package in facts.provider_packages:
            if all(u[2] != prov for u in uses):
                uses += [(c, ln, prov, t) for c, ln, q, t in uses if BY_NAME.get(q) and BY_NAME[q].package == package]
        uses.sort(key=lambda u: (u[0], u[1]))
        done: set[str] = set()
        shown = shown_path(path, os.getcwd())
        for cell, line, prov, text in uses:
            if prov in done:
                continue
            done.add(prov)
            file_line = ipynb_line(path, cell, line) if is_ipynb else line
            out.setdefault(prov, []).append(SourceLocation(shown, file_line, text))
    return out


def _pin_files(env: Environment) -> list[str]:
    folders: list[str] = []
    for f in (env.work_dir, os.getcwd(), *(os.path.dirname(os.path.abspath(n.path)) for n in env.notebook_facts)):
        if f and os.path.abspath(f) not in folders:
            folders.append(os.path.abspath(f))
    files = []
    for folder in folders:
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        files += [os.path.join(folder, n) for n in names
                  if (n.startswith("requirements") and n.endswith((".txt", ".in"))) or n == "pyproject.toml"]
    return files


def pin_line(path: str, package: str, redactor: Optional[Redactor] = None) -> Optional[SourceLocation]:
    """The first line of a requirements file or pyproject.toml that names ``package``, or None.

    The line is redacted whole before it is cut (an index URL with a token in it would otherwise leave a fragment
    at the cut that no later pass recognises)."""
    from .redact import clip

    want = _canon(package)
    toml = path.endswith(".toml")
    for n, text in enumerate(_read_lines(path), 1):
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if toml:
            names = [m.group(1) for m in _TOML_NAME.finditer(text)]
            if (key := _TOML_KEY.match(text)) is not None:
                names.append(key.group(1))
        else:
            m = _REQ_NAME.match(text)
            names = [m.group(1)] if m else []
        if any(_canon(x) == want for x in names):
            return SourceLocation(shown_path(path, os.getcwd()), n, clip(stripped, 200, redactor))
    return None


def _packages_of(f: Finding, env: Environment) -> list[str]:
    out = []
    if f.provider and f.provider in BY_NAME:
        out.append(env.needed_packages.get(f.provider, BY_NAME[f.provider].package))
    subject = f.subject.split()[0] if f.subject else ""
    if subject and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", subject) and env.inventory.get(subject) is not None:
        out.append(subject)
    elif subject and f.code.startswith(("LCD1", "LCD2")) and re.fullmatch(r"[a-z0-9][a-z0-9._-]*", subject):
        out.append(subject)
    return [p for n, p in enumerate(out) if p not in out[:n]]


def locate_findings(findings: Sequence[Finding], env: Environment) -> list[Finding]:
    """The findings with their ``locations`` filled: notebook sites of their provider, then package pins."""
    sites = _notebook_sites(env) if env.notebook_facts else {}
    files = _pin_files(env)
    fallback = _fallback(env, files)
    out = []
    for f in findings:
        locs: list[SourceLocation] = list(f.locations)
        if f.provider and f.provider in sites:
            locs += sites[f.provider]
        for package in _packages_of(f, env):
            locs += _pins(files, package, env.redactor)
        if not locs and fallback is not None:
            # Code scanning wants a place for every result: a finding about the environment as a whole belongs to
            # the project that runs in it (its first notebook, else its requirements or pyproject.toml).
            locs.append(fallback)
        out.append(replace(f, locations=tuple(_unique(locs))) if locs != list(f.locations) else f)
    return out


def _fallback(env: Environment, files: Sequence[str]) -> Optional[SourceLocation]:
    for facts in env.notebook_facts:
        if os.path.isfile(str(facts.path)):
            return SourceLocation(shown_path(str(facts.path), os.getcwd()), 1, "")
    for path in files:
        if os.path.basename(path).startswith("requirements") or path.endswith("pyproject.toml"):
            return SourceLocation(shown_path(path, os.getcwd()), 1, "")
    return None


def _pins(files: Iterable[str], package: str, redactor: Redactor) -> list[SourceLocation]:
    return [loc for path in files if (loc := pin_line(path, package, redactor)) is not None][:1]


def _unique(locs: Iterable[SourceLocation]) -> list[SourceLocation]:
    seen: set[tuple[str, int]] = set()
    out = []
    for loc in locs:
        if (loc.path, loc.line) not in seen:
            seen.add((loc.path, loc.line))
            out.append(loc)
    return out
