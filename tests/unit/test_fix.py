"""``fix``: the plan's exact commands (pip or uv), confirmation, stopping at the first failure, observed changes.

Only the subprocess door (``doctor.subproc.RUNNER``) is replaced; the fake site-packages is changed on disk by the
fake runner the way pip would, so the observed-changes logic reads real files.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Optional

import pytest
from langchain_doctor import builtin, subproc
from langchain_doctor.context import Options
from langchain_doctor.inventory import scan
from langchain_doctor.model import Finding, Fix
from langchain_doctor.redact import Redactor
from langchain_doctor.repair import apply as fixer
from langchain_doctor.repair import plan
from langchain_doctor.repair.apply import Action, Examined, Installer, Procedure, Step
from langchain_doctor.runner import build_report, run_checks
from langchain_doctor.subproc import Completed

from tests.fakeenv import FakeSite, make_env

if TYPE_CHECKING:
    from langchain_doctor.context import Environment


def _broken(site: FakeSite, *, stray: bool = False) -> None:
    site.add("langchain-core", "0.3.0", ["pydantic>=2.7.4"])
    site.add("pydantic", "2.9.2", ["pydantic-core==2.23.4"])
    site.add("pydantic-core", "2.23.4")
    site.add("langchain-openai", "0.1.25", ["langchain-core<0.3.0,>=0.2.40"],
             modules={"langchain_openai/__init__.py": ""})
    if stray:
        (site.root / "langchain_fireworks" / "__pycache__").mkdir(parents=True)


def _examined(site: FakeSite, options: Optional[Options] = None) -> Examined:
    env = make_env(site, options=options or Options(probe=False))
    checks = [c for c in builtin.checks() if not c.needs_probe]
    return Examined(env, build_report(env, run_checks(env, checks), Redactor()))


def _plan(ex: Examined, environ: Optional[dict[str, str]] = None) -> Procedure:
    return fixer.make_plan(ex.report.findings, ex.env.inventory, ex.env.target, environ or {"PATH": ""})


def _site_of(python: str) -> Path:
    """The fake site-packages of a fake interpreter (the target's, or a throwaway copy's)."""
    return Path(python).parent.parent / "site-packages"


class FakePip:
    """Stands in for subprocess: deletes paths like the target's snippet would, 'installs' by writing metadata into
    the site-packages of the interpreter named, makes venvs (folders) and copies folders for real."""

    def __init__(self, site: FakeSite, fail: Callable[[list[str]], bool] = lambda argv: False) -> None:
        self.site = site
        self.fail = fail
        self.calls: list[list[str]] = []

    def __call__(self, argv: list[str], *, timeout: float, **kw: Any) -> Completed:
        self.calls.append(list(argv))
        if "venv" in argv:  # `uv venv ... ROOT` or `python -m venv --without-pip ROOT`
            root = Path(argv[-1])
            (root / "bin").mkdir(parents=True, exist_ok=True)
            (root / "pyvenv.cfg").write_text("home = /usr/bin\n")
            return Completed(tuple(argv), 0, "", "", False, 0.1)
        if argv[0].endswith("/cp") and "--parents" in argv:  # undo's backup: each relative path, from cwd
            for rel in argv[argv.index("--") + 1:-1]:
                src, dst = Path(kw["cwd"]) / rel, Path(argv[-1]) / rel
                dst.parent.mkdir(parents=True, exist_ok=True)
                if src.is_dir():
                    shutil.copytree(src, dst, symlinks=True, dirs_exist_ok=True)
                else:
                    shutil.copy2(src, dst)
            return Completed(tuple(argv), 0, "", "", False, 0.1)
        if argv[0].endswith("/cp"):
            shutil.copytree(argv[-2].rstrip("/."), argv[-1], symlinks=True, dirs_exist_ok=True)
            return Completed(tuple(argv), 0, "", "", False, 0.1)
        if self.fail(argv):
            return Completed(tuple(argv), 1, "", "ERROR: No matching distribution found for langchain-core==99\n",
                             False, 0.1)
        if "-c" in argv and argv[argv.index("-c") + 1] == fixer._REMOVE:
            for p in argv[argv.index("-c") + 2:]:
                shutil.rmtree(p)
            return Completed(tuple(argv), 0, "", "", False, 0.1)
        if "install" in argv:
            py = argv[argv.index("--python") + 1] if "--python" in argv else argv[0]
            site = FakeSite(_site_of(py))
            for old in site.root.glob("langchain_openai-*.dist-info"):
                shutil.rmtree(old)
            for old in site.root.glob("langchain_core-*.dist-info"):
                shutil.rmtree(old)
            site.add("langchain-core", "0.3.79", ["pydantic>=2.7.4"])
            site.add("langchain-openai", "0.3.35", ["langchain-core<1.0.0,>=0.3.78"],
                     modules={"langchain_openai/__init__.py": ""})
            return Completed(tuple(argv), 0, "Successfully installed langchain-core-0.3.79\n", "", False, 2.0)
        return Completed(tuple(argv), 0, "pip 24.0\n", "", False, 0.1)


@pytest.fixture
def fake_pip(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> FakePip:
    fake = FakePip(site)
    monkeypatch.setattr(subproc, "RUNNER", fake)
    return fake


# --- the plan's steps ---

def test_pip_steps_are_ordered_and_exact(site: FakeSite) -> None:
    py = "/v/bin/python"
    p = plan.ChangeSet(remove_paths=(str(site.root / "langchain_x"), "/elsewhere/langchain_x"), uninstall=("old-pkg",),
                  install=("langchain-core", "langchain-openai"), reinstall=("pydantic==2.9.2",), manual=())
    target = replace(make_env(site).target, python=py)
    steps = fixer.steps_for(p, target, Installer.PIP)
    assert [s.action for s in steps] == [Action.REMOVE, Action.REMOVE, Action.UNINSTALL, Action.REINSTALL,
                                         Action.INSTALL]
    assert steps[0].argv[:2] == (py, "-c") and steps[0].argv[-1] == str(site.root / "langchain_x")
    assert steps[0].display == f"rm -rf {site.root / 'langchain_x'}" and not steps[0].outside
    assert steps[1].outside and "(outside the environment)" in steps[1].title
    assert steps[2].argv == (py, "-m", "pip", "uninstall", "-y", "old-pkg")
    assert steps[3].argv == (py, "-m", "pip", "install", "--force-reinstall", "--no-deps", "pydantic==2.9.2")
    assert steps[4].argv == (py, "-m", "pip", "install", "-U", "langchain-core", "langchain-openai")
    assert steps[4].display == f"{py} -m pip install -U langchain-core langchain-openai"


def test_uv_steps_name_the_target_and_upgrade_only_the_named_packages(site: FakeSite) -> None:
    p = plan.ChangeSet(remove_paths=(), uninstall=("old-pkg",), install=("langchain-core>=0.3.39", "langchain-openai"),
                  reinstall=("pydantic==2.9.2",), manual=())
    target = make_env(site).target
    py = target.python
    steps = fixer.steps_for(p, target, Installer.UV, ["/bin/uv"])
    assert steps[0].argv == ("/bin/uv", "pip", "uninstall", "--python", py, "old-pkg")
    assert steps[1].argv == ("/bin/uv", "pip", "install", "--python", py, "--no-deps", "--reinstall-package",
                             "pydantic", "pydantic==2.9.2")
    assert steps[2].argv == ("/bin/uv", "pip", "install", "--python", py, "--upgrade-package", "langchain-core",
                             "--upgrade-package", "langchain-openai", "langchain-core>=0.3.39", "langchain-openai")


def test_uv_is_used_where_pyvenv_cfg_says_uv(site: FakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(site)
    ex = _examined(site)
    assert _plan(ex).installer is Installer.PIP
    (Path(ex.env.target.prefix) / "pyvenv.cfg").write_text("home = /usr/bin\nuv = 0.5.1\nversion_info = 3.11\n")
    monkeypatch.setattr(fixer, "find_uv", lambda environ: ["/opt/uv"])
    fp = _plan(ex)
    assert fp.installer is Installer.UV and "uv-managed" in fp.notes[0]
    [step] = fp.steps
    assert step.argv[:3] == ("/opt/uv", "pip", "install")


def test_uv_managed_without_uv_falls_back_to_pip_and_says_so(site: FakeSite, fake_pip: FakePip,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(site)
    ex = _examined(site)
    (Path(ex.env.target.prefix) / "pyvenv.cfg").write_text("uv = 0.5.1\n")
    monkeypatch.setattr(fixer, "find_uv", lambda environ: None)
    fp = _plan(ex)
    assert fp.installer is Installer.PIP and "uv is not installed here" in fp.notes[0]


def test_plan_merges_into_one_package_step_and_keeps_manual_ones_apart(site: FakeSite) -> None:
    _broken(site, stray=True)
    ex = _examined(site)
    login = Finding("LCD402", ex.report.findings[0].kind, ex.report.findings[0].severity, "login", "gcloud",
                    fix=Fix("Run gcloud auth application-default login",
                            ("gcloud auth application-default login",), manual=True))
    findings = [f for f in ex.report.findings if not (f.fix and f.fix.manual)]
    fp = fixer.make_plan([*findings, login], ex.env.inventory, ex.env.target, {"PATH": ""})
    assert [s.action for s in fp.steps] == [Action.REMOVE, Action.INSTALL]
    assert fp.steps[0].paths == (str(site.root / "langchain_fireworks"),)
    assert {plan._name(r) for r in fp.package_reqs} >= {"langchain-core", "langchain-openai", "langchain-fireworks"}
    assert fp.manual == (fixer.ManualStep("Run gcloud auth application-default login",
                                          ("gcloud auth application-default login",), "LCD402"),)
    assert all("gcloud" not in " ".join(s.argv) for s in fp.steps)


def test_ignored_findings_are_not_in_the_plan(site: FakeSite) -> None:
    _broken(site)
    ex = _examined(site, Options(probe=False, ignore={"LCD201": "later"}))
    assert _plan(ex).steps == ()


# --- applying ---

def _apply(ex: Examined, fp: Procedure, confirm: Callable[[Procedure], bool] = lambda p: True,
           environ: Optional[dict[str, str]] = None) -> Optional[fixer.Outcome]:
    return fixer.apply(fp, confirm=confirm, environ=environ or {}, before=ex.env.inventory,
                       sys_path=ex.env.target.sys_path)


def test_declined_confirmation_runs_nothing(site: FakeSite, fake_pip: FakePip) -> None:
    _broken(site, stray=True)
    ex = _examined(site)
    fp = _plan(ex)
    asked: list[Procedure] = []
    assert _apply(ex, fp, confirm=lambda p: asked.append(p) is not None) is None
    assert asked == [fp] and fake_pip.calls == []
    assert (site.root / "langchain_fireworks").exists()


def test_apply_runs_every_step_and_reports_observed_changes(site: FakeSite, fake_pip: FakePip) -> None:
    _broken(site, stray=True)
    ex = _examined(site)
    fp = _plan(ex)
    outcome = _apply(ex, fp)
    assert outcome is not None and outcome.ok
    assert [c[:2] for c in fake_pip.calls] == [[fp.python, "-c"], [fp.python, "-m"]]
    assert f"deleted {site.root / 'langchain_fireworks'}" in outcome.changed
    assert "langchain-core 0.3.0 -> 0.3.79" in outcome.changed
    assert "langchain-openai 0.1.25 -> 0.3.35" in outcome.changed
    # the fake pip did not install langchain-fireworks: said, not hidden
    assert "langchain-fireworks<1.0.0: not installed" in outcome.unchanged


def test_failing_step_stops_and_says_what_changed_and_what_did_not(site: FakeSite,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _broken(site, stray=True)
    fake = FakePip(site, fail=lambda argv: "install" in argv)
    monkeypatch.setattr(subproc, "RUNNER", fake)
    ex = _examined(site)
    p = plan.ChangeSet(remove_paths=(str(site.root / "langchain_fireworks"),), uninstall=("old",),
                  install=("langchain-core==99",), reinstall=(), manual=())
    steps = fixer.steps_for(p, ex.env.target, Installer.PIP)
    # put the failing install before the uninstall to see "not run"
    fp = Procedure(ex.env.target.python, Installer.PIP, (steps[0], steps[2], steps[1]))
    outcome = _apply(ex, fp)
    assert outcome is not None and not outcome.ok
    assert [r.ok for r in outcome.results] == [True, False]
    assert outcome.results[1].returncode == 1
    assert outcome.results[1].output == ("ERROR: No matching distribution found for langchain-core==99",)
    assert [s.action for s in outcome.not_run] == [Action.UNINSTALL]
    assert outcome.changed == (f"deleted {site.root / 'langchain_fireworks'}",)
    assert "langchain-core==99: langchain-core 0.3.0 is installed" in outcome.unchanged


def test_step_output_is_redacted(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "sk-proj-abcdefghijklmnopqrstuvwxyz123456"

    def runner(argv: list[str], **kw: Any) -> Completed:
        return Completed(tuple(argv), 1, "", f"auth {secret} failed for https://bob:hunter2@pypi.example/simple\n",
                         False, 0.1)

    monkeypatch.setattr(subproc, "RUNNER", runner)
    _broken(site)
    ex = _examined(site)
    outcome = _apply(ex, _plan(ex), environ={"OPENAI_API_KEY": secret})
    assert outcome is not None
    text = "\n".join(outcome.results[0].output)
    assert secret not in text and "hunter2" not in text and "https://***@pypi.example" in text


def test_dry_run_reads_pips_report(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def runner(argv: list[str], **kw: Any) -> Completed:
        seen.append(list(argv))
        if "--report" in argv:
            report = {"install": [{"metadata": {"name": "langchain_core", "version": "0.3.79"}},
                                  {"metadata": {"name": "jiter", "version": "0.5.0"}}]}
            Path(argv[argv.index("--report") + 1]).write_text(json.dumps(report))
        return Completed(tuple(argv), 0, "", "", False, 0.1)

    monkeypatch.setattr(subproc, "RUNNER", runner)
    _broken(site)
    ex = _examined(site)
    res = fixer.dry_run(_plan(ex), {}, ex.env.inventory)
    assert res is not None and res.ok
    assert res.would_install == (("jiter", "0.5.0", None), ("langchain-core", "0.3.79", "0.3.0"))
    assert "--dry-run" in seen[-1] and "--report -" in res.command
    assert all("uninstall" not in a and "--dry-run" in a for a in seen[1:])


def test_compare_by_code_and_subject(site: FakeSite) -> None:
    _broken(site)
    before = _examined(site).report
    after = replace(before, findings=())
    diff = fixer.compare(before, after)
    assert diff["resolved"] == sorted(f"{f.code} {f.subject}" for f in before.active_findings)
    assert diff["remaining"] == [] and diff["new"] == []


# --- the command ---

@pytest.fixture
def cli_env(site: FakeSite, monkeypatch: pytest.MonkeyPatch, fake_pip: FakePip) -> list[Examined]:
    """fixer.examine returns the fake env as read now (each call re-reads the fake site)."""
    _broken(site, stray=True)
    calls: list[Examined] = []

    def examine(options: Options, **kw: Any) -> Examined:
        # the target, or a throwaway copy of it (its own fake site-packages)
        here = site if options.python is None or _site_of(options.python) == site.root else FakeSite(
            _site_of(options.python))
        ex = _examined(here, replace(options, probe=False))
        calls.append(ex)
        return ex

    monkeypatch.setattr(fixer, "examine", examine)
    monkeypatch.setattr(fixer, "interactive", lambda: False)
    return calls


def _main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from langchain_doctor.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(args)
    out, err = capsys.readouterr()
    return int(exit_info.value.code or 0), out, err


def test_fix_prints_the_plan_and_changes_nothing(cli_env: list[Examined], fake_pip: FakePip,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(["fix", "--no-probe"], capsys)
    assert code == 1
    assert "Plan (2 steps, run in order with pip):" in out and "1. delete " in out and "$ rm -rf " in out
    assert "-m pip install -U " in out and "fix --apply" in out
    assert fake_pip.calls == []


def test_apply_without_a_terminal_needs_yes(cli_env: list[Examined], fake_pip: FakePip,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(["fix", "--apply"], capsys)
    assert code == 2 and out == ""
    assert err == ("langchain-doctor: fix --apply needs a confirmation and there is no terminal to ask on; "
                   "pass --yes to apply without asking\n")
    assert fake_pip.calls == [] and cli_env == []


def test_apply_yes_runs_rechecks_and_compares(cli_env: list[Examined], fake_pip: FakePip,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(["fix", "--apply", "--yes", "--no-probe"], capsys)
    assert len(cli_env) == 3  # before, the throwaway copy after the plan, the target after
    target = cli_env[0].env.target.python
    assert cli_env[1].env.options.python != target and cli_env[2].env.options.python == target
    assert cli_env[2].env.options.use_cache is False
    assert "Tried in a throwaway copy first: 2 error(s)" in out and "(cleaner)" in out
    assert "[1/2] delete" in out and "[2/2] install together" in out
    assert "+ langchain-core 0.3.0 -> 0.3.79" in out
    assert "After the changes:" in out and "Before: " in out and "Resolved: " in out
    assert code == cli_env[1].report.exit_code


def test_apply_json_carries_the_plan_the_steps_and_the_comparison(cli_env: list[Examined], fake_pip: FakePip,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(["fix", "--apply", "--yes", "--no-probe", "--format", "json"], capsys)
    data = json.loads(out)
    fix = data["fix"]
    assert [s["action"] for s in fix["plan"]["steps"]] == ["remove", "install"]
    assert fix["applied"]["ok"] is True and [s["ok"] for s in fix["applied"]["steps"]] == [True, True]
    assert fix["before"]["summary"]["error"] >= 1 and "LCD201 langchain-openai" in fix["comparison"]["resolved"]
    assert data["exit_code"] == code
    assert "[1/2] delete" in err  # progress goes to stderr when stdout carries JSON


def test_a_plan_failing_in_the_copy_changes_nothing(cli_env: list[Examined], fake_pip: FakePip,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    fake_pip.fail = lambda argv: "install" in argv
    code, out, _ = _main(["fix", "--apply", "--yes", "--no-probe"], capsys)
    assert code == 1
    assert "Tried in a throwaway copy first: a step failed in the copy." in out
    assert "No matching distribution found" in out and "nothing changed" in out
    site = Path(cli_env[0].env.target.site_packages[0])
    assert (site / "langchain_fireworks").is_dir()  # the target's cleanup did not run either
    target = cli_env[0].env.target.python
    assert not any("install" in c and target in c for c in fake_pip.calls)


def test_a_step_failing_on_the_target_is_undone_exactly(cli_env: list[Examined], fake_pip: FakePip,
                                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LANGCHAIN_DOCTOR_CACHE_DIR", str(tmp_path / "cache"))
    site = None

    def fail_on_target(argv: list[str]) -> bool:
        return site is not None and "install" in argv and argv[0] == str(site.parent / "bin" / "python")

    fake_pip.fail = fail_on_target
    site = fake_pip.site.root
    before = sorted(p.name for p in site.iterdir())
    code, out, _ = _main(["fix", "--apply", "--yes", "--no-probe"], capsys)
    assert code == 1
    assert "(cleaner)" in out  # the copy went fine
    assert "FAILED: install together" in out
    assert "Restored the state before the apply (a step failed): exactly." in out
    assert sorted(p.name for p in site.iterdir()) == before  # the moved-aside folder is back
    assert (site / "langchain_fireworks" / "__pycache__").is_dir()


def test_dry_run_without_online_explains(cli_env: list[Examined], fake_pip: FakePip,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _main(["fix", "--apply", "--dry-run", "--no-probe"], capsys)
    assert "add --online" in out and fake_pip.calls == []
    assert code == 1


def test_output_file_gets_the_whole_transcript(cli_env: list[Examined], fake_pip: FakePip, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    dest = tmp_path / "fix.txt"
    _main(["fix", "--apply", "--yes", "--no-probe", "--output", str(dest)], capsys)
    text = dest.read_text()
    assert text.startswith("Target: ") and "After the changes:" in text


def test_steps_have_bounded_time() -> None:
    p = plan.ChangeSet(("/x/y/z",), (), ("a",), (), ())
    env: Environment = make_env(Path("/nonexistent/site-packages"))
    for step in fixer.steps_for(p, env.target, Installer.PIP):
        assert isinstance(step, Step) and 0 < step.timeout <= fixer.INSTALL_TIMEOUT


def test_observed_changes_from_real_scans(site: FakeSite) -> None:
    _broken(site)
    before = scan([str(site.root)])
    site.add("langchain-anthropic", "0.3.0")
    shutil.rmtree(next(site.root.glob("pydantic_core-*.dist-info")))
    after = scan([str(site.root)])
    changed, _ = fixer.observed_changes(before, after, Procedure("/p", Installer.PIP, ()))
    assert changed == ("installed langchain-anthropic 0.3.0", "removed pydantic-core 2.23.4")


@pytest.mark.parametrize(("answer", "runs"), [("n\n", False), ("y\n", True)])
def test_on_a_terminal_it_asks_first(cli_env: list[Examined], fake_pip: FakePip, monkeypatch: pytest.MonkeyPatch,
                                     answer: str, runs: bool) -> None:
    from click.testing import CliRunner
    from langchain_doctor.cli import cli

    monkeypatch.setattr(fixer, "interactive", lambda: True)
    result = CliRunner().invoke(cli, ["fix", "--apply", "--no-probe"], input=answer)
    assert "Apply 2 steps to " in result.output
    assert bool(fake_pip.calls) is runs
    if not runs:
        assert "Not applied: nothing changed." in result.output
        assert (cli_env[0].env.target.site_packages[0] + "/langchain_fireworks") in result.output
        assert len(cli_env) == 1  # no re-check when nothing ran
    else:
        assert "After the changes:" in result.output and len(cli_env) == 3


def test_markdown_format_renders_the_final_report(cli_env: list[Examined], fake_pip: FakePip,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = _main(["fix", "--no-probe", "--format", "markdown"], capsys)
    assert "LCD201" in out and "Plan (2 steps" in err and "Plan (2 steps" not in out


def test_fixes_given_only_as_text_are_listed_not_run(site: FakeSite) -> None:
    _broken(site)
    ex = _examined(site)
    textual = Finding("LCD306", ex.report.findings[0].kind, ex.report.findings[0].severity, "numpy ABI", "numpy",
                      fix=Fix("Reinstall numpy for this Python", ("/v/bin/python -m pip install --force-reinstall numpy",)))
    fp = fixer.make_plan([*ex.report.findings, textual], ex.env.inventory, ex.env.target, {"PATH": ""})
    assert fixer.ManualStep(textual.fix.summary, textual.fix.commands, "LCD306") in fp.manual  # type: ignore[union-attr]
    assert all("numpy" not in s.display for s in fp.steps)


def test_fix_examines_through_the_check_pipeline(site: FakeSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """fix reads the target as check does: the probes run, the secrets are collected, the run's redactor masks them."""
    from langchain_doctor import probejobs, runner
    from langchain_doctor.checkapi import Check
    from langchain_doctor.creds import secrets
    from langchain_doctor.findings import make

    _broken(site)
    env0 = make_env(site, options=Options())
    monkeypatch.setattr(runner, "locate", lambda options, environ, cwd: (env0.target, (), env0.work_dir))
    probed: list[Environment] = []
    monkeypatch.setattr(probejobs, "run", lambda env, *a, **kw: probed.append(env) or {})
    secret = "dotenv-only-value-7f3a9c2e41d8"  # as if read from a .env file the notebook loads
    monkeypatch.setattr(secrets, "collect", lambda env: (secret,))

    def leaky(env: Environment) -> list[Finding]:
        return [make("LCD901", title="a check quoting a line", subject="x", evidence=[f"KEY={secret}"])]

    monkeypatch.setattr(builtin, "checks", lambda: (Check("leaky", "packages", "quotes a secret", leaky),))
    ex = fixer.examine(Options(), environ={"PATH": ""})
    assert probed, "fix ran no probes"
    assert ex.env.options.probe
    [f] = ex.report.findings
    assert secret not in " ".join(f.evidence) and f.evidence, f.evidence
