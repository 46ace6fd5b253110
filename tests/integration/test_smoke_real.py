"""``--online --smoke`` end to end: the real integrations and SDKs in real venvs call loopback fakes of each API.

Each provider is pointed at its fake through the variable its SDK honours (see ``tests.servers.chat.base_env``);
no test reaches a real API: the outer environment's provider variables are removed and HOME is a temporary
folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor.knowledge.providers import PROVIDERS
from langchain_doctor.model import Report
from langchain_doctor.render import markdown
from langchain_doctor.runner import smoke_rows

from tests.realenv import named_venv, real_venv, venv_python
from tests.servers.chat import ChatServer, base_env, chat_server, output_limit
from tests.servers.sts import Key, sts_server
from tests.unit.test_notebook import notebook

pytestmark = pytest.mark.integration

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
KEYS = {
    "openai": ("OPENAI_API_KEY", "sk-proj-SMOKEtest0123456789abcdefLOOP"),
    "anthropic": ("ANTHROPIC_API_KEY", "sk-ant-api03-SMOKEtest0123456789abcdefLOOP"),
    "groq": ("GROQ_API_KEY", "gsk_SMOKEtest0123456789abcdefLOOP"),
    "mistralai": ("MISTRAL_API_KEY", "SMOKEtestMistral0123456789abcdef"),
    "fireworks": ("FIREWORKS_API_KEY", "fw_SMOKEtest0123456789abcdefLOOP"),
    "together": ("TOGETHER_API_KEY", "tgp_v1_SMOKEtest0123456789abcdefLOOP"),
    "google-genai": ("GOOGLE_API_KEY", "AIzaSyD-SMOKEtest0123456789abcdefLOOPxx"),
}
AKID, SECRET = "AKIAIOSFODNN7SMOKETS", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSMOKETEST"
SECRETS = [k for _, k in KEYS.values()] + [SECRET]
# Variables of the outer environment that could point a call anywhere real.
_SCRUB_PREFIXES = ("AWS_", "GOOGLE_", "GCLOUD", "CLOUDSDK_", "AZURE_", "LANGSMITH_", "LANGCHAIN_")
_SCRUB = {v for p in PROVIDERS for v in (*p.key_vars, *p.base_url_vars, *p.required_vars)} | {
    "OPENAI_API_BASE", "ANTHROPIC_API_URL", "GROQ_API_BASE", "FIREWORKS_API_BASE", "TOGETHER_API_BASE",
    "GEMINI_API_KEY", "VIRTUAL_ENV", "CONDA_PREFIX"}


@pytest.fixture(scope="module")
def healthy7() -> Path:
    return venv_python(named_venv("healthy7"))


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """The outer environment without any provider setting, HOME empty, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in _SCRUB and not k.startswith(_SCRUB_PREFIXES)}
    home.mkdir(parents=True, exist_ok=True)
    env.update(HOME=str(home), NO_COLOR="1", **extra)
    return env


def serve(stack: ExitStack, provider: str, env: dict[str, str], **kw: Any) -> ChatServer:
    """Start the fake of ``provider``, export its key and endpoint variable into ``env``."""
    if provider == "aws":
        srv = stack.enter_context(chat_server("aws", **kw))
        sts = stack.enter_context(sts_server({AKID: Key(SECRET)}))
        env.update(AWS_ACCESS_KEY_ID=AKID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_REGION="us-east-1",
                   AWS_ENDPOINT_URL_STS=sts.url, AWS_EC2_METADATA_DISABLED="true", **base_env("aws", srv))
        return srv
    var, key = KEYS[provider]
    kw.setdefault("valid_keys", {key})
    srv = stack.enter_context(chat_server(provider, **kw))
    env.update({var: key, **base_env(provider, srv)})
    return srv


