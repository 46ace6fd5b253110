"""Real virtualenvs, with real packages from PyPI, for integration tests.

Stdlib only; it shells out to ``uv`` (a test dependency: ``pip install uv``).

    from tests.realenv import real_venv, venv_python, uv_available

    venv = real_venv(["langchain-openai==0.1.25"],
                     then_no_deps=["langchain-core==0.3.0", "pydantic==2.9.2",
                                   "pydantic-core==2.23.4"])
    subprocess.run([str(venv_python(venv)), "-c", "import langchain_openai"])

Shared venvs (``dest=None``) are built once and cached under
``CACHE_ROOT/venvs/<key>``; treat them as read-only.  A test that changes its
venv passes ``dest=tmp_path / "venv"`` and gets a private copy of the shared
one (every file copied, never hard-linked, so changing them cannot corrupt
the cache).  Builds take an inter-process lock per venv, so parallel test
workers (pytest-xdist) build each shared venv once and never half of one.

Every build resolves with ``--exclude-newer EXCLUDE_NEWER`` so the same
requirements give the same versions on every machine and every day; the
date is part of the cache key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator, Optional, Sequence

__all__ = [
    "CACHE_ROOT",
    "EXCLUDE_NEWER",
    "RealVenvError",
    "real_venv",
    "venv_python",
    "site_packages",
    "uv_available",
    "uninstall_leaving_folder",
    "SPECS",
    "named_venv",
    "installed_versions",
]

CACHE_ROOT: Path = Path(
    os.environ.get("LANGCHAIN_DOCTOR_TEST_CACHE")
    or (Path.home() / ".cache" / "langchain-doctor-tests")
).expanduser()

#: Resolution cut-off: packages uploaded after this are invisible to the
#: resolver.  Bump it (and re-record tests/corpus/VENVS.md) to move on.
EXCLUDE_NEWER = "2026-11-26T00:00:00Z"

#: Bump when the layout of a built venv changes, to invalidate old caches.
_FORMAT = "2"
_MARKER = ".realenv.json"
_IS_WINDOWS = os.name == "nt"


class RealVenvError(RuntimeError):
    """uv is missing, or a venv could not be created or installed."""


# --------------------------------------------------------------------- uv ---

def _uv_command() -> Optional[list]:
    exe = shutil.which("uv")
    if exe:
        return [exe]
    try:
        import importlib.util

        if importlib.util.find_spec("uv") is not None:
            return [sys.executable, "-m", "uv"]
    except (ImportError, ValueError):
        pass
    return None


def uv_available() -> bool:
    """True when ``uv`` can be run (on PATH or as ``python -m uv``)."""
    cmd = _uv_command()
    if not cmd:
        return False
    try:
        proc = subprocess.run(cmd + ["--version"], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return proc.returncode == 0


def _uv_env(link_mode: Optional[str]) -> dict:
    env = dict(os.environ)
    # Nothing from a surrounding venv or a project's uv settings may leak in.
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONHOME", "PYTHONPATH",
                "UV_PYTHON", "UV_SYSTEM_PYTHON", "UV_NO_DEPS", "UV_CONSTRAINT",
                "UV_OVERRIDE", "UV_EXCLUDE_NEWER", "UV_LINK_MODE",
                "UV_PROJECT_ENVIRONMENT", "UV_VENV_SEED", "UV_VENV_CLEAR"):
        env.pop(var, None)
    env["UV_CACHE_DIR"] = str(CACHE_ROOT / "uv-cache")
    env["UV_PYTHON_DOWNLOADS"] = "never"  # only PyPI is reachable; never fetch a Python
    env["UV_NO_PROGRESS"] = "1"
    env["UV_NO_CONFIG"] = "1"
    env["NO_COLOR"] = "1"
    if link_mode:
        env["UV_LINK_MODE"] = link_mode
    return env


def _run_uv(args: Sequence[str], *, link_mode: Optional[str], what: str) -> str:
    cmd = _uv_command()
    if not cmd:
        raise RealVenvError("uv is not installed (pip install uv)")
    (CACHE_ROOT / "uv-cache").mkdir(parents=True, exist_ok=True)
    try:
        proc = subprocess.run(
            cmd + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env=_uv_env(link_mode), cwd=str(CACHE_ROOT), timeout=1800,
        )
    except subprocess.TimeoutExpired as exc:
        raise RealVenvError("uv timed out while trying to %s: %s" % (what, " ".join(args))) from exc
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace")
        tail = "\n".join(err.strip().splitlines()[-40:])
        raise RealVenvError("uv failed to %s (exit %d): uv %s\n%s"
                            % (what, proc.returncode, " ".join(args), tail))
    return proc.stderr.decode("utf-8", "replace")


# ----------------------------------------------------------------- python ---

def _interpreter_info(exe: str) -> dict:
    code = (
        "import json, platform, sys\n"
        "base = getattr(sys, '_base_executable', None) or sys.executable\n"
        "print(json.dumps({'version': platform.python_version(),"
        " 'implementation': platform.python_implementation(),"
        " 'executable': sys.executable, 'base_executable': base,"
        " 'prefix': sys.prefix, 'base_prefix': sys.base_prefix}))\n"
    )
    try:
        proc = subprocess.run([exe, "-I", "-c", code], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise RealVenvError("cannot run interpreter %s: %s" % (exe, exc)) from exc
    if proc.returncode != 0:
        raise RealVenvError("cannot run interpreter %s: %s"
                            % (exe, proc.stderr.decode("utf-8", "replace")[-2000:]))
    return json.loads(proc.stdout.decode("utf-8").strip().splitlines()[-1])


def _to_base(info: dict) -> dict:
    """If ``info`` describes a venv's python, describe its base interpreter instead."""
    if info["prefix"] != info["base_prefix"] and info["base_executable"] != info["executable"]:
        base = info["base_executable"]
        if os.path.exists(base):
            return _interpreter_info(base)
    return info


