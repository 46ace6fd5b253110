"""Adversarial: malformed inputs of every kind give a finding or exit 2 with one line, never a traceback.

Notebooks (nbformat 3, wrong-typed cells, deep JSON, huge expressions), target discovery (fake interpreters,
a local sysconfig.py), cache entries of the wrong shape, unreadable sys.path entries, and a non-UTF-8 target
path written with --output.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor import cache, notebook
from langchain_doctor.inventory import scan
from langchain_doctor.notebook import NotebookError
from langchain_doctor.target import TargetError, discover

from tests.inprocess import run_doctor_bytes

# --- notebooks ---------------------------------------------------------------------------------------------


def _nb(tmp_path: Path, data: Any, name: str = "nb.ipynb") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def test_nbformat_3_notebooks_are_read_from_their_worksheets(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "input": ["from langchain_openai import ChatOpenAI\n", "llm = ChatOpenAI()"],
            "language": "python", "outputs": []}
    facts = notebook.read(_nb(tmp_path, {"nbformat": 3, "metadata": {}, "worksheets": [{"cells": [cell]}]}))
    assert [i.module for i in facts.imports] == ["langchain_openai"] and "openai" in facts.providers


@pytest.mark.parametrize("data", [
    {"nbformat": 4, "cells": 5}, {"nbformat": 4, "cells": "x"}, {"nbformat": 4, "cells": {"a": 1}},
    {"nbformat": 4, "cells": None}, {"nbformat": 3, "worksheets": 5}, {"nbformat": 3, "worksheets": [5]},
    {"nbformat": 3, "worksheets": [{"cells": 5}]}, {"nbformat": 4}, [1, 2], 5, "text",
    '{"cells": ' + "[" * 50000 + "]" * 50000 + "}", "[" * 100000, '{"a": ' * 50000,
])
def test_malformed_notebooks_are_one_line_errors(tmp_path: Path, data: Any) -> None:
    with pytest.raises(NotebookError) as err:
        notebook.read(_nb(tmp_path, data if isinstance(data, str) else json.dumps(data)))
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("source", [
    "x = " + "+".join(["1"] * 200_000), "x = " + "(" * 100_000 + ")" * 100_000, "x = " + "[" * 5000 + "]" * 5000,
    "f(" * 3000 + ")" * 3000, "x = " + "-" * 300_000 + "1", "if x:\n" + "".join(" " * i + "if x:\n" for i in range(1, 200)),
])
@pytest.mark.parametrize("suffix", [".py", ".ipynb"])
def test_huge_or_deep_code_is_a_problem_not_a_crash(tmp_path: Path, source: str, suffix: str) -> None:
    if suffix == ".py":
        path = tmp_path / "huge.py"
        path.write_text("import langchain_openai\n" + source + "\n")
    else:
        path = _nb(tmp_path, {"nbformat": 4, "metadata": {}, "cells": [
            {"cell_type": "code", "source": "import langchain_openai"},
            {"cell_type": "code", "source": source}]})
    facts = notebook.read(path)  # never raises
    assert facts.problems or facts.imports


# --- target discovery --------------------------------------------------------------------------------------

def _fake(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "python"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


GOOD = {"executable": "/x", "version_info": [3, 11, 7], "version": "3.11.7", "prefix": "/p", "base_prefix": "/p",
        "path": ["/p"], "platform": "linux", "purelib": "/p", "site_packages": ["/p"], "user_site": None,
        "enable_user_site": False, "markers": {"python_version": "3.11"}, "cwd": "/"}
WRONG: dict[str, Any] = {
    "version_info-str": {"version_info": "3.11"}, "version_info-short": {"version_info": [3, 11]},
    "version_info-floats": {"version_info": [3.0, 11, 7]}, "version_info-bool": {"version_info": [True, 11, 7]},
    "path-int": {"path": 5}, "path-of-ints": {"path": [1, 2]}, "markers-list": {"markers": ["a"]},
    "markers-int-values": {"markers": {"python_version": 3}}, "prefix-none": {"prefix": None},
    "site-packages-str": {"site_packages": "/p"}, "platform-int": {"platform": 1}, "version-int": {"version": 311},
    "enable-user-site-str": {"enable_user_site": "yes"}, "cwd-list": {"cwd": ["/"]},
}


@pytest.mark.parametrize("name", sorted(WRONG))
@pytest.mark.parametrize("marked", [True, False])
def test_discovery_answers_of_the_wrong_shape_are_target_errors(tmp_path: Path, name: str, marked: bool) -> None:
    answer = repr({**GOOD, **WRONG[name]})
    line = ("LCDOCTOR-DISCOVERY " if marked else "") + answer
    with pytest.raises(TargetError) as err:
        discover(str(_fake(tmp_path, f"cat <<'EOF'\n{line}\nEOF")), cwd=tmp_path)
    assert "not a Python interpreter" in str(err.value)


@pytest.mark.parametrize("output", ["garbage", "", "{}", "[1, 2, 3]", "None", "{'version_info': 5}",
                                    "(" * 10000, "'x' * 10**9", "__import__('os').system('id')",
                                    "LCDOCTOR-DISCOVERY {1: 2}", "\\xff\\xfe"])
def test_discovery_of_a_fake_interpreter_printing_garbage_is_a_target_error(tmp_path: Path, output: str) -> None:
    with pytest.raises(TargetError):
        discover(str(_fake(tmp_path, f"cat <<'EOF'\n{output}\nEOF")), cwd=tmp_path)


@pytest.mark.parametrize("shadow", [
    "print('garbage'); raise SystemExit(0)", "raise ImportError('no')", "import os; os._exit(3)",
    "def get_paths(): return 5", "def get_paths(): return {'purelib': 5}", "print('{\"version_info\": 1}')",
])
@pytest.mark.parametrize("module", ["sysconfig", "site", "platform"])
def test_a_local_module_does_not_shadow_the_discovery_script(tmp_path: Path, shadow: str, module: str) -> None:
    (tmp_path / f"{module}.py").write_text(shadow + "\n")
    target = discover(sys.executable, cwd=tmp_path)
    assert target.version_info[:2] == sys.version_info[:2]
    assert all(isinstance(p, str) for p in target.sys_path) and target.site_packages


# --- cache entries -----------------------------------------------------------------------------------------

def _stored(tmp_path: Path) -> tuple[Path, str, dict[str, Any]]:
    from langchain_doctor.runner import build_report, run_checks

    from tests.fakeenv import FakeSite, make_env
    from tests.fakeenv import static_checks as table
    from tests.unit.test_static_checks import seed_core

    root = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    root.mkdir(parents=True)
    site = FakeSite(root)
    seed_core(site)
    (root / "langchain_fireworks").mkdir()
    env = make_env(site)
    report = build_report(env, run_checks(env, table()), env.redactor)
    folder = tmp_path / "cache"
    cache.store(folder, "k", report, {"files": {}, "dirs": {}, "vars": {}, "names": None})
    path = folder / "reports" / "k.json"
    return folder, "k", json.loads(path.read_text())


def _leaves(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(data, dict):
        for k, v in data.items():
            out += _leaves(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data[:2]):
            out += _leaves(v, (*prefix, i))
    return out


def _set(data: Any, where: tuple[Any, ...], value: Any) -> Any:
    data = json.loads(json.dumps(data))
    node = data
    for k in where[:-1]:
        node = node[k]
    node[where[-1]] = value
    return data


@pytest.mark.parametrize("wrong", [5, "x", None, [], {}, [[1]], {"a": 1}, True, 1.5])
def test_a_cache_entry_of_the_wrong_shape_is_a_miss_never_a_crash(tmp_path: Path, wrong: Any) -> None:
    from langchain_doctor.render import Format, renderer

    folder, key, data = _stored(tmp_path)
    path = folder / "reports" / f"{key}.json"
    held = 0
    places = [w for w in _leaves(data) if w[0] == "report"]
    assert len(places) > 30
    for where in places:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(_set(data, where, wrong)))
        hit = cache.load(folder, key, {})
        report = hit[0] if hit is not None else None
        if report is not None:  # a value of an accepted type: it must render in every format
            for fmt in Format:
                renderer(fmt)(report, verbose=True, color=False)
        held += 1
    assert held == len(places)


@pytest.mark.parametrize("text", ["[" * 100000, '{"format": ' * 50000, "null", "5", '"x"', "[]",
                                  '{"format": 1, "report": 5}'])
def test_a_cache_entry_that_is_not_a_report_is_a_miss(tmp_path: Path, text: str) -> None:
    folder, key, data = _stored(tmp_path)
    (folder / "reports" / f"{key}.json").write_text(text.replace('"format": 1', f'"format": {json.dumps(data["format"])}'))
    assert cache.load(folder, key, {}) is None


# --- sys.path entries and --output -------------------------------------------------------------------------

def test_unreadable_path_entries_are_reported_not_raised(tmp_path: Path) -> None:
    loop = tmp_path / "loop"
    loop.symlink_to(loop)
    long = "/tmp/" + "x" * 300 + "/" + "y" * 5000
    inv = scan([str(loop), long, str(tmp_path)])
    assert {e for e, _ in inv.unreadable} == {str(loop), long} and str(tmp_path) in inv.scanned


@pytest.mark.parametrize("fmt", ["console", "json", "markdown", "junit", "sarif", "github"])
def test_a_non_utf8_target_path_is_written_with_output(tmp_path: Path, fmt: str) -> None:
    venv = os.path.join(os.fsencode(tmp_path), b"caf\xe9-venv")
    os.makedirs(os.path.join(venv, b"bin"))
    os.symlink(os.fsencode(sys.executable), os.path.join(venv, b"bin", b"python"))
    out = tmp_path / f"report.{fmt}"
    done = run_doctor_bytes(["--no-probe", "--no-cache", "--python", os.fsdecode(venv), "--format", fmt, "--output",
                             str(out)])
    assert done.returncode in (0, 1), done.stderr
    assert b"Traceback" not in done.stderr and out.read_bytes().decode("utf-8")
    if fmt == "json":
        json.loads(out.read_text(encoding="utf-8"))
