"""Shared fixtures: fake site-packages for unit tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.fakeenv import FakeSite

if TYPE_CHECKING:
    from pathlib import Path


@pytest.fixture
def site(tmp_path: Path) -> FakeSite:
    """An empty fake site-packages under tmp_path (venv layout: <tmp>/venv/lib/python3.11/site-packages)."""
    root = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    root.mkdir(parents=True)
    return FakeSite(root)