def _default_python() -> str:
    base = getattr(sys, "_base_executable", None)
    if base and os.path.exists(base):
        return base
    if sys.prefix != sys.base_prefix:  # a venv with no _base_executable (old Pythons)
        name = "python.exe" if _IS_WINDOWS else "python3"
        for cand in (Path(sys.base_prefix) / ("" if _IS_WINDOWS else "bin") / name,):
            if cand.exists():
                return str(cand)
    return sys.executable


def _find_version(version: str) -> Optional[str]:
    """An interpreter for a version like '3.11' or '3.11.7'."""
    candidates = []
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv")
    versions = pyenv_root / "versions"
    if versions.is_dir():
        for d in sorted(versions.iterdir(), reverse=True):
            if d.name == version or d.name.startswith(version + "."):
                exe = d / "bin" / "python"
                if exe.exists():
                    candidates.append(str(exe))
    major_minor = ".".join(version.split(".")[:2])
    for name in ("python" + major_minor, "python" + version):
        exe = shutil.which(name)
        if exe:
            candidates.append(exe)
    for exe in candidates:
        try:
            info = _interpreter_info(exe)
        except RealVenvError:
            continue
        if info["version"] == version or info["version"].startswith(version + "."):
            return exe
    uv = _uv_command()
    if uv:
        proc = subprocess.run(uv + ["python", "find", version], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, env=_uv_env(None))
        if proc.returncode == 0 and proc.stdout.strip():
            return proc.stdout.decode().strip().splitlines()[-1]
    return None


def _resolve_python(python: Optional[str]) -> dict:
    if python is None:
        exe = _default_python()
    elif os.sep in python or (os.altsep and os.altsep in python) or os.path.exists(python):
        exe = python
    elif python.replace(".", "").isdigit():
        found = _find_version(python)
        if not found:
            raise RealVenvError("no Python %s interpreter found on this machine" % python)
        exe = found
    else:
        exe = shutil.which(python) or python
    return _to_base(_interpreter_info(exe))


# ------------------------------------------------------------------ venvs ---

def venv_python(venv: Path) -> Path:
    """The interpreter of a venv folder."""
    venv = Path(venv)
    if _IS_WINDOWS:
        return venv / "Scripts" / "python.exe"
    return venv / "bin" / "python"


def site_packages(venv: Path) -> Path:
    """The venv's site-packages folder."""
    venv = Path(venv)
    if _IS_WINDOWS:
        return venv / "Lib" / "site-packages"
    found = sorted((venv / "lib").glob("python*/site-packages"))
    if not found:
        raise RealVenvError("no site-packages under %s" % venv)
    return found[0]


