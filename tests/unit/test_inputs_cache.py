"""The cache key is what the run read (issue 13, item 4), and reads never block or run unbounded (issue 14, 10)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

import pytest

from tests.inprocess import run_doctor

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def target(openai_venv: Callable[..., Path]) -> Path:
    return openai_venv()


def run(target: Path, cwd: Path, *extra: str, env: dict[str, str] | None = None,
        timeout: float | None = None) -> tuple[int, dict, str]:
    """The check command line on ``target``: in this process (tests/inprocess.py), or, given a ``timeout``, as a
    subprocess with that deadline (the special-file tests: a hang fails the test instead of blocking it)."""
    base = {k: v for k, v in os.environ.items()
            if k not in ("VIRTUAL_ENV", "OPENAI_API_KEY", "DATA_DIR") and "KEY" not in k}
    base.update({"LANGCHAIN_DOCTOR_CACHE_DIR": str(cwd.parent / "cache"), "HOME": str(cwd.parent),
                 **(env or {})})
    args = ["--python", str(target), "--format", "json", *extra]
    if timeout is None:
        done = run_doctor(args, env=base, cwd=cwd)
    else:
        done = subprocess.run([sys.executable, "-m", "langchain_doctor", *args], capture_output=True, text=True,
                              env=base, cwd=cwd, timeout=timeout)
    return done.returncode, (json.loads(done.stdout) if done.stdout.startswith("{") else {}), done.stderr


def codes(data: dict) -> set[str]:
    return {f["code"] for f in data["findings"]}


def test_exporting_a_variable_the_notebook_reads_is_not_replayed(target: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "nb.py").write_text("import os\npath = os.environ['DATA_DIR']\n")
    _, cold, _ = run(target, work, "--notebook", "nb.py", "--no-probe")
    assert "LCD410" in codes(cold) and "cache" not in cold
    _, warm, _ = run(target, work, "--notebook", "nb.py", "--no-probe")
    assert warm.get("cache", {}).get("hit") is True
    _, after, _ = run(target, work, "--notebook", "nb.py", "--no-probe", env={"DATA_DIR": "/data"})
    assert "cache" not in after and "LCD410" not in codes(after)


def test_a_dotenv_added_in_a_parent_folder_is_not_replayed(target: Path, tmp_path: Path) -> None:
    project = tmp_path / "project"
    work = project / "notebooks"
    work.mkdir(parents=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    _, cold, _ = run(target, work, "--provider", "openai", "--no-probe")
    assert "LCD401" in codes(cold)
    assert run(target, work, "--provider", "openai", "--no-probe")[1].get("cache", {}).get("hit") is True
    (project / ".env").write_text("OPENAI_API_KEY=sk-proj-" + "a1B2" * 12 + "\n")
    _, after, _ = run(target, work, "--provider", "openai", "--no-probe")
    assert "cache" not in after and "LCD407" in codes(after) and "LCD401" not in codes(after)


def test_an_edited_integration_module_does_not_replay_a_crash(target: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    module = next(target.glob("lib/python*/site-packages")) / "langchain_openai" / "__init__.py"
    good = module.read_text()
    module.write_text("raise RuntimeError('broken on purpose')\n")
    _, cold, _ = run(target, work)
    assert any(f["provider"] == "openai" and f["severity"] == "error" for f in cold["findings"])
    module.write_text(good)
    _, after, _ = run(target, work)
    assert "cache" not in after
    assert not any(f["provider"] == "openai" and f["severity"] == "error" for f in after["findings"])


def test_a_busy_working_folder_still_hits_when_nothing_read_changed(target: Path, tmp_path: Path) -> None:
    work = tmp_path / "busy"
    work.mkdir()
    _, cold, _ = run(target, work)
    for i in range(5):  # what other programs leave in /tmp
        (work / f"tmp{i}abc").mkdir()
        (work / f"build-{i}.log").write_text("x")
    _, warm, _ = run(target, work)
    assert warm.get("cache", {}).get("hit") is True
    assert warm["findings"] == cold["findings"]
    (work / "langchain_openai.py").write_text("")  # this one shadows an installed module: read, so a miss
    _, shadowed, _ = run(target, work)
    assert "cache" not in shadowed


def test_the_record_holds_no_variable_value(target: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    secret = "sk-proj-RECORDcanary0123456789abcdefghijklmn"
    run(target, work, "--provider", "openai", env={"OPENAI_API_KEY": secret, "DATA_DIR": "canary-data-dir"})
    for entry in (tmp_path / "cache" / "reports").glob("*.json"):
        text = entry.read_text()
        assert secret not in text and secret[8:28] not in text and "canary-data-dir" not in text
        assert "OPENAI_API_KEY" in json.loads(text)["record"]["vars"]


# --- special files: never block, never read without bound ---

def _fifo(path: Path) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    os.mkfifo(path)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_as_metadata_record_dotenv_or_adc_is_a_finding_not_a_hang(target: Path, tmp_path: Path
                                                                                ) -> None:
    site = next(target.glob("lib/python*/site-packages"))
    _fifo(site / "langchain_openai-0.3.0.dist-info" / "METADATA")
    _fifo(site / "langchain_core-0.3.0.dist-info" / "RECORD")
    work = tmp_path / "work"
    work.mkdir()
    _fifo(work / ".env")
    adc = tmp_path / "adc.json"
    _fifo(adc)
    rc, data, err = run(target, work, "--no-probe", "--provider", "google-vertexai",
                        env={"GOOGLE_APPLICATION_CREDENTIALS": str(adc)}, timeout=60)
    assert rc in (0, 1), err
    subjects = {(f["code"], os.path.basename(f["subject"])) for f in data["findings"]}
    assert ("LCD114", "langchain_openai-0.3.0.dist-info") in subjects
    assert ("LCD114", "langchain_core-0.3.0.dist-info") in subjects
    assert ("LCD411", ".env") in subjects
    assert "LCD422" in {f["code"] for f in data["findings"]}


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_or_dev_zero_as_the_settings_file_is_exit_2_with_one_line(target: Path, tmp_path: Path
                                                                                ) -> None:
    work = tmp_path / "work"
    work.mkdir()
    _fifo(work / "settings.toml")
    rc, _, err = run(target, work, "--no-probe", "--config", "settings.toml", timeout=60)
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "not a regular file" in err
    (work / "pyproject.toml").symlink_to("/dev/zero")
    rc, _, err = run(target, work, "--no-probe", timeout=60)
    assert rc == 2 and len(err.strip().splitlines()) == 1 and "not a regular file" in err


def test_dev_zero_as_metadata_is_read_without_bound_never(target: Path, tmp_path: Path) -> None:
    site = next(target.glob("lib/python*/site-packages"))
    meta = site / "langchain_openai-0.3.0.dist-info" / "METADATA"
    meta.unlink()
    meta.symlink_to("/dev/zero")
    work = tmp_path / "work"
    work.mkdir()
    rc, data, err = run(target, work, "--no-probe", timeout=60)
    assert rc in (0, 1), err
    assert "LCD114" in codes(data)


# --- no reading around the recorder ---

_READING_MODULES = sorted([*ROOT.joinpath("checks").glob("*.py"), *ROOT.joinpath("doctor", "creds").glob("*.py"),
                           ROOT / "doctor" / "inventory.py", ROOT / "doctor" / "notebook.py",
                           ROOT / "doctor" / "config.py"])

# Qualified names that read the file system or the environment (a reference is enough: ``f = os.listdir``).
_FORBIDDEN_NAMES = frozenset({
    *(f"os.{n}" for n in ("open", "fdopen", "read", "listdir", "scandir", "walk", "fwalk", "stat", "lstat",
                          "access", "readlink", "environ", "environb", "getenv", "getenvb")),
    *(f"os.path.{n}" for n in ("exists", "lexists", "isfile", "isdir", "islink", "ismount", "getsize",
                               "getmtime", "getatime", "getctime", "samefile", "realpath")),
    "builtins.open", "io.open", "io.open_code", "io.FileIO", "_io.open", "_io.FileIO", "codecs.open",
    "glob.glob", "glob.iglob", "fileinput.input", "linecache.getline", "linecache.getlines", "shutil.copyfile",
    "shutil.which",
    "json.load", "tomllib.load", "tomli.load", "pickle.load", "marshal.load", "plistlib.load",
})
# Modules whose every attribute fetched by name (``getattr(os, name)``) is a way around the list above.
_FORBIDDEN_MODULES = frozenset({"os", "os.path", "posix", "io", "_io", "builtins", "pathlib", "glob", "shutil",
                                "codecs", "fileinput", "linecache"})
# Methods that read whatever the receiver is (pathlib's, os.DirEntry's): only the recorder may be asked.
_FORBIDDEN_METHODS = frozenset({"read_text", "read_bytes", "open", "iterdir", "glob", "rglob", "is_file",
                                "is_dir", "exists", "stat", "lstat", "is_symlink", "samefile", "readlink",
                                "listdir", "scandir", "walk", "getenv", "isfile", "isdir", "islink", "lexists",
                                "getsize", "getmtime"})
# Not user inputs: config.py finds the doctor's own settings and hook files (what to run, before any run records;
# never a verdict), and the hook entry points hand the process environment to the command line.
# http.py: ``.open()`` of a urllib opener is a request (online only), not a file.
# config.py's realpath compares a --python given with the doctor's own prefixes (which interpreter, before a run).
_ALLOWED = {("config.py", "os.path.realpath"), ("config.py", ".is_dir()"), ("config.py", ".is_file()"),
            ("config.py", ".glob()"),
            ("config.py", "os.environ"), ("http.py", ".open()")}


class _Reads(ast.NodeVisitor):
    """Every way a module can read a file, a folder or a variable without ``doctor.inputs``, resolved through
    imports and aliases (``from os import listdir as ls``, ``o = os``, ``__import__("os")``): not a grep that a
    rename defeats."""

    def __init__(self) -> None:
        self.bound: dict[str, str] = {"open": "builtins.open"}  # local name -> qualified name
        self.found: list[tuple[int, str]] = []

    def qual(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.bound.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qual(node.value)
            return f"{base}.{node.attr}" if base is not None else None
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__" \
                and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            return node.args[0].value
        if isinstance(node, ast.Call) and self.qual(node.func) == "pathlib.Path":
            return "pathlib.Path()"
        return None

    def _is_recorder(self, node: ast.AST) -> bool:
        q = self.qual(node)
        return (q is not None and q.lstrip(".").split(".")[-1] == "inputs") or (
            isinstance(node, ast.Attribute) and node.attr == "inputs") or (
            isinstance(node, ast.Call) and (self.qual(node.func) or "").endswith("inputs.current"))

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            if a.asname:
                self.bound[a.asname] = a.name
            else:
                self.bound[a.name.split(".")[0]] = a.name.split(".")[0]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = "." * node.level + (node.module or "")
        for a in node.names:
            self.bound[a.asname or a.name] = f"{base}.{a.name}" if node.module else f"{base}{a.name}"

    def visit_Assign(self, node: ast.Assign) -> None:
        q = self.qual(node.value)
        if q is not None:
            for t in node.targets:
                if isinstance(t, ast.Name):
                    self.bound[t.id] = q
        self.generic_visit(node)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.bound.pop(node.name, None)  # a local def named like a reader is not that reader
        self.generic_visit(node)

    def _name(self, node: ast.AST, lineno: int) -> bool:
        q = self.qual(node)
        if q in _FORBIDDEN_NAMES:
            self.found.append((lineno, q))
            return True
        return False

    def visit_Name(self, node: ast.Name) -> None:
        self._name(node, node.lineno)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if not self._name(node, node.lineno):
            self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        f = node.func
        if isinstance(f, ast.Attribute) and f.attr in _FORBIDDEN_METHODS and self.qual(f) not in _FORBIDDEN_NAMES \
                and not self._is_recorder(f.value) and (self.qual(f.value) or "") not in ("os.path", "os"):
            self.found.append((node.lineno, f".{f.attr}()"))
        if isinstance(f, ast.Name) and f.id == "getattr" and node.args \
                and (self.qual(node.args[0]) or "") in _FORBIDDEN_MODULES:
            self.found.append((node.lineno, f"getattr({self.qual(node.args[0])}, ...)"))
        self.generic_visit(node)


def _direct_reads(source: str, name: str = "module.py") -> list[str]:
    v = _Reads()
    v.visit(ast.parse(source))
    return [f"{name}:{line}: {what}" for line, what in sorted(v.found) if (name, what) not in _ALLOWED]


@pytest.mark.parametrize("path", _READING_MODULES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_checks_and_readers_read_only_through_the_recorder(path: Path) -> None:
    found = _direct_reads(path.read_text(encoding="utf-8"), path.name)
    assert found == [], "read through doctor.inputs, so the cache key holds what was read"


@pytest.mark.parametrize("source", [
    "open(p)", "with open(p) as fh: pass", "import builtins\nbuiltins.open(p)", "import io\nio.open(p)",
    "import os\nos.open(p, 0)", "import os\nos.listdir(p)", "import os as o\no.scandir(p)",
    "from os import walk\nwalk(p)", "from os import listdir as ls\nls(p)", "import os\nf = os.listdir\nf(p)",
    "import os\nm = os\nm.stat(p)", "import os\nos.environ['X']", "from os import environ\nenviron.get('X')",
    "import os\nos.getenv('X')", "from os import getenv as g\ng('X')", "import os.path\nos.path.isfile(p)",
    "from os.path import exists\nexists(p)", "from os import path\npath.getsize(p)",
    "from pathlib import Path\nPath(p).read_text()", "from pathlib import Path\nPath(p).open()",
    "q.read_bytes()", "q.iterdir()", "q.rglob('*')", "import glob\nglob.glob('*')",
    "from glob import iglob\niglob('*')", "import json\njson.load(fh)", "import tomllib\ntomllib.load(fh)",
    "from json import load\nload(fh)", "__import__('os').listdir(p)", "import os\ngetattr(os, 'list' + 'dir')(p)",
    "import pathlib\npathlib.Path(p).exists()", "import codecs\ncodecs.open(p)",
], ids=lambda s: s.splitlines()[-1])
def test_the_read_detector_sees_through_renames(source: str) -> None:
    assert _direct_reads(source) != []


@pytest.mark.parametrize("source", [
    "from .. import inputs\ninputs.read_text(p, limit=10)", "from ..inputs import read_text, stat\nstat(p)",
    "env.inputs.stat(p)", "from .. import inputs\ninputs.current().listdir(p)", "env.environ.get('X')",
    "import json\njson.loads(s)", "import os\nos.path.join(a, b)", "import os\nos.path.basename(a)",
    "def open(x): return x\nopen(p)",
], ids=lambda s: s.splitlines()[-1])
def test_the_read_detector_lets_the_recorder_through(source: str) -> None:
    assert _direct_reads(source) == []


def test_a_symbolic_link_re_pointed_between_runs_is_a_miss(tmp_path: Path) -> None:
    """realpath through the recorder: each folder on the way is recorded as a link's text or as no link, so
    re-pointing a link (or putting one where a folder was) invalidates the record; nothing changed validates."""
    from langchain_doctor import inputs

    (tmp_path / "one" / "pkg").mkdir(parents=True)
    (tmp_path / "two" / "pkg").mkdir(parents=True)
    (tmp_path / "site").symlink_to(tmp_path / "one")
    salt = b"s"

    def record() -> dict:
        rec = inputs.Recorder()
        with rec.active():
            real = inputs.realpath(tmp_path / "site" / "pkg")
        assert real == os.path.realpath(tmp_path / "site" / "pkg")
        return rec.snapshot(salt)

    first = record()
    assert inputs.validate(first, {}, salt)
    (tmp_path / "site").unlink()
    (tmp_path / "site").symlink_to(tmp_path / "two")  # same kind, new target
    assert not inputs.validate(first, {}, salt)
    second = record()
    assert inputs.validate(second, {}, salt)
    (tmp_path / "site").unlink()
    (tmp_path / "site").mkdir()  # a folder where the link was
    assert not inputs.validate(second, {}, salt)
