"""The benchmark's synthetic environments are what the doctor reads: every distribution, consistent, no findings."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from langchain_doctor.inventory import scan
from langchain_doctor.model import Severity
from langchain_doctor.runner import run_checks
from langchain_doctor.target import discover

from tests.fakeenv import make_env, static_checks

RUN_PY = Path(__file__).resolve().parents[2] / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks/run.py loaded by path (benchmarks/ is a folder of scripts, not a package)."""
    spec = importlib.util.spec_from_file_location("lcd_benchmarks_run", RUN_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses resolve their module through sys.modules
    spec.loader.exec_module(module)
    return module


def test_generated_site_is_read_in_full(bench: ModuleType, tmp_path: Path) -> None:
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    dists = bench.write_site(site, 10)
    assert len(dists) == 10
    assert len(list(site.glob("*.dist-info"))) == 10
    inv = scan([str(site)])
    assert sorted(d.name for d in inv.dists) == sorted(d.name for d in dists)
    for made in dists:
        read = inv.get(made.name)
        assert read is not None
        assert read.raw_version == made.version
        assert read.problems == ()
        assert read.requires == made.requires
        assert read.top_level_names() == [made.module]
        assert read.recorded_files() == list(made.files)
        assert all((site / rel).is_file() for rel in made.files)
    assert inv.get("langchain-openai") is not None and inv.get("langchain-openai").family == "langchain"
    assert [d.name for d in dists].count("synth-pkg-00000") == 1


def test_generated_site_is_consistent(bench: ModuleType, tmp_path: Path) -> None:
    """Scaling measures the cost of reading, not of reporting: the set must hold no warning or error."""
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    bench.write_site(site, 10)
    findings = run_checks(make_env(site), static_checks())
    bad = [f for f in findings if f.severity in (Severity.WARNING, Severity.ERROR)]
    assert bad == []


def test_fillers_require_each_other(bench: ModuleType, tmp_path: Path) -> None:
    site = tmp_path / "site"
    dists = bench.write_site(site, len(bench.FAMILY) + 3)
    fillers = [d for d in dists if d.name.startswith(bench.FILLER_PREFIX)]
    assert [d.name for d in fillers] == ["synth-pkg-00000", "synth-pkg-00001", "synth-pkg-00002"]
    assert fillers[2].requires[0] == "synth-pkg-00000>=1.0"


def test_synthetic_venv_is_on_a_real_interpreters_path(bench: ModuleType, tmp_path: Path) -> None:
    python, dists = bench.make_synthetic_venv(tmp_path / "venv", 10)
    target = discover(str(python), environ={"LANGCHAIN_DOCTOR_CACHE_DIR": str(tmp_path / "cache")}, cwd=tmp_path)
    site = str(bench.venv_site_packages(tmp_path / "venv"))
    assert site in target.sys_path
    names = {d.name for d in scan(target.sys_path).dists}
    assert {d.name for d in dists} <= names


def test_the_summarize_population_is_valid_varied_reports(bench: ModuleType) -> None:
    from langchain_doctor.fleet import inputs, matrix

    seed = {"schema_version": 1, "tool": {"name": "langchain-doctor", "version": "0"},
            "target": {"python": "/e/bin/python", "python_version": "3.11.7", "platform": "linux"},
            "packages": [], "providers": [{"name": "openai", "package": "langchain-openai", "status": "error"}],
            "findings": [{"code": "LCD201", "kind": "pydantic-schema", "severity": "error", "title": "t",
                          "subject": "langchain-openai", "provider": "openai", "evidence": "", "fix": None},
                         {"code": "LCD401", "kind": "missing-credential", "severity": "info", "title": "t",
                          "subject": "OPENAI_API_KEY", "provider": "openai", "evidence": "", "fix": None}]}
    population = [bench._vary(seed, i) for i in range(12)]
    assert all(inputs.shape_problem(r) is None for r in population)
    assert len({r["environment"]["name"] for r in population}) == 12
    assert seed["target"]["python_version"] == "3.11.7"  # the seed itself is left as it was
    m = matrix.build([matrix.Entry(r["environment"]["name"], "report", "x", r) for r in population])
    [p] = [p for p in m.problems if p.code == "LCD201"]
    assert len(p.affected) == 12