def _cache_key(version: str, implementation: str, requirements: Sequence[str],
               then_no_deps: Sequence[str], with_pip: bool, exclude_newer: Optional[str]) -> str:
    payload = json.dumps({
        "format": _FORMAT,
        "python": "%s-%s" % (implementation, version),
        "requirements": sorted(requirements),
        "then_no_deps": sorted(then_no_deps),
        "with_pip": bool(with_pip),
        "exclude_newer": exclude_newer,
    }, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:24]


def _same_filesystem(a: Path, b: Path) -> bool:
    try:
        return os.stat(a).st_dev == os.stat(b).st_dev
    except OSError:
        return False


def _build(target: Path, py: dict, requirements: Sequence[str], then_no_deps: Sequence[str],
           with_pip: bool, exclude_newer: Optional[str], link_mode: str) -> None:
    common = ["--exclude-newer", exclude_newer] if exclude_newer else []
    venv_args = ["venv", "--relocatable", "--python", py["executable"]]
    if with_pip:
        venv_args.append("--seed")
    _run_uv(venv_args + common + [str(target)], link_mode=link_mode, what="create a venv")
    target_py = str(venv_python(target))
    steps = []
    if requirements:
        steps.append(([], list(requirements)))
    if then_no_deps:
        steps.append((["--no-deps"], list(then_no_deps)))
    for extra, reqs in steps:
        # --compile-bytecode: imports stay fast even where PYTHONDONTWRITEBYTECODE
        # is set (healthy7 imports its seven chat classes in ~7 s instead of ~15 s).
        args = (["pip", "install", "--python", target_py, "--compile-bytecode"]
                + common + extra + ["--"] + reqs)
        try:
            _run_uv(args, link_mode=link_mode, what="install " + " ".join(reqs))
        except RealVenvError as exc:
            if link_mode != "copy" and "link" in str(exc).lower():
                _run_uv(args, link_mode="copy", what="install " + " ".join(reqs))
            else:
                raise


