"""Static checks on fake environments: declared requirements, pydantic boundary, known issues, integrity."""

from __future__ import annotations

from langchain_doctor.model import Kind, Severity
from langchain_doctor.redact import Redactor
from langchain_doctor.runner import build_report, run_checks

from tests.fakeenv import FakeSite, make_env
from tests.fakeenv import static_checks as table

V1_SOURCE = "from langchain_core.pydantic_v1 import BaseModel, Extra\n\nclass Config:\n    extra = Extra.forbid\n"


def run(site: FakeSite, **kw):
    return run_checks(make_env(site, **kw), table())


def by_code(findings, code):
    return [f for f in findings if f.code == code]


def seed_core(site: FakeSite, core: str = "0.3.0", pydantic: str = "2.9.2", pydantic_core: str = "2.23.4",
              pin: str | None = None) -> None:
    site.add("langchain-core", core, ["pydantic<3,>=2.7.4", "langsmith<0.2,>=0.1.117"],
             modules={"langchain_core/__init__.py": ""})
    site.add("langsmith", "0.1.147", [])
    site.add("pydantic", pydantic, [f"pydantic-core=={pin or pydantic_core}", "typing-extensions>=4.6.1"],
             modules={"pydantic/__init__.py": ""})
    site.add("pydantic-core", pydantic_core, [], modules={"pydantic_core/__init__.py": ""})
    site.add("typing-extensions", "4.12.2", [])


def test_old_integration_under_new_core_is_pydantic_schema_with_source_evidence(site: FakeSite) -> None:
    seed_core(site)
    site.add("langchain-openai", "0.1.25", ["langchain-core<0.3.0,>=0.2.40"],
             modules={"langchain_openai/__init__.py": "", "langchain_openai/chat_models/base.py": V1_SOURCE})
    findings = run(site)
    [f] = by_code(findings, "LCD201")
    assert f.kind is Kind.PYDANTIC_SCHEMA and f.severity is Severity.ERROR
    assert f.provider == "openai" and f.subject == "langchain-openai"
    assert "requires langchain-core<0.3.0,>=0.2.40" in f.evidence[0]
    assert any("chat_models/base.py:1: imports langchain_core.pydantic_v1" in e for e in f.evidence)
    assert any("chat_models/base.py:4: uses Extra.forbid" in e for e in f.evidence)
    assert f.fix is not None and "langchain-openai" in f.fix.install and "langchain-core" in f.fix.install
    # One finding for the unmet requirement, not a second generic conflict.
    assert not by_code(findings, "LCD101")


def test_new_integration_under_old_core_is_the_reverse_boundary(site: FakeSite) -> None:
    seed_core(site, core="0.2.43")
    site.add("langchain-anthropic", "0.3.22", ["langchain-core<1.0.0,>=0.3.76"])
    [f] = by_code(run(site), "LCD202")
    assert f.provider == "anthropic"


def test_consistent_old_set_has_no_error(site: FakeSite) -> None:
    seed_core(site, core="0.2.43")
    site.add("langchain-openai", "0.1.25", ["langchain-core<0.3.0,>=0.2.40"],
             modules={"langchain_openai/__init__.py": V1_SOURCE})
    findings = run(site)
    assert not [f for f in findings if f.severity is Severity.ERROR], findings


def test_v1_idioms_without_declared_mismatch_are_a_heuristic_warning(site: FakeSite) -> None:
    seed_core(site)
    site.add("langchain-groq", "0.2.0", ["langchain-core<0.4,>=0.2"],
             modules={"langchain_groq/__init__.py": V1_SOURCE})
    [f] = by_code(run(site), "LCD203")
    assert f.severity is Severity.WARNING and "heuristic" in f.title


def test_pydantic_core_mismatch(site: FakeSite) -> None:
    seed_core(site, pydantic="2.9.2", pydantic_core="2.27.0", pin="2.23.4")
    [f] = by_code(run(site), "LCD210")
    assert f.kind is Kind.PYDANTIC_CORE_MISMATCH
    assert f.fix is not None and f.fix.install == ("pydantic-core==2.23.4",)
    assert not by_code(run(site), "LCD101")


def test_pydantic_core_missing(site: FakeSite) -> None:
    site.add("pydantic", "2.9.2", ["pydantic-core==2.23.4"])
    site.add("langchain-core", "0.3.0", ["pydantic>=2"])
    assert by_code(run(site), "LCD211")


def test_plain_conflict_directions(site: FakeSite) -> None:
    seed_core(site)
    site.add("langchain-text-splitters", "0.3.0", ["langchain-core<0.4.0,>=0.3.15"])  # core too old
    site.add("openai", "1.3.0", [])
    site.add("langchain-community", "0.3.0", ["openai<1.0"])  # openai too new
    findings = by_code(run(site), "LCD101")
    texts = {f.subject: f for f in findings}
    assert texts["langchain-text-splitters"].fix.install == ("langchain-core<0.4.0,>=0.3.15",)
    assert set(texts["langchain-community"].fix.install) == {"langchain-community", "openai"}


def test_markers_and_extras_are_evaluated(site: FakeSite) -> None:
    seed_core(site)
    site.add("langchain-community", "0.3.0", [
        'numpy<2; python_version < "3.0"',          # marker false on the target
        'tenacity>=8; extra == "tests"',            # extra not requested
        'aiohttp>=3.8; sys_platform == "linux"',    # applies, missing
    ])
    missing = {f.subject for f in by_code(run(site), "LCD102")}
    assert missing == {"aiohttp"}