def doctor(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """``python -m doctor`` as a user runs it, stdin not a terminal.

    Probes get 60 s, as in ``_helpers.run_doctor``. A probe past its deadline goes on while it makes progress,
    and a smoke call's wait for its answer has a deadline of its own (``test_probe_attacks``: a slow import no
    longer makes that wait a hang), but no item outlives the hard cap, ``HARD_FACTOR`` x the timeout of wall
    time: at the default 10 s, an import of langchain_google_vertexai (7-10 s of CPU) that gets a fifth of a core
    on a 2-core machine whose CPUs are all busy comes near that cap. The network timeout stays 5 s.
    """
    if "--timeout" not in args:
        args = (*args, "--timeout", "60")
    return subprocess.run([sys.executable, "-m", "langchain_doctor", *args], capture_output=True, text=True, env=env,
                          cwd=cwd, stdin=subprocess.DEVNULL, timeout=600)


def rows(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["provider"]: e for e in data["smoke"]}


def assert_no_secret(*texts: str) -> None:
    for t in texts:
        for s in SECRETS:
            assert s not in t


def one_bounded_call(srv: ChatServer) -> dict[str, Any]:
    """The single chat request the server saw, checked for an output limit of 1."""
    [req] = srv.chat_requests
    body = req.json() or {}
    assert output_limit(body) == 1, body
    return body


def test_default_models_over_every_protocol(healthy7: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home")
    providers = ("openai", "anthropic", "mistralai", "groq", "fireworks", "aws")
    with ExitStack() as stack:
        servers = {p: serve(stack, p, env) for p in providers}
        out = tmp_path / "report.json"
        done = doctor("--python", str(healthy7), "--online", "--smoke", "--yes", "--format", "json",
                      "--output", str(out), env=env, cwd=tmp_path)
        bodies = {p: one_bounded_call(s) for p, s in servers.items()}
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text())
    r = rows(data)
    expected_models = {"openai": "gpt-4o-mini", "anthropic": "claude-3-5-haiku-latest",
                       "mistralai": "mistral-small-latest", "groq": "llama-3.1-8b-instant",
                       "fireworks": "accounts/fireworks/models/llama-v3p1-8b-instruct",
                       "aws": "anthropic.claude-3-haiku-20240307-v1:0"}
    finish = {"anthropic": "max_tokens", "aws": "max_tokens"}
    for p in providers:
        e = r[p]
        assert (e["ok"], e["model"], e["finish_reason"]) == (True, expected_models[p], finish.get(p, "length")), e
        assert (e["input_tokens"], e["output_tokens"], e["total_tokens"]) == (12, 1, 13), e
        assert isinstance(e["latency_s"], float) and e["usage_from"] == "usage_metadata"
        assert e["response_metadata_keys"] == sorted(e["response_metadata_keys"]) and e["response_metadata_keys"]
    assert "token_usage" in r["openai"]["response_metadata_keys"]
    assert {"stop_reason", "usage"} <= set(r["anthropic"]["response_metadata_keys"])
    assert set(r["groq"]["timings"]) == {"queue_time", "prompt_time", "completion_time", "total_time"}
    assert bodies["openai"]["model"] == "gpt-4o-mini" and bodies["anthropic"]["model"] == "claude-3-5-haiku-latest"
    assert not [f for f in data["findings"] if f["code"].startswith("LCD6")]
    # The plan went to stderr before the calls; the console table went to the terminal.
    assert "--smoke will make 6 real chat calls" in done.stderr and "may bill" in done.stderr
    lines = done.stdout.splitlines()
    head = lines.index("Smoke calls (--online --smoke: one real call per provider)")
    table = [ln.split() for ln in lines[head + 2:head + 8]]
    assert sorted(t[0] for t in table) == sorted(providers) and all(t[2] == "✓" for t in table)
    md = markdown.render(Report("x", None, (), (), (), smoke=tuple(smoke_rows(data["smoke"]))))
    head_md = next(ln for ln in md.splitlines() if ln.startswith("| provider | model | ok | latency_s |"))
    assert "| finish_reason | input_tokens | output_tokens | total_tokens |" in head_md
    assert "| groq | llama-3.1-8b-instant | yes | " in md and "| length | 12 | 1 | 13 |" in md
    assert_no_secret(done.stdout, done.stderr, out.read_text(), md)


def test_failures_are_classified_and_calls_never_retried(healthy7: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home")
    with ExitStack() as stack:
        servers = {
            "openai": serve(stack, "openai", env, valid_keys={"sk-proj-some-other-key-0123456789"}),
            "anthropic": serve(stack, "anthropic", env, mode="429"),
            "groq": serve(stack, "groq", env, models={"llama-3.3-70b-versatile"}),
            "mistralai": serve(stack, "mistralai", env, mode="hang", delay=8.0),
            "fireworks": serve(stack, "fireworks", env, mode="500"),
            "aws": serve(stack, "aws", env, mode="403"),
        }
        done = doctor("--python", str(healthy7), "--provider", "openai", "--provider", "groq", "--provider", "aws",
                      "--online", "--smoke", "--yes", "--format", "json", env=env, cwd=tmp_path)
        for srv in servers.values():
            one_bounded_call(srv)  # exactly one request each: max_retries=0 / one botocore attempt
    data = json.loads(done.stdout)
    smoke_findings = {f["provider"]: f for f in data["findings"] if f["code"].startswith("LCD6")}
    # The 401 is seen by the online key check too: one finding carrying both evidences.
    [rejected] = [f for f in data["findings"] if f["provider"] == "openai" and f["code"] == "LCD460"]
    assert "confirmed by probe (LCD601)" in rejected["evidence"]
    assert rejected["kind"] == "invalid-credential" and rejected["severity"] == "error"
    assert "HTTP status 401" in rejected["evidence"]
    assert "key OPENAI_API_KEY: sk-proj-...LOOP" in rejected["evidence"]
    got = {p: (f["code"], f["kind"], f["severity"]) for p, f in smoke_findings.items()}
    assert got == {
        "anthropic": ("LCD605", "unreachable", "warning"),
        "groq": ("LCD604", "missing-config", "error"),
        "mistralai": ("LCD606", "unreachable", "warning"),
        "fireworks": ("LCD607", "unreachable", "warning"),
        "aws": ("LCD604", "missing-config", "error"),
    }, data["findings"]
    assert "'llama-3.1-8b-instant'" in smoke_findings["groq"]["title"]
    assert "'anthropic.claude-3-haiku-20240307-v1:0'" in smoke_findings["aws"]["title"]
    r = rows(data)
    assert all(not e["ok"] and e["status"] == "error" and e["input_tokens"] is None for e in r.values())
    assert r["anthropic"]["error"].startswith("HTTP 429")
    assert done.returncode == 1
    assert_no_secret(done.stdout, done.stderr)


def test_seed_notebook(healthy7: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home")
    with ExitStack() as stack:
        servers = {p: serve(stack, p, env)
                   for p in ("openai", "anthropic", "aws", "mistralai", "groq", "together", "fireworks")}
        # The notebook names Together's public URL for ChatOpenAI: the provider's variable redirects it.
        env["TOGETHER_BASE_URL"] = servers["together"].url + "/v1"
        done = doctor("--python", str(healthy7), "--notebook", str(EXAMPLES / "response-metadata.ipynb"),
                      "--online", "--smoke", "--yes", "--format", "json", env=env, cwd=tmp_path)
        bodies = {p: one_bounded_call(s) for p, s in servers.items()}
        together_auth = servers["together"].chat_requests[0].headers["authorization"]
    data = json.loads(done.stdout)
    r = rows(data)
    # The notebook's own models where it names them; the default model where it constructs without one.
    assert {p: (e["ok"], e["requested_model"], e["class"]) for p, e in r.items()} == {
        "openai": (True, "gpt-4-turbo", "ChatOpenAI"),
        "anthropic": (True, "claude-3-sonnet-20240229", "ChatAnthropic"),
        "aws": (True, "anthropic.claude-v2", "ChatBedrock"),
        "mistralai": (True, "mistral-small-latest", "ChatMistralAI"),
        "groq": (True, "llama-3.1-8b-instant", "ChatGroq"),
        "together": (True, "mistralai/Mixtral-8x7B-Instruct-v0.1", "ChatOpenAI"),
        "fireworks": (True, "accounts/fireworks/models/mixtral-8x7b-instruct", "ChatFireworks"),
        "google-vertexai": (False, None, None),
    }
    assert bodies["together"]["model"] == "mistralai/Mixtral-8x7B-Instruct-v0.1"
    assert together_auth == f"Bearer {KEYS['together'][1]}"  # ChatOpenAI got TOGETHER_API_KEY, as in the cell
    assert r["together"]["notes"] == ["base URL from TOGETHER_API_BASE (the notebook names "
                                      "https://api.together.xyz/v1)"]
    # Vertex AI cannot be pointed at a fake (no endpoint variable) and has no credentials here: not called.
    assert r["google-vertexai"]["status"] == "skipped"
    assert "Application Default Credentials" in r["google-vertexai"]["error"]
    [note] = [f for f in data["findings"] if f["code"] == "LCD609"]
    assert note["provider"] == "google-vertexai" and note["severity"] == "info"
    assert "google-vertexai: no Google Application Default Credentials" in done.stderr  # the plan said so
    assert_no_secret(done.stdout, done.stderr)


def test_notebook_classes_bedrock_converse_and_a_private_endpoint(healthy7: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home")
    with ExitStack() as stack:
        aws = serve(stack, "aws", env)
        # A gateway of the user's own, named in the notebook: kept as written (no variable points there).
        gateway = stack.enter_context(chat_server("anthropic", valid_keys={KEYS["anthropic"][1]}))
        env["ANTHROPIC_API_KEY"] = KEYS["anthropic"][1]
        nb = notebook(tmp_path / "nb.ipynb",
                      "from langchain_aws import ChatBedrockConverse\n"
                      "llm = ChatBedrockConverse(model='amazon.nova-micro-v1:0')",
                      "from langchain_anthropic import ChatAnthropic\n"
                      f"llm = ChatAnthropic(model='claude-sonnet-4-5', base_url='{gateway.url}')")
        done = doctor("--python", str(healthy7), "--notebook", str(nb), "--online", "--smoke", "--yes",
                      "--format", "json", env=env, cwd=tmp_path)
        one_bounded_call(aws)
        one_bounded_call(gateway)
        converse_path = aws.chat_requests[0].path
    r = rows(json.loads(done.stdout))
    assert converse_path == "/model/amazon.nova-micro-v1%3A0/converse"
    assert (r["aws"]["ok"], r["aws"]["class"], r["aws"]["finish_reason"], r["aws"]["total_tokens"]) == (
        True, "ChatBedrockConverse", "max_tokens", 13), r["aws"]
    assert (r["anthropic"]["ok"], r["anthropic"]["model"], r["anthropic"]["finish_reason"]) == (
        True, "claude-sonnet-4-5", "max_tokens")
    assert_no_secret(done.stdout, done.stderr)


@pytest.mark.parametrize(("requirement", "provider", "model", "finish"), [
    ("langchain-together==0.4.0", "together", "meta-llama/Llama-3-8b-chat-hf", "length"),
    ("langchain-google-genai==4.4.3", "google-genai", "gemini-2.0-flash", "MAX_TOKENS"),
])
def test_own_integration_packages(requirement: str, provider: str, model: str, finish: str, tmp_path: Path) -> None:
    python = venv_python(real_venv([requirement]))
    env = clean_env(tmp_path / "home")
    with ExitStack() as stack:
        srv = serve(stack, provider, env)
        done = doctor("--python", str(python), "--online", "--smoke", "--yes", "--format", "json", env=env,
                      cwd=tmp_path)
        body = one_bounded_call(srv)
        path = srv.chat_requests[0].path
    data = json.loads(done.stdout)
    e = rows(data)[provider]
    assert (e["ok"], e["model"], e["finish_reason"], e["input_tokens"], e["output_tokens"], e["total_tokens"]) == (
        True, model, finish, 12, 1, 13), e
    if provider == "google-genai":
        assert path.endswith(f"/models/{model}:generateContent")  # Gemini names the model in the path
    else:
        assert body["model"] == model
    assert_no_secret(done.stdout, done.stderr)


def test_refused_without_yes_and_nothing_is_called(healthy7: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home")
    with ExitStack() as stack:
        srv = serve(stack, "openai", env)
        done = doctor("--python", str(healthy7), "--online", "--smoke", env=env, cwd=tmp_path)
        seen = list(srv.requests)
    assert done.returncode == 2
    assert "openai  ChatOpenAI(model='gpt-4o-mini', max_tokens=1" in done.stderr and "may bill" in done.stderr
    assert "pass --yes (nothing was called)" in done.stderr
    assert seen == []  # not even the key check: the refusal comes before any network use
    assert done.stdout == ""


def test_no_smoke_call_without_smoke(healthy7: Path, tmp_path: Path) -> None:
    env = clean_env(tmp_path / "home")
    with ExitStack() as stack:
        srv = serve(stack, "openai", env)
        done = doctor("--python", str(healthy7), "--online", "--format", "json", env=env, cwd=tmp_path)
        posts = srv.chat_requests
    assert posts == [] and "smoke" not in json.loads(done.stdout)
