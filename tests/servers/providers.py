"""Fake provider APIs: list-models (the doctor's cheap authenticated request) and a minimal chat completion, with
each provider's own error body shapes for a bad key, rate limits and server errors.

Body shapes come from the providers' API references and what their SDKs parse (OpenAI-style
``{"error": {"message", "type", "code"}}``; Anthropic ``{"type": "error", "error": {...}}``; Google
``{"error": {"code", "message", "status", "details": [ErrorInfo API_KEY_INVALID]}}``; Mistral and Cohere a
top-level ``message``; Hugging Face a top-level ``error`` string).

    srv = provider_server("groq", valid_keys={"gsk_..."}).start()
    env = base_env("groq", srv)    # {"GROQ_BASE_URL": "http://127.0.0.1:PORT"}
"""

from __future__ import annotations

import time
import urllib.parse
from typing import TYPE_CHECKING, Any, Optional

from langchain_doctor.knowledge.providers import BY_NAME, Provider

from tests.servers import LoopbackServer, Reply, Seen

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

_OPENAI_STYLE = ("openai", "together", "fireworks", "deepseek", "groq", "xai")


def _masked(key: str) -> str:
    # What OpenAI-style APIs echo: a few first and last characters with stars between.
    return key[:3] + "*" * 8 + key[-4:] if len(key) > 8 else "***"


def unauthorized(provider: str, key: str) -> tuple[int, dict[str, Any]]:
    """The provider's answer to a wrong key (status, body)."""
    if provider == "openai":
        return 401, {"error": {"message": f"Incorrect API key provided: {_masked(key)}. You can find your API key "
                               "at https://platform.openai.com/account/api-keys.",
                               "type": "invalid_request_error", "param": None, "code": "invalid_api_key"}}
    if provider == "together":
        return 401, {"error": {"message": "Invalid API key provided. You can find your API key at "
                               "https://api.together.xyz/settings/api-keys.", "type": "invalid_request_error",
                               "param": None, "code": "invalid_api_key"}}
    if provider == "groq":
        return 401, {"error": {"message": "Invalid API Key", "type": "invalid_request_error",
                               "code": "invalid_api_key"}}
    if provider == "fireworks":
        return 401, {"error": {"object": "error", "type": "invalid_request_error",
                               "message": "The API key you provided is invalid."}}
    if provider == "deepseek":
        return 401, {"error": {"message": f"Authentication Fails, Your api key: ****{key[-4:]} is invalid",
                               "type": "authentication_error", "param": None, "code": "invalid_request_error"}}
    if provider == "xai":
        return 400, {"code": "Client specified an invalid argument",
                     "error": f"Incorrect API key provided: {key[:2]}***{key[-2:]}. You can obtain an API key "
                     "from https://console.x.ai."}
    if provider == "anthropic":
        return 401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}
    if provider == "google-genai":
        return 400, {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.",
                               "status": "INVALID_ARGUMENT",
                               "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo",
                                            "reason": "API_KEY_INVALID", "domain": "googleapis.com",
                                            "metadata": {"service": "generativelanguage.googleapis.com"}}]}}
    if provider == "mistralai":
        return 401, {"message": "Unauthorized", "request_id": "0a1b2c3d4e5f60718293a4b5c6d7e8f9"}
    if provider == "cohere":
        return 401, {"message": "invalid api token"}
    if provider == "huggingface":
        return 401, {"error": "Invalid credentials in Authorization header"}
    if provider == "azure-openai":
        return 401, {"error": {"code": "401", "message": "Access denied due to invalid subscription key or wrong "
                               "API endpoint. Make sure to provide a valid key for an active subscription and use "
                               "a correct regional API endpoint for your resource."}}
    raise KeyError(provider)


def rate_limited(provider: str) -> tuple[int, dict[str, Any]]:
    """A 429 in the provider's shape (OpenAI's is the exhausted-quota one)."""
    if provider == "anthropic":
        return 429, {"type": "error", "error": {"type": "rate_limit_error",
                                                "message": "Number of requests has exceeded your rate limit"}}
    if provider == "google-genai":
        return 429, {"error": {"code": 429, "message": "Resource has been exhausted (e.g. check quota).",
                               "status": "RESOURCE_EXHAUSTED"}}
    if provider in ("mistralai", "cohere"):
        return 429, {"message": "Requests rate limit exceeded"}
    return 429, {"error": {"message": "You exceeded your current quota, please check your plan and billing "
                           "details.", "type": "insufficient_quota", "param": None, "code": "insufficient_quota"}}


