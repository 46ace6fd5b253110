"""Fake chat endpoints on loopback for ``--smoke``: the wire protocols the real SDKs speak, with real answer shapes.

One server answers one provider's chat call, found by path whatever base URL the SDK builds:

- ``POST .../chat/completions``: OpenAI-compatible chat completions, in the shape of OpenAI, Together, Groq
  (``usage`` with ``queue_time``/``prompt_time``/``completion_time``/``total_time`` and ``x_groq``), Fireworks,
  Mistral, DeepSeek, xAI;
- ``POST .../v1/messages``: the Anthropic Messages API (``stop_reason``, ``usage.input_tokens``...);
- ``POST /model/{modelId}/invoke`` and ``/model/{modelId}/converse``: Bedrock runtime (InvokeModel with an
  Anthropic body, and Converse with ``stopReason``/``usage.inputTokens``), errors as ``x-amzn-ErrorType``;
- ``POST .../models/{model}:generateContent``: the Gemini API (``usageMetadata``, ``finishReason``).

Shapes follow the providers' API references and what their SDKs parse; error bodies come from
``tests.servers.providers`` where that module has them. The answer honours the request: with an output limit
of 1 token the completion has 1 token and the finish reason is the provider's "length" value.

Servers stop by themselves: after ``max_requests`` answers (the next request gets 503 and the server shuts
down) or ``lifetime`` seconds, whichever comes first.

    with chat_server("groq", valid_keys={"gsk_test"}) as srv:
        env = {"GROQ_API_KEY": "gsk_test", **base_env("groq", srv)}
"""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
import uuid
from typing import TYPE_CHECKING, Any, Optional

from tests.servers import Handler, LoopbackServer, Reply, Seen
from tests.servers.providers import rate_limited, server_error, unauthorized

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

# Prompt tokens the fake charges per request: fixed per protocol so tests can assert exact numbers.
PROMPT_TOKENS = 12
OPENAI_STYLE = ("openai", "together", "groq", "fireworks", "mistralai", "deepseek", "xai")
"""Providers answered with chat completions."""

# Where each provider's SDK is pointed: variable -> path appended to the server's URL.
_BASE_VARS: dict[str, tuple[str, str]] = {
    "openai": ("OPENAI_BASE_URL", "/v1"),          # openai SDK: base_url + /chat/completions
    "together": ("TOGETHER_API_BASE", "/v1"),      # langchain-together 0.4: together_api_base from TOGETHER_API_BASE
    "groq": ("GROQ_BASE_URL", ""),                 # groq SDK: base_url + /openai/v1/chat/completions
    "fireworks": ("FIREWORKS_BASE_URL", ""),       # fireworks-ai 1.x: base_url + /v1/chat/completions
    "mistralai": ("MISTRAL_BASE_URL", "/v1"),      # langchain-mistralai: MISTRAL_BASE_URL + /chat/completions
    "anthropic": ("ANTHROPIC_BASE_URL", ""),       # anthropic SDK: base_url + /v1/messages
    "aws": ("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", ""),  # botocore service-specific endpoint variable
    "google-genai": ("GOOGLE_GEMINI_BASE_URL", ""),   # google-genai: base_url + /v1beta/models/M:generateContent
    "deepseek": ("DEEPSEEK_API_BASE", "/v1"),
    "xai": ("XAI_API_BASE", "/v1"),
}

_INVOKE = re.compile(r"^/model/(?P<model>[^/]+)/(?P<op>invoke|converse)$")
_GEMINI = re.compile(r"/models/(?P<model>[^/:]+):generateContent$")


def base_env(provider: str, server: LoopbackServer) -> dict[str, str]:
    """The variable the provider's SDK honours, pointing at ``server``."""
    var, path = _BASE_VARS[provider]
    return {var: server.url + path}


