"""Kernelspecs found and read as Jupyter does, without trusting them; conda environments; the fleet's sources."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor import kernels
from langchain_doctor.fleet import sources

LINUX = kernels.Platform("linux", "/opt/jupyter-env")


def spec(root: Path, name: str, data: Any, raw: str | None = None) -> Path:
    folder = root / "kernels" / name
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kernel.json").write_text(raw if raw is not None else json.dumps(data), encoding="utf-8")
    return folder


def good(python: str, **kw: Any) -> dict[str, Any]:
    return {"argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}"], "display_name": "k",
            "language": "python", **kw}


def test_search_order_follows_jupyter_core() -> None:
    env = {"HOME": "/h", "JUPYTER_PATH": "/a/:/b"}
    assert kernels.data_dirs(env, LINUX) == [
        Path("/a"), Path("/b"), Path("/h/.local/share/jupyter"), Path("/opt/jupyter-env/share/jupyter"),
        Path("/usr/local/share/jupyter"), Path("/usr/share/jupyter")]
    # An activated venv puts the environment's folder before the user's (JUPYTER_PREFER_ENV_PATH's default).
    env2 = {"HOME": "/h", "VIRTUAL_ENV": "/v", "XDG_DATA_HOME": "/x", "PYTHONUSERBASE": "/ub"}
    assert kernels.data_dirs(env2, LINUX)[:4] == [Path("/v/share/jupyter"), Path("/opt/jupyter-env/share/jupyter"),
                                                  Path("/x/jupyter"), Path("/ub/share/jupyter")]
    assert kernels.data_dirs({**env2, "JUPYTER_PREFER_ENV_PATH": "0"}, LINUX)[0] == Path("/x/jupyter")
    assert kernels.user_data_dir({"HOME": "/h", "JUPYTER_DATA_DIR": "/d"}, LINUX) == Path("/d")
    assert kernels.user_data_dir({"HOME": "/h"}, kernels.Platform("darwin", "/p")) == Path("/h/Library/Jupyter")
    # JUPYTER_PLATFORM_DIRS: platformdirs' locations (XDG_DATA_DIRS for the system folders on Linux).
    pd = {"HOME": "/h", "JUPYTER_PLATFORM_DIRS": "1", "XDG_DATA_DIRS": "/s1:/s2"}
    assert kernels.system_data_dirs(pd, LINUX) == [Path("/s1/jupyter"), Path("/s2/jupyter")]
    assert kernels.system_data_dirs({**pd, "JUPYTER_PLATFORM_DIRS": "off"}, LINUX)[0] == Path("/usr/local/share/jupyter")
    assert kernels.user_data_dir(pd, kernels.Platform("darwin", "/p")) == Path("/h/Library/Application Support/jupyter")


def test_registered_kernels_first_folder_wins_names_lowercased(tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    spec(a, "Rag-Env", good(sys.executable, display_name="first"))
    spec(b, "rag-env", good(sys.executable, display_name="second"))
    spec(b, "bad name!", good(sys.executable))  # Jupyter does not list it
    (b / "kernels" / "no-json").mkdir()
    found = kernels.find({"JUPYTER_PATH": f"{a}{os.pathsep}{b}", "HOME": str(tmp_path / "h")}, LINUX)
    assert [(k.name, getattr(k, "display_name", None)) for k in found] == [("rag-env", "first")]


@pytest.mark.parametrize("name", ["../../somewhere", "../x", "/etc", "a/b", "", "ok\0", "..", "rag env"])
def test_a_notebook_names_only_registered_kernels(tmp_path: Path, name: str) -> None:
    # A kernel.json the traversal would reach, with an interpreter that exists.
    (tmp_path / "somewhere").mkdir()
    (tmp_path / "somewhere" / "kernel.json").write_text(json.dumps(good(sys.executable)))
    env = {"JUPYTER_PATH": str(tmp_path / "share" / "deep"), "HOME": str(tmp_path / "h")}
    (tmp_path / "share" / "deep" / "kernels").mkdir(parents=True)
    assert kernels.get(name, env, LINUX) is None
    assert kernels.resolve(name, env) is None


def test_resolve_takes_a_registered_kernel(tmp_path: Path) -> None:
    spec(tmp_path, "rag-env", good(sys.executable))
    env = {"JUPYTER_PATH": str(tmp_path), "HOME": str(tmp_path / "h")}
    found = kernels.resolve("RAG-ENV", env)
    assert found is not None and found[0] == sys.executable and "rag-env" in found[1]


@pytest.mark.parametrize(("data", "raw", "reason"), [
    ({"argv": 5}, None, "no 'argv' list of strings"),
    ({"argv": []}, None, "no 'argv' list of strings"),
    ({"argv": [1, 2]}, None, "no 'argv' list of strings"),
    ({"argv": "python"}, None, "no 'argv' list of strings"),
    (["python"], None, "not a JSON object"),
    ({"argv": ["/x/python"], "display_name": 5}, None, "'display_name' that is not a string"),
    ({"argv": ["/x/python"], "env": {"A": 1}}, None, "'env' that is not an object of strings"),
    ({"argv": ["/x/python"], "env": []}, None, "'env' that is not an object of strings"),
    ({"argv": ["/x/python"], "metadata": 3}, None, "'metadata' that is not an object"),
    (None, "{not json", "not valid JSON"),
    (None, "\xff\xfe", "not valid JSON"),
    (None, "[" * 100000 + "]" * 100000, "nested too deeply"),
    (None, " " * (kernels.MAX_KERNEL_JSON + 1), "larger than 256 KiB"),
])
def test_wrong_shapes_are_rejected_with_a_reason(tmp_path: Path, data: Any, raw: str | None, reason: str) -> None:
    spec(tmp_path, "k", data, raw)
    (found,) = kernels.find({"JUPYTER_PATH": str(tmp_path), "HOME": str(tmp_path / "h")}, LINUX)
    assert isinstance(found, kernels.Rejected) and reason in found.reason, found


def test_special_files_and_escapes_are_refused_without_blocking(tmp_path: Path) -> None:
    kd = tmp_path / "kernels"
    (kd / "fifo").mkdir(parents=True)
    os.mkfifo(kd / "fifo" / "kernel.json")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "kernel.json").write_text(json.dumps(good(sys.executable)))
    (kd / "linked").symlink_to(outside, target_is_directory=True)
    (kd / "zero").mkdir()
    (kd / "zero" / "kernel.json").symlink_to("/dev/zero")
    found = {k.name: k for k in kernels.find({"JUPYTER_PATH": str(tmp_path), "HOME": str(tmp_path / "h")}, LINUX)}
    assert all(isinstance(k, kernels.Rejected) for k in found.values())
    assert "not a regular file" in found["fifo"].reason  # type: ignore[union-attr]
    assert "resolves outside" in found["linked"].reason  # type: ignore[union-attr]
    assert "resolves outside" in found["zero"].reason  # type: ignore[union-attr]


@pytest.mark.parametrize(("argv0", "language", "why"), [
    ("python3", "python", "on the Jupyter server's PATH"),
    ("/nope/bin/python", "python", "does not exist"),
    ("/usr/bin/env", "python", "not a Python interpreter"),
    (sys.executable, "R", "a R kernel"),
])
def test_kernels_that_name_no_interpreter(argv0: str, language: str, why: str) -> None:
    k = kernels.KernelSpec("k", "/k/kernel.json", (argv0, "-f", "{connection_file}"), "k", language)
    exe, reason = k.interpreter()
    assert exe is None and why in reason


def completed(stdout: str, rc: int = 0) -> Any:
    """What the subprocess door returns (the fields conda_envs reads)."""
    from types import SimpleNamespace

    return SimpleNamespace(returncode=rc, stdout=stdout, stderr="", timed_out=False)


def conda_prefix(path: Path, python: bool = True) -> Path:
    (path / "conda-meta").mkdir(parents=True)
    if python:
        (path / "bin").mkdir()
        (path / "bin" / "python").symlink_to(sys.executable)
    return path


def test_conda_env_list_when_conda_answers(tmp_path: Path) -> None:
    root = conda_prefix(tmp_path / "miniconda3")
    env = {"CONDA_EXE": str(root / "bin" / "conda"), "HOME": str(tmp_path)}
    out = json.dumps({"envs": [str(root), str(root / "envs" / "rag")]})
    got = kernels.conda_envs(env, run=lambda *a, **k: completed(out))
    assert [(e.name, e.found_by) for e in got] == [("base", "conda env list"), ("rag", "conda env list")]


@pytest.mark.parametrize("answer", [json.dumps({"envs": 5}), json.dumps([1]), "garbage", json.dumps({"envs": [1]})])
def test_conda_answers_of_the_wrong_shape_fall_back_to_the_files(tmp_path: Path, answer: str) -> None:
    root = conda_prefix(tmp_path / "miniconda3")
    conda_prefix(root / "envs" / "rag")
    conda_prefix(tmp_path / "elsewhere" / "ml")
    conda_prefix(tmp_path / "listed", python=False)
    (tmp_path / ".condarc").write_text("channels:\n  - conda-forge\nenvs_dirs:\n  - ~/elsewhere  # mine\n"
                                       "  - /does/not/exist\nauto_activate_base: false\n")
    (tmp_path / ".conda").mkdir()
    (tmp_path / ".conda" / "environments.txt").write_text(f"{tmp_path / 'listed'}\n/gone/env\n")
    env = {"CONDA_EXE": str(root / "bin" / "conda"), "HOME": str(tmp_path)}
    got = kernels.conda_envs(env, run=lambda *a, **k: completed(answer))
    assert sorted(e.name for e in got) == ["base", "listed", "ml", "rag"]
    cands = sources.collect(env, all_kernels=True)
    listed = next(c for c in cands if c.name == "conda:listed")
    assert listed.python is None and listed.reason == "no Python in this conda environment"


def test_condarc_flow_style() -> None:
    assert kernels._condarc_envs_dirs("envs_dirs: [/a, '~/b']\n") == ["/a", "~/b"]


def test_sources_dedupe_one_environment_found_twice(tmp_path: Path) -> None:
    import subprocess

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    spec(tmp_path / "jp", "same", good(str(venv / "bin" / "python")))
    spec(tmp_path / "jp", "same3", good(str(venv / "bin" / "python3")))
    env = {"JUPYTER_PATH": str(tmp_path / "jp"), "HOME": str(tmp_path / "h"), "PATH": ""}
    got = sources.collect(env, pythons=[str(venv)], conda=False)
    assert [(c.name, c.source) for c in got] == [(str(venv), "--python")]
    other = tmp_path / "venv2"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(other)], check=True)
    # Two venvs whose interpreters link to the same base Python stay two environments.
    got = sources.collect(env, pythons=[str(venv), str(other)], conda=False)
    assert len(got) == 2
