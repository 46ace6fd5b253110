"""Slow is not broken: the verdicts (codes and provider statuses) are the same with every CPU busy as on a quiet machine.

Real venvs (tests/realenv.py): the seven-integration venv and broken ones. The loaded run also sets
PYTHONDONTWRITEBYTECODE=1, so that every import compiles from source (as in many Docker images). No duration is
asserted: only that the two runs say the same thing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.realenv import named_venv

pytestmark = pytest.mark.integration

# CI compares the seven-integration venv and the seed's broken one; benchmarks/verdicts_under_load.py compares every
# real venv of the tests (18 pairs), which would take .ci/run past its budget.
VENVS = ("healthy7", "seed-broken")


@contextmanager
def busy_cpus() -> Iterator[None]:
    """2 x nproc busy loops for the duration of the block."""
    procs = [subprocess.Popen([sys.executable, "-c", "while True:\n    pass\n"])
             for _ in range(2 * (os.cpu_count() or 2))]
    try:
        yield
    finally:
        for p in procs:
            p.kill()
        for p in procs:
            p.wait()


def verdicts(venv: Path, cwd: Path, **extra: str) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(extra)
    done = subprocess.run([sys.executable, "-m", "langchain_doctor", "--python", str(venv), "--format", "json",
                           "--no-cache"], capture_output=True, text=True, cwd=cwd, env=env, timeout=1800)
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    return {"codes": sorted((f["code"], f.get("provider") or "") for f in data["findings"]),
            "providers": sorted((p["name"], p.get("status"), json.dumps(p.get("stages"), sort_keys=True))
                                for p in data["providers"])}


@pytest.mark.parametrize("name", VENVS)
def test_verdicts_do_not_depend_on_load(name: str, tmp_path: Path) -> None:
    venv = named_venv(name)
    quiet = verdicts(venv, tmp_path)
    with busy_cpus():
        loaded = verdicts(venv, tmp_path, PYTHONDONTWRITEBYTECODE="1")
    assert loaded == quiet
    assert not any(code in ("LCD308", "LCD309") for code, _ in quiet["codes"]) or name != "healthy7"
