#!/usr/bin/env python3
"""Benchmarks for langchain-doctor: ratios against ``pip check`` and bare imports, warm vs cold, start-up, scaling.

Run from the repository root, with the interpreter that has the doctor installed::

    python benchmarks/run.py                 # everything, 5 runs each (about 5-10 minutes)
    python benchmarks/run.py --runs 3 --only version,scaling

Every measurement is wall time (``time.perf_counter`` around ``subprocess.run``) of a whole command, the
median of ``--runs`` samples (at least 15 for item 1 and 20 for item 4, which are sub-second; min and max
reported too), after one untimed warm-up run of that command (so
the OS page cache and bytecode caches are warm for both sides of every ratio). The two sides of a ratio are
interleaved (A1 B1 A2 B2 ...) in the same run, so slow drift of the machine hits both equally.

The doctor is run as the console script ``langchain-doctor`` that sits next to ``sys.executable`` (what users
type), else as ``sys.executable -m langchain_doctor``; the JSON says which. Results: a table on stdout and
``benchmarks/results/<date>.json`` (every raw timing, machine info). Stdlib only, so the unit tests can load the
synthetic-environment generator from this file.
"""

from __future__ import annotations

import argparse
import base64
import datetime as _dt
import hashlib
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "benchmarks" / "results"

#: The real venvs (tests/realenv.py SPECS) the ratios are measured on.
VENVS = ("healthy7", "seed-broken")

#: Import modules of the seed's seven integrations; the serial-imports baseline uses those installed.
INTEGRATION_MODULES = (
    "langchain_openai", "langchain_anthropic", "langchain_google_vertexai", "langchain_aws",
    "langchain_mistralai", "langchain_groq", "langchain_fireworks",
)

#: Issue 7's targets.
TARGETS: dict[str, float] = {
    "static_vs_pip_check": 0.5,      # ratio
    "full_vs_serial_imports": 0.6,   # ratio
    "warm_vs_cold": 0.15,            # ratio
    "version_seconds": 0.15,         # seconds
    "static_1000_seconds": 1.0,      # seconds
    "fleet_warm50_seconds": 2.0,     # seconds: warm --all-kernels over 50 unchanged environments (#18)
    "summarize_1000_seconds": 1.0,   # seconds: summarize of 1,000 reports, slowest format (#18)
}

#: Item 1 (static vs pip check, both sub-second) takes at least this many samples per side.
STATIC_MIN_RUNS = 15

#: A warm/cold ratio above this means no cache was used at all.
NO_CACHE_RATIO = 0.8

#: Variables that would make a child process examine or run something else than asked.
_DROPPED_ENV = ("VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_DEFAULT_ENV", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP",
                "PYTHONPYCACHEPREFIX", "PIP_REQUIRE_VIRTUALENV")


class BenchError(RuntimeError):
    """A command that had to work did not (exit 2, a crash, a missing tool)."""


# ------------------------------------------------------------------------------------------ synthetic environments

#: A handful of LangChain-family distributions (and what they need), in dependency order so that every prefix of
#: this tuple is self-consistent: (name, version, Requires-Dist lines, import module).
FAMILY: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    ("typing-extensions", "4.15.0", (), "typing_extensions"),
    ("pydantic-core", "2.33.2", ("typing-extensions>=4.6.0,!=4.7.0",), "pydantic_core"),
    ("pydantic", "2.11.7", ("pydantic-core==2.33.2", "typing-extensions>=4.12.2",
                            'email-validator>=2.0.0; extra == "email"'), "pydantic"),
    ("langsmith", "0.4.37", ("pydantic<3,>=1; python_full_version < \"3.12.4\"",
                             "pydantic<3.0.0,>=2.7.4; python_full_version >= \"3.12.4\""), "langsmith"),
    ("langchain-core", "1.0.7", ("langsmith<1.0.0,>=0.3.45", "pydantic<3.0.0,>=2.7.4",
                                 "typing-extensions<5.0.0,>=4.7.0"), "langchain_core"),
    ("openai", "2.8.1", ("pydantic<3,>=1.9.0", "typing-extensions<5,>=4.11"), "openai"),
    ("langchain-openai", "1.1.0", ("langchain-core<2.0.0,>=1.0.0", "openai<3.0.0,>=1.109.1"), "langchain_openai"),
    ("anthropic", "0.75.0", ("pydantic<3,>=1.9.0", "typing-extensions<5,>=4.10"), "anthropic"),
    ("langchain-anthropic", "1.1.0", ("anthropic<1.0.0,>=0.69.0", "langchain-core<2.0.0,>=1.0.0",
                                      "pydantic<3.0.0,>=2.7.4"), "langchain_anthropic"),
)

FILLER_PREFIX = "synth-pkg"


@dataclass(frozen=True)
class SynthDist:
    """One generated distribution."""

    name: str
    version: str
    requires: tuple[str, ...]
    module: str
    dist_info: Path
    files: tuple[str, ...]
    """Paths listed in RECORD, relative to site-packages."""


def _record_line(site: Path, rel: str) -> str:
    data = (site / rel).read_bytes()
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{rel},sha256={digest},{len(data)}"


def write_dist(site: Path, name: str, version: str, requires: tuple[str, ...], module: str,
               files_per_dist: int = 4) -> SynthDist:
    """Write one installed distribution the way pip leaves it: the package's files plus a .dist-info folder."""
    folder = f"{name.replace('-', '_')}-{version}.dist-info"
    dist_info = site / folder
    dist_info.mkdir(parents=True)
    pkg = site / module
    pkg.mkdir()
    rels = [f"{module}/__init__.py"] + [f"{module}/_part{i}.py" for i in range(1, max(files_per_dist, 1))]
    for i, rel in enumerate(rels):
        (site / rel).write_text(f'"""Synthetic module {i} of {name}."""\n\nVALUE = {i}\n', encoding="utf-8")
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}",
             f"Summary: synthetic distribution {name} (langchain-doctor benchmark)", "Requires-Python: >=3.9"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    meta = {
        "METADATA": "\n".join(lines) + "\n",
        "WHEEL": "Wheel-Version: 1.0\nGenerator: langchain-doctor-benchmark\nRoot-Is-Purelib: true\n"
                 "Tag: py3-none-any\n",
        "INSTALLER": "pip\n",
        "top_level.txt": module + "\n",
    }
    for fname, text in meta.items():
        (dist_info / fname).write_text(text, encoding="utf-8")
    record = [_record_line(site, rel) for rel in rels]
    record += [_record_line(site, f"{folder}/{fname}") for fname in meta]
    record.append(f"{folder}/RECORD,,")
    (dist_info / "RECORD").write_text("\n".join(record) + "\n", encoding="utf-8")
    return SynthDist(name, version, requires, module, dist_info, (*rels, *(f"{folder}/{f}" for f in meta),
                                                                    f"{folder}/RECORD"))


