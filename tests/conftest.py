"""Shared fixtures: fake site-packages for unit tests."""

from __future__ import annotations

import compileall
import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import settings

from tests.fakeenv import FakeSite, venv_site

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


# The fast tier's mark expression. Every test under tests/integration is marked `integration` (the collection guard
# below fails a run that collects one that is not, and tests/unit/test_fast_tier.py reads each module), so the fast
# tier does not even collect that folder: each xdist worker would otherwise import and assertion-rewrite its ~25
# modules (and build their module-level state) only to deselect every test in them.
FAST_TIER = "not integration"
INTEGRATION = Path(__file__).resolve().with_name("integration")


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Skip tests/integration when the mark expression is exactly the fast tier's (any other expression, or none,
    collects it: `-m integration`, `-m "not integration and not slow"`, a plain `pytest`)."""
    if collection_path == INTEGRATION and str(config.getoption("markexpr")).strip() == FAST_TIER:
        return True
    return None


def unmarked_integration_tests(items: list[pytest.Item]) -> list[str]:
    """The ids of collected tests that live under tests/integration without the `integration` mark."""
    return [item.nodeid for item in items
            if INTEGRATION in item.path.parents and item.get_closest_marker("integration") is None]


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects: an unmarked test must be seen by `-m integration` too
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test under tests/integration without the `integration` mark is an error wherever that folder is collected
    (the integration tier, a plain `pytest`): the fast tier never collects the folder, so such a test would run in
    neither tier. Fast tests live in tests/unit."""
    unmarked = unmarked_integration_tests(items)
    if unmarked:
        raise pytest.UsageError("tests under tests/integration must be marked `integration` (fast tests belong in "
                                "tests/unit): " + ", ".join(unmarked))


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


@pytest.fixture(scope="session")
def _template_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("template") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    return venv


@pytest.fixture
def new_venv(_template_venv: Path) -> Callable[[Path], Path]:
    """Makes a real venv (no pip) at a given path: a copy of one that ``python -m venv`` made once per worker, with
    every file that names the venv's folder (pyvenv.cfg, the activate scripts) naming its own, as ``python -m venv``
    writes them. Each test gets its own, free to change."""

    def make(dest: Path) -> Path:
        shutil.copytree(_template_venv, dest, symlinks=True)
        for path in (dest / "pyvenv.cfg", *(dest / "bin").glob("[Aa]ctivate*")):
            if path.is_file() and not path.is_symlink():
                path.write_text(path.read_text().replace(str(_template_venv), str(dest)))
        return dest

    return make


STUB_CHAT_OPENAI = "class ChatOpenAI:\n    def __init__(self, **kw): pass\n"


@pytest.fixture
def openai_venv(new_venv: Callable[[Path], Path], tmp_path: Path) -> Callable[..., Path]:
    """Makes ``tmp_path/venv``: a real venv holding langchain-core 0.3.0 and a langchain-openai whose ChatOpenAI
    takes any keyword (its version and its requirement on core given): the target of the tests that run the
    doctor's command line on a venv and watch its cache hit and miss."""

    def make(openai: str = "0.3.0", requires: str = "langchain-core>=0.3") -> Path:
        venv = new_venv(tmp_path / "venv")
        site = venv_site(venv)
        site.add("langchain-core", "0.3.0", ["pydantic>=2"], modules={"langchain_core/__init__.py": ""})
        site.add("langchain-openai", openai, [requires], modules={"langchain_openai/__init__.py": STUB_CHAT_OPENAI})
        return venv

    return make