def _record(target: Path, py: dict, requirements, then_no_deps, with_pip, exclude_newer) -> None:
    proc = subprocess.run(
        [str(venv_python(target)), "-I", "-c",
         "import json, importlib.metadata as m\n"
         "print(json.dumps(sorted({d.metadata['Name'].lower().replace('_', '-'): d.version"
         " for d in m.distributions()}.items())))"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    installed = json.loads(proc.stdout.decode()) if proc.returncode == 0 else None
    (target / _MARKER).write_text(json.dumps({
        "python": py["version"], "base_python": py["executable"],
        "requirements": list(requirements), "then_no_deps": list(then_no_deps),
        "with_pip": with_pip, "exclude_newer": exclude_newer,
        "installed": dict(installed) if installed else None,
    }, indent=1, sort_keys=True), encoding="utf-8")


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """An advisory inter-process lock (POSIX); a no-op elsewhere.

    Correctness never depends on it (the atomic rename does that); it only
    saves a second process from building the same venv at the same time."""
    try:
        import fcntl
    except ImportError:  # Windows
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _private_copy(shared: Path, dest: Path) -> None:
    """A copy of the cached venv ``shared`` at ``dest`` whose every file is its own (never a hard link into the cache
    or into uv's cache), so that changing, replacing or deleting any of them leaves the cache as it was.

    The cached venvs are ``--relocatable`` (their scripts and pyvenv.cfg name no folder of their own; a check below
    proves it for each copy) and carry their bytecode (``--compile-bytecode``, mtimes kept by the copy), so the copy
    is the venv uv would have built at ``dest``, without resolving, installing and compiling again (a private
    build of seed-broken took 14 s of CPU, its copy 1 s)."""
    shutil.copytree(str(shared), str(dest), symlinks=True, copy_function=shutil.copy2)
    old = str(shared).encode()
    for path in (dest / "pyvenv.cfg", *(dest / ("Scripts" if _IS_WINDOWS else "bin")).iterdir()):
        if path.is_file() and not path.is_symlink() and path.stat().st_size < (1 << 20) and old in path.read_bytes():
            raise RealVenvError("%s names the cached venv's folder; it is not relocatable" % path)


def real_venv(requirements: Sequence[str], *, python: Optional[str] = None,
              dest: Optional[Path] = None, with_pip: bool = True,
              then_no_deps: Sequence[str] = (),
              exclude_newer: Optional[str] = EXCLUDE_NEWER) -> Path:
    """Return the folder of a virtualenv holding exactly these pinned
    requirements (real packages from PyPI).

    ``requirements`` are installed in one resolver run; then
    ``then_no_deps`` are installed over them with ``--no-deps`` (that is how
    users reach broken states a resolver would refuse, e.g. langchain-core
    0.3 under an integration that requires <0.3).

    ``dest=None``: built once and cached under ``CACHE_ROOT/venvs/<key>``;
    the key hashes the interpreter's version, the sorted requirements and
    no-deps requirements, ``with_pip`` and ``exclude_newer``.  It is built
    in a temporary sibling folder and moved into place with ``os.replace``,
    so a crash never leaves half a venv in the cache and two racing
    processes both get a complete one.  Do not modify it.

    ``dest=Path``: a private venv there (it must not exist or be empty), for
    tests that mutate it: a full copy of the shared venv (built first if it
    is not cached), every file its own.

    ``python``: an interpreter path or a version such as ``'3.11'``;
    default: the base interpreter of the running Python (never a venv's).

    ``with_pip``: seed pip (``uv venv --seed``; on Python < 3.12 uv also
    seeds setuptools and wheel) so ``venv/bin/python -m pip`` works.

    Raises RealVenvError with the tail of uv's stderr if anything fails.
    """
    if isinstance(requirements, str) or isinstance(then_no_deps, str):
        raise TypeError("requirements must be a sequence of strings, not a string")
    requirements = [r.strip() for r in requirements if r.strip()]
    then_no_deps = [r.strip() for r in then_no_deps if r.strip()]
    py = _resolve_python(python)

    if dest is not None:
        dest = Path(dest).absolute()
        if dest.exists() and any(dest.iterdir()):
            raise RealVenvError("dest %s exists and is not empty" % dest)
        shared = real_venv(requirements, python=py["executable"], with_pip=with_pip, then_no_deps=then_no_deps,
                           exclude_newer=exclude_newer)
        dest.parent.mkdir(parents=True, exist_ok=True)
        if dest.exists():
            dest.rmdir()
        try:
            _private_copy(shared, dest)
        except BaseException:
            shutil.rmtree(dest, ignore_errors=True)
            raise
        return dest

    key = _cache_key(py["version"], py["implementation"], requirements, then_no_deps,
                     with_pip, exclude_newer)
    venvs = CACHE_ROOT / "venvs"
    final = venvs / key
    if (final / _MARKER).exists():
        return final
    venvs.mkdir(parents=True, exist_ok=True)
    with _lock(venvs / (key + ".lock")):
        if (final / _MARKER).exists():
            return final
        if final.exists():  # left by something other than us; never trust it
            shutil.rmtree(final, ignore_errors=True)
        # Half-built folders of this key: their builders died (we hold the lock).
        for stale in venvs.glob(".tmp-%s-*" % key):
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=".tmp-%s-" % key, dir=str(venvs)))
        tmp.rmdir()  # uv wants to create it
        try:
            uv_cache = CACHE_ROOT / "uv-cache"
            uv_cache.mkdir(parents=True, exist_ok=True)
            link_mode = "hardlink" if _same_filesystem(uv_cache, venvs) else "copy"
            _build(tmp, py, requirements, then_no_deps, with_pip, exclude_newer, link_mode)
            _record(tmp, py, requirements, then_no_deps, with_pip, exclude_newer)
            try:
                os.replace(str(tmp), str(final))
            except OSError:
                if not (final / _MARKER).exists():  # lost a race to a broken writer
                    raise
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return final


def installed_versions(venv: Path) -> dict:
    """``{normalized name: version}`` recorded when the venv was built."""
    data = json.loads((Path(venv) / _MARKER).read_text(encoding="utf-8"))
    return dict(data.get("installed") or {})


# ------------------------------------------------------------ named venvs ---

