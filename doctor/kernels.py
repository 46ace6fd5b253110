"""Jupyter kernelspecs and conda environments, found as Jupyter and conda find them, read without trusting them.

Kernelspecs: every ``kernels/`` folder of every Jupyter data folder that ``jupyter kernelspec list`` searches
(``JUPYTER_PATH``, the user data folder, the environment's ``share/jupyter``, the system folders; with
``JUPYTER_PLATFORM_DIRS`` the platformdirs locations), earlier folders shadowing later ones. A kernel is known
only by a name that Jupyter accepts (``[a-z0-9._-]``, case-insensitive), so a notebook naming ``../../x`` names
no kernel. A kernel folder or ``kernel.json`` that resolves outside its ``kernels/`` folder is refused, as is a
``kernel.json`` that is not a regular file under 256 KiB or whose shape is wrong (``"argv": 5``): such a kernel
is a ``Rejected`` value with its reason, never a traceback.

Conda environments: ``conda env list --json`` where conda runs, else the ``envs_dirs`` of ``.condarc`` files and
conda's defaults plus ``~/.conda/environments.txt``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Optional, Union

from .redact import clip
from .safeio import NotRegular, read_regular

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from . import subproc

KERNEL_NAME = re.compile(r"^[a-z0-9._\-]+$", re.IGNORECASE)
"""jupyter_client's rule for kernel names (``_kernel_name_pat``)."""
MAX_KERNEL_JSON = 256 * 1024
_PYTHON_EXE = re.compile(r"^python[0-9.]*w?(\.exe)?$", re.IGNORECASE)
_FALSE = ("no", "n", "false", "off", "0", "0.0")


def _envset(environ: Mapping[str, str], name: str) -> Optional[bool]:
    """jupyter_core's ``envset``: None when unset, else False only for no/n/false/off/0/0.0."""
    if name not in environ:
        return None
    return environ[name].lower() not in _FALSE


@dataclass(frozen=True)
class Platform:
    """What the search order depends on besides the environment variables (tests give other platforms)."""

    system: str = sys.platform
    prefix: str = sys.prefix
    """The prefix of the Python that runs Jupyter; the doctor's own unless told otherwise."""


def _home(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("HOME") or environ.get("USERPROFILE") or Path.home())


def user_data_dir(environ: Mapping[str, str], plat: Platform = Platform()) -> Path:
    """jupyter_core.paths.jupyter_data_dir()."""
    if environ.get("JUPYTER_DATA_DIR"):
        return Path(environ["JUPYTER_DATA_DIR"])
    home = _home(environ)
    platform_dirs = _envset(environ, "JUPYTER_PLATFORM_DIRS")
    if plat.system == "darwin":
        return home / "Library" / ("Application Support/jupyter" if platform_dirs else "Jupyter")
    if plat.system == "win32":
        if platform_dirs:
            return Path(environ.get("LOCALAPPDATA") or home / "AppData" / "Local") / "jupyter"
        appdata = environ.get("APPDATA")
        return Path(appdata) / "jupyter" if appdata else home / ".jupyter" / "data"
    return Path(environ.get("XDG_DATA_HOME") or home / ".local" / "share") / "jupyter"


def system_data_dirs(environ: Mapping[str, str], plat: Platform = Platform()) -> list[Path]:
    """jupyter_core.paths.SYSTEM_JUPYTER_PATH."""
    if _envset(environ, "JUPYTER_PLATFORM_DIRS"):
        if plat.system == "darwin":
            return [Path("/Library/Application Support/jupyter")]
        if plat.system == "win32":
            return [Path(environ.get("PROGRAMDATA") or r"C:\ProgramData") / "jupyter"]
        xdg = environ.get("XDG_DATA_DIRS") or "/usr/local/share:/usr/share"
        return [Path(d) / "jupyter" for d in xdg.split(os.pathsep) if d]
    if plat.system == "win32":
        return [Path(environ.get("PROGRAMDATA") or r"C:\ProgramData") / "jupyter"]
    return [Path("/usr/local/share/jupyter"), Path("/usr/share/jupyter")]


