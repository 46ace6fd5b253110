"""The Python API ``doctor.check``: typed arguments become the same Options the CLI builds; bad ones are refused."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import langchain_doctor as doctor
import pytest
from langchain_doctor import runner
from langchain_doctor.context import Options
from langchain_doctor.model import Report


def test_arguments_become_options(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    seen: dict[str, Any] = {}

    def fake_check(options: Options, *, environ: Any = None, cwd: Any = None, **_: Any) -> Report:
        seen.update(options=options, environ=environ, cwd=cwd)
        return Report("0", None, (), (), ())

    monkeypatch.setattr(runner, "check", fake_check)
    report = doctor.check(tmp_path / "venv", ["openai"], [tmp_path / "a.ipynb"], timeout=20.0, fail_on="warning",
                          ignore={"LCD203": "heuristic"}, probe=False, environ={"A": "1"}, cwd=tmp_path)
    assert isinstance(report, Report)
    opts: Options = seen["options"]
    assert opts.python == str(tmp_path / "venv") and opts.providers == ("openai",)
    assert opts.notebooks == (str(tmp_path / "a.ipynb"),)
    assert opts.timeout == 20.0 and opts.net_timeout == 5.0 and opts.fail_on == "warning" and not opts.probe
    assert dict(opts.ignore) == {"LCD203": "heuristic"}
    assert seen["environ"] == {"A": "1"} and seen["cwd"] == tmp_path


@pytest.mark.parametrize(("kw", "error"), [
    ({"providers": "openai"}, TypeError),
    ({"notebooks": "a.ipynb"}, TypeError),
    ({"fail_on": "sometimes"}, ValueError),
    ({"timeout": 0}, ValueError),
])
def test_bad_arguments_are_refused(kw: dict[str, Any], error: type[Exception]) -> None:
    with pytest.raises(error):
        doctor.check(**kw)


def test_real_run_on_the_doctors_own_interpreter(tmp_path: Path) -> None:
    report = doctor.check(sys.executable, probe=False, cwd=tmp_path, environ={"PATH": ""})
    assert report.target is not None and report.target.python == sys.executable
    assert report.exit_code in (0, 1) and isinstance(report.findings, tuple)


def test_target_errors_propagate(tmp_path: Path) -> None:
    from langchain_doctor.target import TargetError

    with pytest.raises(TargetError, match="no such file"):
        doctor.check(tmp_path / "missing" / "python", probe=False)


def test_ipython_extension_registers_the_magic() -> None:
    registered: dict[str, Any] = {}

    class Shell:
        user_ns: dict[str, Any] = {}

        def register_magic_function(self, func: Any, magic_kind: str, magic_name: str) -> None:
            registered.update(func=func, kind=magic_kind, name=magic_name)

    doctor.load_ipython_extension(Shell())
    assert registered["kind"] == "line" and registered["name"] == "langchain_doctor"
    assert callable(registered["func"])
