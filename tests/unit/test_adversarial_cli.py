"""Adversarial: whatever goes wrong, the command line ends with exit 2 and one redacted line, never a traceback.

Every stderr line the doctor writes passes through the redactor; config errors do not echo pasted keys; a closed,
full or non-UTF-8 stdout is handled; any unexpected exception in any command is exit 2 with a hint.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.inprocess import run_doctor
from tests.unit.test_adversarial_redact import MISTRAL, PROJ, leaks

COMMANDS = ["check", "fix", "report", "explain", "list-checks"]


def _env(env: dict[str, str] | None) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
    return {**base, **(env or {})}


def doctor(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """The command line in this process (tests/inprocess.py): its exit status and what it writes."""
    return run_doctor(args, cwd=cwd, env=_env(env))


def doctor_process(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
                   **kw: object) -> subprocess.CompletedProcess[str]:
    """``python -m langchain_doctor``: for what the interpreter's start-up decides (the streams' encoding)."""
    return subprocess.run([sys.executable, "-m", "langchain_doctor", *args], capture_output=True, text=True, cwd=cwd,
                          env=_env(env), timeout=120, **kw)  # type: ignore[call-overload]


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 2, (done.returncode, done.stderr, done.stdout)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    return lines[0]


def script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.parametrize("secret", [PROJ, "sk-ant-api03-" + "Q" * 30, "gsk_" + "aB3" * 10])
def test_a_key_given_as_an_option_value_is_not_echoed(secret: str) -> None:
    line = one_line(doctor("--fail-on", secret))
    assert not leaks(secret, line), line


@pytest.mark.parametrize("key", ["fail-on", "providers", "unknown-key"])
@pytest.mark.parametrize("secret", [PROJ, MISTRAL])
def test_a_key_pasted_into_the_settings_is_not_echoed(tmp_path: Path, key: str, secret: str) -> None:
    value = f'["{secret}"]' if key == "providers" else f'"{secret}"'
    line = f"{secret} = 1" if key == "unknown-key" else f"{key} = {value}"
    (tmp_path / "pyproject.toml").write_text(f"[tool.langchain-doctor]\n{line}\n")
    out = one_line(doctor("--no-probe", "--python", sys.executable, cwd=tmp_path))
    assert "pyproject.toml:2" in out and not leaks(secret, out), out


def test_a_target_that_fails_at_start_up_does_not_get_its_stderr_printed_verbatim(tmp_path: Path) -> None:
    bad = script(tmp_path / "python", f'echo "Fatal: cannot use key {PROJ}" >&2\necho "$MISTRAL_API_KEY" >&2\nexit 1')
    done = doctor("--python", str(bad), "--no-probe", env={"MISTRAL_API_KEY": MISTRAL})
    out = one_line(done)
    assert not leaks(PROJ, out) and not leaks(MISTRAL, out), out


def test_a_target_whose_last_line_has_a_password_url(tmp_path: Path) -> None:
    bad = script(tmp_path / "python", 'echo "ProxyError: http://bob:Hunter2Pass@proxy:3128 refused" >&2\nexit 1')
    out = one_line(doctor("--python", str(bad), "--no-probe"))
    assert "Hunter2Pass" not in out, out


@pytest.mark.parametrize("content", [
    b"[tool.langchain-doctor]\nfail-on = \"warning\"\n# caf\xe9\n",  # latin-1 bytes
    b"\xff\xfe[\x00t\x00o\x00o\x00l\x00]\x00 langchain-doctor",  # UTF-16
])
def test_a_non_utf8_pyproject_is_exit_2_not_ignored(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "pyproject.toml").write_bytes(content)
    out = one_line(doctor("--no-probe", "--python", sys.executable, cwd=tmp_path))
    assert "not UTF-8" in out, out


@pytest.mark.parametrize("nested", ["a = " + "[" * 5000, "a = " + "{x = " * 5000])
def test_deeply_nested_toml_is_exit_2(tmp_path: Path, nested: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.langchain-doctor]\n{nested}\n")
    out = one_line(doctor("--no-probe", "--python", sys.executable, cwd=tmp_path))
    assert "pyproject.toml" in out, out


@pytest.mark.parametrize("command", ["list-checks", "explain"])
def test_stdout_full_is_exit_2_with_one_line(tmp_path: Path, command: str) -> None:
    (tmp_path / "tb.txt").write_text("Traceback (most recent call last):\nValueError: x\n")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "langchain_doctor", command,
                               *(["tb.txt"] if command == "explain" else [])], stdout=full, stderr=subprocess.PIPE,
                              text=True, cwd=tmp_path, timeout=120)
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "No space left" in done.stderr


@pytest.mark.parametrize("command", ["list-checks", "check"])
def test_stdout_closed_is_exit_2_with_one_line(command: str) -> None:
    args = [sys.executable, "-m", "langchain_doctor", command, *(["--no-probe"] if command == "check" else [])]
    done = subprocess.run(["/bin/sh", "-c", 'exec "$@" >&-', "sh", *args], stderr=subprocess.PIPE, text=True,
                          timeout=120)
    assert done.returncode == 2 and "standard output is closed" in done.stderr, done.stderr


@pytest.mark.parametrize("encoding", ["cp1252", "ascii", "latin-1"])
@pytest.mark.parametrize("command", [["--no-probe"], ["list-checks"], ["explain", "-"]])
def test_stdout_not_utf8_falls_back_to_ascii_marks(encoding: str, command: list[str]) -> None:
    done = doctor_process(*command, "--python", sys.executable, env={"PYTHONIOENCODING": encoding},
                          input="Traceback (most recent call last):\nValueError: x\n") if command[0] == "--no-probe" \
        else doctor_process(*command, env={"PYTHONIOENCODING": encoding},
                            input="Traceback (most recent call last):\nValueError: x\n")
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout and "Traceback (most" not in done.stderr


# --- the guard at the top, in process: any exception in any command ---------------------------------------

@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("exc", [RuntimeError(f"boom {PROJ}"), KeyError("id"), AttributeError("x"),
                                 RecursionError("maximum recursion depth exceeded"), UnicodeDecodeError(
                                     "utf-8", b"\xff", 0, 1, "invalid start byte"), TypeError(MISTRAL)])
def test_any_unexpected_exception_is_exit_2_with_one_redacted_line(monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    command: str, exc: Exception) -> None:
    import click
    from langchain_doctor import cli

    def explode(*a: object, **k: object) -> None:
        raise exc

    monkeypatch.setenv("MISTRAL_API_KEY", MISTRAL)
    monkeypatch.setattr(click.Command, "invoke", explode)
    with pytest.raises(SystemExit) as ended:
        cli.main([command])
    err = capsys.readouterr().err
    assert ended.value.code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "--debug" in lines[0] and "Traceback" not in err, err
    assert not leaks(PROJ, err) and not leaks(MISTRAL, err), err


def test_debug_shows_the_traceback_redacted(monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    import click
    from langchain_doctor import cli

    def explode(*a: object, **k: object) -> None:
        raise RuntimeError(f"boom {PROJ}")

    monkeypatch.setattr(click.Command, "invoke", explode)
    with pytest.raises(SystemExit) as ended:
        cli.main(["check", "--debug"])
    err = capsys.readouterr().err
    assert ended.value.code == 2 and "Traceback" in err and not leaks(PROJ, err)


def test_a_systemexit_message_is_redacted(capfd: pytest.CaptureFixture[str]) -> None:
    program = f"from doctor.__main__ import _leave; _leave('fatal: {PROJ}')"
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "fatal:" in done.stderr and not leaks(PROJ, done.stderr)
