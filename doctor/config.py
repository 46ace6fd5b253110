"""Settings from a file: ``[tool.langchain-doctor]`` in the nearest ``pyproject.toml``, or ``--config FILE``.

Keys: ``fail-on``, ``providers``, ``notebooks``, ``python``, ``ignore`` (codes, each with a reason). An unknown key,
an unknown code or a value of the wrong type is a ConfigError naming the file and the line; the command line turns
it into exit code 2. Command-line flags win over the file (merged in ``doctor.commands._options.build_options``).

Also here: the default target when the doctor runs from an isolated environment of its own (the pre-commit hook
and the GitHub Action), and the pre-commit hook's entry point, which turns the file names pre-commit passes into
``--notebook`` options.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Optional

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from types import ModuleType

TABLE = "langchain-doctor"
"""The table name under ``[tool]``."""
KEYS = ("fail-on", "providers", "notebooks", "python", "ignore")
"""Every key the table may hold; anything else is an error."""
FAIL_ON = ("error", "warning", "never")
SETTINGS_LIMIT = 4 * 1024 * 1024
"""A settings file larger than this is not read."""
_GLOB_CHARS = frozenset("*?[")
_HEADER = re.compile(r"^\s*\[\s*tool\s*\.\s*[\"']?langchain-doctor[\"']?\s*\]\s*(#.*)?$")
_ANY_HEADER = re.compile(r"^\s*\[")


def _tomllib() -> ModuleType:
    """The TOML parser, imported only when a file mentions us (its regexes cost milliseconds at start-up)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on Python < 3.11 only
        import tomli as tomllib
    return tomllib


# The default of a mapping field: shared by every instance, so read-only.
_NO_ENTRIES: Mapping[str, Any] = MappingProxyType({})

class ConfigError(Exception):
    """A settings file that cannot be used; the message is one line: ``FILE:LINE: what is wrong``."""


class Config(NamedTuple):
    """The settings one file gives; None (or empty) where the file says nothing."""

    path: Path
    """The file they came from."""
    fail_on: Optional[str] = None
    providers: Optional[tuple[str, ...]] = None
    notebooks: Optional[tuple[str, ...]] = None
    """Paths (globs expanded), relative ones resolved against the file's folder."""
    python: Optional[str] = None
    """The target interpreter, a relative path resolved against the file's folder."""
    ignore: Mapping[str, str] = _NO_ENTRIES
    """Finding code -> the reason it is ignored."""


class _Source(NamedTuple):
    path: Path
    text: str
    in_pyproject: bool
    """True when the settings sit under [tool.langchain-doctor]; False for keys at the top of a --config file."""

    def header_line(self) -> int:
        """1-based line of the ``[tool.langchain-doctor]`` header; 0 when there is none."""
        if self.in_pyproject:
            for i, line in enumerate(self.text.splitlines()):
                if _HEADER.match(line):
                    return i + 1
        return 0

    def line_of(self, key: str, *, after_header: bool = True) -> int:
        """1-based line where ``key = ...`` is set inside the table (or the table's header line, else 1)."""
        lines = self.text.splitlines()
        header = self.header_line() if after_header else 0
        start = header
        pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*=")
        for i in range(start, len(lines)):
            if header and _ANY_HEADER.match(lines[i]) and not _is_own_subtable(lines[i]):
                break
            if pattern.match(lines[i]):
                return i + 1
        sub = re.compile(r"^\s*\[+\s*tool\s*\.\s*[\"']?langchain-doctor[\"']?\s*\.\s*" + re.escape(key) + r"\s*\]")
        for i, line in enumerate(lines):
            if sub.match(line):
                return i + 1
        return header or 1

    def line_of_text(self, needle: str) -> int:
        """1-based line of the first occurrence of ``needle`` after the table header (else the header line)."""
        header = self.header_line()
        lines = self.text.splitlines()
        for i in range(max(header - 1, 0), len(lines)):
            if needle in lines[i]:
                return i + 1
        return header or 1

    def error(self, line: int, message: str) -> ConfigError:
        """A ConfigError pointing at ``line`` of this file."""
        return ConfigError(f"{self.path}:{line}: {message}")


_PLAIN_WORD = re.compile(r"[A-Za-z][A-Za-z_\-]{0,30}|LCD[0-9]{3}")


def _shown(value: object) -> str:
    """A wrong value as an error message may show it: a plain word quoted, anything else only by type and size.

    A settings file is where a pasted key ends up by mistake, and error messages travel into logs and tickets.
    """
    if isinstance(value, str) and _PLAIN_WORD.fullmatch(value):
        return repr(value)
    size = f" of {len(value)} characters" if isinstance(value, str) else ""
    return f"a {type(value).__name__}{size} (not shown)"


def _is_own_subtable(line: str) -> bool:
    return bool(re.match(r"^\s*\[+\s*tool\s*\.\s*[\"']?langchain-doctor[\"']?\s*\.", line))


