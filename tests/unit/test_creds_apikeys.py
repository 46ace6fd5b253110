"""The api-keys check on fake environments: needed vs installed, placeholders, quotes, .env, notebooks."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from langchain_doctor import notebook
from langchain_doctor.context import Environment
from langchain_doctor.model import Finding, Kind, Severity

from tests.fakeenv import FakeSite, make_env
from tests.servers import harness as h

GOOD = "sk-proj-" + "Q7w8E9r0T1y2U3i4O5p6" * 2


def run(env: Environment) -> list[Finding]:
    return h.run_named(env, "api-keys")


def test_missing_key_of_a_needed_provider_is_an_error(site: FakeSite) -> None:
    h.install(site, "langchain-openai")
    [f] = h.codes(run(make_env(site, needed=["openai"])), "LCD401")
    assert f.severity is Severity.ERROR and f.kind is Kind.MISSING_CREDENTIAL
    assert f.subject == "OPENAI_API_KEY" and f.provider == "openai"
    assert f.fix is not None and f.fix.manual and "export OPENAI_API_KEY=..." in f.fix.commands


def test_missing_key_of_an_installed_but_not_needed_provider_is_info(site: FakeSite) -> None:
    h.install(site, "langchain-openai")
    [f] = h.codes(run(make_env(site)), "LCD401")
    assert f.severity is Severity.INFO


def test_provider_not_installed_and_not_needed_is_silent(site: FakeSite) -> None:
    assert run(make_env(site)) == []


def test_alternative_variables_are_accepted(site: FakeSite) -> None:
    h.install(site, "langchain-google-genai")
    env = make_env(site, needed=["google-genai"], environ={"GEMINI_API_KEY": "AIza" + "b" * 35})
    assert run(env) == []


def test_placeholder_is_an_error_with_fingerprint_only(site: FakeSite) -> None:
    h.install(site, "langchain-openai")
    [f] = run(make_env(site, needed=["openai"], environ={"OPENAI_API_KEY": "your-api-key-here"}))
    assert f.code == "LCD403" and f.severity is Severity.ERROR and f.kind is Kind.INVALID_CREDENTIAL
    assert "your-api-key-here" not in json.dumps(h.as_text(f))
    assert "(17 chars)" in f.evidence[0]


def test_quoted_key_with_newline(site: FakeSite) -> None:
    h.install(site, "langchain-openai")
    value = f'"{GOOD}"\n'
    [f] = run(make_env(site, needed=["openai"], environ={"OPENAI_API_KEY": value}))
    assert f.code == "LCD404" and "surrounding quotes, a trailing newline" in f.title
    assert GOOD not in h.as_text(f) and "sk-proj-..." in f.evidence[0]


def test_broken_key_of_an_unneeded_provider_is_a_warning(site: FakeSite) -> None:
    h.install(site, "langchain-anthropic")
    [f] = run(make_env(site, environ={"ANTHROPIC_API_KEY": "sk-proj-" + "a" * 40}))
    assert f.code == "LCD405" and f.severity is Severity.WARNING


def test_key_only_in_dotenv_that_nobody_loads(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-groq")
    env = make_env(site, needed=["groq"])
    (Path(env.work_dir) / ".env").write_text("GROQ_API_KEY=gsk_" + "k" * 40 + "\n")
    [f] = run(env)
    assert f.code == "LCD407" and f.severity is Severity.ERROR and f.subject == "GROQ_API_KEY"
    assert "which the code does not load" in f.title
    assert "gsk_" + "k" * 40 not in h.as_text(f)
    assert f.fix is not None and any("load_dotenv" in c for c in f.fix.commands)


def test_key_in_dotenv_loaded_by_the_code_is_validated_there(site: FakeSite) -> None:
    h.install(site, "langchain-groq")
    env = make_env(site, needed=["groq"])
    work = Path(env.work_dir)
    (work / ".env").write_text('GROQ_API_KEY="  gsk_' + "k" * 40 + '"\n')
    (work / "app.py").write_text("from dotenv import load_dotenv\nload_dotenv()\n")
    [f] = run(env)
    assert f.code == "LCD404" and ".env line 1" in f.evidence[0]


def test_azure_settings(site: FakeSite) -> None:
    h.install(site, "langchain-openai")
    env = make_env(site, needed=["azure-openai"], environ={"AZURE_OPENAI_API_KEY": "0123456789abcdef" * 2})
    found = run(env)
    assert {f.subject for f in h.codes(found, "LCD408")} == {"AZURE_OPENAI_ENDPOINT", "OPENAI_API_VERSION"}


def test_together_via_chatopenai_in_the_seed_notebook(site: FakeSite) -> None:
    """The seed's TogetherAI cell: ChatOpenAI(base_url=together, api_key=os.environ["TOGETHER_API_KEY"])."""
    h.install(site, "langchain-openai")
    facts = notebook.read(str(h.SEED_NOTEBOOK))
    env = replace(make_env(site, environ={"OPENAI_API_KEY": GOOD}), notebook_facts=(facts,))
    [f] = [f for f in run(env) if f.provider == "together"]
    assert f.code == "LCD401" and f.severity is Severity.ERROR and f.subject == "TOGETHER_API_KEY"


def test_notebook_that_sets_the_key_itself_is_not_flagged(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    nb = tmp_path / "getpass.py"
    nb.write_text("import getpass, os\nos.environ['OPENAI_API_KEY'] = getpass.getpass()\n"
                  "from langchain_openai import ChatOpenAI\nChatOpenAI()\n")
    env = replace(make_env(site, needed=["openai"]), notebook_facts=(notebook.read(str(nb)),))
    assert not h.codes(run(env), "LCD401")


def test_notebook_vars_that_are_not_provider_keys(site: FakeSite, tmp_path: Path) -> None:
    nb = tmp_path / "uses_vars.py"
    nb.write_text("import os\nt = os.environ['TAVILY_API_KEY']\nm = os.getenv('MODEL_NAME')\n")
    env = replace(make_env(site), notebook_facts=(notebook.read(str(nb)),))
    found = run(env)
    [secret] = h.codes(found, "LCD409")
    [plain] = h.codes(found, "LCD410")
    assert secret.subject == "TAVILY_API_KEY" and secret.severity is Severity.WARNING
    assert plain.subject == "MODEL_NAME" and plain.severity is Severity.INFO


def test_unparsable_dotenv_lines_are_reported(site: FakeSite) -> None:
    env = make_env(site)
    (Path(env.work_dir) / ".env").write_text("GOOD=1\nthis is not a binding\n")
    [f] = run(env)
    assert f.code == "LCD411" and "lines 2" in f.title
