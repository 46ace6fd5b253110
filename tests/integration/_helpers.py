"""Running the doctor as a user does (a subprocess), and normalising its JSON for snapshots."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

SNAPSHOTS = Path(__file__).with_name("snapshots")
# One cache folder per test session: bytecode and offline results are reused between tests (the fingerprint
# covers everything a verdict depends on), never across sessions or with the developer's own cache.
_SESSION_CACHE = tempfile.mkdtemp(prefix="lcdoctor-test-cache-")
_CREDENTIAL_WORDS = ("KEY", "TOKEN", "SECRET", "PASSWORD", "CREDENTIAL")
_CREDENTIAL_PREFIXES = ("AWS_", "GOOGLE_", "GCLOUD", "CLOUDSDK_", "AZURE_", "OPENAI_", "ANTHROPIC_", "GROQ_",
                        "MISTRAL_", "FIREWORKS_", "TOGETHER_", "GEMINI_", "COHERE_", "CO_API", "XAI_", "DEEPSEEK_",
                        "HF_", "HUGGINGFACE", "OLLAMA_")


def clean_environ() -> dict[str, str]:
    """The test process's environment without venv selection or any credential: reports depend only on the test."""
    return {k: v for k, v in os.environ.items()
            if k not in ("VIRTUAL_ENV", "CONDA_PREFIX", "PYTHONPATH")
            and not k.startswith(_CREDENTIAL_PREFIXES) and not any(w in k for w in _CREDENTIAL_WORDS)}


def run_doctor(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
               timeout: float = 300) -> tuple[int, dict[str, Any] | str, str]:
    """(exit code, parsed JSON when --format json else stdout, stderr).

    Probes get 60 s unless the test sets --timeout: on a loaded 2-core CI machine importing
    langchain_google_vertexai alone has taken 7-10 s, and a test is about verdicts, not the default's margin.
    """
    if "--timeout" not in args:
        args = (*args, "--timeout", "60")
    home = tempfile.mkdtemp(prefix="lcdoctor-home-")  # no gcloud/aws files of the machine's user
    base = {**clean_environ(), "HOME": home, "LANGCHAIN_DOCTOR_CACHE_DIR": _SESSION_CACHE}
    done = subprocess.run([sys.executable, "-m", "langchain_doctor", *args], capture_output=True, text=True,
                          cwd=cwd or home, env={**base, **(env or {})}, timeout=timeout)
    out: dict[str, Any] | str = done.stdout
    if "json" in args:
        out = json.loads(done.stdout)
    return done.returncode, out, done.stderr


def normalise(data: dict[str, Any], venv: Path) -> dict[str, Any]:
    """Paths, durations and addresses replaced; only the stable parts of a report kept."""
    text = json.dumps(data)
    text = text.replace(str(venv), "<venv>").replace(os.path.realpath(venv), "<venv>")
    text = re.sub(r"0x[0-9a-f]{6,16}", "0x<addr>", text)
    # A test's tmp_path: pytest-of-USER/pytest-N/TEST (serial) or pytest-of-USER/pytest-N/popen-gwK/TEST (xdist).
    text = re.sub(r"/[\w./-]*?/pytest-of-[\w-]+/pytest-\d+/(?:popen-gw\d+/)?[\w.-]+", "<tmp>", text)
    text = re.sub(r"/[\w./-]*?/lcdoctor-[\w-]+", "<tmp>", text)
    text = text.replace(sys.executable, "<doctor-python>")
    text = re.sub(r"python3\.\d+", "python3.X", text)
    text = re.sub(r"<string>:\d+", "<string>:<line>", text)  # a line of the probe script (-c), not of the target
    out = json.loads(text)
    out["tool"]["version"] = "<version>"
    out["target"] = {k: out["target"][k] for k in ("python", "selected_by")}
    out.pop("cache", None)
    out.pop("probe", None)  # how the probe was contained: this machine's kernel and privileges, not the verdict
    for p in out["providers"]:
        p.pop("loaded_from", None)
    out["packages"] = sorted(f"{p['name']}=={p['version']}" for p in out["packages"] if p.get("family"))
    for f in out["findings"]:
        # Probe evidence holds tracebacks whose line numbers are the libraries'; keep the decisive first lines.
        f["evidence"] = f["evidence"].splitlines()[:2]
    return out


def check_snapshot(name: str, data: dict[str, Any]) -> None:
    """Compare with tests/integration/snapshots/<name>.json (UPDATE_SNAPSHOTS=1 writes it)."""
    path = SNAPSHOTS / f"{name}.json"
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not os.environ.get("UPDATE_SNAPSHOTS") and os.environ.get("CI"):
            raise AssertionError(f"snapshot {path.name} was missing (written now); commit it")
        return
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(text), f"snapshot {name} differs"


def codes(data: dict[str, Any]) -> list[str]:
    """Finding codes of a report."""
    return [f["code"] for f in data["findings"]]


def errors(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Error-severity findings."""
    return [f for f in data["findings"] if f["severity"] == "error"]


CHECKOUT = Path(__file__).resolve().parents[2]

# For running a finding's own fix command (pip install ...) in a test: pip then skips compiling every module it
# installed to bytecode, which is CPU spent on nothing these tests look at (what they check is that the import or
# construction works afterwards; a module without bytecode is compiled when it is imported).
NO_COMPILE = {"PIP_NO_COMPILE": "1"}


def copy_project(dest: Path, names: tuple[str, ...]) -> None:
    """Copy these top-level files and folders of the checkout into ``dest`` (no bytecode): a user's clean copy."""
    for name in names:
        src = CHECKOUT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        elif src.exists():
            shutil.copy2(src, dest / name)
