"""The command line as a user runs it: exit codes, one-line errors, target selection, a user's own `checks`."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from langchain_doctor import registry
from langchain_doctor.model import Kind
from langchain_doctor.render import Format, renderer

from tests.inprocess import run_doctor


def _env(env: dict[str, str] | None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
    return {**base, **(env or {})}


def doctor(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in this process (tests/inprocess.py): what it reports and how it exits."""
    return run_doctor(args, cwd=cwd, env=_env(env))


def doctor_process(*args: str, cwd: Path | None = None,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m langchain_doctor``, a process of its own: for what only the real entry point shows."""
    return subprocess.run([sys.executable, "-m", "langchain_doctor", *args], capture_output=True, text=True, cwd=cwd,
                          env=_env(env), timeout=120)


def script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda d: d / "missing" / "python", "no such file"),
        (lambda d: script(d / "notpython", 'echo "hello"'), "not a Python interpreter"),
        (lambda d: script(d / "old", 'echo \'{"version_info": [3, 8, 18], "version": "3.8.18"}\''), "too old"),
        (lambda d: script(d / "crash", "kill -SEGV $$"), "does not run as Python"),
        (lambda d: d, "holds no bin/python"),
    ],
)
def test_bad_targets_exit_2_with_one_line(tmp_path: Path, make, needle: str) -> None:
    target = make(tmp_path)
    done = doctor("--python", str(target), "--no-probe")
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_bad_option_is_exit_2_one_line() -> None:
    done = doctor("--fail-on", "sometimes")
    assert done.returncode == 2
    assert len(done.stderr.strip().splitlines()) == 1


def test_unknown_provider_is_exit_2() -> None:
    done = doctor("--provider", "nope", "--no-probe")
    assert done.returncode == 2 and "unknown provider 'nope'" in done.stderr


def test_json_contract_shape_and_exit_code(tmp_path: Path) -> None:
    # A real process: the exit status the shell sees is the one the report states.
    done = doctor_process("--no-probe", "--format", "json", "--python", sys.executable)
    assert done.stdout, done.stderr
    data = json.loads(done.stdout)
    assert data["schema_version"] == 1
    assert set(data) >= {"tool", "target", "packages", "providers", "findings", "summary", "exit_code"}
    assert data["target"]["python"] == sys.executable
    assert data["exit_code"] == done.returncode
    for f in data["findings"]:
        assert set(f) >= {"code", "kind", "severity", "title", "subject", "provider", "evidence", "fix"}


def test_default_target_order(tmp_path: Path) -> None:
    venv = tmp_path / "v"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    done = doctor("--no-probe", "--format", "json", env={"VIRTUAL_ENV": str(venv)})
    data = json.loads(done.stdout)
    assert data["target"]["selected_by"] == "VIRTUAL_ENV"
    assert data["target"]["python"].startswith(str(venv))
    local = tmp_path / "proj"
    local.mkdir()
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(local / ".venv")], check=True)
    data = json.loads(doctor("--no-probe", "--format", "json", cwd=local).stdout)
    assert data["target"]["selected_by"] == "./.venv"
    # Nothing names a target and the doctor's own venv holds no LangChain: the python3 on PATH, said truthfully.
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "python3").symlink_to(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
    data = json.loads(doctor("--no-probe", "--format", "json", cwd=tmp_path, env={"PATH": str(bindir)}).stdout)
    assert data["target"]["selected_by"] == "PATH"
    assert data["target"]["python"] == str(bindir / "python3")
    assert "python3 on PATH" in data["target"]["reason"] and "given with" not in data["target"]["reason"]
    # ... and with none on PATH: exit 2 with one line, never a report on the doctor's own interpreter.
    empty = tmp_path / "empty"
    empty.mkdir()
    done = doctor("--no-probe", "--format", "json", cwd=tmp_path, env={"PATH": str(empty)})
    assert done.returncode == 2 and done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "--python" in done.stderr


def test_own_environment_with_langchain_is_still_the_default(tmp_path: Path) -> None:
    from langchain_doctor.target import own_isolation

    sp = tmp_path / "lib" / "python3.11" / "site-packages"
    sp.mkdir(parents=True)
    (sp / "langchain_doctor-0.1.0.dist-info").mkdir()
    assert own_isolation(str(tmp_path)) is not None  # only the doctor: isolated
    (tmp_path / "uv-receipt.toml").write_text("")
    assert "uv tool" in str(own_isolation(str(tmp_path)))
    (sp / "langchain_core-0.3.86.dist-info").mkdir()
    assert own_isolation(str(tmp_path)) is None  # the user's project venv, run without activation


def test_a_users_checks_package_never_stands_in_for_ours(tmp_path: Path) -> None:
    # Jupyter puts the notebook's folder first on sys.path; a project's own `checks/` must not be imported.
    (tmp_path / "checks").mkdir()
    (tmp_path / "checks" / "__init__.py").write_text("raise RuntimeError('user checks imported')\n")
    (tmp_path / "checks.py").write_text("raise RuntimeError('user checks.py imported')\n")
    done = doctor_process("--no-probe", "--format", "json", "--python", sys.executable, cwd=tmp_path,
                          env={"PYTHONPATH": str(tmp_path)})  # the doctor's own start-up: a process of its own
    assert done.returncode in (0, 1), done.stderr
    data = json.loads(done.stdout)
    assert not [f for f in data["findings"] if f["code"] == "LCD901"]
    assert "user checks" not in done.stdout + done.stderr


def test_version_is_fast_path() -> None:
    done = doctor_process("--version")
    assert done.returncode == 0 and done.stdout.startswith("langchain-doctor ")


def test_every_kind_of_the_contract_exists() -> None:
    contract = {"pydantic-schema", "pydantic-core-mismatch", "version-conflict", "missing-package",
                "broken-install", "shadowed-module", "import-error", "missing-credential", "invalid-credential",
                "reauth-required", "missing-config", "unreachable", "unclassified"}
    assert contract <= {k.value for k in Kind}


def test_registry_codes_are_unique_and_documented() -> None:
    for code, info in registry.registry().items():
        assert code == info.code
        assert info.what and info.why and info.fix and info.name


def test_every_format_has_a_renderer() -> None:
    for fmt in Format:
        assert callable(renderer(fmt)), fmt  # an import error fails here: every format has shipped


def test_list_checks_json_lists_the_registry() -> None:
    data = json.loads(doctor("list-checks", "--format", "json").stdout)
    assert [c["code"] for c in data["codes"]] == list(registry.registry())


def test_readme_table_is_generated_from_the_registry() -> None:
    from langchain_doctor.commands.list_checks import table_markdown

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- codes:start -->\n", "<!-- codes:end -->"
    assert start in readme and end in readme, "README.md lacks the generated code table"
    section = readme.split(start, 1)[1].split(end, 1)[0]
    assert section == table_markdown(), "README code table is stale: run `langchain-doctor list-checks --format markdown`"


@pytest.mark.parametrize(("code", "status", "stderr"), [(None, 0, ""), (0, 0, ""), (1, 1, ""), (2, 2, ""),
                                                        ("langchain-doctor: bye", 1, "langchain-doctor: bye\n")])
def test_the_console_entry_flushes_and_keeps_the_exit_status(code: object, status: int, stderr: str) -> None:
    # The entry point ends with os._exit (no interpreter teardown): buffered output must still arrive whole.
    program = ("import sys; from doctor.__main__ import _leave; sys.stdout.write('x' * 200000); "
               f"_leave({code!r})")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as on most machines
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, env=env, timeout=60)
    assert (done.returncode, len(done.stdout), done.stderr) == (status, 200000, stderr)


def test_a_closed_pipe_is_status_120_as_without_the_fast_exit() -> None:
    # The reader went away before the output was flushed (``| head`` that has finished).
    read_end, write_end = os.pipe()
    os.close(read_end)
    program = "import sys; from doctor.__main__ import _leave; sys.stdout.write('x' * 10); _leave(0)"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # buffered, as on most machines
    try:
        done = subprocess.run([sys.executable, "-c", program], stdout=write_end, stderr=subprocess.PIPE, env=env,
                              timeout=60)
    finally:
        os.close(write_end)
    assert done.returncode == 120, done.stderr


@pytest.mark.parametrize(("host", "atexit_ran"), [
    ("", False),
    ("sys.settrace(lambda *a: None); ", True),  # coverage, debuggers
    ("sys.setprofile(lambda *a: None); ", True),  # cProfile, pyinstrument
    ("import types; sys.modules['ipykernel'] = types.ModuleType('ipykernel'); ", True),  # %run -m doctor
])
def test_the_fast_exit_steps_aside_for_profilers_coverage_and_kernels(host: str, atexit_ran: bool) -> None:
    # They write their reports at interpreter exit, or are a notebook's kernel: there, a normal exit.
    program = ("import atexit, sys; atexit.register(lambda: sys.stderr.write('atexit ran')); " + host
               + "from doctor.__main__ import _leave; _leave(3)")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert ("atexit ran" in done.stderr) is atexit_ran


def test_a_hosted_run_leaves_the_garbage_collector_on() -> None:
    # In a kernel (``%run -m doctor``) the process lives on after the command: nothing of the fast path stays.
    program = ("import gc, sys, types; sys.modules['ipykernel'] = types.ModuleType('ipykernel'); "
               "sys.argv = ['langchain-doctor', 'list-checks']; from doctor.__main__ import main\n"
               "try:\n    main()\nexcept SystemExit as exc:\n    print('exit', exc.code, 'gc', gc.isenabled())")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip().splitlines()[-1] == "exit 0 gc True", done.stderr


def test_discovered_markers_are_packagings_default_environment(tmp_path: Path) -> None:
    # The discovery script reads the marker values without the platform module: they must be what packaging
    # (and so pip) computes in the same interpreter.
    from langchain_doctor.target import discover
    from packaging.markers import default_environment

    target = discover(sys.executable, cwd=tmp_path)
    assert dict(target.markers) == default_environment()
    assert target.version == default_environment()["python_full_version"]


@pytest.mark.parametrize("command", ["check", "fix", "report"])
def test_an_unreadable_notebook_is_exit_2_with_one_line_for_every_command(tmp_path: Path, command: str) -> None:
    (tmp_path / "bad.ipynb").write_text("not json")
    # Real processes: each of these commands' exit 2 through the console entry (fix has no other in this tier).
    done = doctor_process(command, "--notebook", "bad.ipynb", "--no-probe", cwd=tmp_path)
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "not a notebook" in lines[0], done.stderr
