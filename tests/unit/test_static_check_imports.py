"""The static check imports only what it uses: what other commands, formats and stages need stays out.

The static check is measured against ``pip check`` (benchmarks/, item 1); every module it imports is paid at every
run. This runs ``check --no-probe --no-cache`` in a fresh interpreter, as the console script does, and lists the
modules it imported. No timing: a module imported or not is the same on a loaded machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

# Each: a module the static check must not import, and who needs it instead.
NOT_ON_THE_STATIC_PATH = {
    "rich": "the console's colours and spinners, only on a terminal",
    "langchain_doctor.probe": "probes (not with --no-probe)",
    "langchain_doctor.probejobs": "probe selection (not with --no-probe)",
    "langchain_doctor.smoke": "--smoke",
    "langchain_doctor.explain": "the explain command",
    "langchain_doctor.fleet": "check --all-kernels / several --python, summarize",
    "langchain_doctor.kernels": "check --all-kernels",
    "langchain_doctor.cache": "the result cache (--no-cache)",
    "langchain_doctor.repair.apply": "fix --apply",
    "langchain_doctor.repair.rebuild": "fix --apply's trial, what-if",
    "langchain_doctor.notebook": "--notebook",
    "langchain_doctor.magic": "%langchain_doctor in IPython",
    "langchain_doctor.classify": "probe results and explain",
    "langchain_doctor.creds.http": "--online credential checks",
    "langchain_doctor.creds.verify": "--online credential checks",
    "langchain_doctor.creds.aws_online": "--online credential checks",
    "langchain_doctor.creds.google_online": "--online credential checks",
    "langchain_doctor.render.console": "--format console (the default); not json to stdout",
    "langchain_doctor.render.junit": "--format junit",
    "langchain_doctor.render.markdown": "--format markdown",
    "langchain_doctor.render.sarif": "--format sarif",
    "langchain_doctor.render.github": "--format github",
    "langchain_doctor.commands.explain": "the explain command",
    "langchain_doctor.commands.fix": "the fix command",
    "langchain_doctor.commands.summarize": "the summarize command",
    "click.testing": "tests only",
    "click.shell_completion": "shell completion",
    "concurrent.futures": "the probe pool",
    "hashlib": "the run's record of inputs and the cache (not with --no-cache)",
    "asyncio": "nothing",
    "ssl": "--online",
    "socket": "--online",
    "http.client": "--online",
    "urllib.request": "--online",
    "email": "nothing (metadata is read with the doctor's own parser)",
    "packaging.requirements": "the rare requirement line the doctor's own parser does not take",
    "packaging.markers": "the rare marker the doctor's own parser does not take",
    "tomllib": "a pyproject.toml (none in the working folder here)",
    "difflib": "a mistyped command name",
    "traceback": "--debug",
    "xml": "JUnit",
    "sqlite3": "nothing",
    "zipfile": "nothing",
    "tempfile": "fix, what-if",
    "shutil": "fix, what-if",
}

_SCRIPT = """
import json, sys
sys.argv = ["langchain-doctor", *sys.argv[1:]]
from langchain_doctor.cli import main
code = 0
try:
    main()
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)) + "\\n")
sys.stderr.write("EXIT " + str(code) + "\\n")
"""


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    work = tmp_path_factory.mktemp("static-imports")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "CONDA"))}
    env["LANGCHAIN_DOCTOR_CACHE_DIR"] = str(work / "cache")
    env["NO_COLOR"] = "1"
    done = subprocess.run([sys.executable, "-c", _SCRIPT, "--python", sys.executable, "--no-probe", "--no-cache",
                           "--format", "json"], capture_output=True, text=True, cwd=work, env=env, timeout=300)
    tail = done.stderr.rsplit("\nMODULES ", 1)
    assert len(tail) == 2, done.stderr[-2000:]
    modules_line, exit_line = tail[1].strip().split("\n")
    assert exit_line in ("EXIT 0", "EXIT 1"), done.stderr[-2000:]
    report = json.loads(done.stdout)  # the check ran and wrote its report
    assert report["packages"] and "findings" in report
    names: set[str] = set(json.loads(modules_line))
    assert "langchain_doctor.runner" in names and "langchain_doctor.render.jsonfmt" in names
    return names


@pytest.mark.parametrize("module", sorted(NOT_ON_THE_STATIC_PATH))
def test_not_imported_by_the_static_check(imported: set[str], module: str) -> None:
    loaded = sorted(m for m in imported if m == module or m.startswith(module + "."))
    assert not loaded, f"{loaded} imported by check --no-probe --format json; only {NOT_ON_THE_STATIC_PATH[module]} needs it"


def test_the_guard_names_real_modules() -> None:
    """Every name guarded is a module that exists (a misspelt name would guard nothing)."""
    import importlib.util

    root = Path(__file__).resolve().parents[2]
    for name in NOT_ON_THE_STATIC_PATH:
        if name.startswith("langchain_doctor."):
            rel = name.split(".", 1)[1].replace(".", "/")
            assert (root / "doctor" / f"{rel}.py").exists() or (root / "doctor" / rel / "__init__.py").exists(), name
        elif name != "rich" and not (name == "tomllib" and sys.version_info < (3, 11)):
            assert importlib.util.find_spec(name.split(".")[0]) is not None, name