def write_site(site: Path, size: int, files_per_dist: int = 4) -> list[SynthDist]:
    """Fill ``site`` with exactly ``size`` distributions: the LangChain family first, then filler packages.

    Each filler requires its "parent" (a binary tree, so requirements resolve inside the set) and has an
    extra-gated requirement that is not installed, like real packages' test extras. Nothing is left unmet."""
    if size < 1:
        raise ValueError("size must be at least 1")
    site.mkdir(parents=True, exist_ok=True)
    out = [write_dist(site, n, v, r, m, files_per_dist) for n, v, r, m in FAMILY[:size]]
    for i in range(size - len(out)):
        requires = ['pytest>=7; extra == "test"']
        if i > 0:
            requires.insert(0, f"{FILLER_PREFIX}-{(i - 1) // 2:05d}>=1.0")
        name = f"{FILLER_PREFIX}-{i:05d}"
        out.append(write_dist(site, name, f"1.{i % 7}.{i % 11}", tuple(requires), name.replace("-", "_"),
                              files_per_dist))
    return out


def venv_python(venv: Path) -> Path:
    """The interpreter of a venv folder."""
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def venv_site_packages(venv: Path) -> Path:
    """The purelib folder of a venv made by ``python -m venv``."""
    if os.name == "nt":
        return venv / "Lib" / "site-packages"
    found = sorted((venv / "lib").glob("python*/site-packages"))
    if not found:
        raise BenchError(f"no site-packages under {venv}")
    return found[0]


def make_synthetic_venv(dest: Path, size: int, *, python: Optional[str] = None,
                        files_per_dist: int = 4) -> tuple[Path, list[SynthDist]]:
    """A real venv (``python -m venv --without-pip``) whose site-packages holds ``size`` synthetic distributions.

    Returns its interpreter (a real one: its ``sys.path`` includes that site-packages) and the distributions."""
    proc = subprocess.run([python or sys.executable, "-m", "venv", "--without-pip", str(dest)],
                          capture_output=True, text=True, timeout=300, check=False)
    if proc.returncode != 0:
        raise BenchError(f"python -m venv failed: {proc.stderr.strip()[-500:]}")
    return venv_python(dest), write_site(venv_site_packages(dest), size, files_per_dist)


# ----------------------------------------------------------------------------------------------- measuring

@dataclass(frozen=True)
class Sample:
    """One timed command."""

    seconds: float
    """Wall time."""
    cpu: Optional[float]
    """User + system CPU time of the command and the processes it waited for (None where unmeasurable)."""
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""


def _children_cpu() -> Optional[float]:
    try:
        import resource
    except ImportError:  # Windows
        return None
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def total(samples: list[Sample]) -> Sample:
    """One sample standing for several commands run one after the other (the serial baseline)."""
    cpus = [x.cpu for x in samples]
    return Sample(sum(x.seconds for x in samples), None if None in cpus else sum(c or 0.0 for c in cpus))


def stats(samples: list[Sample]) -> dict[str, Any]:
    """Wall time min / median / max and every raw value (seconds); CPU time median and raw values."""
    values = [x.seconds for x in samples]
    out: dict[str, Any] = {"n": len(values), "min": min(values), "median": statistics.median(values),
                           "max": max(values), "raw": [round(v, 6) for v in values]}
    cpus = [x.cpu for x in samples if x.cpu is not None]
    if len(cpus) == len(samples):
        out["cpu"] = {"median": statistics.median(cpus), "raw": [round(c, 4) for c in cpus]}
    return out


def cpu_ratio_of(a: dict[str, Any], b: dict[str, Any]) -> Optional[float]:
    """median CPU(a) / median CPU(b): less sensitive than wall time to other work on a busy machine."""
    if "cpu" not in a or "cpu" not in b or not b["cpu"]["median"]:
        return None
    return float(a["cpu"]["median"]) / float(b["cpu"]["median"])


def ratio_of(a: dict[str, Any], b: dict[str, Any]) -> float:
    """median(a) / median(b)."""
    return float(a["median"]) / float(b["median"]) if b["median"] else float("inf")


@dataclass
class Bench:
    """Runs commands in a controlled environment and keeps the notes that explain the numbers."""

    runs: int
    doctor: list[str]
    invocation: str
    base_env: dict[str, str]
    scratch: Path
    verbose: bool = False
    notes: list[str] = field(default_factory=list)
    commands: dict[str, str] = field(default_factory=dict)

    def env(self, cache: Optional[Path] = None) -> dict[str, str]:
        """The child environment; ``cache`` is where the doctor's user cache goes (a private folder)."""
        env = dict(self.base_env)
        folder = cache or (self.scratch / "cache-default")
        env["LANGCHAIN_DOCTOR_CACHE_DIR"] = str(folder)
        env["XDG_CACHE_HOME"] = str(folder / "xdg")
        return env

    def cwd(self, name: str) -> Path:
        """An empty working folder (no pyproject.toml, no .venv, no local modules)."""
        path = self.scratch / "cwd" / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def time(self, cmd: list[str], *, env: dict[str, str], cwd: Path, ok: tuple[int, ...] = (0, 1),
             label: str = "", timeout: float = 1800) -> Sample:
        """Run ``cmd`` once, timed with perf_counter; BenchError unless its exit code is in ``ok``."""
        if label and label not in self.commands:
            self.commands[label] = shlex.join(cmd)
        cpu0 = _children_cpu()
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env=env, cwd=str(cwd), capture_output=True, timeout=timeout, check=False)
        seconds = time.perf_counter() - t0
        cpu1 = _children_cpu()
        cpu = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        if proc.returncode not in ok:
            raise BenchError(f"{shlex.join(cmd)} exited {proc.returncode}: {err.strip()[-800:]}")
        if self.verbose:
            print(f"    {seconds:8.3f}s rc={proc.returncode} {label or shlex.join(cmd)[:100]}", file=sys.stderr)
        return Sample(seconds, cpu, proc.returncode, out, err)

    def doctor_cmd(self, *args: str) -> list[str]:
        """The doctor's argv with these arguments."""
        return [*self.doctor, *args]


def _report(sample: Sample) -> dict[str, Any]:
    """The doctor's JSON report from a sample's stdout."""
    try:
        data: dict[str, Any] = json.loads(sample.stdout)
    except ValueError as exc:
        raise BenchError(f"the doctor did not print JSON: {sample.stdout[:300]!r} {sample.stderr[-300:]!r}") from exc
    return data


def _verdict(report: dict[str, Any]) -> dict[str, Any]:
    """What must not change between a cached and an uncached run: findings, providers, packages, exit code."""
    return {
        "exit_code": report.get("exit_code"),
        "summary": report.get("summary"),
        "findings": sorted((f.get("code"), f.get("subject"), f.get("severity")) for f in report.get("findings", [])),
        "providers": sorted((p.get("name"), p.get("status")) for p in report.get("providers", [])),
        "packages": sorted((p.get("name"), p.get("version")) for p in report.get("packages", [])),
    }