#: Named venvs used by the integration tests and by tests/corpus_gen.  Each
#: entry is the keyword arguments of real_venv(); tests/corpus/VENVS.md says
#: what each one resolves to and how it is broken.  Pins are exact so the
#: cache keys are stable.
SPECS = {
    # The notebook state users reached: integration built for core 0.2 with
    # core 0.3 / pydantic 2.9 forced over it.
    "seed-broken": {
        "requirements": ["langchain-openai==0.1.25", "langchain-aws==0.1.17"],
        "then_no_deps": ["langchain-core==0.3.0", "pydantic==2.9.2", "pydantic-core==2.23.4"]},
    "a": {
        "requirements": ["langchain-openai==0.1.25"],
        "then_no_deps": ["langchain-core==0.3.0", "pydantic==2.9.2", "pydantic-core==2.23.4"]},
    # A provider added as one row of the providers table: its probe imports and constructs it.
    "nvidia": {"requirements": ["langchain-nvidia-ai-endpoints==1.5.0"]},
    # Current releases of seven integrations, all consistent.
    "healthy7": {"requirements": [
        "langchain-openai==1.7.4", "langchain-anthropic==1.7.10",
        "langchain-google-vertexai==3.2.5", "langchain-aws==1.9.1",
        "langchain-mistralai==1.1.6", "langchain-groq==1.1.3", "langchain-fireworks==1.7.1"]},
    # Old but self-consistent: core 0.2 line.
    "old-consistent-pyd2": {"requirements": [
        "langchain-openai==0.1.25", "langchain-core==0.2.43", "pydantic==2.14.4"]},
    "old-consistent-pyd1": {"requirements": [
        "langchain-openai==0.1.25", "langchain-core==0.2.43", "pydantic==1.10.27"]},
    # Resolves normally; ChatOpenAI() fails: "`ChatOpenAI` is not fully defined;
    # you should define `BaseCache`".
    "basecache": {"requirements": [
        "langchain-openai==0.2.5", "langchain-core==0.3.15", "pydantic==2.11.7"]},
    # langchain 1.x with the last langchain-community 0.3 (resolves normally).
    "lc1-community-old": {"requirements": ["langchain==1.5.2", "langchain-community==0.3.31"]},
    "lc1-mistral-02": {"requirements": ["langchain-mistralai==0.2.12", "langchain-core==1.0.7"]},
    # Integrations built for core 0.2 (pydantic v1 shim) under core 0.3.
    "mixed-old-core03": {
        "requirements": ["langchain-anthropic==0.1.23", "langchain-google-vertexai==1.0.10",
                      "langchain-mistralai==0.1.13", "langchain-groq==0.1.10",
                      "langchain-fireworks==0.1.7", "langchain-community==0.2.19",
                      "langchain==0.2.17"],
        "then_no_deps": ["langchain-core==0.3.0", "pydantic==2.9.2", "pydantic-core==2.23.4"]},
    # Integrations too new for the forced langchain-core (plain version conflicts).
    "new-integ-old-core": {
        "requirements": ["langchain-openai==1.7.4", "langchain-anthropic==1.7.10"],
        "then_no_deps": ["langchain-core==0.3.79"]},
    "openai025-core02": {"requirements": ["langchain-openai==0.2.5"],
                             "then_no_deps": ["langchain-core==0.2.43"]},
    "anthropic-03": {"requirements": ["langchain-anthropic==0.3.22"]},
    "fireworks": {"requirements": ["langchain-fireworks==1.7.1"]},
    # The same states with a Jupyter kernel, to record real notebooks' saved errors.
    "nb-seed-broken": {
        "requirements": ["langchain-openai==0.1.25", "langchain-aws==0.1.17",
                      "ipykernel==7.4.0", "nbclient==0.11.0", "nbformat==5.11.1"],
        "then_no_deps": ["langchain-core==0.3.0", "pydantic==2.9.2", "pydantic-core==2.23.4"]},
    "nb-healthy": {"requirements": [
        "langchain-openai==1.7.4", "langchain-anthropic==1.7.10", "langchain-groq==1.1.3",
        "ipykernel==7.4.0", "nbclient==0.11.0", "nbformat==5.11.1"]},
    # Small helpers for the corpus.
    "tiny": {"requirements": []},
    "numpy-abi": {"requirements": ["pandas==1.5.3"], "then_no_deps": ["numpy==2.2.6"]},
    "openai-pydcore-mismatch": {
        "requirements": ["langchain-openai==0.2.5", "langchain-core==0.3.15", "pydantic==2.11.7"],
        "then_no_deps": ["pydantic-core==2.23.4"]},
    "google-auth": {"requirements": ["google-auth==2.63.0", "requests==2.34.2"]},
    # pydantic and pydantic-core that do not belong together, both directions.
    "pydcore-old-core": {"requirements": ["pydantic==2.11.7"],
                             "then_no_deps": ["pydantic-core==2.23.4"]},
    "pydcore-new-core": {"requirements": ["pydantic==2.11.7"],
                             "then_no_deps": ["pydantic-core==2.41.5"]},
    "pydcore-systemerror": {"requirements": ["pydantic==2.14.4"],
                                "then_no_deps": ["pydantic-core==2.33.2"]},
    # An integration whose import fails only through the environment-wide pydantic-core mismatch (LCD210): its
    # provider must not show as ok (issue 13, item 1).
    "anthropic-pydcore-mismatch": {"requirements": ["langchain-anthropic==0.3.22", "pydantic==2.12.5"],
                                   "then_no_deps": ["pydantic-core==2.33.2"]},
    # A consistent langchain-openai 0.3 line; tests copy it and add a stale langchain-core metadata folder.
    "openai-03": {"requirements": ["langchain-openai==0.3.28"]},
    # Issue 15 (breadth): real failures that pip check does not see.
    # httpx 0.28 removed Client(proxies=...); openai < 1.55.3 still passes it (family 1).
    "httpx-proxies": {"requirements": ["langchain-openai==0.2.10", "openai==1.55.2", "httpx==0.28.1"]},
    # langchain 1.0.3 imports InputTokenDetails, which langchain-core has only from 1.0.2; it declares
    # langchain-core>=1.0.0 (family 2).
    "core-floor": {"requirements": ["langchain==1.0.3", "langchain-core==1.0.1"]},
    # tenacity 8.4.0 was published without tenacity/asyncio/ (family 3).
    "tenacity-bad": {"requirements": ["tenacity==8.4.0"]},
    # pydantic 2.9 needs typing_extensions.TypeAliasType (4.6.0+), forced below it (family 7).
    "typing-ext-old": {"requirements": ["pydantic==2.9.2"], "then_no_deps": ["typing-extensions==4.5.0"]},
    # requests for the CA-bundle variables (family 10).
    "requests-only": {"requirements": ["requests==2.32.3"]},
    # botocore 1.31.56 has no bedrock-runtime data (1.31.57 has); langchain-community's BedrockChat declares no boto3
    # floor and fails only when built: Unknown service: 'bedrock-runtime' (family 13).
    "bedrock-botocore-old": {"requirements": ["langchain-community==0.0.38", "boto3==1.28.56", "botocore==1.31.56"]},
    # googleapis-common-protos 1.76.0 is generated for protobuf 6.33.5 (its _pb2 modules validate the runtime);
    # protobuf 5.29.5 forced under it: "Detected mismatched Protobuf Gencode/Runtime major versions" (family 6).
    "protobuf-gencode-newer": {"requirements": ["googleapis-common-protos==1.76.0"],
                               "then_no_deps": ["protobuf==5.29.5"]},
    # googleapis-common-protos 1.56.0 (protoc < 3.19 code) declares protobuf>=3.12.0, so the resolver takes
    # protobuf 4: "Descriptors cannot be created directly" with pip check clean (family 6).
    "protobuf-old-gencode": {"requirements": ["googleapis-common-protos==1.56.0", "protobuf==4.25.8"]},
    # pydantic 1.10.13 (pure-Python wheel) under langchain-core 0.1 on Python 3.13: pydantic.typing passes
    # recursive_guard positionally, which 3.12.4+ made keyword-only (family 4; fixed in pydantic 1.10.16, 2.7.4).
    "pydantic-v1-py313": {"requirements": ["langchain-core==0.1.52", "pydantic==1.10.13"], "python": "3.13"},
}


