"""Target discovery: which interpreter to examine, and what it says about itself (one tiny subprocess)."""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Optional

from . import subproc
from .values import value_type

if TYPE_CHECKING:
    from collections.abc import Mapping

    from .inputs import Recorder

MIN_TARGET = (3, 9)

# Runs in the target. Kept compatible with Python 2.7 so that a too-old interpreter is named, not crashed on.
# Imports nothing but the standard library, so it works when the target's packages are broken.
_DISCOVER = r"""
import sys, os
# A sysconfig.py, site.py or platform.py in the working directory must not stand in for the standard library's
# (nor print, nor answer for it): import with the working directory off sys.path, then report the path as is.
_saved_path = sys.path[:]
sys.path[:] = [p for p in sys.path if p not in ("", ".", os.getcwd())]
try:
    import sysconfig
    purelib = sysconfig.get_paths().get("purelib")
except Exception:
    purelib = None
try:
    import site
    user_site = site.getusersitepackages() if hasattr(site, "getusersitepackages") else None
    enable_user_site = bool(getattr(site, "ENABLE_USER_SITE", False))
    site_packages = list(site.getsitepackages()) if hasattr(site, "getsitepackages") else []
except Exception:
    user_site, enable_user_site, site_packages = None, False, []
impl = sys.implementation.name if hasattr(sys, "implementation") else "cpython"
iver = sys.implementation.version if hasattr(sys, "implementation") else sys.version_info
ivers = "%d.%d.%d" % (iver[0], iver[1], iver[2])
if iver[3] != "final":
    ivers += iver[3][0] + str(iver[4])
try:
    # What the platform module reports, without importing it (nor re): os.uname() is where it reads these on
    # POSIX, and python_version() is the first word of sys.version for CPython and PyPy.
    u = os.uname()
    machine, release, system, kversion = u.machine, u.release, u.sysname, u.version
    pyimpl = {"cpython": "CPython", "pypy": "PyPy"}[impl]
    full = sys.version.split()[0]
    if full.count(".") == 1:
        full += ".0"
except (AttributeError, KeyError, IndexError):  # Windows, Python 2, other implementations
    import platform
    machine, release, system, kversion = platform.machine(), platform.release(), platform.system(), platform.version()
    pyimpl, full = platform.python_implementation(), platform.python_version()
markers = {
    "implementation_name": impl,
    "implementation_version": ivers,
    "os_name": os.name,
    "platform_machine": machine,
    "platform_release": release,
    "platform_system": system,
    "platform_version": kversion,
    "python_full_version": full,
    "platform_python_implementation": pyimpl,
    "python_version": ".".join(full.split(".")[:2]),
    "sys_platform": sys.platform,
}
sys.path[:] = _saved_path
# repr, read back with ast.literal_eval: json would import re and enum, a third of this script's time. The
# marker tells this line from anything a .pth file or an atexit hook prints.
print(_MARK + repr({
    "executable": sys.executable,
    "version_info": list(sys.version_info[:3]),
    "version": full,
    "prefix": sys.prefix,
    "base_prefix": getattr(sys, "base_prefix", sys.prefix),
    "path": sys.path,
    "platform": sys.platform,
    "purelib": purelib,
    "site_packages": site_packages,
    "user_site": user_site,
    "enable_user_site": enable_user_site,
    "markers": markers,
    "cwd": os.getcwd(),
}))
""".replace("_MARK", repr("LCDOCTOR-DISCOVERY "))
_MARK = "LCDOCTOR-DISCOVERY "


# The discovery answer's shape: key -> the types its value may have. Anything else is "not a Python interpreter":
# a fake or hostile interpreter must not reach the code that uses these values.
_ANSWER_TYPES: dict[str, tuple[type, ...]] = {
    "executable": (str, type(None)), "version_info": (list,), "version": (str,), "prefix": (str,),
    "base_prefix": (str,), "path": (list,), "platform": (str,), "purelib": (str, type(None)),
    "site_packages": (list,), "user_site": (str, type(None)), "enable_user_site": (bool,), "markers": (dict,),
    "cwd": (str, type(None)),
}


def _answer(stdout: str) -> Optional[dict[str, Any]]:
    """The discovery script's answer, checked for shape; None when it is missing or not what the script prints."""
    lines = stdout.strip().splitlines()
    line = next((ln[len(_MARK):] for ln in reversed(lines) if ln.startswith(_MARK)), lines[-1] if lines else None)
    if line is None or len(line) > 4_000_000:
        return None
    try:
        data = ast.literal_eval(line)
    except (ValueError, SyntaxError, MemoryError, RecursionError, TypeError):
        return None
    return _checked(data)


