"""Adversarial, end to end: keys that straddle every cut, echoed by hostile packages and pasted tracebacks, are
searched for in every output format, in --output files and in the cache.

A real interpreter runs the probes (a venv without pip, like the cache tests); the command line runs in the test's
process (tests/inprocess.py), with the keys in its environment as a user's shell would have them. Each integration's import raises
a message holding a key placed across one of the cuts (the title's 160, the evidence's 400, the probe's 4,000).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.inprocess import run_doctor
from tests.unit.test_adversarial_redact import MISTRAL, PROJ, leaks

FORMATS = ["console", "json", "junit", "markdown", "sarif", "github"]
CUTS = {"openai": (PROJ, 160), "mistralai": (MISTRAL, 400), "groq": (PROJ, 4000), "anthropic": (MISTRAL, 3990)}
MODULES = {"openai": "langchain_openai", "mistralai": "langchain_mistralai", "groq": "langchain_groq",
           "anthropic": "langchain_anthropic"}


def _message(key: str, cut: int) -> str:
    pad = "word " * ((cut - 10) // 5)
    return f"{pad}{key} and then https://bob:Hunter2Pass@proxy:3128 Authorization: Basic dXNlcjpIdW50ZXIy"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.fakeenv import FakeSite

    root = tmp_path_factory.mktemp("hostile")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = FakeSite(next(venv.glob("lib/python*/site-packages")))
    site.add("langchain-core", "0.3.0", [], modules={"langchain_core/__init__.py": ""})
    for provider, (key, cut) in CUTS.items():
        site.add(f"langchain-{provider}", "0.3.0", ["langchain-core>=0.3"],
                 modules={f"{MODULES[provider]}/__init__.py": f"raise ValueError({_message(key, cut)!r})\n"})
    return venv


def _env(cache: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "OPENAI_API_KEY")}
    return {**base, "MISTRAL_API_KEY": MISTRAL, "OPENAI_API_KEY": PROJ, "LANGCHAIN_DOCTOR_CACHE_DIR": str(cache)}


def _assert_clean(text: str, where: str) -> None:
    for secret in (PROJ, MISTRAL, "Hunter2Pass", "dXNlcjpIdW50ZXIy"):
        assert not leaks(secret, text) and secret not in text, (where, secret)


@pytest.mark.parametrize("fmt", FORMATS)
def test_no_key_fragment_in_any_format_output_file_or_cache(hostile: Path, tmp_path: Path, fmt: str) -> None:
    cache = tmp_path / "cache"
    out = tmp_path / f"report.{fmt}"
    for _ in range(2):  # cold, then from the cache
        done = run_doctor(["--python", str(hostile), "-v", "--format", fmt, "--output", str(out),
                           *[a for p in CUTS for a in ("--provider", p)]], env=_env(cache), cwd=tmp_path)
        assert done.returncode == 1, done.stderr
        _assert_clean(done.stdout + done.stderr, f"{fmt} terminal")
        _assert_clean(out.read_text(encoding="utf-8"), f"{fmt} --output")
        assert "ValueError" in out.read_text(encoding="utf-8") or fmt == "github"
    files = [p for p in cache.rglob("*") if p.is_file()]
    assert files
    for p in files:
        _assert_clean(p.read_bytes().decode("utf-8", "replace"), f"cache {p.name}")


def test_report_and_explain_hold_no_fragment(hostile: Path, tmp_path: Path) -> None:
    env = _env(tmp_path / "cache")
    done = run_doctor(["report", "--python", str(hostile), "--output", str(tmp_path / "ticket.md")], env=env,
                      cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    _assert_clean((tmp_path / "ticket.md").read_text(encoding="utf-8") + done.stdout + done.stderr, "report")
    tb = "".join(f"Traceback (most recent call last):\n  File \"x.py\", line 1, in <module>\n"
                 f"ValueError: {_message(key, cut)}\n\n" for key, cut in CUTS.values())
    (tmp_path / "tb.txt").write_text(tb)
    for fmt in ("console", "json", "markdown", "junit", "sarif"):
        done = run_doctor(["explain", "tb.txt", "-v", "--format", fmt], env=env, cwd=tmp_path)
        assert done.returncode in (0, 1), done.stderr
        _assert_clean(done.stdout + done.stderr, f"explain {fmt}")
