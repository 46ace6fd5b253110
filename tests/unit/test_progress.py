"""Live progress: a line per provider as its probe finishes and a spinner, on a terminal (a pty) and nowhere else."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

from langchain_doctor.render.progress import Silent, live, provider_line, spinner_text


def _venv_with_fake_openai(root: Path) -> Path:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    py = root / "bin" / "python"
    site = Path(subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "langchain_openai").mkdir()
    (site / "langchain_openai" / "__init__.py").write_text(
        "class ChatOpenAI:\n    def __init__(self, **kw):\n        self.kw = kw\n")
    meta = site / "langchain_openai-0.3.0.dist-info"
    meta.mkdir()
    (meta / "METADATA").write_text("Metadata-Version: 2.1\nName: langchain-openai\nVersion: 0.3.0\n")
    (meta / "RECORD").write_text("langchain_openai/__init__.py,,\n")
    return py


def _run(py: Path, cwd: Path, *, tty: bool) -> tuple[str, str]:
    argv = [sys.executable, "-m", "langchain_doctor", "check", "--python", str(py), "--no-cache", "--format", "json"]
    env = {**os.environ, "TERM": "xterm", "LANGCHAIN_DOCTOR_CACHE_DIR": str(cwd / "cache")}
    env.pop("NO_COLOR", None)
    if not tty:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=300, cwd=cwd, env=env)
        return done.stdout, done.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, cwd=cwd, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 120)
        if not ready:
            break
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.stdout is not None
    with proc.stdout:
        out = proc.stdout.read().decode()
    proc.wait(timeout=60)
    return out, b"".join(chunks).decode(errors="replace")


def test_on_a_terminal_each_provider_is_a_line_and_a_spinner_names_what_runs(tmp_path: Path) -> None:
    py = _venv_with_fake_openai(tmp_path / "venv")
    out, terminal = _run(py, tmp_path, tty=True)
    assert '"schema_version": 1' in out  # the report itself still goes to standard output, whole
    assert "✓ openai  import ✓  class ✓  construct ✓  (" in terminal
    assert "probing the target" in terminal  # the spinner's text
    assert "\x1b[?25l" in terminal and "\x1b[?25h" in terminal  # cursor hidden while the spinner runs, then back


def test_nothing_when_standard_error_is_not_a_terminal(tmp_path: Path) -> None:
    py = _venv_with_fake_openai(tmp_path / "venv")
    out, err = _run(py, tmp_path, tty=False)
    assert '"schema_version": 1' in out and err == ""


def test_display_pieces() -> None:
    assert provider_line("groq", (("import", "ok"), ("class", "error")), 1.26) == "✗ groq  import ✓  class ✗  (1.3 s)"
    assert spinner_text("probing", ["a", "b", "c", "d", "e"]) == "probing: a, b, c (+2 more)"
    assert spinner_text("checking", []) == "checking"
    assert isinstance(live(io.StringIO(), {}), Silent)
    assert isinstance(live(sys.stderr, {}, enabled=False), Silent)
