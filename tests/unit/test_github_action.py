"""The GitHub Action's script (scripts/github_action.py), its pure parts: no processes, no venv. The action itself,
installed and run the way GitHub's runner would, is tested in tests/integration/test_action_script.py."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

CHECKOUT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("github_action", CHECKOUT / "scripts" / "github_action.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_inputs_become_the_check_command_line(tmp_path: Path) -> None:
    (tmp_path / "nb" / "deep").mkdir(parents=True)
    (tmp_path / "nb" / "a.ipynb").write_text("{}")
    (tmp_path / "nb" / "deep" / "b.ipynb").write_text("{}")
    environ = {"INPUT_PYTHON": ".venv", "INPUT_PROVIDERS": "openai, aws\ngroq", "INPUT_NOTEBOOKS": "nb/**/*.ipynb",
               "INPUT_FAIL_ON": "warning", "INPUT_ARGS": "--no-probe --timeout 20"}
    assert _script().check_argv(environ, tmp_path) == [
        "--python", ".venv", "--provider", "openai", "--provider", "aws", "--provider", "groq",
        "--notebook", str(tmp_path / "nb" / "a.ipynb"), "--notebook", str(tmp_path / "nb" / "deep" / "b.ipynb"),
        "--fail-on", "warning", "--no-probe", "--timeout", "20"]


def test_the_glob_skips_jupyter_checkpoints(tmp_path: Path) -> None:
    (tmp_path / "nb" / ".ipynb_checkpoints").mkdir(parents=True)
    (tmp_path / "nb" / "a.ipynb").write_text("{}")
    (tmp_path / "nb" / ".ipynb_checkpoints" / "a-checkpoint.ipynb").write_text("{}")
    assert _script().check_argv({"INPUT_NOTEBOOKS": "nb/**/*.ipynb"}, tmp_path) == [
        "--notebook", str(tmp_path / "nb" / "a.ipynb")]


def test_a_glob_that_matches_nothing_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="matches no file"):
        _script().check_argv({"INPUT_NOTEBOOKS": "nothing/*.ipynb"}, tmp_path)


def test_annotations_escape_what_github_would_misread() -> None:
    line = _script().annotation("error", "LCD201 a,b:c", "50% broken\nfix: upgrade")
    assert line == "::error title=LCD201 a%2Cb%3Ac::50%25 broken%0Afix: upgrade"
