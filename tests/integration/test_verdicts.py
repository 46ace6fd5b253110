"""Trusted verdicts (issue 13) on real venvs: statuses from every stage, facts over predictions, the cache key."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.integration._helpers import run_doctor
from tests.realenv import named_venv

pytestmark = pytest.mark.integration


def test_a_failed_import_is_never_ok_in_any_format(tmp_path: Path) -> None:
    """langchain-anthropic 0.3.22 whose import fails only through the pydantic-core mismatch (LCD210, no provider)."""
    venv = named_venv("anthropic-pydcore-mismatch")
    args = ("--python", str(venv), "--no-cache")
    rc, data, _ = run_doctor(*args, "--format", "json", cwd=tmp_path)
    assert rc == 1
    [lcd210] = [f for f in data["findings"] if f["code"] == "LCD210"]
    assert lcd210["provider"] is None and "confirmed by probe" in lcd210["evidence"]
    [anthropic] = [p for p in data["providers"] if p["name"] == "anthropic"]
    assert anthropic["stages"]["import"] == "error"
    assert anthropic["status"] == "error" and anthropic["explained_by"] == ["LCD210"]

    _, console, _ = run_doctor(*args, cwd=tmp_path)
    [line] = [ln for ln in str(console).splitlines() if " anthropic " in ln and "import" in ln]
    assert line.startswith("[✗]") and "import ✗" in line and "LCD210" in line

    _, markdown, _ = run_doctor(*args, "--format", "markdown", cwd=tmp_path)
    [row] = [ln for ln in str(markdown).splitlines() if ln.startswith("| anthropic | langchain-anthropic")]
    assert "| error |" in row

    _, junit, _ = run_doctor(*args, "--format", "junit", cwd=tmp_path)
    root = ET.fromstring(str(junit))
    cases = [c for c in root.iter("testcase") if c.get("name") == "anthropic"
             and c.get("classname", "").endswith(".imports")]
    assert cases and cases[0].find("failure") is not None
