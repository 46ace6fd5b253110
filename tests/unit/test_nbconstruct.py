"""Notebook constructions: read with ast (literal arguments, secrets replaced), probed as jobs, and classified."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_doctor import notebook, probejobs
from langchain_doctor.context import Options
from langchain_doctor.nbconstruct import DUMMY_SECRET, is_model_class, is_secret_arg
from langchain_doctor.redact import fingerprint

from tests.fakeenv import make_env

if TYPE_CHECKING:
    from tests.fakeenv import FakeSite

REAL_KEY = "sk-proj-0123456789abcdefghijklmnop"
CODE = '''\
import os
import langchain_community.chat_models as cm
from langchain_community.chat_models import BedrockChat as BC
from langchain_openai import ChatOpenAI
from langchain_community.embeddings import HuggingFaceEmbeddings
from langchain_community.vectorstores import FAISS
from langchain.chat_models import init_chat_model
from mylib.chat_models import ChatThing
MODEL = "anthropic.claude-v2"
def helper():
    MODEL = compute()
llm = BC(model_id=MODEL, region_name="us-east-1", model_kwargs={"temperature": 0.1, "stop": ["\\n"]})
other = cm.ChatAnthropic(model="claude-3", anthropic_api_key=os.environ["ANTHROPIC_API_KEY"], callbacks=[h], **extra)
oa = ChatOpenAI(model="gpt-4o", api_key="REAL_KEY", temperature=-0.5, max_tokens=5,
                default_headers={"Authorization": "Bearer abc"})
e = HuggingFaceEmbeddings(model_name="all-MiniLM-L6-v2")
m = init_chat_model("gpt-4o", model_provider="openai")
bad = ChatOpenAI(some_var)
FAISS(1, 2)
ChatThing(model="x")
'''.replace("REAL_KEY", REAL_KEY)


def _read(tmp_path: Path, code: str = CODE) -> notebook.NotebookFacts:
    path = tmp_path / "nb.ipynb"
    cells = [{"cell_type": "code", "source": code.splitlines(keepends=True)}]
    path.write_text(json.dumps({"cells": cells, "metadata": {}}))
    return notebook.read(path)


def test_constructions_keep_literals_drop_the_rest_and_never_keep_a_secret(tmp_path: Path) -> None:
    facts = _read(tmp_path)
    by_line = {c.line: c for c in facts.constructions}
    # Only LangChain-family model classes: not the vector store, not a class from another library.
    assert sorted(by_line) == [12, 13, 14, 16, 17, 18]
    bedrock = by_line[12]  # outside the providers table, imported under an alias, a name bound to a literal
    assert (bedrock.module, bedrock.name) == ("langchain_community.chat_models", "BedrockChat")
    assert dict(bedrock.kwargs) == {"model_id": "anthropic.claude-v2", "region_name": "us-east-1",
                                    "model_kwargs": {"temperature": 0.1, "stop": ["\n"]}}
    assert bedrock.omitted == () and bedrock.dummied == () and bedrock.skip is None
    anthropic = by_line[13]  # attribute access through a module alias; a key read from the environment
    assert (anthropic.module, anthropic.name) == ("langchain_community.chat_models", "ChatAnthropic")
    assert dict(anthropic.kwargs) == {"model": "claude-3", "anthropic_api_key": DUMMY_SECRET}
    assert anthropic.omitted == ("callbacks", "**extra") and anthropic.dummied == ("anthropic_api_key",)
    openai = by_line[14]  # a literal key and a bearer header: replaced; the row's dummy keeps the key's prefix
    kwargs = dict(openai.kwargs)
    assert kwargs["api_key"].startswith("sk-") and "doctor-probe" in kwargs["api_key"]
    assert kwargs["default_headers"] == {"Authorization": DUMMY_SECRET}
    assert kwargs["temperature"] == -0.5 and kwargs["max_tokens"] == 5
    assert set(openai.dummied) == {"api_key", "default_headers"}
    assert REAL_KEY not in repr(facts.constructions) and "Bearer abc" not in repr(facts.constructions)
    assert "<dummy>" in openai.call() and REAL_KEY not in openai.call()
    assert by_line[16].skip and "model weights" in by_line[16].skip
    assert by_line[17].args == ("gpt-4o",) and dict(by_line[17].kwargs) == {"model_provider": "openai"}
    assert by_line[18].skip == "its positional argument 1 is not a literal (some_var)"


def test_secret_names_and_model_classes() -> None:
    for name in ("api_key", "openai_api_key", "aws_secret_access_key", "aws_access_key_id", "token", "password",
                 "aws_session_token", "google_api_key", "credentials"):
        assert is_secret_arg(name), name
    for name in ("max_tokens", "model", "region_name", "credentials_profile_name", "key_file", "base_url"):
        assert not is_secret_arg(name), name
    assert is_model_class("langchain_community.llms", "Bedrock")
    assert is_model_class("langchain_nvidia_ai_endpoints", "ChatNVIDIA")  # not in the providers table
    assert is_model_class("langchain_aws", "BedrockEmbeddings")
    assert not is_model_class("langchain_community.vectorstores", "FAISS")
    assert not is_model_class("openai", "OpenAI")


def _env(site: FakeSite, facts: notebook.NotebookFacts, environ: dict[str, str]):  # type: ignore[no-untyped-def]
    env = make_env(site, environ=environ)
    return replace(env, notebook_facts=(facts,), work_dir=facts.folder)


def test_jobs_dedupe_against_rows_and_each_other_and_carry_dummy_secrets(site: FakeSite, tmp_path: Path) -> None:
    site.add("langchain-aws", "0.1.17", modules={"langchain_aws/__init__.py": ""})
    code = ('from langchain_aws import ChatBedrock\n'
            'from langchain_community.chat_models import BedrockChat\n'
            'a = ChatBedrock(model_id="anthropic.claude-3-haiku-20240307-v1:0", region_name="us-east-1")\n'
            'b = BedrockChat(model_id="anthropic.claude-v2", region_name="us-east-1")\n'
            'c = BedrockChat(region_name="us-east-1", model_id="anthropic.claude-v2")\n'
            'd = BedrockChat("positional")\n')
    facts = _read(tmp_path, code)
    env = _env(site, facts, {"AWS_SECRET_ACCESS_KEY": "real-secret-value-123", "MY_SERVICE_TOKEN": "tok-987654321"})
    jobs = probejobs.construction_jobs(env)
    assert [j.item_id for j in jobs] == ["aws:construct", "nb1:cell1:line4:construct:BedrockChat",
                                         "nb1:cell1:line4:construct:BedrockChat", "nb1:cell1:line6:construct:BedrockChat"]
    assert jobs[0].item is None and jobs[2].item is None  # the row's probe and the first BedrockChat answer them
    item = jobs[1].item
    assert item is not None and item.op == "construct" and item.attr == "BedrockChat"
    assert dict(item.kwargs) == {"model_id": "anthropic.claude-v2", "region_name": "us-east-1"}
    # Every secret the target would see is a dummy; the aws row's fake settings are given (by the class's name).
    assert item.env["AWS_SECRET_ACCESS_KEY"] != "real-secret-value-123"
    assert item.env["MY_SERVICE_TOKEN"] == DUMMY_SECRET and item.env["AWS_DEFAULT_REGION"] == "us-east-1"
    positional = jobs[3].item
    assert positional is not None and positional.op == "exec"
    assert positional.source == ("from langchain_community.chat_models import BedrockChat\n"
                                 "BedrockChat('positional')\n")


STUB = '''\
import os


class UnknownServiceError(Exception):
    pass


class BedrockChat:
    def __init__(self, **kwargs):
        seen = "%s|%s|%s" % (kwargs.get("aws_secret_access_key"), os.environ.get("AWS_SECRET_ACCESS_KEY"),
                             os.environ.get("STUB_API_KEY"))
        try:
            raise UnknownServiceError("Unknown service: 'bedrock-runtime'. Valid service names are: a, b")
        except UnknownServiceError as exc:
            raise ValueError("Could not load credentials to authenticate with AWS client. Please check that "
                             "credentials in the specified profile name are valid. Bedrock error: %s [%s %s]"
                             % (exc, seen, sorted(kwargs))) from exc
'''


def test_a_construction_is_probed_in_the_target_and_classified_at_its_line(site: FakeSite, tmp_path: Path) -> None:
    """A real probe (this interpreter) builds a stub class outside the providers table with the notebook's literal
    arguments: the real secrets never reach it, and the failure becomes a version-skew finding at the cell line."""
    from langchain_doctor._checks import constructions, imports

    pkg = tmp_path / "langchain_stubcomm"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "chat_models.py").write_text(STUB)
    code = ('import os\nfrom langchain_stubcomm.chat_models import BedrockChat\n'
            'llm = BedrockChat(model_id="anthropic.claude-v2", region_name="us-east-1",\n'
            '                  aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"], client=make_client())\n')
    facts = _read(tmp_path, code)
    real = {"AWS_SECRET_ACCESS_KEY": "real-aws-secret-000111", "STUB_API_KEY": "real-stub-key-222333"}
    env = _env(site, facts, {**real, "PATH": "/usr/bin:/bin"})
    target = replace(env.target, python=sys.executable)
    env = replace(env, target=target, options=Options(timeout=60))
    probes = probejobs.run(env)
    [job] = probejobs.construction_jobs(env)
    r = probes[job.item_id]
    assert r.status == "error" and "Unknown service: 'bedrock-runtime'" in r.message
    seen = r.message.split("[", 1)[1]
    assert seen.count(DUMMY_SECRET) == 3, seen  # the argument and both secret variables were dummies
    for value in real.values():
        assert value not in r.message and fingerprint(value) not in r.message
    assert "'client'" not in seen and "'model_id'" in seen  # the non-literal argument was left out
    found = list(constructions.findings(replace(env, probes=probes), imports._classify))
    [f] = [x for x in found if x.code == "LCD705"]
    assert f.kind.value == "version-skew" and "cell 1, line 3" in f.title
    assert f.fix is not None and set(f.fix.install) == {"boto3>=1.28.57", "botocore>=1.31.57"}
    assert any("left out (not literals): client" in e for e in f.evidence)
    assert any("dummy values stood in for aws_secret_access_key" in e for e in f.evidence)
    [loc] = f.locations
    assert loc.path.endswith("nb.ipynb") and loc.line >= 1 and "BedrockChat(" in loc.text


def test_a_construction_that_needs_a_left_out_argument_is_a_note_not_an_error(site: FakeSite,
                                                                              tmp_path: Path) -> None:
    from langchain_doctor._checks import constructions, imports
    from langchain_doctor.probe import Result

    facts = _read(tmp_path, "from langchain_x import ChatX\nChatX(client=make())\n")
    env = _env(site, facts, {})
    [job] = probejobs.construction_jobs(env)
    failed = Result(job.item_id, "error", exc_type="ValidationError",
                    message="1 validation error for ChatX\nclient\n  Field required [type=missing]")
    [f] = constructions.findings(replace(env, probes={job.item_id: failed}), imports._classify)
    assert f.code == "LCD312" and "`client`" in f.title and f.severity.value == "info"


def test_secret_argument_names_come_from_the_credentials_knowledge(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """One source of truth: the construction reader asks knowledge/credentials.py, and keeps no list of its own."""
    import ast

    from langchain_doctor import nbconstruct
    from langchain_doctor.knowledge import credentials
    from langchain_doctor.knowledge.providers import PROVIDERS

    assert nbconstruct.is_secret_arg is credentials.is_secret_arg
    own = [n for n, v in vars(nbconstruct).items() if isinstance(v, (frozenset, set, tuple)) and "password" in v]
    assert own == [], own
    # A word added to the table is at once an argument the probe never receives.
    code = 'from langchain_openai import ChatOpenAI\nllm = ChatOpenAI(model="gpt-4o", sesame="open-up")\n'
    [before] = nbconstruct.read_cells([(1, ast.parse(code))])
    assert dict(before.kwargs)["sesame"] == "open-up" and before.dummied == ()
    monkeypatch.setattr(credentials, "SECRET_ARG_WORDS", credentials.SECRET_ARG_WORDS | {"sesame"})
    [after] = nbconstruct.read_cells([(1, ast.parse(code))])
    assert dict(after.kwargs)["sesame"] != "open-up" and after.dummied == ("sesame",)
    # Every key argument of the providers table, and every key variable as a keyword (OPENAI_API_KEY ->
    # openai_api_key, the integrations' alias), is a secret argument name.
    for p in PROVIDERS:
        for name, value in p.construct or ():
            if isinstance(value, str) and "not-a-key" in value:
                assert credentials.is_secret_arg(name), (p.name, name)
        for var in p.key_vars:
            assert credentials.is_secret_arg(var.lower()), (p.name, var)
