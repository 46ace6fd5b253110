"""`langchain-doctor explain` as a user runs it: files, stdin, formats, exit codes, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.inprocess import run_doctor

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "CONDA_PREFIX")}
    env["NO_COLOR"] = "1"
    return env


def doctor(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``explain`` in this process (tests/inprocess.py)."""
    return run_doctor(["explain", *args], env=_env(), input=stdin)


def doctor_process(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m langchain_doctor explain``: standard input through a real pipe, the exit status the shell sees."""
    return subprocess.run([sys.executable, "-m", "langchain_doctor", "explain", *args], capture_output=True, text=True,
                          env=_env(), timeout=120, input=stdin)


def test_json_contract_with_null_target() -> None:
    done = doctor(str(EXAMPLES / "response-metadata.ipynb"), "--format", "json")
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    assert data["schema_version"] == 1 and data["target"] is None and data["exit_code"] == 1
    assert data["source"] == "response-metadata.ipynb" and data["input_format"] == "ipynb"
    kinds = sorted((f["provider"], f["kind"]) for f in data["findings"])
    assert kinds == [("aws", "pydantic-schema"), ("fireworks", "broken-install"),
                     ("google-vertexai", "reauth-required"), ("openai", "pydantic-schema"),
                     ("together", "pydantic-schema")]
    assert data["summary"] == {"error": 5, "warning": 0, "info": 0}


def test_stdin_console_and_fail_on() -> None:
    text = (EXAMPLES / "response-metadata-notebook.txt").read_text()
    done = doctor_process("-", stdin=text)
    assert done.returncode == 1 and "LCD510" in done.stdout and "5 retries, 30 s lost" in done.stdout
    assert "Traceback" not in done.stderr
    never = doctor_process("-", "--fail-on", "never", stdin=text)
    assert never.returncode == 0


def test_markdown_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "explain.md"
    done = doctor(str(EXAMPLES / "response-metadata-notebook.txt"), "--format", "markdown", "--output", str(out))
    assert done.returncode == 1
    assert out.read_text().startswith("# langchain-doctor explain: response-metadata-notebook.txt")
    assert "LCD501" in done.stdout  # the console summary still goes to the terminal


def test_unreadable_input_is_exit_2_with_one_line(tmp_path: Path) -> None:
    for target in (str(tmp_path / "missing.log"), str(tmp_path)):
        done = doctor(target)
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_clean_input_exits_0() -> None:
    done = doctor("-", stdin="everything fine\n")
    assert done.returncode == 0
