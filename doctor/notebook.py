"""Reads notebooks (.ipynb) and scripts (.py) with ``ast``: what they import, construct and read from the environment.

Nothing is executed. IPython magics and shell lines are blanked, and a cell that still does not parse is
reported and skipped, so one bad cell never hides the rest.
"""

from __future__ import annotations

import ast
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Optional, Union
from urllib.parse import urlparse

from .knowledge.providers import INIT_CHAT_MODEL_NAMES, Provider, by_class, by_host, by_module
from .nbconstruct import Construction, read_cells
from .target import TargetError

Literal = Union[str, int, float, bool, None]

_CELL_MAGICS_WITH_PYTHON = frozenset({"time", "timeit", "capture", "prun", "debug", "writefile_skip"})
_MAGIC_LINE = re.compile(r"^(\s*)(%|!)")
_ASSIGN_SHELL = re.compile(r"^(\s*[\w.,\s]+=\s*)(!|%)")
_KEY_NAME = re.compile(r"\b[A-Z][A-Z0-9_]{2,}\b")
# Matches get_ipython().run_line_magic(...) styles and help lines ("obj?").
_HELP_LINE = re.compile(r"^\s*[\w.]+\?{1,2}\s*$")


@dataclass(frozen=True)
class ImportUse:
    """One import statement of the notebook."""

    cell: int
    """1-based index among the code cells (0 for a .py script)."""
    line: int
    module: str
    """Absolute module name (``langchain_openai``, ``langchain.chains``)."""
    names: tuple[str, ...]
    """Imported names for ``from X import a, b``; empty for ``import X``."""
    source: str
    """The statement as written (one line, re-generated with ast.unparse)."""


@dataclass(frozen=True)
class ClassUse:
    """A chat-model construction (``ChatOpenAI(...)``) or ``init_chat_model(...)`` call."""

    cell: int
    line: int
    name: str
    provider: Optional[str]
    kwargs: tuple[tuple[str, Literal], ...]
    """Keyword arguments whose values are literals (model, base_url...); others are omitted."""


@dataclass(frozen=True)
class NotebookFacts:
    """What one notebook (or script) needs from its environment."""

    path: str
    folder: str
    kernel_name: Optional[str]
    """kernelspec name from the notebook metadata (``python3``, ``my-venv``)."""
    imports: tuple[ImportUse, ...]
    classes: tuple[ClassUse, ...]
    providers: tuple[str, ...]
    """Providers used, in order of first use."""
    provider_packages: tuple[tuple[str, str], ...]
    """(provider, integration package used for it): Together via langchain-openai is (together, langchain-openai)."""
    env_vars: tuple[str, ...]
    """Env var names the code reads (os.environ[...], .get, os.getenv, getpass prompts that name one)."""
    env_vars_set: tuple[str, ...]
    """Env var names the code sets itself (``os.environ["X"] = getpass()``): not needed from the environment."""
    problems: tuple[str, ...]
    """Cells skipped or the file unreadable, with reasons."""
    constructions: tuple[Construction, ...] = ()
    """Model classes the code builds, with the literal arguments a construction probe repeats (nbconstruct)."""


NOTEBOOK_LIMIT = 256 * 1024 * 1024
"""Larger notebooks are not read (outputs with images reach tens of MB)."""


class NotebookError(TargetError):
    """The notebook cannot be read at all (missing, not a notebook); the CLI exits 2 with one line.

    A TargetError: what the run was asked to examine cannot be examined, so every command (check, fix, report,
    the magic) answers it the same way.
    """


def _blank_magics(src: str) -> tuple[str, Optional[str]]:
    """Source with IPython-only lines replaced by ``pass``; None and a reason when the cell is not Python."""
    lines = src.splitlines()
    if lines and lines[0].lstrip().startswith("%%"):
        magic = lines[0].lstrip()[2:].split()[0] if lines[0].lstrip()[2:].split() else ""
        if magic not in _CELL_MAGICS_WITH_PYTHON:
            return "", f"cell magic %%{magic}"
        lines = lines[1:]
    out = []
    for line in lines:
        m = _MAGIC_LINE.match(line)
        if m:
            out.append(f"{m.group(1)}pass")
            continue
        if _ASSIGN_SHELL.match(line):
            out.append(_ASSIGN_SHELL.sub(lambda mm: mm.group(1) + "None  # ", line))
            continue
        if _HELP_LINE.match(line):
            out.append("pass")
            continue
        out.append(line)
    return "\n".join(out), None