def _diff(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str] = ("cold", "warm")) -> dict[str, Any]:
    """The keys of two verdicts that differ: what only ``a`` has and what only ``b`` has."""
    na, nb = names
    out: dict[str, Any] = {}
    for key in a.keys() | b.keys():
        va, vb = a.get(key), b.get(key)
        if va == vb:
            continue
        if isinstance(va, list) and isinstance(vb, list):
            out[key] = {f"only_{na}": [x for x in va if x not in vb], f"only_{nb}": [x for x in vb if x not in va]}
        else:
            out[key] = {na: va, nb: vb}
    return out


def _files_in(folder: Path) -> tuple[int, int]:
    count = size = 0
    if folder.exists():
        for dirpath, _dirs, files in os.walk(folder):
            for fn in files:
                count += 1
                try:
                    size += (Path(dirpath) / fn).stat().st_size
                except OSError:
                    pass
    return count, size


# --------------------------------------------------------------------------------------------------- items

def bench_static(b: Bench, name: str, venv: Path) -> dict[str, Any]:
    """Item 1: static check (--no-probe --no-cache) vs ``python -m pip check``; plus the static warm re-run."""
    py = str(venv_python(venv))
    cache = b.scratch / f"cache-static-{name}"
    cwd = b.cwd(f"static-{name}")
    doc = b.doctor_cmd("--python", py, "--no-probe", "--format", "json", "--no-cache")
    warm_cmd = b.doctor_cmd("--python", py, "--no-probe", "--format", "json")
    pip = [py, "-m", "pip", "check"]
    env = b.env(cache)
    # Untimed warm-ups; the cached one also fills the cache for the warm samples.
    first = b.time(doc, env=env, cwd=cwd, label="static (--no-probe --no-cache)")
    pip_first = b.time(pip, env=env, cwd=cwd, label="pip check")
    b.time(warm_cmd, env=env, cwd=cwd, label="static, cache enabled")
    cache_files = _files_in(cache)
    d: list[Sample] = []
    p: list[Sample] = []
    w: list[Sample] = []
    warm_report: dict[str, Any] = {}
    # Cheap commands get more samples (as --version does): a median of 5 sub-second runs moves with one busy
    # moment of a shared machine.
    for _ in range(max(STATIC_MIN_RUNS, b.runs)):
        d.append(b.time(doc, env=env, cwd=cwd))
        p.append(b.time(pip, env=env, cwd=cwd))
        ws = b.time(warm_cmd, env=env, cwd=cwd)
        w.append(ws)
        warm_report = _report(ws)
    report = _report(first)
    # Where the doctor's own start-up goes (not timed; one run): the heaviest imports of this command.
    imports_top = importtime_top(b, doc[len(b.doctor):], env=env, ok=(0, 1))
    ds, ps, wss = stats(d), stats(p), stats(w)
    r = ratio_of(ds, ps)
    return {
        "venv": str(venv), "doctor": ds, "pip_check": ps, "ratio": r, "cpu_ratio": cpu_ratio_of(ds, ps),
        "pair_ratios": [round(x.seconds / y.seconds, 4) for x, y in zip(d, p)],
        "target": TARGETS["static_vs_pip_check"], "met": r <= TARGETS["static_vs_pip_check"],
        "doctor_exit_code": first.returncode, "pip_check_exit_code": pip_first.returncode,
        "doctor_packages_seen": len(report.get("packages", [])), "doctor_summary": report.get("summary"),
        "warm": wss, "warm_vs_cold": ratio_of(wss, ds), "cache_files": cache_files[0], "cache_bytes": cache_files[1],
        "warm_matches_cold": _verdict(warm_report) == _verdict(report),
        "warm_vs_cold_differences": _diff(_verdict(report), _verdict(warm_report)),
        "importtime_top": imports_top,
    }


def installed_modules(venv: Path) -> list[str]:
    """The integration modules (of the seven) that the venv holds as packages."""
    site = venv_site_packages(venv)
    return [m for m in INTEGRATION_MODULES if (site / m / "__init__.py").is_file()]


def bench_full(b: Bench, name: str, venv: Path) -> dict[str, Any]:
    """Items 2 and 3: full check (--no-cache) vs the serial sum of bare imports; cached first and warm runs."""
    py = str(venv_python(venv))
    cache = b.scratch / f"cache-full-{name}"
    env = b.env(cache)
    cold_cmd = b.doctor_cmd("--python", py, "--format", "json", "--no-cache")
    cached_cmd = b.doctor_cmd("--python", py, "--format", "json")
    modules = installed_modules(venv)
    imports = {m: [py, "-c", f"import {m}"] for m in modules}
    cwd0 = b.cwd(f"full-{name}-warmup")
    first = b.time(cold_cmd, env=env, cwd=cwd0, label="full check (--no-cache)")
    import_rc: dict[str, int] = {}
    for m, cmd in imports.items():
        import_rc[m] = b.time(cmd, env=env, cwd=cwd0, label=f"import {m}").returncode
    b.time(cached_cmd, env=env, cwd=cwd0, label="full check, cache enabled")
    cache_files = _files_in(cache)
    cold: list[Sample] = []
    serial: list[Sample] = []
    per_module: dict[str, list[Sample]] = {m: [] for m in modules}
    first_cached: list[Sample] = []
    warm: list[Sample] = []
    matches: list[bool] = []
    diffs: list[dict[str, Any]] = []
    cold_verdicts = [_verdict(_report(first))]
    for i in range(b.runs):
        # A fresh working folder per round: the working directory is part of the cache's fingerprint, so the
        # first cached run of the round is a miss (it computes and writes) and the next one a hit.
        cwd = b.cwd(f"full-{name}-{i}")
        cs_ = b.time(cold_cmd, env=env, cwd=cwd)
        cold.append(cs_)
        cold_verdicts.append(_verdict(_report(cs_)))
        round_imports = []
        for m, cmd in imports.items():
            s = b.time(cmd, env=env, cwd=cwd, ok=(0, 1))
            per_module[m].append(s)
            round_imports.append(s)
        serial.append(total(round_imports))
        first_cached.append(b.time(cached_cmd, env=env, cwd=cwd))
        ws = b.time(cached_cmd, env=env, cwd=cwd)
        warm.append(ws)
        warm_verdict = _verdict(_report(ws))
        matches.append(warm_verdict == cold_verdicts[-1])
        if warm_verdict != cold_verdicts[-1]:
            diffs.append(_diff(cold_verdicts[-1], warm_verdict))
    cold_diffs = [_diff(cold_verdicts[0], v, ("first", "later")) for v in cold_verdicts[1:] if v != cold_verdicts[0]]
    if cold_diffs:
        def side(key: str) -> list[str]:
            return sorted({" ".join(map(str, f)) for d in cold_diffs for f in d.get("findings", {}).get(key, [])})

        first_only, later_only = side("only_first"), side("only_later")
        b.notes.append(f"{name}: uncached full checks disagreed: {len(cold_diffs)} of {len(cold_verdicts) - 1} timed "
                       "runs differ from the first (the untimed warm-up, on an empty doctor cache folder); only the "
                       f"first: {', '.join(first_only) or 'nothing'}; only later: {', '.join(later_only) or 'nothing'} "
                       "(see cold_runs_differences)")
    if diffs:
        b.notes.append(f"{name}: a cached full check reported something else than the uncached one of the same "
                       f"round ({len(diffs)} of {b.runs} rounds; see warm_vs_cold_differences)")
    cs, ss, fs, wss = stats(cold), stats(serial), stats(first_cached), stats(warm)
    r_full = ratio_of(cs, ss)
    r_warm = ratio_of(wss, cs)
    return {
        "venv": str(venv), "modules": modules, "import_exit_codes": import_rc,
        "full": {
            "doctor": cs, "serial_imports": ss, "ratio": r_full, "cpu_ratio": cpu_ratio_of(cs, ss),
            "pair_ratios": [round(x.seconds / y.seconds, 4) for x, y in zip(cold, serial)],
            "per_module": {m: stats(v) for m, v in per_module.items()},
            "target": TARGETS["full_vs_serial_imports"], "met": r_full <= TARGETS["full_vs_serial_imports"],
            "doctor_exit_code": first.returncode, "doctor_summary": _report(first).get("summary"),
        },
        "warm": {
            "cold": cs, "first_cached": fs, "warm": wss, "ratio": r_warm, "cpu_ratio": cpu_ratio_of(wss, cs),
            "pair_ratios": [round(x.seconds / y.seconds, 4) for x, y in zip(warm, cold)],
            "target": TARGETS["warm_vs_cold"], "met": r_warm <= TARGETS["warm_vs_cold"],
            "cache_files": cache_files[0], "cache_bytes": cache_files[1],
            "cache_detected": cache_files[0] > 0 and r_warm < NO_CACHE_RATIO,
            "warm_matches_cold": all(matches),
            "warm_vs_cold_differences": diffs,
            "cold_runs_agree": not cold_diffs,
            "cold_runs_differences": cold_diffs,
        },
    }