class ChatServer(LoopbackServer):
    """A LoopbackServer bounded in requests and time: it shuts itself down when either is used up."""

    def __init__(self, default: Handler, *, max_requests: int = 20, lifetime: float = 300.0) -> None:
        super().__init__({}, default=self._counted)
        self._inner = default
        self.max_requests = max_requests
        self.lifetime = lifetime
        self.answered = 0
        self._timer: Optional[threading.Timer] = None
        self._stopping = threading.Lock()

    def _counted(self, seen: Seen) -> Reply:
        with self._lock:
            self.answered += 1
            over = self.answered > self.max_requests
        if over:
            threading.Thread(target=self.stop, daemon=True).start()
            return Reply(503, {"error": {"message": "fake server: request budget used up", "type": "server_error"}})
        return self._inner(seen)

    @property
    def chat_requests(self) -> list[Seen]:
        """The POST requests seen (the chat calls)."""
        return [s for s in self.requests if s.method == "POST"]

    def start(self) -> ChatServer:
        """Serve, and stop by itself after ``lifetime`` seconds."""
        super().start()
        self._timer = threading.Timer(self.lifetime, self.stop)
        self._timer.daemon = True
        self._timer.start()
        return self

    def stop(self) -> None:
        """Stop serving (idempotent)."""
        if self._timer is not None and threading.current_thread() is not self._timer:
            self._timer.cancel()
        with self._stopping:
            super().stop()

    def __enter__(self) -> ChatServer:
        return self.start()


# ---- answers ------------------------------------------------------------------------------------------------

def output_limit(req: Mapping[str, Any]) -> Optional[int]:
    """The output-token limit a chat request asks for (any of the protocols), or None."""
    for key in ("max_completion_tokens", "max_tokens", "max_tokens_to_sample"):
        value = req.get(key)
        if isinstance(value, int):
            return value
    cfg = req.get("inferenceConfig") or req.get("generationConfig") or {}
    value = cfg.get("maxTokens", cfg.get("maxOutputTokens")) if isinstance(cfg, dict) else None
    return value if isinstance(value, int) else None


def _completion(req: Mapping[str, Any]) -> tuple[str, int, bool]:
    """(text, output tokens, cut by the limit)."""
    limit = output_limit(req)
    if limit is not None and limit < 2:
        return "OK", 1, True
    return "OK.", 2, False


