"""One builder of install command lines: every caller's argv comes from ``repair.cmdline``, exactly as before.

Each caller below is driven through its own code path with the subprocess door replaced; the argv it runs (or shows)
must be one the builder returned, and must be the exact line the caller has always run. A walk over the source
proves the table names every caller, so a new one cannot hand-build its own line.
"""

from __future__ import annotations

import ast
import functools
import json
import shlex
from collections.abc import Callable
from pathlib import Path
from typing import Any

import langchain_doctor
import pytest
from langchain_doctor import findings, subproc
from langchain_doctor.inventory import scan
from langchain_doctor.repair import apply as fixer
from langchain_doctor.repair import cmdline, plan, rebuild, sandbox, trial
from langchain_doctor.subproc import Completed
from langchain_doctor.target import Target

from tests.fakeenv import make_target

UV = ("/opt/uv",)
BOX = "/box/bin/python"


class Seen:
    """Every argv the builder returned, and every argv the subprocess door was asked to run."""

    def __init__(self) -> None:
        self.made: list[tuple[str, ...]] = []
        self.ran: list[tuple[str, ...]] = []
        self.has_pip = True

    def runner(self, argv: list[str], **kw: Any) -> Completed:
        self.ran.append(tuple(argv))
        if argv[-1] == "--version":
            return Completed(tuple(argv), 0 if self.has_pip else 1, "pip 24.0\n", "", False, 0.1)
        if "--report" in argv:
            Path(argv[argv.index("--report") + 1]).write_text(json.dumps({"install": []}))
        return Completed(tuple(argv), 0, "", "", False, 0.1)

    def built(self, argv: tuple[str, ...] | list[str] | str) -> tuple[str, ...]:
        """``argv`` (a shown command is split first), after checking that the builder returned it."""
        argv = tuple(shlex.split(argv)) if isinstance(argv, str) else tuple(argv)
        assert argv in self.made, f"not built by repair.cmdline: {argv}"
        return argv

    def last_install(self) -> tuple[str, ...]:
        return self.built(next(a for a in reversed(self.ran) if a[-1] != "--version"))


@pytest.fixture
def seen(monkeypatch: pytest.MonkeyPatch) -> Seen:
    s = Seen()
    for name in ("install_argv", "uninstall_argv", "base"):
        real = getattr(cmdline, name)

        def spy(*a: Any, _real: Callable[..., list[str]] = real, **kw: Any) -> list[str]:
            argv = _real(*a, **kw)
            s.made.append(tuple(argv))
            return argv

        monkeypatch.setattr(cmdline, name, spy)
    monkeypatch.setattr(subproc, "RUNNER", s.runner)
    monkeypatch.setattr(fixer, "find_uv", lambda environ: list(UV))
    return s


@pytest.fixture
def target(tmp_path: Path) -> Target:
    site = tmp_path / "venv" / "site-packages"
    site.mkdir(parents=True)
    return make_target(site)


CALLERS: dict[tuple[str, str], Callable[[Seen, Target, Path], None]] = {}
"""(module, function) -> a driver that runs that caller and checks the argv it produced."""


def caller(module: str, function: str) -> Callable[[Callable[[Seen, Target, Path], None]],
                                                   Callable[[Seen, Target, Path], None]]:
    def register(f: Callable[[Seen, Target, Path], None]) -> Callable[[Seen, Target, Path], None]:
        CALLERS[(module, function)] = f
        return f
    return register


_CHANGE = plan.ChangeSet(remove_paths=(), uninstall=("old-pkg",), install=("langchain-core>=0.3", "Langchain_OpenAI"),
                         reinstall=("pydantic==2.9.2",), manual=())


@caller("repair.apply", "steps_for")
def _steps(seen: Seen, target: Target, tmp_path: Path) -> None:
    py = target.python
    pip = [seen.built(s.argv) for s in fixer.steps_for(_CHANGE, target, fixer.Installer.PIP, UV)]
    assert pip == [(py, "-m", "pip", "uninstall", "-y", "old-pkg"),
                   (py, "-m", "pip", "install", "--force-reinstall", "--no-deps", "pydantic==2.9.2"),
                   (py, "-m", "pip", "install", "-U", "langchain-core>=0.3", "Langchain_OpenAI")]
    steps = fixer.steps_for(_CHANGE, target, fixer.Installer.UV, UV)
    assert [seen.built(s.display) for s in steps] == [seen.built(s.argv) for s in steps] == [
        (*UV, "pip", "uninstall", "--python", py, "old-pkg"),
        (*UV, "pip", "install", "--python", py, "--no-deps", "--reinstall-package", "pydantic", "pydantic==2.9.2"),
        (*UV, "pip", "install", "--python", py, "--upgrade-package", "langchain-core", "--upgrade-package",
         "langchain-openai", "langchain-core>=0.3", "Langchain_OpenAI")]