def _read(path: Path) -> tuple[str, dict[str, Any]]:
    import errno

    from .inputs import read_text

    try:
        text = read_text(path, limit=SETTINGS_LIMIT, content=True)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            raise ConfigError(f"{path}: no such file") from None
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: cannot read: not UTF-8 (byte 0x{exc.object[exc.start]:02x} at offset "
                          f"{exc.start}); TOML files are UTF-8") from None
    tomllib = _tomllib()
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: values nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        message = str(exc).split(" (at line", 1)[0]
        if line is None:
            found = re.search(r"at line (\d+)", str(exc))
            line = int(found.group(1)) if found else 1
        raise ConfigError(f"{path}:{line}: invalid TOML: {message}") from None
    return text, data


def _table(data: Mapping[str, Any]) -> Optional[Any]:
    tool = data.get("tool")
    if isinstance(tool, dict):
        return tool.get(TABLE)
    return None


def find(start: Path) -> Optional[Path]:
    """The nearest ``pyproject.toml`` at or above ``start`` that has a ``[tool.langchain-doctor]`` table."""
    from .inputs import exists, read_bytes

    folder = start.absolute()
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if not exists(path):
            continue
        try:
            raw = read_bytes(path, limit=SETTINGS_LIMIT, content=True)
        except OSError:
            return path  # a pyproject.toml that is not a readable regular file: load() says why (exit 2)
        if b"langchain-doctor" not in raw:
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return path  # it mentions us but cannot be read as TOML: load() says why (exit 2), never ignored
        tomllib = _tomllib()
        try:
            data = tomllib.loads(text)
        except (tomllib.TOMLDecodeError, RecursionError):
            return path  # it mentions us but does not parse: load() reports the line
        if _table(data) is not None:
            return path
    return None


def load(path: Optional[str | os.PathLike[str]] = None, *, cwd: Optional[Path] = None) -> Optional[Config]:
    """The settings of ``path`` (``--config``), else of the nearest pyproject.toml; None when there are none."""
    explicit = path is not None
    if path is None:
        found = find(cwd or Path.cwd())
        if found is None:
            return None
        path = found
    file = Path(path)
    text, data = _read(file)
    table = _table(data)
    in_pyproject = table is not None or file.name == "pyproject.toml"
    if table is None:
        if in_pyproject:
            return Config(file)  # a pyproject.toml given with --config that has no settings for us
        table = data
    src = _Source(file, text, in_pyproject)
    if not isinstance(table, dict):
        raise src.error(src.line_of(TABLE, after_header=False), f"[tool.{TABLE}] must be a table")
    return _parse(src, table, explicit=explicit)


