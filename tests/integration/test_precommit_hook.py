"""The pre-commit hook, run by real ``pre-commit`` on a throwaway git repo.

The hook repository is a git repo made from this working tree (so what is on disk is what is tested); pre-commit
clones it at that commit, installs it into its own venv (from PyPI: the build backend and the doctor's
dependencies) and runs the hook on the committed notebook. The user's environment is ./.venv, a real venv.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.integration._helpers import copy_project
from tests.realenv import named_venv, real_venv, venv_python

pytestmark = pytest.mark.integration

_COPY = ("doctor", "checks", "pyproject.toml", "README.md", "LICENSE", ".pre-commit-hooks.yaml")
_GIT = ["git", "-c", "user.name=test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false",
        "-c", "init.defaultBranch=main"]

NOTEBOOK = {
    "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
               "source": ["from langchain_openai import ChatOpenAI\n", "llm = ChatOpenAI(model='gpt-4o-mini')\n"]}],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    "nbformat": 4, "nbformat_minor": 5,
}


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run([*_GIT, *args], cwd=cwd, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def _hook_repo(dest: Path) -> str:
    dest.mkdir()
    copy_project(dest, _COPY)
    _git(dest, "init", "-q")
    _git(dest, "add", "-A")
    _git(dest, "commit", "-q", "-m", "hook repo")
    return _git(dest, "rev-parse", "HEAD")


def _pre_commit(pc: Path, repo: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH", "OPENAI_API_KEY")}
    env.update({"PRE_COMMIT_HOME": str(home), "NO_COLOR": "1", "PRE_COMMIT_COLOR": "never"})
    return subprocess.run([str(venv_python(pc)), "-m", "pre_commit", "run", "--all-files", "--verbose"],
                          cwd=repo, capture_output=True, text=True, env=env, timeout=1800)


def test_hook_checks_the_repos_environment_for_its_notebooks(tmp_path: Path) -> None:
    pc = real_venv(["pre-commit"])
    rev = _hook_repo(tmp_path / "hooks")
    repo = tmp_path / "project"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "analysis.ipynb").write_text(json.dumps(NOTEBOOK))
    (repo / ".gitignore").write_text(".venv\n")
    (repo / "pyproject.toml").write_text(
        '[project]\nname = "analysis"\nversion = "0"\n\n'
        '[tool.langchain-doctor]\nignore = { LCD401 = "keys are set where the notebook runs, not in CI" }\n')
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {tmp_path / 'hooks'}\n    rev: {rev}\n    hooks:\n      - id: langchain-doctor\n"
        # args come before the file names: they must pass through (a loaded machine needs the longer timeout)
        '        args: [--timeout, "60"]\n')
    _git(repo, "add", "-A")
    home = tmp_path / "pre-commit-home"

    # a consistent environment: the hook passes
    (repo / ".venv").symlink_to(named_venv("old-consistent-pyd2"), target_is_directory=True)
    done = _pre_commit(pc, repo, home)
    out = done.stdout + done.stderr
    assert done.returncode == 0, out
    assert "langchain-doctor" in out and "Passed" in out
    assert "openai  langchain-openai 0.1.25 (needed)" in out  # the notebook's import made openai needed
    assert "ignored: keys are set where the notebook runs" in out  # [tool.langchain-doctor] honoured

    # the notebook's broken environment: the hook fails and says why
    (repo / ".venv").unlink()
    broken = named_venv("seed-broken")
    (repo / ".venv").symlink_to(broken, target_is_directory=True)
    done = _pre_commit(pc, repo, home)
    out = done.stdout + done.stderr
    assert done.returncode == 1, out
    assert "Failed" in out and "LCD201" in out and str(repo / ".venv") in out
    assert "langchain-openai 0.1.25 was built for pydantic-v1 langchain-core" in out