def chat_completion(provider: str, req: Mapping[str, Any]) -> dict[str, Any]:
    """An OpenAI-compatible ``chat.completion`` object as ``provider`` returns it."""
    text, out, cut = _completion(req)
    model = str(req.get("model", "fake-model"))
    finish = "length" if cut else "stop"
    created = int(time.time())
    rid = f"chatcmpl-{uuid.uuid4().hex[:24]}"
    usage: dict[str, Any] = {"prompt_tokens": PROMPT_TOKENS, "completion_tokens": out,
                             "total_tokens": PROMPT_TOKENS + out}
    message: dict[str, Any] = {"role": "assistant", "content": text}
    body: dict[str, Any] = {"id": rid, "object": "chat.completion", "created": created, "model": model}
    if provider == "openai":
        message.update(refusal=None, annotations=[])
        usage.update(prompt_tokens_details={"cached_tokens": 0, "audio_tokens": 0},
                     completion_tokens_details={"reasoning_tokens": 0, "audio_tokens": 0,
                                                "accepted_prediction_tokens": 0, "rejected_prediction_tokens": 0})
        body.update(choices=[{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
                    usage=usage, service_tier="default", system_fingerprint="fp_0ba0d124f1")
    elif provider == "groq":
        # Groq's usage carries its timings (the response_metadata page shows them).
        usage = {"queue_time": 0.011152515, "prompt_tokens": PROMPT_TOKENS, "prompt_time": 0.002323424,
                 "completion_tokens": out, "completion_time": 0.001666667, "total_tokens": PROMPT_TOKENS + out,
                 "total_time": 0.003990091}
        body.update(choices=[{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}],
                    usage=usage, usage_breakdown=None, system_fingerprint="fp_c5f20b5bb1",
                    x_groq={"id": f"req_{uuid.uuid4().hex[:26]}"}, service_tier="on_demand")
    elif provider == "together":
        message["tool_calls"] = []
        usage["cached_tokens"] = 0
        body.update(prompt=[], choices=[{"finish_reason": finish, "seed": 4285417447410345000, "logprobs": None,
                                         "index": 0, "message": message}], usage=usage)
    elif provider == "mistralai":
        message["tool_calls"] = None
        body.update(choices=[{"index": 0, "message": message, "finish_reason": finish}],
                    usage={"prompt_tokens": PROMPT_TOKENS, "total_tokens": PROMPT_TOKENS + out,
                           "completion_tokens": out})
        body["id"] = uuid.uuid4().hex
    else:  # fireworks, deepseek, xai: the plain shape
        body.update(choices=[{"index": 0, "message": message, "finish_reason": finish}], usage=usage)
    return body


def anthropic_message(req: Mapping[str, Any], *, bedrock: bool = False) -> dict[str, Any]:
    """A Messages API ``message`` object (Bedrock's InvokeModel returns the same body without service_tier)."""
    text, out, cut = _completion(req)
    usage: dict[str, Any] = {"input_tokens": PROMPT_TOKENS, "cache_creation_input_tokens": 0,
                             "cache_read_input_tokens": 0, "output_tokens": out}
    if not bedrock:
        usage["service_tier"] = "standard"
    body: dict[str, Any] = {
        "id": f"msg_{uuid.uuid4().hex[:24]}", "type": "message", "role": "assistant",
        "content": [{"type": "text", "text": text}], "stop_reason": "max_tokens" if cut else "end_turn",
        "stop_sequence": None, "usage": usage,
    }
    if not bedrock:
        body["model"] = str(req.get("model", "claude-fake"))
    else:
        body["model"] = "claude-3-haiku-20240307"
    return body


def converse_answer(req: Mapping[str, Any]) -> dict[str, Any]:
    """Bedrock Converse's answer."""
    text, out, cut = _completion(req)
    return {"output": {"message": {"role": "assistant", "content": [{"text": text}]}},
            "stopReason": "max_tokens" if cut else "end_turn",
            "usage": {"inputTokens": PROMPT_TOKENS, "outputTokens": out, "totalTokens": PROMPT_TOKENS + out},
            "metrics": {"latencyMs": 118}}


def gemini_answer(req: Mapping[str, Any], model: str) -> dict[str, Any]:
    """A ``GenerateContentResponse``."""
    text, out, cut = _completion(req)
    return {"candidates": [{"content": {"parts": [{"text": text}], "role": "model"},
                            "finishReason": "MAX_TOKENS" if cut else "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": PROMPT_TOKENS, "candidatesTokenCount": out,
                              "totalTokenCount": PROMPT_TOKENS + out,
                              "promptTokensDetails": [{"modality": "TEXT", "tokenCount": PROMPT_TOKENS}]},
            "modelVersion": model, "responseId": uuid.uuid4().hex[:22]}


# ---- errors -------------------------------------------------------------------------------------------------

def model_not_found(provider: str, model: str) -> tuple[int, dict[str, Any]]:
    """The provider's answer to a model that does not exist (or that the key may not use)."""
    if provider == "anthropic":
        return 404, {"type": "error", "error": {"type": "not_found_error", "message": f"model: {model}"}}
    if provider == "mistralai":
        return 400, {"object": "error", "message": f"Invalid model: {model}", "type": "invalid_model",
                     "param": None, "code": "1500"}
    if provider == "google-genai":
        return 404, {"error": {"code": 404, "message": f"models/{model} is not found for API version v1beta, or is "
                               "not supported for generateContent. Call ListModels to see the list of available "
                               "models and their supported methods.", "status": "NOT_FOUND"}}
    if provider == "together":
        return 404, {"error": {"message": f"Unable to access model {model}. Please visit "
                               "https://api.together.ai/models to view the list of supported models.",
                               "type": "invalid_request_error", "param": None, "code": "model_not_available"}}
    if provider == "fireworks":
        return 404, {"error": {"object": "error", "type": "invalid_request_error", "code": "NOT_FOUND",
                               "message": f"Model not found, inaccessible, and/or not deployed: {model}"}}
    return 404, {"error": {"message": f"The model `{model}` does not exist or you do not have access to it.",
                           "type": "invalid_request_error", "param": None, "code": "model_not_found"}}


_AWS_ERRORS = {
    "401": (403, "UnrecognizedClientException", "The security token included in the request is invalid."),
    "429": (429, "ThrottlingException", "Too many requests, please wait before trying again."),
    "404": (400, "ValidationException", "The provided model identifier is invalid."),
    "403": (403, "AccessDeniedException", "You don't have access to the model with the specified model ID."),
    "500": (500, "InternalServerException", "The server encountered an internal error."),
}


def _aws_error(mode: str) -> Reply:
    status, code, message = _AWS_ERRORS[mode]
    return Reply(status, {"message": message},
                 {"x-amzn-ErrorType": f"{code}:http://internal.amazon.com/coral/com.amazon.bedrock/",
                  "x-amzn-RequestId": str(uuid.uuid4())})


def _key(provider: str, seen: Seen) -> str:
    h = seen.headers
    if provider == "anthropic" and "x-api-key" in h:
        return h["x-api-key"]  # anthropic 0.x/1.x; the 2.x SDK sends ``Authorization: Bearer`` (below)
    if provider == "google-genai":
        return h.get("x-goog-api-key", "") or urllib.parse.parse_qs(seen.query).get("key", [""])[0]
    auth = h.get("authorization", "")
    return auth[len("Bearer "):] if auth.startswith("Bearer ") else ""


def chat_server(provider: str, *, valid_keys: Iterable[str] = (), mode: str = "ok",
                models: Optional[Iterable[str]] = None, delay: float = 0.0, max_requests: int = 20,
                lifetime: float = 300.0) -> ChatServer:
    """A (not yet started) fake chat endpoint of ``provider``.

    ``mode``: ``ok`` (keys in ``valid_keys`` answered, others get the provider's 401 body; Bedrock only checks
    that the request is SigV4-signed), ``401``, ``429``, ``404`` (model not found), ``403`` (Bedrock: no model
    access), ``500``, ``hang`` (the answer comes after ``delay`` seconds). ``models``: when given, other
    models get the provider's not-found answer.
    """
    keys = set(valid_keys)
    known = set(models) if models is not None else None

    def handle(seen: Seen) -> Reply:
        wait = delay if mode == "hang" else 0.0
        req = seen.json() or {}
        if provider == "aws":
            m = _INVOKE.match(seen.path)
            if seen.method != "POST" or m is None:
                return Reply(404, {"message": "not found"})
            model = urllib.parse.unquote(m.group("model"))
            if not seen.headers.get("authorization", "").startswith("AWS4-HMAC-SHA256 "):
                return _aws_error("401")
            if mode in _AWS_ERRORS:
                return _aws_error(mode)
            if known is not None and model not in known:
                return _aws_error("404")
            body = anthropic_message(req, bedrock=True) if m.group("op") == "invoke" else converse_answer(req)
            _, out, _ = _completion(req)
            return Reply(200, body, {"x-amzn-RequestId": str(uuid.uuid4()),
                                     "X-Amzn-Bedrock-Input-Token-Count": str(PROMPT_TOKENS),
                                     "X-Amzn-Bedrock-Output-Token-Count": str(out),
                                     "X-Amzn-Bedrock-Invocation-Latency": "118"}, wait)
        if seen.method == "GET" and seen.path.endswith("/models"):
            # The doctor's cheap --online key check lists models before the smoke call.
            if _key(provider, seen) not in keys:
                status, body = unauthorized(provider, _key(provider, seen))
                return Reply(status, body)
            listed = sorted(known) if known is not None else ["fake-model"]
            if provider == "anthropic":
                return Reply(200, {"data": [{"type": "model", "id": m} for m in listed], "has_more": False})
            if provider == "google-genai":
                return Reply(200, {"models": [{"name": f"models/{m}"} for m in listed]})
            return Reply(200, {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "loopback"}
                                                          for m in listed]})
        if seen.method != "POST":
            return Reply(404, {"error": {"message": "not found"}})
        if provider == "google-genai":
            gm = _GEMINI.search(seen.path)
            if gm is None:
                return Reply(404, {"error": {"code": 404, "message": "not found", "status": "NOT_FOUND"}})
            model = gm.group("model")
        elif provider == "anthropic":
            if not seen.path.endswith("/v1/messages"):
                return Reply(404, {"type": "error", "error": {"type": "not_found_error", "message": "Not Found"}})
            model = str(req.get("model", ""))
        else:
            if not seen.path.endswith("/chat/completions"):
                return Reply(404, {"error": {"message": f"Unknown path {seen.path}"}})
            model = str(req.get("model", ""))
        if mode == "429":
            status, body = rate_limited(provider if provider != "together" else "openai")
            return Reply(status, body, {"retry-after": "20"})
        if mode == "500":
            status, body = server_error(provider)
            return Reply(status, body)
        if mode == "401" or _key(provider, seen) not in keys:
            status, body = unauthorized(provider, _key(provider, seen))
            return Reply(status, body)
        if mode == "404" or (known is not None and model not in known):
            status, body = model_not_found(provider, model)
            return Reply(status, body)
        if provider == "google-genai":
            return Reply(200, gemini_answer(req, model), {}, wait)
        if provider == "anthropic":
            return Reply(200, anthropic_message(req), {"request-id": f"req_{uuid.uuid4().hex[:24]}"}, wait)
        return Reply(200, chat_completion(provider, req), {"x-request-id": uuid.uuid4().hex}, wait)

    return ChatServer(handle, max_requests=max_requests, lifetime=lifetime)
