"""check --all-kernels and --python given several times: one full check each, one matrix, failures as rows."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor.cli import main
from langchain_doctor.context import Options
from langchain_doctor.fleet import run, sources


def kernel(root: Path, name: str, argv0: str, **extra: Any) -> None:
    folder = root / "kernels" / name
    folder.mkdir(parents=True)
    (folder / "kernel.json").write_text(json.dumps({"argv": [argv0, "-m", "ipykernel_launcher", "-f",
                                                             "{connection_file}"], "display_name": name,
                                                    "language": "python", **extra}))


@pytest.fixture
def machine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A machine whose only Jupyter folder is tmp_path/jp and that has no conda."""
    jp = tmp_path / "jp"
    monkeypatch.setenv("JUPYTER_PATH", str(jp))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LANGCHAIN_DOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("PATH", os.path.dirname(sys.executable))  # no conda on it
    for var in ("VIRTUAL_ENV", "CONDA_PREFIX", "CONDA_EXE", "JUPYTER_DATA_DIR", "XDG_DATA_HOME"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.chdir(tmp_path)
    return jp


def invoke(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exc:
        main(argv)
    out, err = capsys.readouterr()
    return int(exc.value.code or 0), out, err


def test_all_kernels_examines_each_and_keeps_going(machine: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    kernel(machine, "doctor-own", sys.executable)
    kernel(machine, "gone", "/nope/bin/python")
    fake = tmp_path / "fake" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text("#!/bin/sh\necho 'not python'\nexit 3\n")
    fake.chmod(0o755)
    kernel(machine, "fake", str(fake))
    (machine / "kernels" / "typed").mkdir()
    (machine / "kernels" / "typed" / "kernel.json").write_text('{"argv": 5}')
    code, out, err = invoke(["check", "--all-kernels", "--no-probe", "--format", "json"], capsys)
    doc = json.loads(out)
    rows = {r["name"]: r for r in doc["matrix"]["rows"]}
    assert set(rows) == {"doctor-own", "gone", "fake", "typed"}
    assert rows["doctor-own"]["examined"] and doc["reports"][rows["doctor-own"]["report"]]["schema_version"] == 1
    report = doc["reports"][rows["doctor-own"]["report"]]
    assert report["environment"] == {"name": "doctor-own", "source": "kernelspec",
                                     "location": str(machine / "kernels" / "doctor-own" / "kernel.json")}
    assert report["target"]["selected_by"] == "kernelspec" and "doctor-own" in report["target"]["reason"]
    assert "does not exist" in rows["gone"]["reason"]
    assert "does not run as Python" in rows["fake"]["reason"]
    assert "'argv'" in rows["typed"]["reason"]
    assert code == 1 and doc["exit_code"] == 1  # environments that cannot be examined count
    code, out, _ = invoke(["check", "--all-kernels", "--no-probe"], capsys)
    assert "not examined" in out and out.splitlines()[0].startswith("langchain-doctor ")


def test_python_given_several_times_is_one_matrix(machine: Path, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = invoke(["check", "--python", sys.executable, "--python", str(tmp_path / "missing"),
                           "--no-probe", "--format", "markdown"], capsys)
    assert out.startswith("## langchain-doctor: 2 environment(s)")
    assert "no such file or folder" in out and code == 1


def test_formats_and_options_a_matrix_cannot_take(machine: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = invoke(["check", "--all-kernels", "--format", "junit"], capsys)
    assert code == 2 and "console, json, markdown" in err
    code, _, err = invoke(["check", "--all-kernels"], capsys)
    assert code == 2 and "no Jupyter kernel or conda environment" in err and err.count("\n") == 1


def test_a_crash_in_one_environment_is_its_row(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import langchain_doctor.runner as runner

    real = runner.check

    def flaky(options: Options, **kw: Any) -> Any:
        if options.python == "/crash/bin/python":
            raise RuntimeError("boom with sk-proj-" + "Z" * 40)
        return real(options, **kw)

    monkeypatch.setattr(runner, "check", flaky)
    cands = [sources.Candidate("crash", "--python", "/crash/bin/python", "/crash/bin/python"),
             sources.Candidate("own", "--python", sys.executable, sys.executable),
             sources.Candidate("none", "conda", "/c", reason="no Python in this conda environment")]
    env = {**os.environ, "LANGCHAIN_DOCTOR_CACHE_DIR": str(tmp_path / "c")}
    entries = run.examine(cands, Options(probe=False), environ=env, cwd=tmp_path)
    assert [e.name for e in entries] == ["crash", "own", "none"]
    assert entries[0].reason and "RuntimeError: boom" in entries[0].reason and "Z" * 20 not in entries[0].reason
    assert entries[1].report is not None and entries[2].reason == "no Python in this conda environment"


def test_kernel_env_reaches_the_check(machine: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The kernel's own variables are the ones its code sees: a key set only there counts, and is never shown.
    key = "sk-proj-" + "Q7" * 24
    kernel(machine, "with-key", sys.executable, env={"OPENAI_API_KEY": key})
    code, out, _ = invoke(["check", "--all-kernels", "--no-probe", "--provider", "openai", "--format", "json"],
                          capsys)
    assert key[8:30] not in out
    report = json.loads(out)["reports"][0]
    assert not any(f["code"] == "LCD401" for f in report["findings"])


def test_a_warm_run_over_unchanged_environments_starts_no_subprocess(
        machine: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every environment's discovery and report come from the cache; the one that changed is examined again."""
    import subprocess

    from langchain_doctor import subproc

    base = tmp_path / "base"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(base)], check=True)
    for name in ("one", "two", "three"):
        kernel(machine, name, str(base.parent / name / "bin" / "python"))
        import shutil

        shutil.copytree(base, base.parent / name, symlinks=True)
    started: list[list[str]] = []
    real = subproc.RUNNER

    def counting(argv: Any, **kw: Any) -> subproc.Completed:
        started.append(list(argv))
        return real(argv, **kw)

    monkeypatch.setattr(subproc, "RUNNER", counting)
    options = Options(probe=False)
    cold = run.examine(sources.collect(os.environ, conda=False), options)
    assert len(started) == 3 and all(e.report is not None and "cache" not in e.report for e in cold)
    started.clear()
    warm = run.examine(sources.collect(os.environ, conda=False), options)
    assert started == [], started  # no interpreter asked anything (which one was asked, if any, says why not)
    assert all(e.report is not None and e.report["cache"]["hit"] for e in warm)
    assert [e.report["findings"] for e in warm if e.report] == [e.report["findings"] for e in cold if e.report]
    site = next((base.parent / "two" / "lib").glob("python*/site-packages"))
    (site / "extra.pth").write_text(str(tmp_path) + "\n")
    again = {e.name: e for e in run.examine(sources.collect(os.environ, conda=False), options)}
    assert len(started) == 1 and str(base.parent / "two") in started[0][0], started
    assert again["two"].report is not None and "cache" not in again["two"].report
    assert all(again[n].report["cache"]["hit"] for n in ("one", "three"))  # type: ignore[index]
