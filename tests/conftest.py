"""Shared fixtures: fake site-packages for unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakeenv import FakeSite


@pytest.fixture
def site(tmp_path: Path) -> FakeSite:
    """An empty fake site-packages under tmp_path (venv layout: <tmp>/venv/lib/python3.11/site-packages)."""
    root = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    root.mkdir(parents=True)
    return FakeSite(root)