def _checked(data: Any) -> Optional[dict[str, Any]]:
    """``data`` when it has the discovery answer's shape (fresh or read back from the cache), else None."""
    if not isinstance(data, dict):
        return None
    vi = data.get("version_info")
    if not isinstance(vi, list) or len(vi) != 3 or not all(type(x) is int and 0 <= x < 1000 for x in vi):
        return None
    if tuple(vi) < MIN_TARGET:
        return {"version_info": vi, "version": str(data.get("version"))}  # named as too old, nothing else is read
    if any(not isinstance(data.get(k), t) for k, t in _ANSWER_TYPES.items()):
        return None
    if not all(isinstance(p, str) for p in (*data["path"], *data["site_packages"])):
        return None
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data["markers"].items()):
        return None
    return data


# Variables (besides every PYTHON* one) that change what an interpreter says about itself: where the user
# site-packages is (HOME, APPDATA...).
_DISCOVERY_VARS = ("HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA")


# Modules that site imports from sys.path at every start-up (each may change sys.path).
_STARTUP_MODULES = ("sitecustomize.py", "usercustomize.py")


def discovery_record(path: Path, data: Mapping[str, Any], environ: Mapping[str, str]) -> Recorder:
    """What an interpreter's answer about itself depends on, recorded so that a cached answer is replayed only
    while all of it looks the same: the interpreter (as given and resolved), its ``pyvenv.cfg``, every folder on
    its ``sys.path`` and its site folders (a folder's mtime changes when an entry is added, removed or renamed,
    so a new ``.pth`` file, ``sitecustomize`` or user site shows), every ``.pth`` file in the site folders and
    every ``sitecustomize.py`` / ``usercustomize.py`` on ``sys.path`` (an edit in place), and the variables
    (salted hashes)."""
    from .inputs import Recorder

    rec = Recorder()
    rec.stat(path)
    rec.stat(os.path.realpath(path))
    for cfg in (path.parent / "pyvenv.cfg", path.parent.parent / "pyvenv.cfg"):
        rec.stat(cfg)
    for name in _DISCOVERY_VARS:
        rec.variable(name, environ.get(name))
    for name, value in environ.items():
        if name.upper().startswith("PYTHON"):
            rec.variable(name, value)
    site = [p for p in (data.get("purelib"), *data.get("site_packages", ()), data.get("user_site")) if p]
    for folder in dict.fromkeys([*(p for p in data.get("path", ()) if p), *site]):
        rec.stat(folder)
        for name in _STARTUP_MODULES:  # run at start-up and may change sys.path: an edit in place shows here
            rec.stat(os.path.join(folder, name))
    for folder in dict.fromkeys(site):
        try:
            pth = rec.listdir(folder, suffixes=(".pth",))
        except OSError:
            continue
        for name in pth:
            rec.stat(os.path.join(folder, name))
    return rec


def _cached_answer(path: Path, environ: Mapping[str, str], cwd: Path) -> tuple[Optional[dict[str, Any]], str]:
    """(the cached answer of ``path`` when its inputs are unchanged, else None; the cache key)."""
    from . import __version__, cache

    key = cache.discovery_key(str(path), str(cwd), environ, __version__)
    return _checked(cache.load_discovery(cache.cache_dir(environ), key, environ)), key


def _store_answer(path: Path, key: str, data: Mapping[str, Any], environ: Mapping[str, str]) -> None:
    """Cache a successful answer, unless one of its texts would be redacted (a secret in a path is never written
    to the cache: such an interpreter is asked every time)."""
    from . import cache
    from .redact import for_process

    redactor = for_process(environ)
    texts = [v for v in data.values() if isinstance(v, str)]
    texts += [x for v in data.values() if isinstance(v, list) for x in v if isinstance(x, str)]
    texts += [x for v in data.values() if isinstance(v, dict) for x in v.values() if isinstance(x, str)]
    if any(redactor.text(t) != t for t in texts):
        return
    folder = cache.cache_dir(environ)
    cache.store_discovery(folder, key, data, discovery_record(path, data, environ).snapshot(cache.salt(folder)))


class TargetError(Exception):
    """The target cannot be examined; the CLI turns it into a one-line message and exit code 2."""


@value_type
class Target:
    """The interpreter examined, as it reports itself."""

    python: str
    """Absolute path of the interpreter as given/found (a venv's bin/python, not its resolved symlink)."""
    version: str
    version_info: tuple[int, int, int]
    platform: str
    prefix: str
    base_prefix: str
    sys_path: tuple[str, ...]
    """sys.path as a script run from ``cwd`` sees it ('' removed; ``cwd`` is listed separately)."""
    site_packages: tuple[str, ...]
    """The environment's own site-packages folders (purelib and site.getsitepackages())."""
    user_site: Optional[str]
    markers: Mapping[str, str]
    """PEP 508 marker environment of the target, for evaluating requirements with ``packaging``."""
    cwd: str
    selected_by: str
    reason: str

    @property
    def is_venv(self) -> bool:
        """True for a virtual environment (prefix differs from base prefix)."""
        return self.prefix != self.base_prefix


