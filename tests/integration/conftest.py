"""Integration-tier settings that hold however the tier is run (serially or on pytest-xdist workers)."""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """No terminal size in the environment the doctor's subprocesses inherit.

    The console renderer wraps at ``$COLUMNS`` when it is set (and not at all when its output is a pipe, as in
    these tests). A pytest-xdist worker runs with ``COLUMNS=80`` and ``LINES=24`` in its environment (a serial run
    has neither, unless the developer's shell exports them), so a console report of the same run wrapped there and
    not here, and tests that read one report line found its end on the next. The tests compare what the doctor
    says, never how a terminal of some width shows it."""
    for var in ("COLUMNS", "LINES"):
        os.environ.pop(var, None)