def test_known_issue_basecache(site: FakeSite) -> None:
    seed_core(site, core="0.3.15", pydantic="2.11.7", pydantic_core="2.33.2")
    [f] = by_code(run(site), "LCD220")
    assert "BaseCache" in " ".join(f.evidence)
    assert f.fix.install == ("langchain-core>=0.3.39",)


def test_known_issue_not_raised_on_fixed_core(site: FakeSite) -> None:
    seed_core(site, core="0.3.39", pydantic="2.11.7", pydantic_core="2.33.2")
    assert not by_code(run(site), "LCD220")


def test_langchain_1_with_old_community(site: FakeSite) -> None:
    seed_core(site, core="1.0.7")
    site.add("langchain", "1.0.0", ["langchain-core<2,>=1.0"])
    site.add("langchain-community", "0.3.31", [])
    assert by_code(run(site), "LCD221")


def test_untested_pairing_is_only_a_warning(site: FakeSite) -> None:
    seed_core(site, core="1.0.7")
    site.add("langchain-mistralai", "0.2.12", ["langchain-core<2.0.0,>=0.3.68"])
    [f] = by_code(run(site), "LCD222")
    assert f.severity is Severity.WARNING
    # langchain-together has no 1.x line: no warning for its 0.x release
    site.add("langchain-together", "0.4.0", ["langchain-core<2.0,>=0.3"])
    assert [f.subject for f in by_code(run(site), "LCD222")] == ["langchain-mistralai"]


def test_stray_folder_is_broken_install(site: FakeSite) -> None:
    seed_core(site)
    (site.root / "langchain_fireworks" / "__pycache__").mkdir(parents=True)
    [f] = by_code(run(site), "LCD111")
    assert f.provider == "fireworks"
    assert f.fix.remove_paths == (str(site.root / "langchain_fireworks"),)
    assert "unknown location" in " ".join(f.evidence)


def test_owned_folder_is_not_stray(site: FakeSite) -> None:
    seed_core(site)
    site.add("langchain-fireworks", "0.2.0", ["langchain-core<0.4,>=0.3"],
             modules={"langchain_fireworks/__init__.py": ""})
    assert not by_code(run(site), "LCD111")


def test_duplicate_metadata_and_missing_files(site: FakeSite) -> None:
    seed_core(site)
    site.add("langchain-openai", "0.2.0", ["langchain-core<0.4,>=0.3"],
             modules={"langchain_openai/__init__.py": "", "langchain_openai/chat.py": ""})
    site.add("langchain-openai", "0.1.25", [])
    [dup] = by_code(run(site), "LCD110")
    assert len(dup.evidence) == 2 and dup.fix is not None and len(dup.fix.remove_paths) == 1


def test_recorded_files_missing(site: FakeSite) -> None:
    seed_core(site)
    site.add("langchain-openai", "0.2.0", ["langchain-core<0.4,>=0.3"],
             modules={"langchain_openai/__init__.py": "", "langchain_openai/chat.py": ""})
    (site.root / "langchain_openai" / "chat.py").unlink()
    [f] = by_code(run(site), "LCD113")
    assert any(e.endswith("langchain_openai/chat.py") for e in f.evidence)
    assert f.fix is not None and f.fix.reinstall == ("langchain-openai==0.2.0",)


def test_missing_init_is_namespace_warning(site: FakeSite) -> None:
    seed_core(site)
    site.add("langchain-groq", "0.2.0", [], modules={"langchain_groq/__init__.py": "", "langchain_groq/x.py": ""})
    (site.root / "langchain_groq" / "__init__.py").unlink()
    assert by_code(run(site), "LCD112")


def test_needed_provider_not_installed(site: FakeSite) -> None:
    seed_core(site)
    [f] = by_code(run(site, needed=["groq"]), "LCD103")
    assert f.fix.install == ("langchain-groq",)


def test_fixes_of_one_environment_are_one_command(site: FakeSite) -> None:
    seed_core(site)
    site.add("langchain-openai", "0.1.25", ["langchain-core<0.3.0,>=0.2.40"])
    site.add("langchain-aws", "0.1.17", ["langchain-core<0.3,>=0.2.33"])
    site.add("langchain-text-splitters", "0.3.0", ["langchain-core<0.4.0,>=0.3.0"])
    site.add("pip", "24.2", [])
    env = make_env(site)
    report = build_report(env, run_checks(env, table()), Redactor())
    cmds = {f.fix.commands[-1] for f in report.findings if f.code == "LCD201"}
    assert len(cmds) == 1
    [cmd] = cmds
    # everything pinned to langchain-core moves with it, so pip resolves them jointly
    for name in ("langchain-openai", "langchain-aws", "langchain-core", "langchain-text-splitters"):
        assert name in cmd
    assert cmd.startswith(env.target.python + " -m pip install -U ")


def test_fix_commands_use_uv_where_the_environment_has_no_pip(site: FakeSite) -> None:
    seed_core(site)
    site.add("langchain-openai", "0.1.25", ["langchain-core<0.3.0,>=0.2.40"])
    env = make_env(site)
    report = build_report(env, run_checks(env, table()), Redactor())
    [f] = [f for f in report.findings if f.code == "LCD201"]
    assert f.fix.commands[-1].startswith(f"uv pip install --python {env.target.python} -U ")
    site.add("pip", "24.2", [])
    env = make_env(site)
    report = build_report(env, run_checks(env, table()), Redactor())
    [f] = [f for f in report.findings if f.code == "LCD201"]
    assert f.fix.commands[-1].startswith(f"{env.target.python} -m pip install -U ")