def _read_cells(path: Path) -> tuple[list[tuple[int, str]], Optional[str], list[str]]:
    from .inputs import read_bytes

    try:
        raw = read_bytes(path, limit=NOTEBOOK_LIMIT, content=True)
    except OSError as exc:
        raise NotebookError(f"{path}: cannot read ({exc.strerror or exc})") from None
    text = raw.decode("utf-8", errors="replace")
    bad_bytes = "\ufffd" in text and b"\xef\xbf\xbd" not in raw
    problems = ["file is not valid UTF-8; undecodable bytes replaced"] if bad_bytes else []
    if path.suffix == ".ipynb":
        try:
            nb = json.loads(text)
        except RecursionError:
            raise NotebookError(f"{path}: not a notebook (JSON nested too deeply)") from None
        except ValueError as exc:
            raise NotebookError(f"{path}: not a notebook (invalid JSON: {exc})") from None
        if not isinstance(nb, dict):
            raise NotebookError(f"{path}: not a notebook")
        kernel = None
        meta = nb.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("kernelspec"), dict):
            name = meta["kernelspec"].get("name")
            kernel = str(name) if name else None
        cells: list[tuple[int, str]] = []
        index = 0
        for cell in _code_cells(path, nb):
            index += 1
            src = cell.get("source", cell.get("input", ""))  # nbformat 3 names it "input"
            if isinstance(src, list):
                src = "".join(str(s) for s in src)
            cells.append((index, str(src)))
        return cells, kernel, problems
    return [(0, text)], None, problems


def _code_cells(path: Path, nb: dict[str, Any]) -> list[dict[str, Any]]:
    """The code cells of nbformat 4 (``cells``) or nbformat 3 (``worksheets[].cells``); NotebookError for a
    notebook whose cells are not a list (a wrong type is never read as "no cells", which would pass)."""
    if "cells" in nb:
        groups = [nb["cells"]]
    elif "worksheets" in nb:
        sheets = nb["worksheets"]
        if not isinstance(sheets, list) or not all(isinstance(w, dict) for w in sheets):
            raise NotebookError(f"{path}: not a notebook ('worksheets' is not a list of worksheets)")
        groups = [w.get("cells", []) for w in sheets]
    else:
        raise NotebookError(f"{path}: not a notebook (no 'cells')")
    out: list[dict[str, Any]] = []
    for group in groups:
        if not isinstance(group, list):
            raise NotebookError(f"{path}: not a notebook ('cells' is a {type(group).__name__}, not a list)")
        out += [c for c in group if isinstance(c, dict) and c.get("cell_type") == "code"]
    return out


def _literal(node: ast.AST) -> tuple[bool, Literal]:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool, type(None))):
        return True, node.value
    return False, None


def _env_var_name(node: ast.AST) -> Optional[str]:
    """The variable name read by os.environ[...], os.environ.get(...), os.getenv(...), environ[...]."""
    if isinstance(node, ast.Subscript):
        target = node.value
        key = node.slice
        if _is_environ(target):
            ok, value = _literal(key)
            return value if ok and isinstance(value, str) else None
    if isinstance(node, ast.Call) and node.args:
        f = node.func
        name = _dotted(f)
        if name in ("os.getenv", "getenv", "os.environ.get", "environ.get", "os.environ.setdefault"):
            ok, value = _literal(node.args[0])
            return value if ok and isinstance(value, str) else None
    return None


def _is_environ(node: ast.AST) -> bool:
    return _dotted(node) in ("os.environ", "environ")


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):
        return _dotted(node.func) + "()"
    return ""


class _Visitor(ast.NodeVisitor):
    def __init__(self, cell: int, line_offset: int = 0) -> None:
        self.cell = cell
        self.imports: list[ImportUse] = []
        self.classes: list[ClassUse] = []
        self.env_read: list[str] = []
        self.env_set: list[str] = []
        self.imported_names: dict[str, str] = {}

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.imports.append(ImportUse(self.cell, node.lineno, alias.name, (), ast.unparse(node)))
        self.generic_visit(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.level == 0 and node.module:
            names = tuple(a.name for a in node.names)
            self.imports.append(ImportUse(self.cell, node.lineno, node.module, names, ast.unparse(node)))
            for a in node.names:
                self.imported_names[a.asname or a.name] = a.name
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        for t in node.targets:
            if isinstance(t, ast.Subscript) and _is_environ(t.value):
                ok, value = _literal(t.slice)
                if ok and isinstance(value, str):
                    self.env_set.append(value)
        self.generic_visit(node)

    def visit_Subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Load):
            name = _env_var_name(node)
            if name:
                self.env_read.append(name)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = _env_var_name(node)
        if name:
            self.env_read.append(name)
        func = _dotted(node.func)
        short = func.rsplit(".", 1)[-1]
        if short in ("getpass", "input") and node.args:
            ok, prompt = _literal(node.args[0])
            if ok and isinstance(prompt, str):
                self.env_read.extend(m for m in _KEY_NAME.findall(prompt) if m.endswith(("KEY", "TOKEN")))
        real = self.imported_names.get(short, short)
        kwargs = []
        for kw in node.keywords:
            if kw.arg:
                ok, value = _literal(kw.value)
                if ok:
                    kwargs.append((kw.arg, value))
                inner = _env_var_name(kw.value)
                if inner:
                    self.env_read.append(inner)
        provider = _provider_of_call(real, node, dict(kwargs))
        if provider is not None or by_class(real) is not None:
            self.classes.append(ClassUse(self.cell, node.lineno, real, provider, tuple(kwargs)))
        self.generic_visit(node)