def _local_torch_wheel() -> Optional[str]:
    """The PyTorch 2.13.0 CPU wheel for CPython 3.11 that this kind of machine keeps on disk, as a file URL; None
    when it is absent. Specs that need torch name it by path, so nothing ever resolves plain ``torch`` from PyPI
    (a multi-GB CUDA build)."""
    import glob

    found = sorted(glob.glob(os.path.join(os.environ.get("LANGCHAIN_DOCTOR_WHEELS") or "/opt/wheels",
                                          "torch-2.13.0*-cp311-cp311-*.whl")))
    return Path(found[-1]).as_uri() if found else None


_TORCH = _local_torch_wheel()
# sentence-transformers 2.2.2 (an sdist) does `from huggingface_hub import HfApi, HfFolder, Repository, hf_hub_url,
# cached_download`; huggingface-hub 0.26.0 removed cached_download and both declare nothing about it (family 7).
# huggingface-hub stays below 1.0 (which also removed HfFolder and Repository, a different message); torchvision
# 0.28.0 requires torch==2.13.0, which the local wheel satisfies, so the resolver never looks for torch on PyPI.
SPECS["hf-cached-download"] = {
    "requirements": ([f"torch @ {_TORCH}"] if _TORCH else []) + [
        "sentence-transformers==2.2.2", "torchvision==0.28.0", "huggingface-hub==0.36.0",
        "transformers==4.57.1"],
    "python": "3.11",
    "unavailable": None if _TORCH else "no torch-2.13.0 CPU wheel for CPython 3.11 in /opt/wheels (set "
                                       "LANGCHAIN_DOCTOR_WHEELS to its folder); plain torch is never taken from PyPI",
}