@caller("repair.apply", "dry_run")
def _dry_run(seen: Seen, target: Target, tmp_path: Path) -> None:
    py, none = target.python, scan(target.sys_path)
    for installer in fixer.Installer:
        fp = fixer.Procedure(py, installer, tuple(fixer.steps_for(_CHANGE, target, installer, UV)))
        res = fixer.dry_run(fp, {}, none)
        assert res is not None and res.ok
        if installer is fixer.Installer.PIP:  # pip's report, written to a file, shown as "-"
            ran = seen.last_install()
            assert ran[:7] == (py, "-m", "pip", "install", "--dry-run", "--quiet", "--report")
            assert ran[8:] == ("-U", "langchain-core>=0.3", "Langchain_OpenAI")
            assert seen.built(res.command) == (*ran[:7], "-", *ran[8:])
        else:  # uv as the plan runs it: only the named packages move
            assert seen.last_install() == seen.built(res.command) == (
                *UV, "pip", "install", "--dry-run", "--python", py, "--upgrade-package", "langchain-core",
                "--upgrade-package", "langchain-openai", "langchain-core>=0.3", "Langchain_OpenAI")
    seen.has_pip = False  # a pip step planned for a target without pip: uv is asked, as it stands
    fp = fixer.Procedure(py, fixer.Installer.PIP, tuple(fixer.steps_for(_CHANGE, target, fixer.Installer.PIP)))
    assert fixer.dry_run(fp, {}, none) is not None
    assert seen.last_install() == (*UV, "pip", "install", "--dry-run", "--python", py, "langchain-core>=0.3",
                                   "Langchain_OpenAI")


@caller("repair.rebuild", "resolve")
def _resolve(seen: Seen, target: Target, tmp_path: Path) -> None:
    py, none = target.python, scan(target.sys_path)
    got = rebuild.resolve(["langchain-core>=0.3"], target, none, {}, None)
    ran = seen.last_install()
    assert got.ok and ran[:7] == (py, "-m", "pip", "install", "--dry-run", "--quiet", "--report")
    assert ran[8:] == ("langchain-core>=0.3",) and seen.built(got.command) == (*ran[:7], "-", *ran[8:])
    seen.has_pip = False
    got = rebuild.resolve(["langchain-core>=0.3"], target, none, {}, UV)
    assert got.ok and got.installer == "uv"
    assert seen.last_install() == seen.built(got.command) == (*UV, "pip", "install", "--dry-run", "--python", py,
                                                              "langchain-core>=0.3")


@caller("repair.rebuild", "build")
def _build(seen: Seen, target: Target, tmp_path: Path) -> None:
    box = tmp_path / "box"
    box.mkdir()
    pinned = str(box / "langchain-doctor-pinned.txt")
    s = rebuild.Survey(pins=(("pydantic", "2.9.2"),), copies=(), notes=())
    rebuild.build(target, s, {}, UV, offline=True)
    assert seen.last_install() == (*UV, "pip", "install", "--python", BOX, "--no-deps", "--offline", "-r", pinned)
    rebuild.build(target, s, {}, None)
    assert seen.last_install() == (target.python, "-m", "pip", "--python", BOX, "install", "--no-deps",
                                   "--no-warn-script-location", "--disable-pip-version-check", "-r", pinned)
    with pytest.raises(rebuild.BuildError):  # pip has no cache-only mode: offline without uv is refused
        rebuild.build(target, s, {}, None, offline=True)


@caller("repair.trial", "_copy_and_install")
def _copy_and_install(seen: Seen, target: Target, tmp_path: Path) -> None:
    planned: list[fixer.Procedure] = []

    def run_and_check(cfp: fixer.Procedure, *a: Any, **kw: Any) -> Any:
        planned.append(cfp)
        return None

    reqs = ["langchain-core>=0.3"]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(trial, "_run_and_check", run_and_check)
        for installer, uv in (("uv", UV), ("pip", UV), ("pip", None)):
            trial._copy_and_install(reqs, None, target, scan(target.sys_path), None, {}, (), None,  # type: ignore[arg-type]
                                    uv, installer, "test")
    assert [seen.built(p.steps[0].argv) for p in planned] == [
        (*UV, "pip", "install", "--python", BOX, "langchain-core>=0.3"),
        (target.python, "-m", "pip", "--python", BOX, "install", "langchain-core>=0.3"),
        (target.python, "-m", "pip", "--python", BOX, "install", "langchain-core>=0.3")]
    assert all(seen.built(p.steps[0].display) == p.steps[0].argv for p in planned)