def _provider_of_call(name: str, node: ast.Call, kwargs: dict[str, Literal]) -> Optional[str]:
    if name == "init_chat_model":
        spec = kwargs.get("model_provider")
        model = kwargs.get("model")
        if model is None and node.args:
            ok, value = _literal(node.args[0])
            model = value if ok else None
        if spec is None and isinstance(model, str) and ":" in model:
            spec = model.split(":", 1)[0]
        if isinstance(spec, str):
            return INIT_CHAT_MODEL_NAMES.get(spec, spec.replace("_", "-"))
        return None
    base = kwargs.get("base_url") or kwargs.get("openai_api_base") or kwargs.get("endpoint")
    if isinstance(base, str) and base:
        host = urlparse(base if "//" in base else "//" + base).netloc
        hosted = by_host(host)
        if hosted is not None:
            return hosted.name
    row = by_class(name)
    return row.name if row else None


def _package_for(provider: str, classes: list[ClassUse]) -> str:
    from .knowledge.providers import BY_NAME

    for c in classes:
        if c.provider == provider:
            row = by_class(c.name)
            if row is not None:
                return row.package
    row2: Optional[Provider] = BY_NAME.get(provider)
    return row2.package if row2 else f"langchain-{provider}"


def read(path: str | Path) -> NotebookFacts:
    """Parse a notebook or script; NotebookError when it cannot be read at all."""
    p = Path(path)
    cells, kernel, problems = _read_cells(p)
    imports: list[ImportUse] = []
    classes: list[ClassUse] = []
    env_read: list[str] = []
    env_set: list[str] = []
    trees: list[tuple[int, ast.Module]] = []
    for index, src in cells:
        if not src.strip():
            continue
        code, skipped = _blank_magics(src)
        if skipped:
            continue
        where = f"cell {index}" if index else "file"
        try:
            tree = ast.parse(code)
            v = _Visitor(index)
            v.visit(tree)
        except (SyntaxError, ValueError) as exc:
            problems.append(f"{where}: does not parse ({type(exc).__name__}: {getattr(exc, 'msg', exc)}); skipped")
            continue
        except (RecursionError, MemoryError):  # a huge or deeply nested expression: not read, said so
            problems.append(f"{where}: an expression too large or too deeply nested to read; skipped")
            continue
        trees.append((index, tree))
        imports += v.imports
        classes += v.classes
        env_read += v.env_read
        env_set += v.env_set
    providers: list[str] = []
    for imp in imports:
        rows = by_module(imp.module)
        if imp.names:
            rows = tuple(r for r in rows if set(imp.names) & set(r.chat_classes))
        for row in rows[:1]:
            if row.name not in providers:
                providers.append(row.name)
    for c in classes:
        if c.provider and c.provider not in providers:
            providers.append(c.provider)
    # A class imported from langchain-openai but only ever pointed at another host serves that host's provider.
    for row_name in list(providers):
        uses = [c for c in classes if getattr(by_class(c.name), "name", None) == row_name]
        if uses and all(c.provider != row_name for c in uses):
            providers.remove(row_name)
    for name in env_read:
        for reader in _providers_reading(name):
            if reader not in providers:
                providers.append(reader)
    pkgs = tuple((prov, _package_for(prov, classes)) for prov in providers)
    return NotebookFacts(
        path=str(p), folder=str(p.parent.resolve()), kernel_name=kernel, imports=tuple(imports),
        classes=tuple(classes), providers=tuple(providers), provider_packages=pkgs,
        env_vars=tuple(dict.fromkeys(env_read)), env_vars_set=tuple(dict.fromkeys(env_set)),
        problems=tuple(problems), constructions=read_cells(trees),
    )


def _providers_reading(var: str) -> list[str]:
    from .knowledge.providers import PROVIDERS

    return [p.name for p in PROVIDERS if var in p.key_vars and p.used_when_key_read][:1]
