"""Settings files: [tool.langchain-doctor] found and honoured, flags win, bad keys and codes rejected by line."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
import pytest
from click.testing import CliRunner
from langchain_doctor import config
from langchain_doctor.cli import cli
from langchain_doctor.commands._options import build_options
from langchain_doctor.config import ConfigError, hook_argv, isolated_target, load

if TYPE_CHECKING:
    from tests.fakeenv import FakeSite

GOOD = """\
[project]
name = "demo"

[tool.ruff]
line-length = 100

[tool.langchain-doctor]
fail-on = "warning"
providers = ["openai", "aws"]
notebooks = ["nb/*.ipynb", "extra.py"]
python = ".venv"
ignore = { LCD203 = "heuristic; reviewed by hand", LCD222 = "pinned until Q3" }

[tool.other]
x = 1
"""


def _write(folder: Path, text: str, name: str = "pyproject.toml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _kw(**over: object) -> dict[str, object]:
    kw: dict[str, object] = {"python": None, "providers": (), "notebooks": (), "online": False, "smoke": False,
                             "no_probe": False, "timeout": None, "fail_on": None, "verbose": False,
                             "yes": False, "config": None, "no_cache": False}
    kw.update(over)
    return kw


def test_nearest_pyproject_with_the_table_is_found_from_a_subfolder(tmp_path: Path) -> None:
    _write(tmp_path / "repo", GOOD)
    (tmp_path / "repo" / "nb").mkdir()
    (tmp_path / "repo" / "nb" / "a.ipynb").write_text("{}")
    (tmp_path / "repo" / "nb" / "b.ipynb").write_text("{}")
    # a nearer pyproject without our table says nothing about us: the search goes on upwards
    _write(tmp_path / "repo" / "sub", "[project]\nname = 'sub'\n")
    cfg = load(cwd=tmp_path / "repo" / "sub")
    assert cfg is not None
    root = tmp_path / "repo"
    assert cfg.path == root / "pyproject.toml"
    assert cfg.fail_on == "warning"
    assert cfg.providers == ("openai", "aws")
    assert cfg.notebooks == (str(root / "nb" / "a.ipynb"), str(root / "nb" / "b.ipynb"), str(root / "extra.py"))
    assert cfg.python == str(root / ".venv")
    assert dict(cfg.ignore) == {"LCD203": "heuristic; reviewed by hand", "LCD222": "pinned until Q3"}


def test_no_settings_anywhere_is_none(tmp_path: Path) -> None:
    _write(tmp_path, "[project]\nname = 'x'\n")
    assert load(cwd=tmp_path) is None


def test_explicit_config_file_with_top_level_keys(tmp_path: Path) -> None:
    path = _write(tmp_path, 'fail-on = "never"\nproviders = ["groq"]\n', "doctor.toml")
    cfg = load(path)
    assert cfg is not None and cfg.fail_on == "never" and cfg.providers == ("groq",)


def test_ignore_as_a_list_of_tables(tmp_path: Path) -> None:
    _write(tmp_path, '[tool.langchain-doctor]\n[[tool.langchain-doctor.ignore]]\ncode = "LCD203"\n'
                     'reason = "checked"\n')
    cfg = load(cwd=tmp_path)
    assert cfg is not None and dict(cfg.ignore) == {"LCD203": "checked"}


@pytest.mark.parametrize(("body", "line", "words"), [
    ('fail-on = "error"\nfail_on = "warning"\n', 3, "unknown key 'fail_on'"),
    ('providers = ["openai"]\n\nignore = { LCD203 = "ok", LCD999 = "typo" }\n', 4, "unknown finding code 'LCD999'"),
    ('ignore = { LCD203 = "" }\n', 2, "LCD203 needs a reason"),
    ('fail-on = "sometimes"\n', 2, "fail-on must be one of"),
    ('providers = ["openia"]\n', 2, "unknown provider 'openia'"),
    ('notebooks = "a.ipynb"\npython = 3\n', 3, "python must be a path"),
    ('providers = [1, 2]\n', 2, "providers must be a list of strings"),
])
def test_bad_settings_name_the_file_and_line(tmp_path: Path, body: str, line: int, words: str) -> None:
    path = _write(tmp_path, "[tool.langchain-doctor]\n" + body)
    with pytest.raises(ConfigError) as err:
        load(cwd=tmp_path)
    message = str(err.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert words in message
    assert "\n" not in message


def test_key_in_a_subtable_points_at_its_header(tmp_path: Path) -> None:
    path = _write(tmp_path, '[project]\nname = "x"\n\n[tool.langchain-doctor.ignore]\nLCD777 = "nope"\n')
    with pytest.raises(ConfigError, match=rf"^{path}:5: ignore: unknown finding code 'LCD777'"):
        load(cwd=tmp_path)


def test_invalid_toml_in_our_file_is_reported_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '[tool.langchain-doctor]\nfail-on = "error\n')
    with pytest.raises(ConfigError, match=rf"^{path}:2: invalid TOML"):
        load(cwd=tmp_path)


def test_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load(tmp_path / "nope.toml")


def test_flags_win_over_the_file_and_the_rest_is_merged(tmp_path: Path) -> None:
    _write(tmp_path, GOOD)
    opts = build_options(_kw(), cwd=tmp_path)
    assert opts.fail_on == "warning" and opts.providers == ("openai", "aws")
    assert opts.python == str(tmp_path / ".venv")
    assert dict(opts.ignore) == {"LCD203": "heuristic; reviewed by hand", "LCD222": "pinned until Q3"}
    opts = build_options(_kw(fail_on="never", providers=("groq",), python="/usr/bin/python3",
                             notebooks=("x.ipynb",)), cwd=tmp_path)
    assert opts.fail_on == "never" and opts.providers == ("groq",) and opts.python == "/usr/bin/python3"
    assert opts.notebooks == ("x.ipynb",)
    assert "LCD203" in opts.ignore  # ignores have no flag: they always come from the file


def test_bad_file_is_a_click_exception(tmp_path: Path) -> None:
    _write(tmp_path, "[tool.langchain-doctor]\nwhat = 1\n")
    with pytest.raises(click.ClickException, match=r"pyproject.toml:2: unknown key 'what'"):
        build_options(_kw(), cwd=tmp_path)


def test_cli_exits_2_with_one_line_for_a_bad_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, '[tool.langchain-doctor]\nignore = { LCD000 = "x" }\n', "bad.toml")
    from langchain_doctor.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--config", str(path), "--no-probe"])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == f"langchain-doctor: {path}:2: ignore: unknown finding code 'LCD000' " \
                  "(see `langchain-doctor list-checks`)\n"


def test_cli_runner_reports_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '[tool.langchain-doctor]\n\nfail-on = "loud"\n', "bad.toml")
    result = CliRunner().invoke(cli, ["check", "--config", str(path), "--no-probe"])
    assert result.exit_code != 0
    assert f"{path}:3: fail-on must be one of" in str(result.output) + str(result.exception)


def test_isolated_target_drops_the_doctors_own_venv(tmp_path: Path) -> None:
    outside = tmp_path / "bin"
    outside.mkdir()
    py = outside / "python3"
    py.write_text("#!/bin/sh\n")
    py.chmod(0o755)
    own_bin = str(Path(sys.prefix) / "bin")
    environ = {"VIRTUAL_ENV": sys.prefix, "PATH": f"{own_bin}:{outside}"}
    env, python = isolated_target(environ, tmp_path)
    assert "VIRTUAL_ENV" not in env
    assert python == str(py)
    # a user's own venv is kept, and then no interpreter is forced
    env, python = isolated_target({"VIRTUAL_ENV": str(tmp_path / "user-venv"), "PATH": str(outside)}, tmp_path)
    assert env["VIRTUAL_ENV"] == str(tmp_path / "user-venv") and python is None
    # ./.venv is left to the normal discovery
    (tmp_path / ".venv").mkdir()
    assert isolated_target({"PATH": str(outside)}, tmp_path)[1] is None


def test_hook_argv_turns_file_names_into_notebooks(tmp_path: Path) -> None:
    (tmp_path / "a.ipynb").write_text("{}")
    (tmp_path / "b.py").write_text("")
    (tmp_path / ".venv").mkdir()
    args, _ = hook_argv(["--provider", "openai", "--config", "b.py", "a.ipynb", "b.py"], {"PATH": ""}, tmp_path)
    assert args == ["check", "--provider", "openai", "--config", "b.py", "--notebook", "a.ipynb",
                    "--notebook", "b.py"]


def test_hook_argv_names_the_path_python_when_nothing_else_does(tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3").write_text("#!/bin/sh\n")
    (bindir / "python3").chmod(0o755)
    work = tmp_path / "repo"
    work.mkdir()
    # The hook adds no --python (which would make "chosen because" say the user gave one): the default
    # discovery finds the same interpreter, by the same rule, and says it came from PATH.
    args, env = hook_argv([], {"PATH": str(bindir)}, work)
    assert args == ["check"]
    from langchain_doctor.target import path_interpreter

    assert path_interpreter(env) == str(bindir / "python3") == isolated_target(env, work)[1]


def test_keys_are_the_documented_ones() -> None:
    assert config.KEYS == ("fail-on", "providers", "notebooks", "python", "ignore")


def test_ignored_codes_are_still_listed_but_not_counted(tmp_path: Path, site: FakeSite) -> None:
    from langchain_doctor import builtin
    from langchain_doctor.redact import Redactor
    from langchain_doctor.render.jsonfmt import report_dict
    from langchain_doctor.runner import build_report, run_checks

    from tests.fakeenv import make_env

    _write(tmp_path, '[tool.langchain-doctor]\nignore = { LCD201 = "upgrading in PR 12" }\n')
    site.add("langchain-core", "0.3.0", ["pydantic>=2.7.4"])
    site.add("pydantic", "2.9.2", ["pydantic-core==2.23.4"])
    site.add("pydantic-core", "2.23.4")
    site.add("langchain-openai", "0.1.25", ["langchain-core<0.3.0,>=0.2.40"])
    options = dataclasses.replace(build_options(_kw(), cwd=tmp_path), probe=False)
    env = make_env(site, options=options)
    report = build_report(env, run_checks(env, [c for c in builtin.checks() if not c.needs_probe]), Redactor())
    [f] = [f for f in report.findings if f.code == "LCD201"]
    assert f.ignored == "upgrading in PR 12"
    assert report.summary["error"] == 0 and report.exit_code == 0
    data = report_dict(report)
    assert [x["ignored"] for x in data["findings"] if x["code"] == "LCD201"] == ["upgrading in PR 12"]