def _interpreter_in(folder: Path) -> Optional[Path]:
    for rel in ("bin/python", "bin/python3", "Scripts/python.exe", "python.exe"):
        candidate = folder / rel
        if candidate.exists():
            return candidate
    return None


def resolve_interpreter(
    python: Optional[str], environ: Mapping[str, str], cwd: Path
) -> tuple[Path, str, str]:
    """Pick the interpreter: (path, selected_by, reason). Order: --python, VIRTUAL_ENV, CONDA_PREFIX, ./.venv, own."""
    if python:
        p = Path(python).expanduser()
        if not p.exists():
            raise TargetError(f"--python {python}: no such file or folder")
        if p.is_dir():
            found = _interpreter_in(p)
            if found is None:
                raise TargetError(f"--python {python}: folder holds no bin/python (not a venv or conda env)")
            return found.absolute(), "--python", f"given with --python ({python})"
        return p.absolute(), "--python", "given with --python"
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX"):
        value = environ.get(var)
        if value:
            found = _interpreter_in(Path(value))
            if found is not None:
                return found.absolute(), var, f"${var} is set ({value})"
    local = cwd / ".venv"
    found = _interpreter_in(local) if local.is_dir() else None
    if found is not None:
        return found.absolute(), "./.venv", "a .venv folder in the working directory"
    isolated = own_isolation()
    if isolated is None:
        return Path(sys.executable), "doctor", "no --python, $VIRTUAL_ENV, $CONDA_PREFIX or ./.venv: the doctor's own"
    on_path = path_interpreter(environ)
    if on_path is None:
        raise TargetError(f"no --python, $VIRTUAL_ENV, $CONDA_PREFIX or ./.venv, and the doctor runs from {isolated}; "
                          "no python3 on PATH outside it: name the environment to examine with --python")
    return Path(on_path), "PATH", (f"no --python, $VIRTUAL_ENV, $CONDA_PREFIX or ./.venv, and the doctor runs from "
                                   f"{isolated}: the python3 on PATH")


def own_prefixes() -> set[str]:
    """The doctor's own environment (resolved), as a prefix and as its interpreter's grandparent folder."""
    return {os.path.realpath(p) for p in (sys.prefix, os.path.dirname(os.path.dirname(sys.executable)))}


def own_isolation(prefix: Optional[str] = None) -> Optional[str]:
    """How the doctor's own environment is an isolated tool install (pipx, ``uv tool``, a venv of its own), or None.

    Isolated: a virtual environment in which no LangChain package is installed beside the doctor, so examining it
    could only say "no LangChain here" (a false green). A venv that holds LangChain is the user's project
    environment run without activation, and stays the target.
    """
    prefix = prefix or sys.prefix
    if prefix == sys.base_prefix and prefix == sys.prefix:
        return None  # not a virtual environment: the system interpreter is what runs the user's code too
    folder = Path(prefix)
    for sp in (*folder.glob("lib/python*/site-packages"), folder / "Lib" / "site-packages"):
        try:
            names = os.listdir(sp)
        except OSError:
            continue
        if any(n.lower().startswith(("langchain_", "langchain-", "langchain.")) and
               not n.lower().startswith(("langchain_doctor", "langchain-doctor"))
               for n in names if n.endswith((".dist-info", ".egg-info"))):
            return None
    if (folder / "uv-receipt.toml").exists():
        return f"its own `uv tool` environment ({prefix})"
    if (folder / "pipx_metadata.json").exists():
        return f"its own pipx environment ({prefix})"
    return f"its own virtual environment ({prefix}), which holds no LangChain package"


def path_interpreter(environ: Mapping[str, str]) -> Optional[str]:
    """The ``python3`` (else ``python``) found on PATH outside the doctor's own environment, or None.

    One rule for every surface that runs the doctor from an environment of its own: the command line's default,
    the pre-commit hook and the GitHub Action.
    """
    import shutil

    own = own_prefixes()
    own_bins = {os.path.join(p, "bin") for p in own} | {os.path.join(p, "Scripts") for p in own}
    path = os.pathsep.join(d for d in environ.get("PATH", "").split(os.pathsep)
                           if d and os.path.realpath(d) not in own_bins)
    for name in ("python3", "python"):
        found = shutil.which(name, path=path)
        if found:
            return found
    return None