def _prefer_env(environ: Mapping[str, str], plat: Platform) -> bool:
    """jupyter_core.paths.prefer_environment_over_user(), judged from the variables an activated env sets."""
    told = _envset(environ, "JUPYTER_PREFER_ENV_PATH")
    if told is not None:
        return told
    if environ.get("VIRTUAL_ENV"):
        return True
    return bool(environ.get("CONDA_PREFIX")) and environ.get("CONDA_DEFAULT_ENV", "base") != "base"


def data_dirs(environ: Mapping[str, str], plat: Platform = Platform()) -> list[Path]:
    """jupyter_core.paths.jupyter_path(): JUPYTER_PATH, then user and environment (in the preferred order), then
    system; without repeats."""
    dirs = [Path(p.rstrip(os.sep)) for p in environ.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    user = [user_data_dir(environ, plat)]
    userbase = environ.get("PYTHONUSERBASE") or (
        str(Path(environ.get("APPDATA") or _home(environ)) / "Python") if plat.system == "win32"
        else str(_home(environ) / ".local"))
    user.append(Path(userbase) / "share" / "jupyter")
    system = system_data_dirs(environ, plat)
    env = [Path(p) / "share" / "jupyter" for p in (environ.get("CONDA_PREFIX"), environ.get("VIRTUAL_ENV"),
                                                    plat.prefix) if p]
    env = [p for p in env if p not in system]
    dirs += [*env, *user] if _prefer_env(environ, plat) else [*user, *env]
    dirs += system
    out: list[Path] = []
    for d in dirs:
        if d not in out:
            out.append(d)
    return out


def kernel_dirs(environ: Mapping[str, str], plat: Platform = Platform()) -> list[Path]:
    """The ``kernels`` folders in Jupyter's search order."""
    return [d / "kernels" for d in data_dirs(environ, plat)]


@dataclass(frozen=True)
class KernelSpec:
    """A registered kernel whose kernel.json has the shape Jupyter expects."""

    name: str
    """Lower-cased, as ``jupyter kernelspec list`` shows it."""
    spec_file: str
    argv: tuple[str, ...]
    display_name: str
    language: str
    env: Mapping[str, str] = field(default_factory=dict)

    def interpreter(self) -> tuple[Optional[str], str]:
        """(the Python interpreter this kernel starts, "") or (None, why it cannot be named)."""
        if self.language and self.language.lower() != "python":
            return None, f"a {self.language} kernel, not a Python one"
        exe = self.argv[0]
        if not _PYTHON_EXE.match(os.path.basename(exe)):
            return None, f"its argv[0] {exe!r} is not a Python interpreter (a wrapper the doctor does not run)"
        if not os.path.isabs(exe):
            return None, f"its argv[0] {exe!r} is whichever python is on the Jupyter server's PATH"
        if not os.path.exists(exe):
            return None, f"its interpreter {exe} does not exist"
        return exe, ""


@dataclass(frozen=True)
class Rejected:
    """A registered kernel that cannot be used, and why (one line)."""

    name: str
    spec_file: str
    reason: str


Kernel = Union[KernelSpec, Rejected]


def _inside(path: str, folder: str) -> bool:
    try:
        return os.path.commonpath([os.path.realpath(path), os.path.realpath(folder)]) == os.path.realpath(folder)
    except ValueError:  # different drives
        return False


def _shape(name: str, spec_file: str, data: object) -> Kernel:
    def bad(why: str) -> Rejected:
        return Rejected(name, spec_file, f"kernel.json {why}")

    if not isinstance(data, dict):
        return bad("is not a JSON object")
    argv = data.get("argv")
    if not isinstance(argv, list) or not argv or not all(isinstance(a, str) and a and "\0" not in a for a in argv):
        return bad("has no 'argv' list of strings")
    for key in ("display_name", "language"):
        if not isinstance(data.get(key, ""), str):
            return bad(f"has a {key!r} that is not a string")
    env = data.get("env", {})
    if not isinstance(env, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in env.items()):
        return bad("has an 'env' that is not an object of strings")
    if not isinstance(data.get("metadata", {}), dict):
        return bad("has a 'metadata' that is not an object")
    return KernelSpec(name, spec_file, tuple(argv), str(data.get("display_name") or name),
                      str(data.get("language") or ""), dict(env))


def read_spec(name: str, folder: Path, kernels_dir: Path) -> Kernel:
    """The kernel in ``folder`` (a child of ``kernels_dir``), read safely."""
    spec_file = folder / "kernel.json"
    if not _inside(str(folder), str(kernels_dir)) or not _inside(str(spec_file), str(kernels_dir)):
        return Rejected(name, str(spec_file), f"its folder resolves outside {kernels_dir} "
                                              f"(to {os.path.realpath(spec_file)})")
    try:
        raw = read_regular(spec_file, MAX_KERNEL_JSON)
    except NotRegular as exc:
        return Rejected(name, str(spec_file), f"kernel.json is {exc}")
    except OSError as exc:
        return Rejected(name, str(spec_file), f"kernel.json cannot be read: {exc.strerror or exc}")
    try:
        data = json.loads(raw.decode("utf-8"))
    except RecursionError:
        return Rejected(name, str(spec_file), "kernel.json is nested too deeply")
    except (ValueError, UnicodeDecodeError) as exc:
        return Rejected(name, str(spec_file), f"kernel.json is not valid JSON ({clip(str(exc).splitlines()[0], 120)})")
    return _shape(name, str(spec_file), data)


def _listed(kernels_dir: Path) -> list[tuple[str, Path]]:
    """(lower-cased name, folder) of each kernel in one kernels folder, as jupyter_client lists them."""
    try:
        names = sorted(os.listdir(kernels_dir))
    except OSError:
        return []
    out = []
    for n in names:
        folder = kernels_dir / n
        if KERNEL_NAME.match(n) and folder.is_dir() and (folder / "kernel.json").exists():
            out.append((n.lower(), folder))
    return out


def find(environ: Mapping[str, str], plat: Platform = Platform()) -> list[Kernel]:
    """Every registered kernel, each name once (the first folder in the search order wins, as in Jupyter)."""
    seen: dict[str, Kernel] = {}
    for kd in kernel_dirs(environ, plat):
        for name, folder in _listed(kd):
            if name not in seen:
                seen[name] = read_spec(name, folder, kd)
    return list(seen.values())


def get(name: str, environ: Mapping[str, str], plat: Platform = Platform()) -> Optional[Kernel]:
    """The registered kernel called ``name`` (case-insensitive), or None: names Jupyter refuses name nothing."""
    if not isinstance(name, str) or not KERNEL_NAME.match(name):
        return None
    wanted = name.lower()
    for kd in kernel_dirs(environ, plat):
        for listed, folder in _listed(kd):
            if listed == wanted:
                return read_spec(listed, folder, kd)
    return None


def resolve(name: str, environ: Mapping[str, str]) -> Optional[tuple[str, str]]:
    """(python path, reason) for the registered kernel ``name``, or None when it names no usable interpreter."""
    kernel = get(name, environ)
    if not isinstance(kernel, KernelSpec):
        return None
    exe, _why = kernel.interpreter()
    if exe is None:
        return None
    return exe, f"the notebook's kernel {kernel.name!r} ({kernel.spec_file})"


# ------------------------------------------------------------------------------------------------- conda

@dataclass(frozen=True)
class CondaEnv:
    """A conda environment folder."""

    name: str
    prefix: str
    found_by: str
    """``conda env list`` or the files read (envs_dirs, environments.txt)."""


def _condarc_envs_dirs(text: str) -> list[str]:
    """The ``envs_dirs`` list of a .condarc (block or flow style), without a YAML parser."""
    out: list[str] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^envs_dirs\s*:\s*(.*)$", line)
        if not m:
            continue
        rest = m.group(1).split(" #")[0].strip()
        if rest.startswith("["):
            out += [x.strip().strip("'\"") for x in rest.strip("[]").split(",") if x.strip()]
            continue
        for follow in lines[i + 1:]:
            item = re.match(r"^\s+-\s*(.+?)\s*$", follow)
            if item:
                out.append(item.group(1).split(" #")[0].strip().strip("'\""))
            elif follow.strip() and not follow.lstrip().startswith("#"):
                break
    return out


def _root_prefixes(environ: Mapping[str, str]) -> list[Path]:
    home = _home(environ)
    roots = []
    exe = environ.get("CONDA_EXE")
    if exe:
        roots.append(Path(exe).parent.parent)
    for var in ("CONDA_ROOT", "MAMBA_ROOT_PREFIX"):
        if environ.get(var):
            roots.append(Path(environ[var]))
    roots += [home / n for n in ("miniconda3", "anaconda3", "miniforge3", "mambaforge", "micromamba")]
    roots.append(Path("/opt/conda"))
    return [r for r in dict.fromkeys(roots) if (r / "conda-meta").is_dir()]


def _from_files(environ: Mapping[str, str]) -> list[CondaEnv]:
    home = _home(environ)
    roots = _root_prefixes(environ)
    rc_files = [Path(environ["CONDARC"])] if environ.get("CONDARC") else []
    rc_files += [home / ".condarc", home / ".conda" / ".condarc", home / ".config" / "conda" / ".condarc",
                 *(r / ".condarc" for r in roots), Path("/etc/conda/.condarc")]
    envs_dirs: list[Path] = []
    for rc in rc_files:
        try:
            text = read_regular(rc, 1024 * 1024).decode("utf-8", "replace")
        except (OSError, NotRegular):
            continue
        envs_dirs += [Path(os.path.expandvars(d.replace("~", str(home), 1))) for d in _condarc_envs_dirs(text)]
    envs_dirs += [r / "envs" for r in roots] + [home / ".conda" / "envs"]
    prefixes: list[tuple[Path, str]] = [(r, "conda's root prefix") for r in roots]
    for d in dict.fromkeys(envs_dirs):
        try:
            children = sorted(d.iterdir())
        except OSError:
            continue
        prefixes += [(c, f"envs_dirs ({d})") for c in children if (c / "conda-meta").is_dir()]
    try:
        listed = read_regular(home / ".conda" / "environments.txt", 1024 * 1024).decode("utf-8", "replace")
        prefixes += [(Path(x.strip()), "~/.conda/environments.txt") for x in listed.splitlines() if x.strip()]
    except (OSError, NotRegular):
        pass
    out: dict[str, CondaEnv] = {}
    for p, how in prefixes:
        if not (p / "conda-meta").is_dir():
            continue
        key = os.path.realpath(p)
        if key not in out:
            out[key] = CondaEnv("base" if p in roots else p.name, str(p), how)
    return list(out.values())


Runner = Callable[..., "subproc.Completed"]


def conda_envs(environ: Mapping[str, str], *, run: Optional[Runner] = None, timeout: float = 30.0) -> list[CondaEnv]:
    """The conda environments: ``conda env list --json`` when conda runs and answers in shape, else the files."""
    exe = environ.get("CONDA_EXE") or shutil.which("conda", path=environ.get("PATH"))
    if exe:
        from . import subproc

        runner = run or subproc.run
        try:
            done = runner([exe, "env", "list", "--json"], timeout=timeout, env=dict(environ))
            data = json.loads(done.stdout) if done.returncode == 0 and not done.timed_out else None
        except (OSError, ValueError, RecursionError):
            data = None
        envs = data.get("envs") if isinstance(data, dict) else None
        if isinstance(envs, list) and all(isinstance(e, str) for e in envs):
            roots = {os.path.realpath(r) for r in _root_prefixes(environ)}
            if isinstance(data, dict) and isinstance(data.get("root_prefix"), str):
                roots.add(os.path.realpath(data["root_prefix"]))
            return [CondaEnv("base" if os.path.realpath(e) in roots else Path(e).name, e, "conda env list")
                    for e in dict.fromkeys(envs)]
    return _from_files(environ)


def interpreter_in(prefix: str) -> Optional[str]:
    """The Python of an environment folder, or None."""
    for rel in ("bin/python", "bin/python3", "python.exe", "Scripts/python.exe"):
        p = os.path.join(prefix, rel)
        if os.path.exists(p):
            return p
    return None


def describe(kernels: Sequence[Kernel]) -> list[str]:
    """One line per kernel (for -v and the tests)."""
    return [f"{k.name}: {k.reason}" if isinstance(k, Rejected) else f"{k.name}: {k.argv[0]}" for k in kernels]
