"""The summarize HTML page in a real headless browser (Debian's chromium, driven by Playwright).

It renders, a click on a cell shows that cell's findings, and nothing is fetched: every request the page makes
is recorded and any that is not the page itself is refused and fails the test. The reports come from real runs
of the doctor on real venvs. ``UPDATE_SCREENSHOT=1`` also writes the screenshot to docs/summarize.png.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration._helpers import clean_environ, run_doctor
from tests.realenv import named_venv

pytestmark = pytest.mark.integration

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
REPO = Path(__file__).resolve().parents[2]


def _browser_or_skip() -> Any:
    """Playwright's sync API, or a skip (a failure in CI, where .ci/run installs both)."""
    missing = []
    if not os.path.exists(CHROMIUM):
        missing.append("chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("playwright (pip install playwright)")
        sync_playwright = None
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must provide {', '.join(missing)}: .ci/run installs them")
        pytest.skip(f"needs {', '.join(missing)}")
    return sync_playwright


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """summarize --format html over JSON reports of real runs (a folder, as CI artifacts are laid out)."""
    root = tmp_path_factory.mktemp("html")
    reports = root / "reports"
    private_tmp = root / "tmp"  # probe folders apart from any other doctor run on the machine
    private_tmp.mkdir()
    for name, spec in (("py3.11-seed", "seed-broken"), ("py3.11-healthy", "anthropic-03"),
                       ("py3.11-pydcore", "pydcore-old-core"), ("py3.11-basecache", "basecache")):
        (reports / name).mkdir(parents=True)
        rc, data, err = run_doctor("--python", str(named_venv(spec)), "--format", "json", cwd=root,
                                  env={"TMPDIR": str(private_tmp)})
        assert isinstance(data, dict), err
        # Varied only in where things are: the page (and the README's screenshot) shows no machine's paths.
        text = json.dumps(data).replace(str(named_venv(spec)), f"/home/user/envs/{name}").replace(
            str(root), "/home/user/project")
        (reports / name / "report.json").write_text(text, encoding="utf-8")
    out = root / "fleet.html"
    done = subprocess.run([sys.executable, "-m", "langchain_doctor", "summarize", str(reports), "--format", "html",
                           "--output", str(out)], capture_output=True, text=True, env=clean_environ(), timeout=120)
    assert done.returncode == 1 and out.exists(), done.stderr
    return out


def test_the_page_renders_a_click_shows_the_findings_and_nothing_is_fetched(page_file: Path, tmp_path: Path) -> None:
    sync_playwright = _browser_or_skip()
    requests: list[str] = []
    refused: list[str] = []
    page_url = page_file.as_uri()
    profile = tmp_path / "profile"  # a new, empty user data dir
    profile.mkdir()
    with sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(str(profile), executable_path=CHROMIUM, headless=True,
                                                    args=FLAGS, viewport={"width": 1100, "height": 760})
        try:
            def route(r: Any) -> None:
                if r.request.url == page_url:
                    r.continue_()
                else:
                    refused.append(r.request.url)
                    r.abort()

            ctx.route("**/*", route)
            page = ctx.new_page()
            page.on("request", lambda req: requests.append(req.url))
            errors: list[str] = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(page_url)
            page.wait_for_load_state("load")
            # The matrix rendered: one row per report, coloured cells.
            assert page.locator("#matrix tbody tr").count() == 4
            assert page.locator("#matrix td.s-error").count() >= 2
            header = page.locator("#matrix thead th").all_inner_texts()
            assert header[:3] == ["environment", "python", "env-wide"] and "openai" in header
            # A click on the seed row's openai cell shows that environment's findings for openai.
            row = page.locator("#matrix tbody tr", has=page.locator("th", has_text="py3.11-seed"))
            col = header.index("openai")
            cell = row.locator("td").nth(col - 1)
            assert "LCD201" in cell.inner_text()
            cell.click()
            details = page.locator("#details")
            details.locator(".finding").first.wait_for()
            text = details.inner_text()
            assert "py3.11-seed × openai" in text and "LCD201" in text and "pydantic-schema" in text
            assert "pip install" in text and "requires langchain-core" in text
            # Another cell replaces the details with its own.
            pyd = page.locator("#matrix tbody tr", has=page.locator("th", has_text="py3.11-pydcore"))
            pyd.locator("td").nth(1).click()
            assert "LCD210" in details.inner_text() and "LCD201" not in details.inner_text()
            assert errors == []
            shot = tmp_path / "summarize.png"
            row.locator("td").nth(col - 1).click()
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            if os.environ.get("UPDATE_SCREENSHOT"):
                (REPO / "docs").mkdir(exist_ok=True)
                shutil.copyfile(shot, REPO / "docs" / "summarize.png")
        finally:
            ctx.close()
    assert refused == [] and set(requests) == {page_url}, (refused, requests)


def test_chromium_alone_loads_it_headless(page_file: Path, tmp_path: Path) -> None:
    """Chromium's own --headless mode (no driver): the page's DOM after its script ran holds the matrix."""
    _browser_or_skip()
    profile = tmp_path / "profile"
    profile.mkdir()
    done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "--dump-dom", page_file.as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert 'id="matrix"' in done.stdout and "py3.11-seed" in done.stdout and "LCD201" in done.stdout