def server_error(provider: str) -> tuple[int, dict[str, Any]]:
    """A 5xx in the provider's shape (Anthropic's 529 overloaded)."""
    if provider == "anthropic":
        return 529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    return 500, {"error": {"message": "The server had an error while processing your request. Sorry about that!",
                           "type": "server_error", "param": None, "code": None}}


def _key_of(p: Provider, seen: Seen) -> str:
    if p.auth == "x-api-key":
        return seen.headers.get("x-api-key", "")
    if p.auth == "x-goog-api-key":
        return seen.headers.get("x-goog-api-key", "") or urllib.parse.parse_qs(seen.query).get("key", [""])[0]
    if p.auth == "api-key" and "api-key" in seen.headers:
        return seen.headers["api-key"]
    auth = seen.headers.get("authorization", "")
    return auth[len("Bearer "):] if auth.startswith("Bearer ") else ""


def prefix(provider: str) -> str:
    """The path part of the provider's default base URL (``/v1`` for OpenAI, ``""`` for Groq)."""
    p = BY_NAME[provider]
    return urllib.parse.urlsplit(p.api_base).path.rstrip("/")


def base_env(provider: str, server: LoopbackServer) -> dict[str, str]:
    """The env var that points the provider (doctor and SDK alike) at ``server``."""
    p = BY_NAME[provider]
    return {p.base_url_vars[0]: server.url + prefix(provider)}


def _models(provider: str) -> dict[str, Any]:
    if provider == "anthropic":
        return {"data": [{"type": "model", "id": "claude-3-5-haiku-latest"}], "has_more": False}
    if provider == "google-genai":
        return {"models": [{"name": "models/gemini-2.0-flash"}]}
    if provider == "huggingface":
        return {"type": "user", "name": "doctor-test"}
    return {"object": "list", "data": [{"id": "fake-model", "object": "model", "owned_by": "loopback"}]}


def provider_server(provider: str, *, valid_keys: Iterable[str] = (), mode: str = "auth",
                    delay: float = 0.0) -> LoopbackServer:
    """A (not yet started) fake of ``provider``.

    ``mode``: ``auth`` (keys in ``valid_keys`` accepted, others get the provider's 401 body), ``429``, ``500``.
    Routes: the list-models path of the providers table, and (OpenAI-compatible) ``<prefix>/chat/completions``.
    """
    p = BY_NAME[provider]
    keys = set(valid_keys)
    verify_path = prefix(provider) + p.verify_path.split("?", 1)[0]

    def gate(seen: Seen) -> Optional[Reply]:
        if mode == "429":
            status, body = rate_limited(provider)
            return Reply(status, body, {"Retry-After": "20"}, delay)
        if mode == "500":
            status, body = server_error(provider)
            return Reply(status, body, {}, delay)
        key = _key_of(p, seen)
        if key not in keys:
            status, body = unauthorized(provider, key)
            return Reply(status, body, {}, delay)
        return None

    def models(seen: Seen) -> Reply:
        return gate(seen) or Reply(200, _models(provider), {}, delay)

    def chat(seen: Seen) -> Reply:
        refused = gate(seen)
        if refused is not None:
            return refused
        req = seen.json() or {}
        return Reply(200, {
            "id": "chatcmpl-loopback", "object": "chat.completion", "created": int(time.time()),
            "model": req.get("model", "fake-model"), "system_fingerprint": "fp_loopback",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": "ok"}, "logprobs": None,
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 12, "completion_tokens": 1, "total_tokens": 13},
        }, {}, delay)

    routes = {("GET", verify_path): models}
    if provider in _OPENAI_STYLE:
        chat_prefix = "/openai/v1" if provider == "groq" else prefix(provider)
        routes[("POST", chat_prefix + "/chat/completions")] = chat
    return LoopbackServer(routes)


def env_for(provider: str, server: LoopbackServer, key: str) -> Mapping[str, str]:
    """Key variable and base-URL variable for ``provider`` at ``server``."""
    p = BY_NAME[provider]
    return {p.key_vars[0]: key, **base_env(provider, server)}
