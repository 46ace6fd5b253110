"""The interpreter's answer about itself is cached by what it depends on: an unchanged environment starts no
discovery subprocess, any change to what the answer depends on asks the interpreter again, failures and
answers holding a secret are never cached."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor import subproc
from langchain_doctor.cache import FORMAT
from langchain_doctor.target import TargetError, discover


class Counting:
    """The subprocess door, counting the discovery runs (every call still runs for real)."""

    def __init__(self) -> None:
        self.real = subproc.RUNNER
        self.argv: list[Sequence[str]] = []

    def __call__(self, argv: Sequence[str], **kw: Any) -> subproc.Completed:
        self.argv.append(argv)
        return self.real(argv, **kw)

    @property
    def discoveries(self) -> int:
        return sum(1 for a in self.argv if len(a) >= 3 and a[1] == "-c" and "LCDOCTOR-DISCOVERY" in a[2])


@pytest.fixture
def door(monkeypatch: pytest.MonkeyPatch) -> Counting:
    counting = Counting()
    monkeypatch.setattr(subproc, "RUNNER", counting)
    return counting


@pytest.fixture
def venv(new_venv: Callable[[Path], Path], tmp_path: Path) -> Path:
    """A real venv of this test's own (tests/conftest.py's ``new_venv``: its files can be changed freely)."""
    return new_venv(tmp_path / "venv")


def site_of(venv: Path) -> Path:
    return next((venv / "lib").glob("python*/site-packages"))


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.upper().startswith("PYTHON")
            and k not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
    return {**base, "HOME": str(tmp_path / "home"), "LANGCHAIN_DOCTOR_CACHE_DIR": str(tmp_path / "cache"), **extra}


def ask(venv: Path, environ: dict[str, str], cwd: Path, **kw: Any) -> Any:
    return discover(str(venv / "bin" / "python"), environ=environ, cwd=cwd, timeout=60, use_cache=True, **kw)


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "targets").glob("*.json"))


def test_unchanged_interpreter_is_a_cache_hit_without_a_subprocess(venv: Path, tmp_path: Path,
                                                                    door: Counting) -> None:
    e = env(tmp_path)
    first = ask(venv, e, tmp_path)
    assert door.discoveries == 1 and len(entries(tmp_path)) == 1
    second = ask(venv, e, tmp_path)
    assert door.discoveries == 1  # answered from the cache: no interpreter started
    assert second == first
    assert str(site_of(venv)) in second.site_packages


def test_without_use_cache_the_interpreter_is_always_asked(venv: Path, tmp_path: Path, door: Counting) -> None:
    e = env(tmp_path)
    ask(venv, e, tmp_path)
    discover(str(venv / "bin" / "python"), environ=e, cwd=tmp_path, timeout=60)
    assert door.discoveries == 2


def _add_pth(venv: Path, tmp_path: Path) -> str:
    extra = tmp_path / "extra-folder"
    extra.mkdir()
    (site_of(venv) / "extra.pth").write_text(f"{extra}\n")
    return str(extra)


def _edit_pth_in_place(venv: Path, tmp_path: Path) -> str:
    extra = tmp_path / "edited-folder"
    extra.mkdir()
    pth = site_of(venv) / "extra.pth"
    with open(pth, "w") as fh:  # same name: the folder's listing does not change, the file does
        fh.write(f"{extra}\n")
    return str(extra)


def _system_site(venv: Path, tmp_path: Path) -> str:
    cfg = venv / "pyvenv.cfg"
    cfg.write_text(cfg.read_text().replace("include-system-site-packages = false",
                                           "include-system-site-packages = true"))
    return ""


@pytest.mark.parametrize("change", ["new .pth", ".pth edited in place", "pyvenv.cfg", "PYTHONPATH", "user site",
                                    "interpreter replaced"])
def test_a_change_asks_the_interpreter_again(venv: Path, tmp_path: Path, door: Counting, change: str) -> None:
    e = env(tmp_path)
    if change == ".pth edited in place":
        (site_of(venv) / "extra.pth").write_text("")
    first = ask(venv, e, tmp_path)
    assert door.discoveries == 1
    ask(venv, e, tmp_path)
    assert door.discoveries == 1
    expect_in_path = ""
    if change == "new .pth":
        expect_in_path = _add_pth(venv, tmp_path)
    elif change == ".pth edited in place":
        expect_in_path = _edit_pth_in_place(venv, tmp_path)
    elif change == "pyvenv.cfg":
        _system_site(venv, tmp_path)
    elif change == "PYTHONPATH":
        extra = tmp_path / "on-pythonpath"
        extra.mkdir()
        e = {**e, "PYTHONPATH": str(extra)}
        expect_in_path = str(extra)
    elif change == "user site":
        # A folder that did not exist when the interpreter answered (and that it would now put on sys.path if the
        # venv let it): its creation changes what the answer depends on.
        assert first.user_site is None or not os.path.exists(first.user_site)
        _system_site(venv, tmp_path)
        ask(venv, e, tmp_path)
        assert door.discoveries == 2
        user = ask(venv, e, tmp_path)
        assert door.discoveries == 2 and user.user_site
        Path(user.user_site).mkdir(parents=True)
        expect_in_path = user.user_site
    elif change == "interpreter replaced":
        import shutil

        # The venv's link to its base Python becomes a file of its own (as an in-place upgrade or `venv --copies`
        # leaves it): same size and mtime as before, another file.
        python = venv / "bin" / "python"
        real = os.path.realpath(python)
        python.unlink()
        shutil.copy2(real, python)
        if subprocess.run([str(python), "-c", "pass"], capture_output=True, check=False).returncode != 0:
            pytest.skip("this Python does not run from a copy of its executable (a shared build with a relative "
                        "library path)")
    again = ask(venv, e, tmp_path)
    assert door.discoveries == (3 if change == "user site" else 2), change
    if expect_in_path:
        assert expect_in_path in again.sys_path
    if change == "pyvenv.cfg":
        assert set(again.sys_path) > set(first.sys_path)  # the system site-packages joined
    ask(venv, e, tmp_path)
    assert door.discoveries == (3 if change == "user site" else 2)  # and the new answer is cached in turn


def test_failures_are_never_cached(tmp_path: Path, door: Counting) -> None:
    fake = tmp_path / "fake" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\necho 'not python' >&2\nexit 3\n")
    fake.chmod(0o755)
    slow = tmp_path / "slow" / "bin" / "python"
    slow.parent.mkdir(parents=True)
    slow.write_text("#!/bin/sh\nsleep 30\n")
    slow.chmod(0o755)
    e = env(tmp_path)
    for _ in range(2):
        with pytest.raises(TargetError, match="does not run as Python"):
            discover(str(fake), environ=e, cwd=tmp_path, timeout=60, use_cache=True)
        with pytest.raises(TargetError, match="did not answer"):
            discover(str(slow), environ=e, cwd=tmp_path, timeout=0.5, use_cache=True)
    assert door.discoveries == 4
    assert entries(tmp_path) == []


def test_an_answer_holding_a_secret_is_never_cached(venv: Path, tmp_path: Path, door: Counting) -> None:
    secret = "sk-proj-" + "Zq7" * 10
    odd = tmp_path / f"key-{secret}"
    odd.mkdir()
    e = env(tmp_path, OPENAI_API_KEY=secret, PYTHONPATH=str(odd))
    for _ in range(2):
        assert str(odd) in ask(venv, e, tmp_path).sys_path
    assert door.discoveries == 2  # asked every time
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes().decode("utf-8", "replace")
            assert secret[-12:] not in path.read_bytes().decode("utf-8", "replace")


def test_a_variable_value_is_stored_as_a_salted_hash_only(venv: Path, tmp_path: Path, door: Counting) -> None:
    e = env(tmp_path, PYTHONWARNINGS="ignore::DeprecationWarning:distinctive_module_name")
    ask(venv, e, tmp_path)
    (entry,) = entries(tmp_path)
    assert "distinctive_module_name" not in entry.read_text()
    ask(venv, {**e, "PYTHONWARNINGS": "default"}, tmp_path)
    assert door.discoveries == 2  # its value changed: asked again


@pytest.mark.parametrize("planted", [
    {"format": FORMAT, "record": {"files": [], "hashed": {}, "dirs": {}, "vars": {}, "names": None},
     "answer": {"version_info": [3, 11, 0], "path": "not a list"}},
    {"format": FORMAT, "record": {"files": [], "hashed": {}, "dirs": {}, "vars": {}, "names": None}, "answer": ["x"]},
    "not json at all",
])
def test_an_entry_of_the_wrong_shape_is_a_miss(venv: Path, tmp_path: Path, door: Counting, planted: Any) -> None:
    e = env(tmp_path)
    first = ask(venv, e, tmp_path)
    (entry,) = entries(tmp_path)
    entry.write_text(planted if isinstance(planted, str) else json.dumps(planted))
    assert ask(venv, e, tmp_path) == first
    assert door.discoveries == 2


def test_a_sitecustomize_edited_in_place_asks_again(venv: Path, tmp_path: Path, door: Counting) -> None:
    """sitecustomize runs at start-up and may change sys.path; an edit in place leaves its folder's listing alone."""
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    custom = site_of(venv) / "sitecustomize.py"
    custom.write_text(f"import sys; sys.path.append({str(one)!r})\n")
    e = env(tmp_path)
    assert str(one) in ask(venv, e, tmp_path).sys_path
    ask(venv, e, tmp_path)
    assert door.discoveries == 1
    with open(custom, "w") as fh:  # same file, new text
        fh.write(f"import sys; sys.path.append({str(two)!r})\n")
    again = ask(venv, e, tmp_path)
    assert door.discoveries == 2 and str(two) in again.sys_path and str(one) not in again.sys_path