def probe_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment for processes in the target: the user's, minus what would make Python misbehave."""
    env = dict(environ)
    # The doctor may run under another interpreter's settings (pipx, a venv): those must not leak into the target.
    for var in ("PYTHONHOME", "PYTHONEXECUTABLE", "__PYVENV_LAUNCHER__"):
        env.pop(var, None)
    env["PYTHONIOENCODING"] = "utf-8"
    # Read-only: the target's own bytecode (written by pip at install) is used, none is written. Not a
    # PYTHONPYCACHEPREFIX: that makes Python ignore the installed bytecode and recompile everything once
    # (seen: 17 s instead of 5 s for seven integrations, and false probe timeouts).
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def discover(
    python: Optional[str] = None,
    *,
    environ: Optional[Mapping[str, str]] = None,
    cwd: Optional[Path] = None,
    timeout: float = 10.0,
    selected: Optional[tuple[str, str]] = None,
    use_cache: bool = False,
) -> Target:
    """Resolve and interrogate the target interpreter; TargetError when it cannot be examined.

    ``use_cache``: replay the interpreter's last answer when nothing it depends on changed
    (``discovery_record``), and store a new successful one; the subprocess is then started only on a change.
    """
    return start_discover(python, environ=environ, cwd=cwd, timeout=timeout, selected=selected,
                          use_cache=use_cache).finish()


class Discovering(NamedTuple):
    """A discovery under way (:func:`start_discover`)."""

    finish: Callable[[], Target]
    """Reads the interpreter's answer and makes the Target (TargetError when it gives none)."""
    started: bool
    """The interpreter was started (its answer was not replayed from the cache): the answer takes a while."""


def start_discover(
    python: Optional[str] = None,
    *,
    environ: Optional[Mapping[str, str]] = None,
    cwd: Optional[Path] = None,
    timeout: float = 10.0,
    selected: Optional[tuple[str, str]] = None,
    use_cache: bool = False,
) -> Discovering:
    """:func:`discover` in two steps: the interpreter is resolved and started now (TargetError when it cannot
    be); ``finish`` reads its answer."""
    environ = os.environ if environ is None else environ
    cwd = Path.cwd() if cwd is None else cwd
    path, selected_by, reason = resolve_interpreter(python, environ, cwd)
    if selected is not None:
        selected_by, reason = selected
    if not os.access(path, os.X_OK) or path.is_dir():
        raise TargetError(f"{path}: not an executable interpreter")
    data, key = _cached_answer(path, environ, cwd) if use_cache else (None, "")
    running = (subproc.start([str(path), "-c", _DISCOVER], timeout=timeout, cwd=str(cwd), env=probe_env(environ))
               if data is None else None)
    return Discovering(lambda: _finish_discover(path, environ, cwd, timeout, selected_by, reason, use_cache, data, key,
                                                running), running is not None)


def _finish_discover(path: Path, environ: Mapping[str, str], cwd: Path, timeout: float, selected_by: str,
                     reason: str, use_cache: bool, data: Optional[dict[str, Any]], key: str,
                     running: Optional[subproc.Running]) -> Target:
    fresh = data is None
    if running is not None:
        done = running.result()
        if done.timed_out:
            raise TargetError(f"{path}: did not answer within {timeout:g}s")
        if done.returncode != 0:
            from .redact import clip, for_process

            # The target's own words: redacted whole (it may echo a key), then cut, then shown on one line.
            last = (for_process(environ).text(done.stderr).strip().splitlines() or ["no output"])[-1]
            raise TargetError(f"{path}: does not run as Python (exit {done.returncode}: {clip(last, 200)})")
        data = _answer(done.stdout)
        if data is None:
            raise TargetError(f"{path}: is not a Python interpreter (unexpected output)")
    assert data is not None  # a cached answer, or the child's
    version_info = tuple(data["version_info"])
    if version_info < MIN_TARGET:
        raise TargetError(
            f"{path}: Python {data.get('version')} is too old; targets need Python "
            f"{MIN_TARGET[0]}.{MIN_TARGET[1]} or newer"
        )
    if use_cache and fresh:
        _store_answer(path, key, data, environ)
    site: list[str] = []
    for entry in [data.get("purelib"), *data.get("site_packages", [])]:
        if entry and entry not in site:
            site.append(entry)
    sys_path = tuple(p for p in data["path"] if p)
    return Target(
        python=str(path),
        version=str(data["version"]),
        version_info=(version_info[0], version_info[1], version_info[2]),
        platform=str(data["platform"]),
        prefix=str(data["prefix"]),
        base_prefix=str(data["base_prefix"]),
        sys_path=sys_path,
        site_packages=tuple(site),
        user_site=data.get("user_site") if data.get("enable_user_site") else None,
        markers={k: str(v) for k, v in data["markers"].items()},
        cwd=str(data.get("cwd") or cwd),
        selected_by=selected_by,
        reason=reason,
    )