def _strings(src: _Source, key: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise src.error(src.line_of(key), f"{key} must be a list of strings")
    return tuple(value)


def _expand(base: Path, items: Sequence[str]) -> tuple[str, ...]:
    out: list[str] = []
    for item in items:
        pattern = Path(item).expanduser()
        full = pattern if pattern.is_absolute() else base / pattern
        if _GLOB_CHARS & set(item):
            anchor = Path(full.anchor)
            matches = sorted(str(p) for p in anchor.glob(str(full.relative_to(anchor))) if p.is_file())
            out.extend(m for m in matches if m not in out)
        elif str(full) not in out:
            out.append(str(full))
    return tuple(out)


def _ignore(src: _Source, value: Any) -> dict[str, str]:
    from .registry import registry

    pairs: list[tuple[str, Any, int]] = []
    if isinstance(value, dict):
        pairs = [(code, reason, src.line_of_text(code)) for code, reason in value.items()]
    elif isinstance(value, list):
        for item in value:
            if not isinstance(item, dict) or set(item) - {"code", "reason"} or "code" not in item:
                raise src.error(src.line_of("ignore"),
                                "each ignore entry must be {code = \"LCD...\", reason = \"why\"}")
            code = item["code"]
            pairs.append((code, item.get("reason"), src.line_of_text(str(code))))
    else:
        raise src.error(src.line_of("ignore"),
                        "ignore must be a table of code = \"reason\" (or a list of {code, reason})")
    known = registry()
    out: dict[str, str] = {}
    for code, reason, line in pairs:
        if not isinstance(code, str) or code not in known:
            raise src.error(line, f"ignore: unknown finding code {_shown(code)} (see `langchain-doctor list-checks`)")
        if not isinstance(reason, str) or not reason.strip():
            raise src.error(line, f"ignore: {code} needs a reason (a non-empty string)")
        out[code] = reason.strip()
    return out


def _parse(src: _Source, table: Mapping[str, Any], *, explicit: bool) -> Config:
    from .knowledge.providers import BY_NAME

    base = src.path.absolute().parent
    for key in table:
        if key not in KEYS:
            where = f"[tool.{TABLE}]" if src.in_pyproject else "the settings file"
            raise src.error(src.line_of(key), f"unknown key {_shown(key)} in {where} (known: {', '.join(KEYS)})")
    fail_on = table.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise src.error(src.line_of("fail-on"), f"fail-on must be one of {', '.join(FAIL_ON)}, not {_shown(fail_on)}")
    providers = None
    if "providers" in table:
        providers = _strings(src, "providers", table["providers"])
        for name in providers:
            if name not in BY_NAME:
                raise src.error(src.line_of("providers"),
                                f"unknown provider {_shown(name)} (known: {', '.join(sorted(BY_NAME))})")
    notebooks = None
    if "notebooks" in table:
        notebooks = _expand(base, _strings(src, "notebooks", table["notebooks"]))
    python = table.get("python")
    if python is not None:
        if not isinstance(python, str) or not python.strip():
            raise src.error(src.line_of("python"), "python must be a path (string)")
        p = Path(python).expanduser()
        python = str(p if p.is_absolute() else base / p)
    ignore = _ignore(src, table["ignore"]) if "ignore" in table else {}
    return Config(src.path, fail_on, providers, notebooks, python, ignore)


# --- the doctor run from an isolated environment of its own (pre-commit hook, GitHub Action) ---

def isolated_target(environ: Mapping[str, str], cwd: Path) -> tuple[dict[str, str], Optional[str]]:
    """(environ, python) for a doctor that runs from its own venv: never examine that venv itself.

    ``$VIRTUAL_ENV`` pointing at the doctor's own environment (pre-commit sets it) is dropped; when nothing else
    names a target ($VIRTUAL_ENV, $CONDA_PREFIX, ./.venv), the ``python3``/``python`` found on PATH outside the
    doctor's environment is the one the default discovery will examine (``target.path_interpreter``, the same
    rule). Returns the cleaned environment and that interpreter (or None).
    """
    from .target import own_prefixes, path_interpreter

    env = dict(environ)
    venv = env.get("VIRTUAL_ENV")
    if venv and os.path.realpath(venv) in own_prefixes():
        env.pop("VIRTUAL_ENV")
    if env.get("VIRTUAL_ENV") or env.get("CONDA_PREFIX") or (cwd / ".venv").is_dir():
        return env, None
    return env, path_interpreter(env)


# Options of `check` that take a value: a file name right after one of them is that value, not a notebook.
_VALUE_OPTIONS = frozenset({"--python", "--notebook", "--provider", "--timeout", "--fail-on", "--config",
                            "--format", "--output"})
_HOOK_SUFFIXES = (".ipynb", ".py")


def hook_argv(argv: Sequence[str], environ: Mapping[str, str], cwd: Path, *,
              isolated: bool = True) -> tuple[list[str], dict[str, str]]:
    """The ``check`` command line and environment for a pre-commit run: ``args`` then file names.

    File names (``.ipynb``/``.py`` that exist and are not an option's value) become ``--notebook`` options.
    ``isolated``: the doctor runs from pre-commit's own venv, which is never the target (see isolated_target).
    """
    args: list[str] = []
    notebooks: list[str] = []
    previous = ""
    for arg in argv:
        if previous not in _VALUE_OPTIONS and not arg.startswith("-") and arg.endswith(_HOOK_SUFFIXES) \
                and (cwd / arg).is_file():
            notebooks += ["--notebook", arg]
        else:
            args.append(arg)
        previous = arg
    if not isolated:
        return ["check", *args, *notebooks], dict(environ)
    # No --python is added: the default discovery falls back to the python3 on PATH itself when the doctor runs
    # from an environment of its own, and then says so ("chosen because"), where --python would claim the user
    # gave it.
    env, _ = isolated_target(environ, cwd)
    return ["check", *args, *notebooks], env


def hook_main(argv: Optional[Sequence[str]] = None, *, isolated: bool = True) -> None:
    """Entry point of the pre-commit hooks (``.pre-commit-hooks.yaml``): check the environment for the notebooks.

    ``isolated=False`` for ``language: system``, where the doctor is installed in the environment it checks.
    """
    from .cli import main
    from .subproc import own_process

    own_process()  # a console script: the process is the doctor's alone (see __main__)
    args, env = hook_argv(sys.argv[1:] if argv is None else argv, os.environ, Path.cwd(), isolated=isolated)
    if "VIRTUAL_ENV" not in env:
        os.environ.pop("VIRTUAL_ENV", None)
    main(args)


def hook_main_system() -> None:
    """Console entry of the ``language: system`` hook: the doctor is installed in the environment it checks."""
    hook_main(isolated=False)


PROBE_SLOTS = max(1, min(os.cpu_count() or 2, 8))
"""How many probe interpreters may run at once in this process, across every probe run and thread. Here, not in
``probe``, so that ``check --all-kernels`` can size its pool without importing the probe door on a warm run."""