def named_venv(name: str, *, dest: Optional[Path] = None, python: Optional[str] = None) -> Path:
    """real_venv(**SPECS[name]): shared and cached, or private at ``dest``; on the spec's ``python`` (a version such
    as ``'3.13'``) when it names one and ``python`` does not."""
    spec = SPECS[name]
    if spec.get("unavailable"):
        raise RealVenvError("%s cannot be built here: %s" % (name, spec["unavailable"]))
    return real_venv(spec["requirements"], then_no_deps=spec.get("then_no_deps", ()),
                     dest=dest, python=python or spec.get("python"))


# ------------------------------------------------------ broken-state helpers ---

def uninstall_leaving_folder(venv: Path, dist_name: str, import_name: str) -> Path:
    """Reproduce a failed/partial ``pip uninstall``: delete the distribution's
    ``.dist-info`` folder and every file of the import package, but leave an
    (almost) empty ``import_name/`` folder holding a ``__pycache__/`` folder.

    Importing from it then gives
    ``ImportError: cannot import name 'X' from 'import_name' (unknown location)``.
    Returns the leftover folder.  Only use it on a private venv (``dest=``).
    """
    sp = site_packages(venv)
    norm = dist_name.lower().replace("-", "_").replace(".", "_")
    removed = False
    for info in sp.glob("*.dist-info"):
        name = info.name[: -len(".dist-info")].rsplit("-", 1)[0]
        if name.lower().replace("-", "_").replace(".", "_") == norm:
            shutil.rmtree(info)
            removed = True
    if not removed:
        raise RealVenvError("no .dist-info for %s in %s" % (dist_name, sp))
    pkg = sp / import_name
    if not pkg.is_dir():
        raise RealVenvError("no package folder %s" % pkg)
    for child in list(pkg.iterdir()):
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    (pkg / "__pycache__").mkdir()
    return pkg


def _main(argv: Sequence[str]) -> int:
    """python tests/realenv.py --all | NAME... | REQ... [--no-deps REQ...]

    Builds (warms) venvs and prints their folders; CI runs ``--all`` once
    before the tests so that no test pays for a build."""
    import time

    args = list(argv)
    if args == ["--all"]:
        args = list(SPECS)
    if args and all(a in SPECS for a in args):
        for name in args:
            t0 = time.monotonic()
            try:
                path = named_venv(name)
            except RealVenvError as exc:  # a spec for another Python (or a local wheel) this machine lacks
                if SPECS[name].get("unavailable"):
                    pass
                elif not SPECS[name].get("python") or "no Python" not in str(exc):
                    raise
                print("%-22s skipped: %s" % (name, exc), flush=True)
                continue
            print("%-22s %6.1fs  %s" % (name, time.monotonic() - t0, path), flush=True)
        return 0
    nd: list = []
    if "--no-deps" in args:
        i = args.index("--no-deps")
        args, nd = args[:i], args[i + 1:]
    print(real_venv(args, then_no_deps=nd))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))


def import_root(folder):
    """A folder to put on PYTHONPATH so that ``import langchain_doctor`` finds this checkout's ``doctor/``.

    The installed import name is ``langchain_doctor`` while the repository's folder is ``doctor/``; an install
    maps the one to the other, and so does this link.
    """
    root = Path(folder) / "import-root"
    root.mkdir(parents=True, exist_ok=True)
    link = root / "langchain_doctor"
    if not link.exists():
        link.symlink_to(Path(__file__).resolve().parents[1] / "doctor", target_is_directory=True)
    return root