@caller("repair.plan", "_via_uv")
def _via_uv(seen: Seen, target: Target, tmp_path: Path) -> None:
    py = "/my env/bin/python"  # a space: the quoted interpreter must still be recognised
    install = findings.pip_install(py, ["langchain-core>=0.3,<0.4"])
    assert plan._via_uv(install, py) == "uv pip install --python '/my env/bin/python' -U 'langchain-core>=0.3,<0.4'"
    assert plan._via_uv(findings.pip_uninstall(py, ["x"]), py) == "uv pip uninstall --python '/my env/bin/python' x"
    assert ("uv", "pip", "install", "--python", py) in seen.made  # the head; the rest is the fix's text as written
    assert plan._via_uv("rm -rf /x", py) == "rm -rf /x"
    assert plan._via_uv(findings.pip_install("/other/python", ["x"]), py).startswith("/other/python -m pip")


@caller("findings", "pip_install")
def _pip_install(seen: Seen, target: Target, tmp_path: Path) -> None:
    py = target.python
    assert seen.built(findings.pip_install(py, ["a>=1"])) == (py, "-m", "pip", "install", "-U", "a>=1")
    assert seen.built(findings.install_fix(py, "s", ["a==1"], force=True).commands[0]) == (
        py, "-m", "pip", "install", "--force-reinstall", "--no-deps", "a==1")
    assert seen.built(plan.ChangeSet((), (), ("b",), ("a==1",), ()).commands(py)[1]) == (
        py, "-m", "pip", "install", "-U", "b")


@caller("findings", "pip_uninstall")
def _pip_uninstall(seen: Seen, target: Target, tmp_path: Path) -> None:
    assert seen.built(findings.pip_uninstall(target.python, ["x", "y"])) == (target.python, "-m", "pip", "uninstall",
                                                                             "-y", "x", "y")


@pytest.mark.parametrize("key", sorted(CALLERS), ids=lambda k: ".".join(k))
def test_each_caller_runs_the_line_the_builder_wrote(key: tuple[str, str], seen: Seen, target: Target,
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "fresh_venv", lambda *a, **kw: sandbox.Sandbox(str(tmp_path / "box"), BOX, ()))
    monkeypatch.setattr(sandbox, "create", lambda *a, **kw: sandbox.Sandbox(str(tmp_path / "box"), BOX, ()))
    monkeypatch.setattr(sandbox, "remove", lambda box: None)
    CALLERS[key](seen, target, tmp_path)


@functools.cache
def _sources() -> dict[str, ast.Module]:
    """module (``repair.apply``) -> its syntax tree, for every module of the package but the builder."""
    root = Path(langchain_doctor.__file__).parent
    return {".".join(p.relative_to(root).with_suffix("").parts): ast.parse(p.read_text(encoding="utf-8"))
            for p in sorted(root.rglob("*.py")) if p.name != "cmdline.py"}


def _uses() -> set[tuple[str, str]]:
    """(module, function) of every place in the package that calls the builder: each function that holds the call,
    however deeply (a call in a nested function counts for every function around it too)."""
    out: set[tuple[str, str]] = set()

    def visit(node: ast.AST, module: str, functions: tuple[str, ...]) -> None:
        # One walk of each tree, carrying the enclosing functions (not one walk per function: nested ones were
        # walked again for every function around them).
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions = (*functions, node.name)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                and node.value.id == "cmdline" and node.attr in ("install_argv", "uninstall_argv", "base"):
            out.update((module, name) for name in functions)
        for child in ast.iter_child_nodes(node):
            visit(child, module, functions)

    for module, tree in _sources().items():
        visit(tree, module, ())
    return out


def test_the_table_names_every_caller_of_the_builder() -> None:
    uses = _uses()
    assert uses, "the walk found no caller: it is looking in the wrong place"
    assert uses == set(CALLERS)


def test_no_hand_built_install_line_is_left() -> None:
    """Outside the builder, no list or tuple spells an installer's verb after ``pip``."""
    found = []
    for module, tree in _sources().items():
        for node in ast.walk(tree):
            if isinstance(node, (ast.List, ast.Tuple)):
                words = [e.value for e in node.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
                if any(a == "pip" and b in cmdline.VERBS for a, b in zip(words, words[1:])):
                    found.append(module)
    # coverage.py reads a fix's text back (``PY -m pip install``): parsing, not building
    assert found == ["repair.coverage"], found


def test_the_builder_refuses_an_option_the_installer_lacks() -> None:
    with pytest.raises(ValueError, match="uv option"):
        cmdline.install_argv("/py", ["a"], offline=True)
    with pytest.raises(ValueError, match="pip options"):
        cmdline.install_argv("/py", ["a"], uv=UV, report="r.json", dry_run=True)
    with pytest.raises(ValueError, match="dry_run"):
        cmdline.install_argv("/py", ["a"], report="r.json")
