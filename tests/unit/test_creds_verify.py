"""--online API key checks against loopback fakes of every provider, with each provider's real error shapes."""

from __future__ import annotations

import pytest
from langchain_doctor.context import Environment, Options
from langchain_doctor.creds import verify
from langchain_doctor.knowledge.providers import BY_NAME
from langchain_doctor.model import Finding, Kind, Severity
from langchain_doctor.redact import Redactor, redact_fields

from tests.fakeenv import FakeSite, make_env
from tests.servers import harness as h
from tests.servers.providers import env_for, provider_server

KEYS = {
    "openai": "sk-proj-" + "O1p2e3n4A5i6" * 4,
    "anthropic": "sk-ant-api03-" + "A1n2t3h4" * 6,
    "groq": "gsk_" + "G1r2o3q4" * 6,
    "mistralai": "M1s2t3r4a5l6" * 3,
    "fireworks": "fw_" + "F1i2r3e4" * 4,
    "together": "T0g3th3r" * 8,
    "google-genai": "AIza" + "S1y2" * 9,
    "cohere": "C0h3r3" * 7,
    "huggingface": "hf_" + "H1u2g3" * 6,
    "xai": "xai-" + "X1a2i3" * 10,
    "deepseek": "sk-" + "D1e2e3p4" * 4,
}
PROVIDERS = sorted(KEYS)
WRONG = {
    "openai": "sk-proj-" + "w" * 48, "anthropic": "sk-ant-api03-" + "w" * 48, "groq": "gsk_" + "w" * 48,
    "fireworks": "fw_" + "w" * 32, "google-genai": "AIza" + "w" * 35, "huggingface": "hf_" + "w" * 34,
    "xai": "xai-" + "w" * 60, "deepseek": "sk-" + "w" * 32,
}


def env_with(site: FakeSite, provider: str, environ: dict[str, str], *, needed: bool = True) -> Environment:
    h.install_for(site, provider)
    return make_env(site, needed=[provider] if needed else [], environ=environ,
                    options=Options(online=True, probe=False))


def run(env: Environment) -> list[Finding]:
    return h.run_named(env, "api-keys-online")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_accepted_key_gives_nothing(site: FakeSite, provider: str) -> None:
    with provider_server(provider, valid_keys={KEYS[provider]}) as srv:
        assert run(env_with(site, provider, dict(env_for(provider, srv, KEYS[provider])))) == []
        [req] = srv.requests
    assert req.method == "GET"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_rejected_key_is_invalid_credential_with_the_providers_message(site: FakeSite, provider: str) -> None:
    wrong = WRONG.get(provider, "w" * 40)
    with provider_server(provider, valid_keys={KEYS[provider]}) as srv:
        environ = dict(env_for(provider, srv, wrong))
        [f] = run(env_with(site, provider, environ))
    assert f.code == "LCD460" and f.kind is Kind.INVALID_CREDENTIAL and f.severity is Severity.ERROR
    assert f.provider == provider and f.subject == BY_NAME[provider].key_vars[0]
    assert f"base URL from {BY_NAME[provider].base_url_vars[0]}" in f.evidence[0]
    status = "HTTP 400" if provider in ("google-genai", "xai") else "HTTP 401"
    assert status in f.evidence[0]
    # After the runner's redaction, the key is nowhere (OpenAI-style bodies echo part of it).
    redacted = redact_fields(f, Redactor.from_environ(environ).text)
    assert wrong not in h.as_text(redacted)


def test_provider_messages_are_kept() -> None:
    assert verify.provider_message({"type": "error", "error": {"type": "authentication_error",
                                                               "message": "invalid x-api-key"}}, "") == (
        "invalid x-api-key")
    assert verify.provider_message({"message": "Unauthorized", "request_id": "x"}, "") == "Unauthorized"
    assert verify.provider_message({"error": "Invalid credentials in Authorization header"}, "") == (
        "Invalid credentials in Authorization header")


