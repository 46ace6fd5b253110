"""The --smoke stage without real SDKs: plan, confirmation, normalising metadata, classifying failures, rendering."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

import click
import pytest
from langchain_doctor import notebook, smoke, subproc
from langchain_doctor.context import Environment, Options
from langchain_doctor.model import Kind, Report, Severity
from langchain_doctor.probe import Result
from langchain_doctor.redact import Redactor
from langchain_doctor.registry import info
from langchain_doctor.render import console
from langchain_doctor.runner import smoke_rows
from langchain_doctor.target import TargetError

from tests.fakeenv import FakeSite, make_env
from tests.servers import harness as h

OPENAI_KEY = "sk-proj-" + "Q7w8E9r0T1y2U3i4O5p6" * 2
TOGETHER_KEY = "tgp_v1_" + "a1B2c3D4e5F6g7H8" * 3
ONLINE = Options(online=True, smoke=True)


def env_for(site: FakeSite, tmp_path: Path, environ: dict[str, str] | None = None, needed: tuple[str, ...] = (),
            options: Options = ONLINE) -> Environment:
    """A fake environment whose HOME is empty (no real ~/.aws or gcloud files leak in)."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return make_env(site, options=options, environ={"HOME": str(home), **(environ or {})}, needed=needed)


def with_notebook(env: Environment, path: Path) -> Environment:
    """``env`` as read_environment makes it for ``--notebook path``."""
    facts = notebook.read(path)
    pkgs = dict(facts.provider_packages)
    return replace(env, notebook_facts=(facts,), needed=frozenset(pkgs), needed_packages=pkgs,
                   work_dir=facts.folder)


# ---- plan -----------------------------------------------------------------------------------------------------

