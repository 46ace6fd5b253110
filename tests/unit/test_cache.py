"""The fingerprint cache: hits on an unchanged target, misses on any change, survives corruption, holds no secret."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from tests.inprocess import run_doctor

SECRET = "sk-proj-CACHEcanary0123456789abcdefghijklmnopqrstuv"


@pytest.fixture
def target(openai_venv: Callable[..., Path]) -> Path:
    return openai_venv("0.1.25", "langchain-core<0.3.0,>=0.2.40")


def run(target: Path, cache: Path, *extra: str, env: dict[str, str] | None = None, process: bool = False) -> dict:
    """The check command line on ``target`` with its own cache folder: in this process (tests/inprocess.py), or with
    ``process`` as ``python -m langchain_doctor``."""
    base = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "OPENAI_API_KEY")}
    base.update({"LANGCHAIN_DOCTOR_CACHE_DIR": str(cache), **(env or {})})
    args = ["--python", str(target), "--format", "json", *extra]
    if process:
        done = subprocess.run([sys.executable, "-m", "langchain_doctor", *args], capture_output=True, text=True,
                              env=base, cwd=target.parent, timeout=120)
    else:
        done = run_doctor(args, env=base, cwd=target.parent)
    assert done.stdout, done.stderr
    return json.loads(done.stdout)


def test_warm_run_hits_and_matches_cold(target: Path, tmp_path: Path) -> None:
    # Real processes: a later run (a process of its own) replays what an earlier one wrote.
    cache = tmp_path / "cache"
    cold = run(target, cache, process=True)
    warm = run(target, cache, process=True)
    assert "cache" not in cold and warm.pop("cache")["hit"] is True
    assert warm == cold


def test_a_change_to_the_environment_misses(target: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(target, cache)
    site = next(target.glob("lib/python*/site-packages"))
    (site / "langchain_fireworks" / "__pycache__").mkdir(parents=True)  # a stray folder appears
    after = run(target, cache)
    assert "cache" not in after
    assert "LCD111" in [f["code"] for f in after["findings"]]
    (target.parent / "langchain_openai.py").write_text("X = 1\n")  # a local file in the working directory
    assert "cache" not in run(target, cache)
    assert "cache" not in run(target, cache, env={"OPENAI_API_KEY": "sk-changed-value-1234567890"})


def test_no_cache_and_online_are_never_cached(target: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(target, cache, "--no-cache")
    assert not list((cache / "reports").glob("*.json")) if (cache / "reports").exists() else True
    run(target, cache, "--online", env={"OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert not (cache / "reports").exists() or not list((cache / "reports").glob("*.json"))


def test_corrupted_entry_is_ignored_and_rebuilt(target: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cold = run(target, cache)
    [entry] = (cache / "reports").glob("*.json")
    entry.write_text("{not json")
    again = run(target, cache)
    assert "cache" not in again and again == cold
    assert json.loads(entry.read_text())["format"]
    entry.write_text(json.dumps({"format": 2, "report": {"findings": "wrong"}}))
    assert run(target, cache) == cold


def test_no_secret_reaches_the_cache(target: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    run(target, cache, "--provider", "openai", env={"OPENAI_API_KEY": SECRET})
    run(target, cache, "--provider", "openai", env={"OPENAI_API_KEY": SECRET})
    for path in cache.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert SECRET.encode() not in data, path
            assert SECRET[-12:].encode() not in data, path
