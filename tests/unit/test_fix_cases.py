"""The two bad cases seen when ``fix --apply`` ran on copies of real broken venvs, at the plan level."""

from __future__ import annotations

from langchain_doctor import builtin
from langchain_doctor.context import Options
from langchain_doctor.model import Finding, Fix, Kind, Severity
from langchain_doctor.redact import Redactor
from langchain_doctor.repair import plan
from langchain_doctor.runner import build_report, run_checks

from tests.fakeenv import FakeSite, make_env


def _record(dist_info, rows: list[tuple[str, int]]) -> None:
    lines = [f"{rel},sha256=x,{size}" for rel, size in rows] + [f"{dist_info.name}/METADATA,,", f"{dist_info.name}/RECORD,,"]
    (dist_info / "RECORD").write_text("\n".join(lines) + "\n")


def test_the_stale_second_metadata_is_removed_not_the_real_one(site: FakeSite) -> None:
    # langchain-core 0.3.86 installed for real; a stale metadata folder claiming 0.2.43 left beside it (it sorts first)
    site.add("pydantic", "2.11.7", ["pydantic-core==2.33.2"])
    site.add("pydantic-core", "2.33.2")
    real = site.add("langchain-core", "0.3.86", ["pydantic>=2.7.4"],
                    modules={"langchain_core/__init__.py": "x = 1\n", "langchain_core/version.py": "VERSION = '0.3.86'\n"})
    _record(real, [("langchain_core/__init__.py", 6), ("langchain_core/version.py", 22)])
    stale = site.add("langchain-core", "0.2.43", ["pydantic<3,>=1"])
    # the old release's files were overwritten by the new one: sizes no longer match what its RECORD says
    _record(stale, [("langchain_core/__init__.py", 900), ("langchain_core/version.py", 40),
                    ("langchain_core/pydantic_v1/__init__.py", 300)])
    assert sorted(p.name for p in site.root.glob("langchain_core-*.dist-info"))[0] == stale.name
    env = make_env(site, options=Options(probe=False))
    findings = run_checks(env, [c for c in builtin.checks() if not c.needs_probe])
    report = build_report(env, findings, Redactor())
    [dup] = [f for f in report.findings if f.code == "LCD110"]
    assert dup.fix is not None
    assert dup.fix.remove_paths == (str(stale),)
    assert dup.fix.reinstall == ("langchain-core==0.3.86",)
    cs = plan.build(report.findings, env.inventory)
    assert str(real) not in cs.remove_paths and str(stale) in cs.remove_paths
    assert cs.reinstall == ("langchain-core==0.3.86",)


def test_a_reinstall_keeps_the_installed_version(site: FakeSite) -> None:
    site.add("pydantic", "2.9.2", ["pydantic-core==2.23.4"])
    site.add("pydantic-core", "2.23.4")
    env = make_env(site, options=Options(probe=False))
    f = Finding("LCD302", Kind.PYDANTIC_CORE_MISMATCH, Severity.ERROR, "x", "pydantic",
                fix=Fix("Reinstall pydantic", reinstall=("pydantic",)))
    assert plan.build([f], env.inventory).reinstall == ("pydantic==2.9.2",)


def test_a_plain_pip_install_given_as_text_becomes_a_step_and_other_text_stays_manual(site: FakeSite) -> None:
    site.add("pandas", "1.5.3", ["numpy>=1.21"])
    site.add("numpy", "2.2.6")
    env = make_env(site, options=Options(probe=False))
    py = env.target.python
    abi = Finding("LCD306", Kind.IMPORT_ERROR, Severity.ERROR, "pandas built for numpy 1", "pandas",
                  fix=Fix("Upgrade pandas to a release built for this numpy", (f"{py} -m pip install -U pandas",)))
    odd = Finding("LCD306", Kind.IMPORT_ERROR, Severity.ERROR, "odd", "thing",
                  fix=Fix("Reinstall", (f"{py} -m pip install --force-reinstall thing",)))
    cs = plan.build([abi, odd], env.inventory)
    assert cs.install == ("pandas",)  # open upward: pandas 2 is the fix
    from langchain_doctor.repair import apply as fixer

    fp = fixer.make_plan([abi, odd], env.inventory, env.target, {"PATH": ""})
    assert [m.code for m in fp.manual] == ["LCD306"] and fp.manual[0].summary == "Reinstall"
