"""The cache key holds every file the probe loaded (issue 13 item 4): an in-place edit of any module the target
imported (inside the SDK, not only the integration's own package) re-examines; nothing changed replays."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor.inputs import recorded_paths

from tests.integration._helpers import clean_environ
from tests.realenv import real_venv, site_packages, uv_available

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not uv_available():
        pytest.skip("real venvs are built with uv")
    # A private copy: the test edits files in it.
    return real_venv(["langchain-openai==1.7.4"], dest=tmp_path_factory.mktemp("sdk-edit") / "venv",
                     with_pip=False)


def doctor(venv: Path, cwd: Path) -> dict[str, Any]:
    env = {**clean_environ(), "HOME": str(cwd.parent), "LANGCHAIN_DOCTOR_CACHE_DIR": str(cwd.parent / "cache")}
    done = subprocess.run([sys.executable, "-m", "langchain_doctor", "--python", str(venv), "--format", "json",
                           "--timeout", "60"], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)
    assert done.stdout.startswith("{"), done.stderr[-2000:]
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def hit(data: dict[str, Any]) -> bool:
    return bool(data.get("cache", {}).get("hit"))


_WALKED = {"langchain_openai", "langchain_core", "langchain", "pydantic", "pydantic_core", "langsmith"}


def recorded_files(tmp_path: Path) -> set[str]:
    entries = [json.loads(p.read_text()) for p in (tmp_path / "cache").glob("reports/*.json")]
    files: set[str] = set()
    for entry in entries:
        files.update(recorded_paths(entry["record"]))
    return files


def test_an_edit_in_any_module_the_probe_loaded_re_examines(venv: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    cold = doctor(venv, work)
    assert not hit(cold) and cold["providers"][0]["status"] == "ok"
    assert hit(doctor(venv, work))  # nothing changed: replayed
    # A module of the SDK the integration imports, then one of the SDK's own dependencies (whichever the probe
    # loaded): neither is in the integration's package nor among the core packages whose trees the doctor walks.
    site = site_packages(venv)
    dependency = sorted(p for p in recorded_files(tmp_path) if p.startswith(f"{site}/") and p.endswith(".py")
                        and Path(p).relative_to(site).parts[0] not in _WALKED | {"openai"}
                        and len(Path(p).relative_to(site).parts) > 1)[0]
    for edited in (site / "openai" / "_version.py", Path(dependency)):
        before = edited.stat()
        with edited.open("a") as fh:
            fh.write("\n# edited in place\n")
        assert edited.stat().st_size != before.st_size
        after = doctor(venv, work)
        assert not hit(after), f"an edit of {edited} replayed the cached verdict"
        assert after["providers"][0]["status"] == "ok"
        assert hit(doctor(venv, work))  # and the new state is cached in turn


def test_the_record_holds_the_loaded_files_not_their_content(venv: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    doctor(venv, work)
    files = recorded_files(tmp_path)
    sdk = str(site_packages(venv) / "openai") + "/"
    loaded = [p for p in files if p.startswith(sdk)]
    assert len(loaded) > 50  # the SDK's modules (not walked as a tree: only the probe's report names them)
    hashed = {p for e in (tmp_path / "cache").glob("reports/*.json") for p in json.loads(e.read_text())["record"]["hashed"]}
    assert not hashed & set(loaded)  # their look only (mode, size, mtime, inode): a stat, never a read
