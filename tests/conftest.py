"""Shared fixtures: fake site-packages for unit tests."""

from __future__ import annotations

import itertools
import os
from typing import TYPE_CHECKING

import pytest

from tests.fakeenv import FakeSite

if TYPE_CHECKING:
    from pathlib import Path


_TESTS = itertools.count()


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