def test_configured_provider_gets_the_minimal_default_call(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    pl = smoke.select(env_for(site, tmp_path, {"OPENAI_API_KEY": OPENAI_KEY}))
    [call] = pl.calls
    assert (call.provider, call.module, call.chat_class, call.origin) == ("openai", "langchain_openai", "ChatOpenAI",
                                                                          "default")
    assert dict(call.kwargs) == {"model": "gpt-4o-mini", "max_tokens": 1, "timeout": 5.0, "max_retries": 0}
    assert call.credential == "key OPENAI_API_KEY from environment"
    assert pl.skipped == ()


def test_installed_provider_without_credential_and_not_needed_is_left_out(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    h.install(site, "langchain-anthropic")
    pl = smoke.select(env_for(site, tmp_path, {"OPENAI_API_KEY": OPENAI_KEY}))
    assert [c.provider for c in pl.calls] == ["openai"] and pl.skipped == ()


def test_needed_provider_without_key_or_package_is_skipped_with_the_reason(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-anthropic")
    pl = smoke.select(env_for(site, tmp_path, needed=("anthropic", "groq")))
    assert pl.calls == ()
    reasons = {s.provider: s.reason for s in pl.skipped}
    assert reasons == {"anthropic": "no API key: ANTHROPIC_API_KEY is not set",
                       "groq": "langchain-groq is not installed"}
    assert all(s.needed for s in pl.skipped)


def test_placeholder_key_is_not_sent(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    pl = smoke.select(env_for(site, tmp_path, {"OPENAI_API_KEY": "your-api-key-here"}))
    [s] = pl.skipped
    assert pl.calls == () and "has problems" in s.reason


def test_failed_probe_means_no_call(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    env = env_for(site, tmp_path, {"OPENAI_API_KEY": OPENAI_KEY})
    env = replace(env, probes={"openai:import": Result("openai:import", "ok"),
                               "openai:construct": Result("openai:construct", "error", exc_type="PydanticUserError")})
    [s] = smoke.select(env).skipped
    assert s.reason.startswith("the chat class cannot be constructed (PydanticUserError")


def test_no_probe_means_no_call(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    env = env_for(site, tmp_path, {"OPENAI_API_KEY": OPENAI_KEY}, options=replace(ONLINE, probe=False))
    [s] = smoke.select(env).skipped
    assert s.reason.startswith("--no-probe")


def test_azure_needs_the_notebooks_deployment(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    env = env_for(site, tmp_path, {"AZURE_OPENAI_API_KEY": "a" * 32, "AZURE_OPENAI_ENDPOINT": "https://x.openai.azure.com",
                                   "OPENAI_API_VERSION": "2024-06-01"}, needed=("azure-openai",))
    [s] = smoke.select(env).skipped
    assert s.provider == "azure-openai" and "no model to call" in s.reason and "--notebook" in s.reason


def test_bedrock_call_uses_model_id_and_a_botocore_config(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-aws")
    env = env_for(site, tmp_path, {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
                                   "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                                   "AWS_REGION": "us-east-1"})
    [call] = smoke.select(env).calls
    assert call.chat_class == "ChatBedrock"
    assert dict(call.kwargs) == {"model_id": "anthropic.claude-3-haiku-20240307-v1:0", "max_tokens": 1,
                                 "config": "@probe:botocore-config:5"}
    assert "Config(timeouts 5s, 1 attempt)" in call.display()


def test_notebook_arguments_and_together_through_chatopenai(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    h.install(site, "langchain-groq")
    nb = tmp_path / "nb" / "seed.py"
    nb.parent.mkdir()
    nb.write_text(
        "import os\nfrom langchain_openai import ChatOpenAI\nfrom langchain_groq import ChatGroq\n"
        "a = ChatOpenAI(model='gpt-4-turbo', temperature=0.3)\n"
        "b = ChatOpenAI(base_url='https://api.together.xyz/v1', api_key=os.environ['TOGETHER_API_KEY'],\n"
        "               model='mistralai/Mixtral-8x7B-Instruct-v0.1')\n"
        "c = ChatGroq()\n")
    environ = {"OPENAI_API_KEY": OPENAI_KEY, "TOGETHER_API_KEY": TOGETHER_KEY, "GROQ_API_KEY": "gsk_" + "x1" * 26}
    env = with_notebook(env_for(site, tmp_path, environ), nb)
    calls = {c.provider: c for c in smoke.select(env).calls}
    assert set(calls) == {"openai", "together", "groq"}
    assert calls["openai"].model == "gpt-4-turbo" and calls["openai"].origin == "seed.py line 4"
    assert "temperature" not in calls["openai"].kwargs  # only model, URLs and settings pass on
    t = calls["together"]
    assert (t.module, t.chat_class) == ("langchain_openai", "ChatOpenAI")
    # ChatOpenAI would read OPENAI_API_KEY: the notebook passes Together's key, the doctor names it.
    assert t.kwargs["api_key"] == "@probe:env:TOGETHER_API_KEY"
    assert t.kwargs["base_url"] == "https://api.together.xyz/v1" and t.notes == ()
    assert TOGETHER_KEY not in t.display() and "api_key=$TOGETHER_API_KEY" in t.display()
    assert calls["groq"].model == "llama-3.1-8b-instant" and calls["groq"].kwargs["model"] == "llama-3.1-8b-instant"
    assert all(c.needed for c in calls.values())


def test_base_url_variable_replaces_the_notebooks_public_endpoint(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    nb = tmp_path / "nb.py"
    nb.write_text("import os\nfrom langchain_openai import ChatOpenAI\n"
                  "llm = ChatOpenAI(base_url='https://api.together.xyz/v1', api_key=os.environ['TOGETHER_API_KEY'], "
                  "model='m')\n")
    env = with_notebook(env_for(site, tmp_path, {"TOGETHER_API_KEY": TOGETHER_KEY,
                                                 "TOGETHER_BASE_URL": "http://127.0.0.1:9/v1"}), nb)
    [call] = smoke.select(env).calls
    assert call.kwargs["base_url"] == "http://127.0.0.1:9/v1"
    assert call.notes == ("base URL from TOGETHER_BASE_URL (the notebook names https://api.together.xyz/v1)",)


def test_private_endpoint_in_the_notebook_is_kept(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    nb = tmp_path / "nb.py"
    nb.write_text("from langchain_openai import ChatOpenAI\n"
                  "llm = ChatOpenAI(base_url='http://gateway.internal/v1', model='gpt-4o')\n")
    env = with_notebook(env_for(site, tmp_path, {"OPENAI_API_KEY": OPENAI_KEY,
                                                 "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"}), nb)
    [call] = smoke.select(env).calls
    assert call.kwargs["base_url"] == "http://gateway.internal/v1" and call.notes == ()


def test_init_chat_model_uses_the_providers_class(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-anthropic")
    nb = tmp_path / "nb.py"
    nb.write_text("from langchain.chat_models import init_chat_model\n"
                  "llm = init_chat_model(model='anthropic:claude-3-5-haiku-latest')\n")
    env = with_notebook(env_for(site, tmp_path, {"ANTHROPIC_API_KEY": "sk-ant-" + "k" * 40}), nb)
    [call] = smoke.select(env).calls
    assert call.chat_class == "ChatAnthropic" and call.kwargs["model"] == "claude-3-5-haiku-latest"


def test_key_from_a_loaded_dotenv_travels_only_in_the_item_env(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    proj = tmp_path / "proj"
    proj.mkdir()
    (proj / ".env").write_text(f"OPENAI_API_KEY={OPENAI_KEY}\n")
    nb = proj / "nb.py"
    nb.write_text("from dotenv import load_dotenv\nload_dotenv()\nfrom langchain_openai import ChatOpenAI\n"
                  "llm = ChatOpenAI(model='gpt-4o-mini')\n")
    env = with_notebook(env_for(site, tmp_path), nb)
    pl = smoke.select(env)
    [call] = pl.calls
    assert call.env == {"OPENAI_API_KEY": OPENAI_KEY}
    assert OPENAI_KEY not in "\n".join(smoke.describe(pl)) and OPENAI_KEY not in repr(call)


def test_describe_names_calls_cost_and_skips(site: FakeSite, tmp_path: Path) -> None:
    h.install(site, "langchain-openai")
    pl = smoke.select(env_for(site, tmp_path, {"OPENAI_API_KEY": OPENAI_KEY}, needed=("mistralai",)))
    text = "\n".join(smoke.describe(pl))
    assert "1 real chat call " in text and "may bill" in text
    assert "openai  ChatOpenAI(model='gpt-4o-mini', max_tokens=1, timeout=5.0, max_retries=0)" in text
    assert "not called: mistralai: langchain-mistralai is not installed" in text


# ---- confirmation ---------------------------------------------------------------------------------------------

def _one_call_plan() -> smoke.SmokeCalls:
    return smoke.SmokeCalls((smoke.Call("openai", "langchain_openai", "ChatOpenAI", {"model": "m"}, "m", "default"),))


def test_confirmation_refused_means_nothing_runs() -> None:
    asked: list[smoke.SmokeCalls] = []

    def no(pl: smoke.SmokeCalls) -> bool:
        asked.append(pl)
        return False

    with pytest.raises(smoke.SmokeRefused, match="pass --yes") as info_:
        smoke.confirm(_one_call_plan(), no)
    assert isinstance(info_.value, TargetError) and len(asked) == 1


def test_nothing_to_call_needs_no_confirmation() -> None:
    def fail(pl: smoke.SmokeCalls) -> bool:
        raise AssertionError("asked")

    smoke.confirm(smoke.SmokeCalls(skipped=(smoke.Skip("openai", "no key"),)), fail)


@pytest.mark.parametrize(("yes", "expected"), [(True, True), (False, False)])
def test_cli_confirm_takes_yes_and_refuses_without_a_terminal(yes: bool, expected: bool,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    @click.command()
    @click.option("--yes", is_flag=True)
    def cmd(yes: bool) -> None:
        click.get_current_context().obj = smoke.cli_confirm(_one_call_plan())

    ctx = cmd.make_context("cmd", ["--yes"] if yes else [])
    with ctx:
        cmd.invoke(ctx)
    assert ctx.obj is expected  # pytest's stdin is not a terminal: without --yes the answer is no
    err = capsys.readouterr().err
    assert "--smoke will make 1 real chat call" in err and "ChatOpenAI(model='m')" in err


def test_cli_refuses_smoke_without_online() -> None:
    from click.testing import CliRunner
    from langchain_doctor.cli import cli

    res = CliRunner().invoke(cli, ["check", "--smoke", "--yes"])
    assert res.exit_code == 2 and "--smoke needs --online" in res.output


# ---- normalising response metadata ----------------------------------------------------------------------------

# The shapes of the response_metadata page (the seed notebook) and of the current integrations.
ANTHROPIC_SEED = {"id": "msg_01K2PA7TMazxZVphSnuT9e5g", "model": "claude-3-sonnet-20240229", "stop_reason": "end_turn",
                  "stop_sequence": None, "usage": {"input_tokens": 17, "output_tokens": 321}}
MISTRAL_SEED = {"token_usage": {"prompt_tokens": 19, "total_tokens": 225, "completion_tokens": 206},
                "model": "mistral-small", "finish_reason": "stop"}
GROQ_SEED = {"token_usage": {"completion_tokens": 207, "prompt_tokens": 19, "total_tokens": 226,
                             "completion_time": 0.335856535, "prompt_time": 0.002323424,
                             "queue_time": 0.011152514999999998, "total_time": 0.338179959},
             "model_name": "mixtral-8x7b-32768", "system_fingerprint": "fp_c5f20b5bb1", "finish_reason": "stop",
             "logprobs": None}


@pytest.mark.parametrize(("rm", "um", "expected"), [
    (ANTHROPIC_SEED, None, ("claude-3-sonnet-20240229", "end_turn", 17, 321, 338, "response_metadata.usage")),
    (MISTRAL_SEED, None, ("mistral-small", "stop", 19, 206, 225, "response_metadata.token_usage")),
    (GROQ_SEED, None, ("mixtral-8x7b-32768", "stop", 19, 207, 226, "response_metadata.token_usage")),
    # ChatBedrock (InvokeModel) and ChatBedrockConverse.
    ({"usage": {"prompt_tokens": 12, "completion_tokens": 1, "total_tokens": 13}, "stop_reason": "max_tokens",
      "model_id": "anthropic.claude-v2"}, None, ("anthropic.claude-v2", "max_tokens", 12, 1, 13,
                                                  "response_metadata.usage")),
    ({"ResponseMetadata": {}, "stopReason": "max_tokens", "metrics": {"latencyMs": [118]},
      "usage": {"inputTokens": 12, "outputTokens": 1, "totalTokens": 13}, "model_name": "amazon.nova-micro-v1:0"},
     None, ("amazon.nova-micro-v1:0", "max_tokens", 12, 1, 13, "response_metadata.usage")),
    # Vertex AI / Google GenAI keep the API's usage_metadata in response_metadata.
    ({"is_blocked": False, "usage_metadata": {"prompt_token_count": 5, "candidates_token_count": 1,
                                              "total_token_count": 6}, "finish_reason": "MAX_TOKENS",
      "model_name": "gemini-2.0-flash"}, None, ("gemini-2.0-flash", "MAX_TOKENS", 5, 1, 6,
                                                "response_metadata.usage_metadata")),
    # Ollama.
    ({"model": "llama3.2", "done_reason": "length", "prompt_eval_count": 30, "eval_count": 1}, None,
     ("llama3.2", "length", 30, 1, 31, "response_metadata.eval_count")),
    # The standard field wins where present (its counts include cache reads, for instance).
    (ANTHROPIC_SEED, {"input_tokens": 20, "output_tokens": 321, "total_tokens": 341},
     ("claude-3-sonnet-20240229", "end_turn", 20, 321, 341, "usage_metadata")),
    ({"finish_reason": "stop"}, {"input_tokens": 3, "output_tokens": 1}, (None, "stop", 3, 1, 4, "usage_metadata")),
    ({}, None, (None, None, None, None, None, None)),
    (None, None, (None, None, None, None, None, None)),
])
def test_normalise(rm: Any, um: Any, expected: tuple[Any, ...]) -> None:
    u = smoke.normalise(rm, um)
    assert (u.model, u.finish_reason, u.input_tokens, u.output_tokens, u.total_tokens, u.source) == expected


@pytest.mark.parametrize(("chat_class", "rm", "expected"), [
    # An answer carrying two spellings: the class's own key (its row's smoke shape) wins.
    ("ChatBedrockConverse", {"stop_reason": "end_turn", "stopReason": "max_tokens", "model_id": "a",
                             "model_name": "b"}, ("b", "max_tokens")),
    ("ChatBedrock", {"stop_reason": "end_turn", "stopReason": "max_tokens", "model_id": "a", "model_name": "b"},
     ("a", "end_turn")),
    ("ChatOllama", {"done_reason": "length", "finish_reason": "stop", "model": "llama3.2"}, ("llama3.2", "length")),
    # A class no row knows reads every row's keys, in table order.
    ("ChatSomethingElse", {"done_reason": "length", "model": "m"}, ("m", "length")),
])
def test_normalise_reads_the_classes_own_keys_first(chat_class: str, rm: Any, expected: tuple[Any, ...]) -> None:
    u = smoke.normalise(rm, None, chat_class)
    assert (u.model, u.finish_reason) == expected


def test_normalise_takes_its_keys_from_the_provider_rows(monkeypatch: pytest.MonkeyPatch) -> None:
    """No key is the engine's own: a row that names a new key is read, and without rows nothing is."""
    from langchain_doctor.knowledge import providers as P

    shape = P.SHAPES["ChatOpenAI"]._replace(model_keys=("served_by",), finish_keys=("why_stopped",))
    monkeypatch.setitem(smoke.SHAPES, "ChatOpenAI", shape)
    rm = {"served_by": "m1", "why_stopped": "length", "model_name": "m0", "finish_reason": "stop"}
    u = smoke.normalise(rm, None, "ChatOpenAI")
    assert (u.model, u.finish_reason) == ("m1", "length")
    monkeypatch.setattr(smoke, "MODEL_KEYS", ())
    monkeypatch.setattr(smoke, "FINISH_KEYS", ())
    u = smoke.normalise(rm, None, "ChatSomethingElse")
    assert (u.model, u.finish_reason) == (None, None)
    assert set(P.MODEL_KEYS) == {k for p in P.PROVIDERS for _, sh in p.smoke for k in sh.model_keys}
    assert set(P.FINISH_KEYS) == {k for p in P.PROVIDERS for _, sh in p.smoke for k in sh.finish_keys}


def test_groq_timings_are_kept() -> None:
    assert smoke.normalise(GROQ_SEED, None).timings == {"queue_time": 0.011152514999999998, "prompt_time": 0.002323424,
                                                        "completion_time": 0.335856535, "total_time": 0.338179959}


# ---- classifying failures -------------------------------------------------------------------------------------

CALL = smoke.Call("openai", "langchain_openai", "ChatOpenAI", {"model": "gpt-x"}, "gpt-x", "default")


def _err(exc_type: str, message: str, status: int | None = None, code: str = "") -> dict[str, Any]:
    http: dict[str, Any] = {}
    if status is not None:
        http["http_status"] = status
    if code:
        http["error_code"] = code
    return {"status": "error", "exc_type": exc_type, "message": message, "http": http}


@pytest.mark.parametrize(("result", "code"), [
    (_err("AuthenticationError", "Error code: 401 - {'error': {'message': 'Incorrect API key provided: sk-pr******"
          "ab12.', 'code': 'invalid_api_key'}}", 401), "LCD601"),
    (_err("PermissionDeniedError", "Error code: 403 - {'error': {'type': 'permission_error'}}", 403), "LCD601"),
    (_err("RateLimitError", "Error code: 429 - {'error': {'code': 'insufficient_quota'}}", 429), "LCD605"),
    (_err("ClientError", "An error occurred (ThrottlingException) when calling the InvokeModel operation: Too many "
          "requests", 429, "ThrottlingException"), "LCD605"),
    (_err("NotFoundError", "Error code: 404 - {'error': {'message': 'The model `gpt-x` does not exist or you do not "
          "have access to it.', 'code': 'model_not_found'}}", 404), "LCD604"),
    (_err("HTTPStatusError", "Error response 400 while fetching https://api.mistral.ai/v1/chat/completions: "
          "{\"object\":\"error\",\"message\":\"Invalid model: gpt-x\",\"type\":\"invalid_model\"}", 400), "LCD604"),
    (_err("ValidationException", "An error occurred (AccessDeniedException) when calling the InvokeModel operation: "
          "You don't have access to the model with the specified model ID.", 403, "AccessDeniedException"),
     "LCD604"),
    (_err("InternalServerError", "Error code: 500 - {'error': {'type': 'server_error'}}", 500), "LCD607"),
    (_err("OverloadedError", "Error code: 529 - {'type': 'error', 'error': {'type': 'overloaded_error'}}", 529),
     "LCD607"),
    (_err("APIConnectionError", "Connection error."), "LCD606"),
    (_err("APITimeoutError", "Request timed out."), "LCD606"),
    ({"status": "timeout", "message": "no result within 20s"}, "LCD606"),
    (_err("RefreshError", "('invalid_grant: Bad Request', {'error': 'invalid_grant', 'error_subtype': "
          "'invalid_rapt'})"), "LCD602"),
    (_err("NoCredentialsError", "Unable to locate credentials"), "LCD603"),
    (_err("NoRegionError", "You must specify a region."), "LCD604"),
    (_err("BadRequestError", "Error code: 400 - {'error': {'message': \"Unsupported parameter: 'max_tokens'\"}}",
          400), "LCD608"),
    ({"status": "crashed", "message": "the interpreter exited with status 139"}, "LCD608"),
])
def test_classify(result: dict[str, Any], code: str) -> None:
    f = smoke.classify(CALL, result, "/venv/bin/python", timeout=5)
    assert f.code == code, f
    assert f.title.startswith("openai: ")
    if code == "LCD604" and result.get("http", {}).get("http_status"):
        assert "'gpt-x'" in f.title  # the error names the model asked for


def test_codes_are_registered_with_the_kinds_the_issue_asks_for() -> None:
    assert info("LCD601").kind is Kind.INVALID_CREDENTIAL and info("LCD601").severity is Severity.ERROR
    assert info("LCD602").kind is Kind.REAUTH_REQUIRED
    assert info("LCD605").severity is Severity.WARNING
    assert info("LCD604").severity is Severity.ERROR


# ---- executing (the subprocess door replaced) -----------------------------------------------------------------

def _fake_runner(answers: dict[str, Any]) -> Any:
    """A subproc runner that answers each smoke job as the probe would: one result line per item, on its channel."""
    def run(argv: Any, *, timeout: float, cwd: Any = None, env: Any = None, stdin: bytes | None = None,
            channel: Any = None) -> subproc.Completed:
        job = json.loads(stdin or b"{}")
        assert job["network"] is True and [i["op"] for i in job["items"]] == ["invoke"]
        item = job["items"][0]
        answer = answers[item["attr"]]

        def send(d: dict[str, Any]) -> None:
            channel.line(f"{job['token']} {json.dumps(d)}".encode())

        send({"id": item["id"], "status": "started"})
        if answer == "timeout":
            return subproc.Completed(tuple(argv), None, "", "", True, timeout)
        send({"id": item["id"], **answer})
        return subproc.Completed(tuple(argv), 0, "", "", False, 0.1)
    return run


def test_execute_builds_rows_and_findings(site: FakeSite, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for pkg in ("langchain-openai", "langchain-anthropic", "langchain-groq"):
        h.install(site, pkg)
    environ = {"OPENAI_API_KEY": OPENAI_KEY, "ANTHROPIC_API_KEY": "sk-ant-" + "k" * 40, "GROQ_API_KEY": "gsk_" + "g" * 40}
    env = env_for(site, tmp_path, environ, needed=("openai", "anthropic", "mistralai"))
    ok = {"status": "ok", "value": {"latency_s": 0.42, "response_metadata": {
        "token_usage": {"prompt_tokens": 12, "completion_tokens": 1, "total_tokens": 13}, "model_name": "gpt-4o-mini",
        "finish_reason": "length"}, "usage_metadata": {"input_tokens": 12, "output_tokens": 1, "total_tokens": 13}}}
    denied = _err("AuthenticationError", "Error code: 401 - invalid x-api-key", 401)
    monkeypatch.setattr(subproc, "RUNNER", _fake_runner({"ChatOpenAI": ok, "ChatAnthropic": denied,
                                                         "ChatGroq": "timeout"}))
    pl = smoke.select(env)
    entries, findings = smoke.execute(env, pl)
    rows = {e.provider: e for e in entries}
    assert rows["openai"].ok and rows["openai"].latency_s == 0.42
    assert rows["openai"].response_metadata_keys == ("finish_reason", "model_name", "token_usage")
    assert (rows["anthropic"].status, rows["anthropic"].code) == ("error", "LCD601")
    assert (rows["groq"].status, rows["groq"].code) == ("error", "LCD606")
    assert rows["mistralai"].status == "skipped"
    by_code = {f.code: f for f in findings}
    assert set(by_code) == {"LCD601", "LCD606", "LCD609"}
    assert by_code["LCD601"].severity is Severity.ERROR  # anthropic is needed
    assert by_code["LCD606"].severity is Severity.WARNING and by_code["LCD609"].severity is Severity.INFO
    assert any(e.startswith("key ANTHROPIC_API_KEY: sk-ant-...kkkk") for e in by_code["LCD601"].evidence)
    assert all("k" * 40 not in e for f in findings for e in f.evidence)
    [row] = [d for d in smoke.to_json(entries) if d["provider"] == "openai"]
    assert {k: row[k] for k in ("provider", "model", "ok", "latency_s", "finish_reason", "input_tokens",
                                "output_tokens", "total_tokens", "response_metadata_keys")} == {
        "provider": "openai", "model": "gpt-4o-mini", "ok": True, "latency_s": 0.42, "finish_reason": "length",
        "input_tokens": 12, "output_tokens": 1, "total_tokens": 13,
        "response_metadata_keys": ["finish_reason", "model_name", "token_usage"]}


def test_unneeded_provider_rejection_is_a_warning(site: FakeSite, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    h.install(site, "langchain-openai")
    env = env_for(site, tmp_path, {"OPENAI_API_KEY": OPENAI_KEY})
    monkeypatch.setattr(subproc, "RUNNER", _fake_runner({"ChatOpenAI": _err("AuthenticationError", "401", 401)}))
    _, [f] = smoke.execute(env, smoke.select(env))
    assert f.code == "LCD601" and f.severity is Severity.WARNING


# ---- rendering ------------------------------------------------------------------------------------------------

SMOKE_JSON = [
    {"provider": "openai", "model": "gpt-4o-mini", "ok": True, "latency_s": 0.42, "finish_reason": "length",
     "input_tokens": 12, "output_tokens": 1, "total_tokens": 13, "status": "ok",
     "response_metadata_keys": ["finish_reason", "model_name", "token_usage"]},
    {"provider": "anthropic", "model": "claude-x", "ok": False, "latency_s": None, "finish_reason": None,
     "input_tokens": None, "output_tokens": None, "total_tokens": None, "status": "error", "code": "LCD601",
     "error": "HTTP 401: credential rejected", "response_metadata_keys": []},
    {"provider": "google-vertexai", "model": None, "ok": False, "status": "skipped",
     "error": "no Google Application Default Credentials", "response_metadata_keys": []},
]


def test_console_section() -> None:
    report = Report("0.0", None, (), (), (), smoke=tuple(smoke_rows(SMOKE_JSON)))
    text = console.render(report)
    lines = text.splitlines()
    start = lines.index("Smoke calls (--online --smoke: one real call per provider)")
    assert lines[start + 1].split() == ["provider", "model", "ok", "latency", "finish", "in", "out", "total"]
    assert lines[start + 2].split() == ["openai", "gpt-4o-mini", "✓", "0.42s", "length", "12", "1", "13"]
    assert lines[start + 3].split() == ["anthropic", "claude-x", "✗", "-", "-", "-", "-", "-"]
    assert lines[start + 4].split()[:3] == ["google-vertexai", "-", "·"]
    assert "anthropic: error (LCD601): HTTP 401: credential rejected" in text
    assert "response_metadata keys" not in text
    assert "openai: response_metadata keys: finish_reason, model_name, token_usage" in console.render(report,
                                                                                                    verbose=True)


def test_console_has_no_smoke_section_by_default() -> None:
    assert "Smoke calls" not in console.render(Report("0.0", None, (), (), ()))


def test_entry_json_is_redacted() -> None:
    secret = "sk-proj-" + "Z" * 40
    e = smoke.Entry("openai", "ChatOpenAI", "gpt", "error", error=f"Incorrect API key provided: {secret}")
    d = e.to_json(Redactor([secret]))
    assert secret not in json.dumps(d)
    assert d["ok"] is False and d["error"].startswith("Incorrect API key provided: ") and "code" not in d


# ---- the probe's invoke op, in a real interpreter with a stub chat class ---------------------------------------

STUB = '''
import socket

class Meta:
    def model_dump(self):
        return {"nested": {"n": 1}}

class AIMessage:
    content = "OK"
    response_metadata = {"model_name": "stub-1", "finish_reason": "length", "obj": Meta(), "api_key": "leak",
                         "token_usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}}
    usage_metadata = {"input_tokens": 3, "output_tokens": 1, "total_tokens": 4}

class StubChat:
    def __init__(self, **kwargs):
        self.kwargs = kwargs

    def invoke(self, prompt):
        assert self.kwargs["api_key"] == "from-env" and self.kwargs["max_tokens"] == 1
        return AIMessage()

class ApiError(Exception):
    status_code = 429
    code = "insufficient_quota"

class FailingChat(StubChat):
    def invoke(self, prompt):
        try:
            raise ConnectionError("boom")
        except ConnectionError as inner:
            raise ApiError("Error code: 429 - quota") from inner

class NetChat(StubChat):
    def invoke(self, prompt):
        try:  # blocked, the socket itself is refused (the kernel filter) or its connect is (the Python block)
            s = socket.socket()
            try:
                s.connect(("127.0.0.1", 9))
            finally:
                s.close()
        except OSError as exc:
            return type("M", (), {"content": "", "response_metadata": {"errno": exc.errno}, "usage_metadata": None})()
'''


def _run_probe(tmp_path: Path, items: list[dict[str, Any]], block: bool) -> tuple[list[dict[str, Any]], str]:
    import dataclasses
    import sys

    from langchain_doctor import probe

    (tmp_path / "stubchat.py").write_text(STUB)
    objs = [probe.Item(**i) for i in items]
    results = probe._run_batch(sys.executable, objs, cwd=str(tmp_path), env={**os.environ, "STUB_KEY": "from-env"},
                               timeout=60, network=not block)
    out = [dataclasses.asdict(results[i.id]) for i in objs]
    return out, "\n".join(r["stderr"] for r in out)


def _item(attr: str) -> dict[str, Any]:
    return {"id": attr, "op": "invoke", "module": "stubchat", "attr": attr,
            "kwargs": {"api_key": "@probe:env:STUB_KEY", "max_tokens": 1}}


def test_probe_invoke_returns_bounded_json_metadata_without_secret_keys(tmp_path: Path) -> None:
    [r], _ = _run_probe(tmp_path, [_item("StubChat")], block=False)
    assert r["status"] == "ok"
    rm = r["value"]["response_metadata"]
    assert rm["obj"] == {"nested": {"n": 1}} and rm["api_key"] == "<omitted>"
    assert r["value"]["usage_metadata"] == {"input_tokens": 3, "output_tokens": 1, "total_tokens": 4}
    assert isinstance(r["value"]["latency_s"], float)


def test_probe_invoke_reports_the_http_status_of_a_failure(tmp_path: Path) -> None:
    [r], _ = _run_probe(tmp_path, [_item("FailingChat")], block=False)
    assert (r["status"], r["exc_type"], r["http"]) == ("error", "ApiError",
                                                      {"error_code": "insufficient_quota", "http_status": 429})


def test_probe_network_is_open_only_for_invoke_only_jobs(tmp_path: Path) -> None:
    [r], _ = _run_probe(tmp_path, [_item("NetChat")], block=False)
    assert r["value"]["response_metadata"]["errno"] != 101  # a real refusal from the kernel, not the probe's
    [r], _ = _run_probe(tmp_path, [_item("NetChat")], block=True)
    assert r["value"]["response_metadata"]["errno"] == 101  # blocked by the probe
    results, err = _run_probe(tmp_path, [{"id": "i", "op": "import", "module": "json"}, _item("StubChat")],
                              block=False)
    assert {r["status"] for r in results} == {"crashed"}
    assert "only invoke and snippet items may run with the network open" in err