@pytest.mark.parametrize(("mode", "code"), [("429", "LCD461"), ("500", "LCD462")])
@pytest.mark.parametrize("provider", ["openai", "anthropic", "google-genai", "mistralai"])
def test_rate_limits_and_server_errors_are_warnings(site: FakeSite, provider: str, mode: str, code: str) -> None:
    with provider_server(provider, mode=mode) as srv:
        [f] = run(env_with(site, provider, dict(env_for(provider, srv, KEYS[provider]))))
    assert f.code == code and f.severity is Severity.WARNING and f.kind is Kind.UNREACHABLE


def test_openai_insufficient_quota_message_is_shown(site: FakeSite) -> None:
    with provider_server("openai", mode="429") as srv:
        [f] = run(env_with(site, "openai", dict(env_for("openai", srv, KEYS["openai"]))))
    assert "You exceeded your current quota" in f.evidence[0]


def test_unreachable(site: FakeSite) -> None:
    with provider_server("groq") as srv:
        environ = dict(env_for("groq", srv, KEYS["groq"]))
    [f] = run(env_with(site, "groq", environ))
    assert f.code == "LCD463" and f.severity is Severity.WARNING and "GROQ_API_BASE" in f.evidence[0]


def test_wrong_base_url_path_is_unexpected(site: FakeSite) -> None:
    with provider_server("openai", valid_keys={KEYS["openai"]}) as srv:
        environ = {"OPENAI_API_KEY": KEYS["openai"], "OPENAI_BASE_URL": srv.url + "/wrong"}
        [f] = run(env_with(site, "openai", environ))
    assert f.code == "LCD464" and "HTTP 404" in f.evidence[0]


def test_not_needed_rejected_key_is_a_warning(site: FakeSite) -> None:
    with provider_server("openai") as srv:
        [f] = run(env_with(site, "openai", dict(env_for("openai", srv, KEYS["openai"])), needed=False))
    assert f.code == "LCD460" and f.severity is Severity.WARNING


def test_keys_broken_offline_are_not_sent(site: FakeSite) -> None:
    with provider_server("openai") as srv:
        environ = dict(env_for("openai", srv, "your-api-key"))
        assert run(env_with(site, "openai", environ)) == []
        assert srv.requests == []


def test_offline_run_sends_nothing(site: FakeSite) -> None:
    with provider_server("openai") as srv:
        h.install_for(site, "openai")
        env = make_env(site, needed=["openai"], environ=dict(env_for("openai", srv, KEYS["openai"])),
                       options=Options(online=False, probe=False))
        assert run(env) == []
        assert srv.requests == []


def test_together_key_read_by_a_notebook_goes_to_together_base_url(site: FakeSite) -> None:
    """The seed's Together cell: ChatOpenAI(base_url=Together) with TOGETHER_API_KEY; verified at Together."""
    from dataclasses import replace

    from langchain_doctor import notebook

    facts = notebook.read(str(h.SEED_NOTEBOOK))
    h.install(site, "langchain-openai")
    with provider_server("together", valid_keys={KEYS["together"]}) as srv:
        env = make_env(site, environ={**env_for("together", srv, "0" * 64)},
                       options=Options(online=True, probe=False))
        found = run(replace(env, notebook_facts=(facts,)))
        assert srv.requests and srv.requests[0].headers["authorization"] == "Bearer " + "0" * 64
    [f] = [f for f in found if f.provider == "together"]
    assert f.code == "LCD460" and f.severity is Severity.ERROR and "Invalid API key provided" in f.evidence[0]


def test_azure_uses_endpoint_version_and_api_key_header(site: FakeSite) -> None:
    key = "0123456789abcdef0123456789abcdef"
    with provider_server("azure-openai", valid_keys={key}) as srv:
        environ = {**env_for("azure-openai", srv, key), "OPENAI_API_VERSION": "2024-06-01"}
        assert run(env_with(site, "azure-openai", environ)) == []
        [req] = srv.requests
    assert req.path == "/openai/models" and req.query == "api-version=2024-06-01" and req.headers["api-key"] == key