def importtime_top(b: Bench, args: list[str], n: int = 12, env: Optional[dict[str, str]] = None,
                   ok: tuple[int, ...] = (0,)) -> list[dict[str, Any]]:
    """The slowest imports (depth <= 1) of ``python -X importtime -m doctor ARGS``, cumulative microseconds."""
    cmd = [sys.executable, "-X", "importtime", "-m", "langchain_doctor", *args]
    s = b.time(cmd, env=env or b.env(), cwd=b.cwd("importtime"), ok=ok)
    rows: list[tuple[int, int, int, str]] = []  # (cumulative, self, depth, module)
    for line in s.stderr.splitlines():
        parts = line[len("import time:"):].split("|")
        if not line.startswith("import time:") or len(parts) != 3 or "cumulative" in line:
            continue
        mod = parts[2].rstrip()
        try:
            rows.append((int(parts[1]), int(parts[0]), (len(mod) - len(mod.lstrip()) - 1) // 2, mod.strip()))
        except ValueError:
            continue
    top = sorted((r for r in rows if r[2] <= 1), reverse=True)[:n]
    return [{"module": m, "depth": d, "self_us": su, "cumulative_us": cu} for cu, su, d, m in top]


def bench_version(b: Bench) -> dict[str, Any]:
    """Item 4: ``langchain-doctor --version``, median of max(20, runs); ``--help`` and bare start-up for scale."""
    n = max(20, b.runs)
    env = b.env()
    cwd = b.cwd("version")
    out: dict[str, Any] = {}
    cmds = {
        "version": b.doctor_cmd("--version"),
        "help": b.doctor_cmd("--help"),
        "python_startup": [sys.executable, "-c", "pass"],
    }
    for key, cmd in cmds.items():
        b.time(cmd, env=env, cwd=cwd, ok=(0,), label=f"{key}")
        out[key] = stats([b.time(cmd, env=env, cwd=cwd, ok=(0,)) for _ in range(n)])
    out["target"] = TARGETS["version_seconds"]
    out["met"] = out["version"]["median"] <= TARGETS["version_seconds"]
    out["importtime_top"] = importtime_top(b, ["--version"])
    return out


def _fit(xs: list[float], ys: list[float]) -> dict[str, float]:
    """Least-squares line y = a + b x, and r²."""
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxx = sum((x - mx) ** 2 for x in xs)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    slope = sxy / sxx if sxx else 0.0
    intercept = my - slope * mx
    ss_tot = sum((y - my) ** 2 for y in ys)
    ss_res = sum((y - (intercept + slope * x)) ** 2 for x, y in zip(xs, ys))
    return {"intercept_s": intercept, "slope_ms_per_dist": slope * 1000,
            "r2": 1 - ss_res / ss_tot if ss_tot else 1.0}


def _shape(xs: list[int], t: dict[int, float]) -> dict[str, Any]:
    """Fit t = a + b·n, marginal costs per distribution between sizes, and whether the curve is linear.

    Linear with a fixed start-up cost: the marginal cost per distribution stays the same from one size to the next
    (a quadratic scan multiplies it by the size ratio), and t grows at most in proportion to n."""
    out: dict[str, Any] = {"fit": _fit([float(x) for x in xs], [t[x] for x in xs])}
    marg = [(t[hi] - t[lo]) / (hi - lo) for lo, hi in zip(xs, xs[1:])]
    out["marginal_ms_per_dist"] = [m * 1000 for m in marg]
    out["marginal_ratio"] = marg[-1] / marg[0] if len(marg) >= 2 and marg[0] > 0 else None
    out["growth_vs_proportional"] = (t[xs[-1]] / t[xs[-2]]) / (xs[-1] / xs[-2])
    if 1000 in t and 5000 in t:
        out["t5000_over_t1000"] = t[5000] / t[1000]
    out["linear"] = out["growth_vs_proportional"] <= 1.1 and (out["marginal_ratio"] is None
                                                              or out["marginal_ratio"] <= 2.0)
    return out


# ------------------------------------------------------------------------------------- many environments (#18)

def _system() -> dict[str, float]:
    """Machine-wide counters (Linux): CPU jiffies by state from /proc/stat, the pressure stall totals (µs) of CPU
    and I/O, and the blocks this process's children read and wrote (their own disk traffic)."""
    out: dict[str, float] = {"t": time.perf_counter()}
    try:
        fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
        for name, value in zip(("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"), fields):
            out[name] = float(value)
    except (OSError, IndexError, ValueError):
        pass
    for res in ("cpu", "io"):
        try:
            for line in Path(f"/proc/pressure/{res}").read_text().splitlines():
                kind, *rest = line.split()
                out[f"psi_{res}_{kind}"] = float(dict(x.split("=") for x in rest)["total"])
        except (OSError, KeyError, ValueError):
            pass
    try:
        import resource
    except ImportError:  # Windows
        return out
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    out["children_inblock"], out["children_oublock"] = float(ru.ru_inblock), float(ru.ru_oublock)
    return out


def _system_delta(a: dict[str, float], b: dict[str, float]) -> dict[str, Any]:
    """What the machine did between two ``_system`` samples: shares of all CPU time by state (every helper's work,
    not only the doctor's), the share of the time some task stalled on CPU / on I/O, the children's disk blocks."""
    wall = b["t"] - a["t"]
    states = ("user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal")
    d = {k: b[k] - a[k] for k in states if k in a and k in b}
    total = sum(d.values()) or 1.0
    out: dict[str, Any] = {"wall_s": wall, "cpu_share": {k: round(v / total, 4) for k, v in d.items()}}
    for key in ("psi_cpu_some", "psi_io_some", "psi_io_full"):
        if key in a and key in b and wall > 0:
            out[key.replace("psi_", "stall_")] = round((b[key] - a[key]) / 1e6 / wall, 4)
    if "children_inblock" in a and "children_inblock" in b:
        out["children_blocks_read"] = int(b["children_inblock"] - a["children_inblock"])
        out["children_blocks_written"] = int(b["children_oublock"] - a["children_oublock"])
    return out


def _fleet_env(b: Bench, root: Path, cache: Path) -> dict[str, str]:
    env = b.env(cache)
    env.update({"JUPYTER_PATH": str(root / "jupyter"), "HOME": str(root / "home"),
                "JUPYTER_DATA_DIR": str(root / "home" / "jd"), "TMPDIR": str(root / "tmp")})
    env.pop("VIRTUAL_ENV", None)
    return env


def bench_fleet(b: Bench, sizes: list[int]) -> dict[str, Any]:
    """check --all-kernels over N real environments registered as kernels (hard-linked clones of the cached real
    venvs, plus four broken kernels): cold (empty cache, one sample: it is the expensive one) and warm (unchanged
    environments, b.runs samples). CPU utilisation = CPU time / (wall × CPUs) says what bounds the cold run."""
    sys.path.insert(0, str(REPO))
    try:
        from tests.fleetenv import make_fleet  # noqa: PLC0415 - test helper, only needed here
    finally:
        sys.path.remove(str(REPO))
    cpus = os.cpu_count() or 1
    per: dict[str, Any] = {}
    cold_t: dict[int, float] = {}
    warm_t: dict[int, float] = {}
    for n in sizes:
        root = b.scratch / f"fleet-{n}"
        t0 = time.perf_counter()
        made = make_fleet(root, n)
        build_s = time.perf_counter() - t0
        for sub in ("home", "tmp"):
            (root / sub).mkdir(exist_ok=True)
        cache = b.scratch / f"cache-fleet-{n}"
        env = _fleet_env(b, root, cache)
        cmd = b.doctor_cmd("check", "--all-kernels", "--format", "json", "--timeout", "120")
        cwd = b.cwd(f"fleet-{n}")
        s0 = _system()
        cold = b.time(cmd, env=env, cwd=cwd, label=f"check --all-kernels ({n} envs), cold", timeout=3600)
        cold_system = _system_delta(s0, _system())
        doc = _report(cold)
        rows = doc["matrix"]["rows"]
        s0 = _system()
        warm = [b.time(cmd, env=env, cwd=cwd, label=f"check --all-kernels ({n} envs), warm") for _ in range(b.runs)]
        warm_system = _system_delta(s0, _system())
        warm_docs = [_report(w) for w in warm]
        hits = all(r.get("cache", {}).get("hit") for d in warm_docs for r in d["reports"])
        same = all(d["matrix"]["rows"] == doc["matrix"]["rows"] for d in warm_docs)
        cs, ws = stats([cold]), stats(warm)
        examined = sum(1 for r in rows if r["examined"])
        per[str(n)] = {
            "environments": len(rows), "examined": examined, "kernels_made": len(made), "build_seconds": build_s,
            "cold": cs, "warm": ws, "warm_all_cache_hits": hits, "warm_matches_cold": same,
            "cold_per_env_s": cs["median"] / max(examined, 1),
            "cold_cpu_utilisation": (cs["cpu"]["median"] / (cs["median"] * cpus)) if "cpu" in cs else None,
            "warm_cpu_utilisation": (ws["cpu"]["median"] / (ws["median"] * cpus)) if "cpu" in ws else None,
            "counts": doc["matrix"]["counts"], "cold_system": cold_system, "warm_system": warm_system,
            "loadavg_after": _loadavg(),
        }
        cold_t[n], warm_t[n] = cs["median"], ws["median"]
        if n == max(sizes):
            (b.scratch / "fleet-largest.json").write_text(cold.stdout, encoding="utf-8")
    out: dict[str, Any] = {"sizes": per, "cpus": cpus, "python_startup": _startup(b)}
    xs = sorted(cold_t)
    if len(xs) >= 2:
        out["shape_cold"], out["shape_warm"] = _shape(xs, cold_t), _shape(xs, warm_t)
    if 50 in warm_t:
        out["warm50_seconds"] = warm_t[50]
        out["target"] = TARGETS["fleet_warm50_seconds"]
        out["met"] = warm_t[50] <= TARGETS["fleet_warm50_seconds"]
    return out


def _startup(b: Bench) -> dict[str, Any]:
    """``python -c pass`` timed now (5 runs): how loaded the machine was around a measurement (10-14 ms wall and
    CPU on this machine when it is quiet); with the load averages, the yardstick for the numbers beside it."""
    got = stats([b.time([sys.executable, "-c", "pass"], env=b.env(), cwd=b.cwd("startup"), ok=(0,))
                 for _ in range(5)])
    got["loadavg"] = _loadavg()
    return got


def _vary(report: dict[str, Any], i: int) -> dict[str, Any]:
    """Report ``i`` of a generated population: a real report renamed, on another Python and platform, with some of
    its findings kept (so the matrix holds many distinct rows and shared problems)."""
    text = json.dumps(report)
    python = (report.get("target") or {}).get("python")
    prefix = os.path.dirname(os.path.dirname(python)) if isinstance(python, str) else None
    if prefix and len(prefix) > 1:
        # Each user's own folders: every path in the report is unique to it, as in reports from many machines
        # (a summarize that only sees the same few strings again would flatter any per-string memo).
        text = text.replace(json.dumps(prefix)[1:-1], f"/home/user{i:04d}/.venvs/{os.path.basename(prefix)}")
    r = json.loads(text)
    minor = 9 + i % 5
    target = r.get("target") or {}
    target["python_version"] = f"3.{minor}.{i % 12}"
    target["platform"] = ("linux", "darwin", "win32")[i % 3]
    r["target"] = target
    findings = r.get("findings") or []
    if findings and i % 4 == 3:
        r["findings"] = findings[: max(1, len(findings) // 2)]
    r["environment"] = {"name": f"user{i:04d}-py3.{minor}", "source": "report", "location": f"r{i}.json"}
    return r


def bench_summarize(b: Bench, counts: list[int], seed_reports: list[dict[str, Any]]) -> dict[str, Any]:
    """summarize over N JSON report files (real reports of the fleet run, varied), per format; and its scaling."""
    per: dict[str, Any] = {}
    med: dict[int, float] = {}
    for n in counts:
        folder = b.scratch / f"summarize-{n}"
        folder.mkdir()
        for i in range(n):
            (folder / f"job{i:04d}").mkdir()
            (folder / f"job{i:04d}" / "report.json").write_text(json.dumps(_vary(seed_reports[i % len(seed_reports)],
                                                                                  i)), encoding="utf-8")
        size = sum(p.stat().st_size for p in folder.rglob("*.json"))
        row: dict[str, Any] = {"bytes": size}
        cwd = b.cwd(f"summarize-{n}")
        for fmt in ("console", "json", "markdown", "html"):
            cmd = b.doctor_cmd("summarize", str(folder), "--format", fmt)
            b.time(cmd, env=b.env(), cwd=cwd, label=f"summarize ({n} reports, {fmt})")
            row[fmt] = stats([b.time(cmd, env=b.env(), cwd=cwd) for _ in range(b.runs)])
        per[str(n)] = row
        med[n] = row["console"]["median"]
    out: dict[str, Any] = {"counts": per, "python_startup": _startup(b)}
    xs = sorted(med)
    if len(xs) >= 2:
        out["shape"] = _shape(xs, med)
    if "1000" in per:
        worst = max(per["1000"][f]["median"] for f in ("console", "json", "markdown", "html"))
        out["t1000_worst_format_seconds"] = worst
        out["target"] = TARGETS["summarize_1000_seconds"]
        out["met"] = worst <= TARGETS["summarize_1000_seconds"]
    return out


def bench_scaling(b: Bench, sizes: list[int], files_per_dist: int) -> dict[str, Any]:
    """Item 5: static check on synthetic venvs of each size; linear fit, t(5000)/t(1000), the 1,000 budget."""
    per: dict[str, Any] = {}
    cmds: dict[int, list[str]] = {}
    firsts: dict[int, Sample] = {}
    env = b.env(b.scratch / "cache-synthetic")
    for size in sizes:
        root = b.scratch / f"synthetic-{size}"
        t0 = time.perf_counter()
        py, dists = make_synthetic_venv(root, size, files_per_dist=files_per_dist)
        per[str(size)] = {"generated": len(dists), "build_seconds": round(time.perf_counter() - t0, 3)}
        cmds[size] = b.doctor_cmd("--python", str(py), "--no-probe", "--format", "json", "--no-cache")
        firsts[size] = b.time(cmds[size], env=env, cwd=b.cwd("synthetic"), label=f"static on synthetic {size}")
    samples: dict[int, list[Sample]] = {size: [] for size in sizes}
    for _ in range(b.runs):  # sizes interleaved, so a busy moment of the machine does not bend the curve
        for size in sizes:
            samples[size].append(b.time(cmds[size], env=env, cwd=b.cwd("synthetic")))
    medians: dict[int, float] = {}
    for size in sizes:
        st = stats(samples[size])
        medians[size] = st["median"]
        report = _report(firsts[size])
        seen = len(report.get("packages", []))
        per[str(size)].update({"static": st, "per_dist_ms": st["median"] / size * 1000,
                               "doctor_packages_seen": seen, "doctor_summary": report.get("summary"),
                               "doctor_exit_code": firsts[size].returncode})
        if seen != size:
            b.notes.append(f"synthetic {size}: the doctor listed {seen} packages, not {size}")
    out: dict[str, Any] = {"sizes": per, "files_per_dist": files_per_dist}
    xs = sorted(medians)
    if len(xs) >= 2:
        out["shape_wall"] = _shape(xs, medians)
        cpu = {x: per[str(x)]["static"]["cpu"]["median"] for x in xs if "cpu" in per[str(x)]["static"]}
        out["shape_cpu"] = _shape(xs, cpu) if len(cpu) == len(xs) else None
        # The shape is judged on CPU time where there is one: on a busy machine one slow wall-time sample in a
        # size bends the curve, while the work done per distribution does not change.
        out["shape_basis"] = "cpu" if out["shape_cpu"] else "wall"
        out["linear"] = (out["shape_cpu"] or out["shape_wall"])["linear"]
    if 1000 in medians and 5000 in medians:
        out["t5000_over_t1000"] = medians[5000] / medians[1000]
    if 1000 in medians:
        out["t1000_seconds"] = medians[1000]
        out["target"] = TARGETS["static_1000_seconds"]
        out["met"] = medians[1000] <= TARGETS["static_1000_seconds"]
    return out


# ---------------------------------------------------------------------------------------------- reporting

def _s(st: dict[str, Any]) -> str:
    return f"{st['median']:.3f} s ({st['min']:.3f}–{st['max']:.3f})"


def _cpu(r: dict[str, Any]) -> str:
    return "" if r.get("cpu_ratio") is None else f" (CPU {r['cpu_ratio']:.2f}×)"


def _met(flag: Optional[bool]) -> str:
    return "n/a" if flag is None else ("yes" if flag else "**no**")


def table(results: dict[str, Any]) -> str:
    """The markdown table of every measured item."""
    rows = ["| # | measure | venv | doctor: median (min–max) | baseline: median (min–max) | ratio / value "
            "| target | met |", "|---|---|---|---|---|---|---|---|"]
    items = results["items"]
    for name, r in items.get("static", {}).items():
        rows.append(f"| 1 | static check vs `pip check` | {name} | {_s(r['doctor'])} | {_s(r['pip_check'])} "
                    f"| {r['ratio']:.2f}×{_cpu(r)} | ≤ 0.5× | {_met(r['met'])} |")
    for name, r in items.get("full", {}).items():
        f = r["full"]
        rows.append(f"| 2 | full check vs serial imports ({len(r['modules'])}) | {name} | {_s(f['doctor'])} "
                    f"| {_s(f['serial_imports'])} | {f['ratio']:.2f}×{_cpu(f)} | ≤ 0.6× | {_met(f['met'])} |")
    for name, r in items.get("full", {}).items():
        w = r["warm"]
        note = "" if w["cache_detected"] else " (no cache detected)"
        rows.append(f"| 3 | warm re-run vs cold, full check | {name} | {_s(w['warm'])} | {_s(w['cold'])} "
                    f"| {w['ratio']:.2f}×{_cpu(w)}{note} | ≤ 0.15× | {_met(w['met'])} |")
    for name, r in items.get("static", {}).items():
        rows.append(f"| 3b | warm re-run vs cold, static check (info) | {name} | {_s(r['warm'])} | {_s(r['doctor'])} "
                    f"| {r['warm_vs_cold']:.2f}× | — | — |")
    v = items.get("version")
    if v:
        rows.append(f"| 4 | `--version` wall time | — | {_s(v['version'])} | python -c pass: {_s(v['python_startup'])} "
                    f"| {v['version']['median']:.3f} s | ≤ 0.15 s | {_met(v['met'])} |")
        rows.append(f"| 4b | `--help` wall time (info) | — | {_s(v['help'])} | — | {v['help']['median']:.3f} s "
                    "| — | — |")
    sc = items.get("scaling")
    if sc:
        for size, r in sc["sizes"].items():
            target = "≤ 1 s" if size == "1000" else "—"
            met = _met(sc.get("met")) if size == "1000" else "—"
            cpu = f"; CPU {r['static']['cpu']['median']:.3f} s" if "cpu" in r["static"] else ""
            rows.append(f"| 5 | static check, synthetic env | {size} dists | {_s(r['static'])}{cpu} | — "
                        f"| {r['per_dist_ms']:.2f} ms/dist | {target} | {met} |")
        for basis in ("wall", "cpu"):
            shp = sc.get(f"shape_{basis}")
            if not shp:
                continue
            fit = shp["fit"]
            t51 = shp.get("t5000_over_t1000")
            mr = shp.get("marginal_ratio")
            parts = [f"t(5000)/t(1000) {t51:.2f}"] if t51 is not None else []
            why = "needs 3 sizes" if len(shp["marginal_ms_per_dist"]) < 2 else "first step within noise"
            parts.append("marginal-cost ratio " + (f"n/a ({why})" if mr is None else f"{mr:.2f}"))
            judged = sc.get("shape_basis") == basis
            rows.append(f"| 5b | scaling, {basis} time: t = a + b·n | — | a = {fit['intercept_s']:.3f} s, "
                        f"b = {fit['slope_ms_per_dist']:.3f} ms/dist (r² {fit['r2']:.3f}) | — | {'; '.join(parts)} "
                        f"| linear{' (judged on this)' if judged else ''} | {_met(shp['linear'])} |")
    fl = items.get("fleet")
    if fl:
        for size, r in fl["sizes"].items():
            util = r.get("cold_cpu_utilisation")
            use = f"; CPU use {util:.0%} of {fl['cpus']} CPUs" if util else ""
            rows.append(f"| 6 | `check --all-kernels`, cold (empty cache) | {size} kernels ({r['examined']} examined) "
                        f"| {_s(r['cold'])} | — | {r['cold_per_env_s']:.2f} s/env{use} | — | — |")
            target = "< 2 s" if size == "50" else "—"
            met = _met(fl.get("met")) if size == "50" else "—"
            hits = "all cache hits" if r["warm_all_cache_hits"] else "**cache misses**"
            rows.append(f"| 6 | `check --all-kernels`, warm (unchanged) | {size} kernels | {_s(r['warm'])} | — "
                        f"| {hits}; same matrix: {'yes' if r['warm_matches_cold'] else '**no**'} | {target} | {met} |")
    sm = items.get("summarize")
    if sm:
        for count, r in sm["counts"].items():
            fmts = [f for f in ("console", "json", "markdown", "html") if f in r]
            worst = max(r[f]["median"] for f in fmts)
            target = "< 1 s" if count == "1000" else "—"
            met = _met(sm.get("met")) if count == "1000" else "—"
            each = "; ".join(f"{f} {r[f]['median']:.3f} s" + (f" (CPU {r[f]['cpu']['median']:.3f} s)"
                                                               if "cpu" in r[f] else "") for f in fmts)
            rows.append(f"| 7 | `summarize` ({r['bytes'] // 1024} KiB of JSON) | {count} reports "
                        f"| {each} | — | slowest {worst:.3f} s | {target} | {met} |")
    return "\n".join(rows)


def machine_info(b: Bench) -> dict[str, Any]:
    """Where and when: CPU count, Python, OS, date, the commit measured, the doctor's version."""
    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, timeout=30,
                                  check=False).stdout.strip()
        except OSError:
            return ""

    version = b.time(b.doctor_cmd("--version"), env=b.env(), cwd=b.cwd("version"), ok=(0,)).stdout.strip()
    hyperfine = shutil.which("hyperfine")
    return {
        "date": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(), "python_executable": sys.executable,
        "implementation": platform.python_implementation(),
        "platform": platform.platform(), "machine": platform.machine(),
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty": bool(git("status", "--porcelain", "--", "doctor", "checks")),
        "doctor_version": version, "doctor_invocation": b.invocation,
        "hyperfine": hyperfine,
        "load_average_at_start": _loadavg(),
    }


def _loadavg() -> Optional[list[float]]:
    """1, 5 and 15 minute load averages (None where the OS has none): other work on the machine skews timings."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def hyperfine_crosscheck(b: Bench, static_cmd: Optional[list[str]]) -> dict[str, Any]:
    """Optional: hyperfine's view of --version and the static check (mean/median), for comparison only."""
    exe = shutil.which("hyperfine")
    if not exe:
        return {"skipped": "hyperfine not on PATH"}
    out: dict[str, Any] = {}
    cmds = {"version": (b.doctor_cmd("--version"), 20)}
    if static_cmd:
        cmds["static_healthy7"] = (static_cmd, b.runs)
    for key, (cmd, runs) in cmds.items():
        dest = b.scratch / f"hyperfine-{key}.json"
        proc = subprocess.run([exe, "-N", "--warmup", "1", "--runs", str(runs), "--export-json", str(dest),
                               "--ignore-failure", shlex.join(cmd)], env=b.env(), cwd=b.cwd("version"),
                              capture_output=True, text=True, timeout=1800, check=False)
        if proc.returncode != 0:
            out[key] = {"error": proc.stderr.strip()[-300:]}
            continue
        res = json.loads(dest.read_text())["results"][0]
        out[key] = {k: res.get(k) for k in ("mean", "stddev", "median", "min", "max")}
    return out


def build_env(keep_bytecode_env: bool) -> tuple[dict[str, str], list[str]]:
    """The base environment of every child process, and notes on what was changed."""
    env = dict(os.environ)
    notes = []
    for var in _DROPPED_ENV:
        if env.pop(var, None) is not None:
            notes.append(f"{var} removed from the child processes' environment")
    if not keep_bytecode_env and env.pop("PYTHONDONTWRITEBYTECODE", None) is not None:
        notes.append("PYTHONDONTWRITEBYTECODE removed (as on a normal machine, the warm-up run leaves bytecode)")
    env["NO_COLOR"] = "1"
    return env, notes


def doctor_argv(invoke: str) -> tuple[list[str], str]:
    """How the doctor is run: its console script next to sys.executable, or ``sys.executable -m langchain_doctor``."""
    script = Path(sys.executable).parent / ("langchain-doctor.exe" if os.name == "nt" else "langchain-doctor")
    if invoke in ("auto", "script") and script.exists():
        return [str(script)], f"console script {script} (same interpreter: {sys.executable})"
    if invoke == "script":
        raise BenchError(f"no console script at {script}; pip install -e . first, or use --invoke module")
    return [sys.executable, "-m", "langchain_doctor"], f"{sys.executable} -m doctor"


def real_venvs(names: tuple[str, ...]) -> dict[str, Path]:
    """The named real venvs of tests/realenv.py (built from PyPI with uv on first use, then cached)."""
    sys.path.insert(0, str(REPO))
    try:
        from tests.realenv import named_venv  # noqa: PLC0415 - test helper, only needed here
    finally:
        sys.path.remove(str(REPO))
    out = {}
    for n in names:
        print(f"venv {n}: ", end="", flush=True, file=sys.stderr)
        try:
            out[n] = Path(named_venv(n))
        except (KeyError, RuntimeError) as exc:  # RealVenvError: uv missing, PyPI unreachable, install failed
            raise BenchError(f"cannot build the real venv {n!r}: {exc}") from exc
        print(out[n], file=sys.stderr)
    return out


ITEMS = ("static", "full", "version", "scaling", "fleet", "summarize")


def main(argv: Optional[list[str]] = None) -> int:
    """Parse options, run the selected items, print the table, write the JSON."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--runs", type=int, default=5, help="timed runs per command (median reported; default 5)")
    ap.add_argument("--only", default=",".join(ITEMS),
                    help=f"comma-separated items: {','.join(ITEMS)} ('full' covers items 2 and 3)")
    ap.add_argument("--venvs", default=",".join(VENVS), help="named real venvs from tests/realenv.py")
    ap.add_argument("--sizes", default="100,1000,5000", help="synthetic environment sizes (distributions)")
    ap.add_argument("--fleet-sizes", default="10,25,50", help="environments for item fleet (--all-kernels)")
    ap.add_argument("--summarize-counts", default="100,500,1000", help="reports for item summarize")
    ap.add_argument("--summarize-from", type=Path, metavar="FILE",
                    help="item summarize varies the reports of this JSON document (a check --all-kernels or "
                         "several --python run's output, kept from an earlier item fleet) instead of running "
                         "item fleet first")
    ap.add_argument("--files-per-dist", type=int, default=4, help="module files per synthetic distribution")
    ap.add_argument("--invoke", choices=("auto", "script", "module"), default="auto",
                    help="run the doctor as its console script (auto: when present) or as python -m doctor")
    ap.add_argument("--keep-bytecode-env", action="store_true",
                    help="pass PYTHONDONTWRITEBYTECODE through to child processes (removed by default)")
    ap.add_argument("--hyperfine", action="store_true", help="also cross-check with hyperfine when installed")
    ap.add_argument("--output", type=Path, help="JSON path (default: benchmarks/results/<date>.json)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder (synthetic venvs, caches)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every timed command")
    args = ap.parse_args(argv)
    only = [x.strip() for x in args.only.split(",") if x.strip()]
    unknown = [x for x in only if x not in ITEMS]
    if unknown or args.runs < 1:
        ap.error(f"unknown item(s) {unknown}; known: {', '.join(ITEMS)}" if unknown else "--runs must be >= 1")
    sizes = sorted(int(s) for s in args.sizes.split(",") if s.strip())

    env, notes = build_env(args.keep_bytecode_env)
    doctor, invocation = doctor_argv(args.invoke)
    scratch = Path(tempfile.mkdtemp(prefix="lcd-bench-"))
    b = Bench(args.runs, doctor, invocation, env, scratch, verbose=args.verbose, notes=notes)
    b.notes.append("each command ran once untimed (warm-up: OS page cache, bytecode) before its timed runs; "
                   "the two sides of each ratio were interleaved within one run")
    b.notes.append("the doctor's cache went to a private folder (LANGCHAIN_DOCTOR_CACHE_DIR, XDG_CACHE_HOME); "
                   "every command ran from an empty working folder")
    items: dict[str, Any] = {}
    results: dict[str, Any] = {"schema": 1, "items": items}
    try:
        results["machine"] = machine_info(b)
        venvs = real_venvs(tuple(v for v in args.venvs.split(",") if v)) if {"static", "full"} & set(only) else {}
        if "version" in only:
            print("item 4: --version", file=sys.stderr)
            items["version"] = bench_version(b)
        if "static" in only:
            items["static"] = {}
            for name, venv in venvs.items():
                print(f"item 1: static vs pip check on {name}", file=sys.stderr)
                items["static"][name] = bench_static(b, name, venv)
        if "full" in only:
            items["full"] = {}
            for name, venv in venvs.items():
                print(f"items 2-3: full check vs serial imports, warm vs cold on {name}", file=sys.stderr)
                items["full"][name] = bench_full(b, name, venv)
        if "scaling" in only:
            print(f"item 5: scaling over {sizes}", file=sys.stderr)
            items["scaling"] = bench_scaling(b, sizes, args.files_per_dist)
        if "fleet" in only or ("summarize" in only and args.summarize_from is None):
            fleet_sizes = sorted(int(x) for x in args.fleet_sizes.split(",") if x.strip())
            if "summarize" in only and "fleet" not in only:
                fleet_sizes = fleet_sizes[-1:]
            print(f"item fleet: check --all-kernels over {fleet_sizes} environments", file=sys.stderr)
            items["fleet"] = bench_fleet(b, fleet_sizes)
        if "summarize" in only:
            seeds = args.summarize_from if args.summarize_from is not None and "fleet" not in only else (
                scratch / "fleet-largest.json")
            largest = json.loads(seeds.read_text(encoding="utf-8"))
            counts = sorted(int(x) for x in args.summarize_counts.split(",") if x.strip())
            print(f"item summarize: {counts} reports", file=sys.stderr)
            items["summarize"] = bench_summarize(b, counts, largest["reports"])
        if args.hyperfine:
            static_cmd = None
            if "healthy7" in venvs:
                static_cmd = b.doctor_cmd("--python", str(venv_python(venvs["healthy7"])), "--no-probe",
                                          "--format", "json", "--no-cache")
            results["hyperfine"] = hyperfine_crosscheck(b, static_cmd)
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    results["config"] = {"runs": args.runs, "sizes": sizes, "venvs": args.venvs.split(","), "only": only,
                         "files_per_dist": args.files_per_dist, "scratch_kept": str(scratch) if args.keep else None}
    results["commands"] = b.commands
    results["machine"]["load_average_at_end"] = _loadavg()
    load = results["machine"]["load_average_at_start"]
    if load and os.cpu_count() and load[0] > 0.5 * (os.cpu_count() or 1):
        b.notes.append(f"the machine was busy when the run started (1-min load {load[0]} on {os.cpu_count()} CPUs): "
                       "absolute times are inflated; the interleaved ratios are the robust numbers")
    results["notes"] = b.notes
    text = table(results)
    results["table"] = text
    print(text)
    for note in b.notes:
        print(f"- {note}")
    dest = args.output or RESULTS / (results["machine"]["date"].replace(":", "") + ".json")
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\nJSON: {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
