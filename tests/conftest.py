"""Shared fixtures: fake site-packages for unit tests."""

from __future__ import annotations

import compileall
import itertools
import os
import sys
from pathlib import Path

import pytest
from hypothesis import settings

from tests.fakeenv import FakeSite

_TESTS = itertools.count()

# Property tests (hypothesis): the fast tier tries 50 examples of each property. `--hypothesis-profile=full` (an
# option of hypothesis's own pytest plugin) tries 300, more than any of them tried before the profiles, for a
# deliberate search after a change to the explainer or the signature table. No deadline in either: a slow example
# on a busy machine is not a failure (no timing asserts).
settings.register_profile("fast", max_examples=50, deadline=None)
settings.register_profile("full", max_examples=300, deadline=None)
settings.load_profile("fast")


def pytest_configure(config: pytest.Config) -> None:
    """Compile the doctor's own modules once, so that the interpreters the tests start read bytecode.

    Many tests run the doctor as a subprocess (or a check in a child interpreter). Where ``PYTHONDONTWRITEBYTECODE``
    is set (this project's machine sets it, as do many Docker images) no interpreter writes bytecode, so each of
    those children compiled the doctor's ~125 modules from source again: about a third of a ``check`` run's CPU.
    The test session (not each worker) writes them once, exactly where and as Python itself would without the
    variable (``__pycache__`` next to each source, ignored by git), as ``tests/realenv.py`` does for the real venvs
    with ``--compile-bytecode``. Nothing else is compiled: the fake environments' modules stay as they are, and an
    edited source is recompiled on import (bytecode is checked against its source), so nothing stale can run."""
    if not sys.dont_write_bytecode or hasattr(config, "workerinput"):
        return
    import langchain_doctor

    package = Path(langchain_doctor.__file__).parent
    for folder in (package, package / "_checks"):  # _checks is a link to checks/, which compileall does not follow
        compileall.compile_dir(folder, quiet=2, legacy=False)


@pytest.fixture(autouse=True)
def _own_doctor_cache(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Each test gets a doctor cache folder of its own unless the environment names one: a report that one test
    (or the developer's own runs) cached is never replayed in another, whatever order or worker (pytest-xdist)
    runs them, and no test writes into the user's cache."""
    if "LANGCHAIN_DOCTOR_CACHE_DIR" not in os.environ:
        folder = tmp_path_factory.getbasetemp() / "doctor-cache" / str(next(_TESTS))
        monkeypatch.setenv("LANGCHAIN_DOCTOR_CACHE_DIR", str(folder))


@pytest.fixture
def site(tmp_path: Path) -> FakeSite:
    """An empty fake site-packages under tmp_path (venv layout: <tmp>/venv/lib/python3.11/site-packages)."""
    root = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    root.mkdir(parents=True)
    return FakeSite(root)
