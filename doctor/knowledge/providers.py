"""The providers table: one row per chat-model provider. Adding a provider is one row here plus its tests."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, NamedTuple, Optional, Union

if TYPE_CHECKING:
    from collections.abc import Iterable

JSONScalar = Union[str, int, float, bool, None]


class CredentialKind(str, enum.Enum):
    """Where a provider's credential comes from."""

    API_KEY = "api-key"
    GCLOUD_ADC = "gcloud-adc"
    AWS = "aws"
    NONE = "none"


class TokenKeys(NamedTuple):
    """Where one chat class's ``response_metadata`` keeps its token counts."""

    at: str
    """Key of the dict in ``response_metadata`` (``token_usage``); empty: ``response_metadata`` itself."""
    input: str
    output: str
    total: str = ""
    """Empty when the provider reports no total (then input + output)."""


class CallShape(NamedTuple):
    """How ``--smoke`` makes the smallest bounded call with one chat class, and reads what comes back."""

    limit: tuple[tuple[str, JSONScalar], ...]
    """The smallest output limit the class accepts, as keyword arguments."""
    tokens: tuple[TokenKeys, ...] = ()
    """Where its ``response_metadata`` keeps token counts (``usage_metadata`` is read first when present)."""
    model_kw: str = "model"
    """Where the default model goes."""
    timeout_kw: Optional[str] = "timeout"
    """Keyword of the request timeout in seconds; ``config`` means a botocore Config built in the target."""
    timeout_int: bool = False
    """The timeout field is an int (seconds rounded up to at least 1)."""
    retries_kw: Optional[str] = "max_retries"
    timings: tuple[str, ...] = ()
    """Server-side timings in the token dict (Groq's queue/prompt/completion/total time)."""
    model_keys: tuple[str, ...] = ("model_name",)
    """Keys of ``response_metadata`` that hold the model that answered, first present wins."""
    finish_keys: tuple[str, ...] = ("finish_reason",)
    """Keys of ``response_metadata`` that hold why the answer stopped, first present wins."""
    unsupported: str = ""
    """Why no smoke call can be built from literal arguments (then the provider is skipped with this reason)."""
    source: str = ""
    """Where the names were read (the integration's source, at the version cited)."""


class Provider(NamedTuple):
    """Everything the doctor knows about one provider, as data."""

    name: str
    """Contract name: the integration package's name without ``langchain-`` (``azure-openai`` is the exception)."""
    package: str
    """Integration distribution (PEP 503 name)."""
    module: str
    """Import name of the integration package."""
    chat_classes: tuple[str, ...]
    """Chat model classes the package exports; the first is probed."""
    sdk_packages: tuple[str, ...] = ()
    """Provider SDK distributions the integration relies on."""
    credential: CredentialKind = CredentialKind.API_KEY
    key_vars: tuple[str, ...] = ()
    """Env vars that hold the secret, in the order the integration looks them up (alternatives)."""
    required_vars: tuple[str, ...] = ()
    """Non-secret settings that must be set (Azure endpoint, API version)."""
    config_vars: tuple[tuple[str, ...], ...] = ()
    """Settings resolved from one of several variables (each tuple: alternatives), e.g. the AWS region."""
    base_url_vars: tuple[str, ...] = ()
    """Env vars that move the API endpoint (used by tests and proxies)."""
    key_prefixes: tuple[str, ...] = ()
    """Known formats of a valid key (prefixes); empty when the format is not documented."""
    hosts: tuple[str, ...] = ()
    """API hosts; a ``base_url`` with one of these in a notebook means this provider."""
    docs: str = ""
    """Integration docs page."""
    core1_line: Optional[str] = None
    """First integration release built for langchain-core 1.x; None when there is none yet."""
    construct: Optional[tuple[tuple[str, JSONScalar], ...]] = None
    """Harmless dummy keyword arguments for constructing the chat class in a probe (no network);
    None when the class cannot be built without real objects (then only the import is probed)."""
    api_base: str = ""
    """Default API base URL, in the form the first ``base_url_vars`` variable takes (``--online`` checks)."""
    verify_path: str = ""
    """Path of a cheap authenticated GET under ``api_base`` (list models); empty: no online key check.
    ``{NAME}`` is replaced by the value of env var NAME."""
    auth: str = "bearer"
    """How the key is sent: ``bearer``, ``x-api-key`` (+ anthropic-version), ``x-goog-api-key``, ``api-key``."""
    sdk_modules: tuple[tuple[str, str], ...] = ()
    """(import name, distribution) of the provider's SDKs, whether the integration uses them or users call them
    directly: ``(("boto3", "boto3"), ("botocore", "botocore"))``. Their
    exceptions name this provider (the first row that lists a module owns it), a local file named like them
    shadows them, and a module-level failure in them is an import-time failure."""
    init_names: tuple[str, ...] = ()
    """``init_chat_model`` provider strings (``"bedrock"``, ``"bedrock_converse"``) for this provider."""
    community_modules: tuple[str, ...] = ()
    """Module names under ``langchain_community.chat_models`` (and ``.llms``, ``.embeddings``) for this provider."""
    construct_env: tuple[tuple[str, str], ...] = ()
    """Fake settings for a constructor that resolves them eagerly (botocore looks up credentials when the client
    is created): the user's real values are not needed to know whether the class can be built."""
    smoke: tuple[tuple[str, CallShape], ...] = ()
    """The smoke call's shape for each of ``chat_classes`` (every class has one)."""
    extra_secret_vars: tuple[str, ...] = ()
    """Other secrets that name this provider (an admin key) but do not authenticate chat calls."""
    named_vars: tuple[str, ...] = ()
    """Non-secret variables that name this provider in a message (a credentials file path)."""
    stable_submodules: tuple[str, ...] = ()
    """Submodules of the integration or SDK present in every release: missing, the package found is not the real
    one."""
    construct_model_is_default: bool = True
    """Whether the model ``construct`` names is one the smoke call may use when the code names none. False when
    it stands in for a name only the user has (an Azure deployment)."""
    used_when_key_read: bool = True
    """Whether a notebook that reads one of ``key_vars`` is taken to use this provider (the first such row is).
    False for a row whose use only its class or import shows: azure-openai, which shares langchain-openai with
    openai."""


_FAKE = "doctor-probe-not-a-key"
# A port nothing listens on: a constructor that connects eagerly fails fast instead of reaching the internet.
_DEAD_URL = "http://127.0.0.1:9/v1"

# How response_metadata keeps token counts (sources: the providers' chat responses as their LangChain classes
# store them).
_OPENAI_TOKENS = TokenKeys("token_usage", "prompt_tokens", "completion_tokens", "total_tokens")
_GOOGLE_TOKENS = (TokenKeys("usage_metadata", "prompt_token_count", "candidates_token_count", "total_token_count"),
                  TokenKeys("usage_metadata", "promptTokenCount", "candidatesTokenCount", "totalTokenCount"))
# Where response_metadata keeps the model and the finish reason (the API's own spelling as the SDK returns it).
_GOOGLE_MODEL = ("model_name", "model_version", "modelVersion")
_GOOGLE_FINISH = ("finish_reason", "finishReason")
_OPENAI_SOURCE = ("langchain-openai 1.7.4 BaseChatOpenAI: max_tokens, request_timeout (alias timeout), max_retries; "
                  "0.1.x has the same names")
_OPENAI_LIKE = CallShape((("max_tokens", 1),), (_OPENAI_TOKENS,), source=_OPENAI_SOURCE)

PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "openai", "langchain-openai", "langchain_openai", ("ChatOpenAI",), ("openai",),
        key_vars=("OPENAI_API_KEY",), base_url_vars=("OPENAI_BASE_URL", "OPENAI_API_BASE"),
        key_prefixes=("sk-",), hosts=("api.openai.com",),
        docs="https://python.langchain.com/docs/integrations/chat/openai/", core1_line="1.0.0",
        construct=(("model", "gpt-4o-mini"), ("api_key", "sk-" + _FAKE), ("base_url", _DEAD_URL),
                   ("max_retries", 0)),
        api_base="https://api.openai.com/v1", verify_path="/models",
        sdk_modules=(("openai", "openai"),), init_names=("openai",), community_modules=("openai",),
        smoke=(("ChatOpenAI", _OPENAI_LIKE),), extra_secret_vars=("OPENAI_ADMIN_KEY",),
        stable_submodules=("langchain_openai.chat_models", "openai.types"),
    ),
    Provider(
        "azure-openai", "langchain-openai", "langchain_openai", ("AzureChatOpenAI",), ("openai",),
        key_vars=("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN"),
        required_vars=("AZURE_OPENAI_ENDPOINT", "OPENAI_API_VERSION"), base_url_vars=("AZURE_OPENAI_ENDPOINT",),
        hosts=("openai.azure.com",),
        docs="https://python.langchain.com/docs/integrations/chat/azure_chat_openai/", core1_line="1.0.0",
        construct=(("azure_deployment", "doctor-probe"), ("api_version", "2024-06-01"),
                   ("azure_endpoint", "http://127.0.0.1:9"), ("api_key", _FAKE), ("max_retries", 0)),
        api_base="", verify_path="/openai/models?api-version={OPENAI_API_VERSION}", auth="api-key",
        sdk_modules=(("openai", "openai"),), init_names=("azure_openai",), community_modules=("azure_openai",),
        smoke=(("AzureChatOpenAI", CallShape((("max_tokens", 1),), (_OPENAI_TOKENS,), model_kw="azure_deployment",
                                             source=_OPENAI_SOURCE)),),
        construct_model_is_default=False, used_when_key_read=False,
    ),
    Provider(
        "anthropic", "langchain-anthropic", "langchain_anthropic", ("ChatAnthropic",), ("anthropic",),
        key_vars=("ANTHROPIC_API_KEY",), base_url_vars=("ANTHROPIC_BASE_URL", "ANTHROPIC_API_URL"),
        key_prefixes=("sk-ant-",), hosts=("api.anthropic.com",),
        docs="https://python.langchain.com/docs/integrations/chat/anthropic/", core1_line="1.0.0",
        construct=(("model", "claude-3-5-haiku-latest"), ("api_key", "sk-ant-" + _FAKE),
                   ("base_url", "http://127.0.0.1:9"), ("max_retries", 0)),
        api_base="https://api.anthropic.com", verify_path="/v1/models", auth="x-api-key",
        sdk_modules=(("anthropic", "anthropic"),), init_names=("anthropic",), community_modules=("anthropic",),
        smoke=(("ChatAnthropic", CallShape(
            (("max_tokens", 1),), (TokenKeys("usage", "input_tokens", "output_tokens", "total_tokens"),),
            model_keys=("model_name", "model"), finish_keys=("stop_reason",),
            source="langchain-anthropic 1.7.10: max_tokens (alias max_tokens_to_sample), default_request_timeout "
            "(alias timeout), max_retries")),),
        stable_submodules=("langchain_anthropic.chat_models", "anthropic.types"),
    ),
    Provider(
        "google-vertexai", "langchain-google-vertexai", "langchain_google_vertexai", ("ChatVertexAI",),
        ("google-cloud-aiplatform", "google-auth"), credential=CredentialKind.GCLOUD_ADC,
        config_vars=(("GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT"),),
        hosts=("aiplatform.googleapis.com",),
        docs="https://python.langchain.com/docs/integrations/chat/google_vertex_ai_palm/", core1_line="3.0.0",
        construct=(("model", "gemini-1.5-flash"), ("project", "doctor-probe"), ("location", "us-central1"),
                   ("max_retries", 0), ("credentials", "@probe:google-anonymous-credentials")),
        sdk_modules=(("google.cloud.aiplatform", "google-cloud-aiplatform"), ("vertexai", "google-cloud-aiplatform"),
                     ("google.auth", "google-auth"), ("google.oauth2", "google-auth")),
        init_names=("google_vertexai",), community_modules=("vertexai",),
        construct_env=(("GOOGLE_CLOUD_PROJECT", "doctor-probe"),),
        smoke=(("ChatVertexAI", CallShape(
            (("max_output_tokens", 1),), _GOOGLE_TOKENS, model_keys=_GOOGLE_MODEL, finish_keys=_GOOGLE_FINISH,
            source="langchain-google-vertexai 3.2.5 _VertexAICommon: max_output_tokens (alias max_tokens), timeout, "
            "max_retries")),),
        named_vars=("GOOGLE_APPLICATION_CREDENTIALS",),
    ),
    Provider(
        "google-genai", "langchain-google-genai", "langchain_google_genai", ("ChatGoogleGenerativeAI",),
        ("google-genai", "google-generativeai"), key_vars=("GOOGLE_API_KEY", "GEMINI_API_KEY"),
        base_url_vars=("GOOGLE_GEMINI_BASE_URL",),  # honoured by the google-genai SDK
        key_prefixes=("AIza",), hosts=("generativelanguage.googleapis.com",),
        docs="https://python.langchain.com/docs/integrations/chat/google_generative_ai/", core1_line="3.0.0",
        construct=(("model", "gemini-2.0-flash"), ("google_api_key", "AIza" + _FAKE)),
        api_base="https://generativelanguage.googleapis.com", verify_path="/v1beta/models",
        auth="x-goog-api-key",
        sdk_modules=(("google.genai", "google-genai"), ("google.generativeai", "google-generativeai")),
        init_names=("google_genai",),
        smoke=(("ChatGoogleGenerativeAI", CallShape(
            (("max_output_tokens", 1),), _GOOGLE_TOKENS, model_keys=_GOOGLE_MODEL, finish_keys=_GOOGLE_FINISH,
            source="langchain-google-genai 4.4.3: max_output_tokens (alias max_tokens), timeout, max_retries")),),
    ),
    Provider(
        "aws", "langchain-aws", "langchain_aws", ("ChatBedrock", "ChatBedrockConverse"), ("boto3", "botocore"),
        credential=CredentialKind.AWS, config_vars=(("AWS_REGION", "AWS_DEFAULT_REGION"),),
        base_url_vars=("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL"),
        hosts=("amazonaws.com",),
        docs="https://python.langchain.com/docs/integrations/chat/bedrock/", core1_line="1.0.0",
        construct=(("model_id", "anthropic.claude-3-haiku-20240307-v1:0"), ("region_name", "us-east-1")),
        sdk_modules=(("boto3", "boto3"), ("botocore", "botocore")), init_names=("bedrock", "bedrock_converse"),
        community_modules=("bedrock", "bedrock_converse"),
        construct_env=(("AWS_ACCESS_KEY_ID", "doctor-probe-fake-id"),
                       ("AWS_SECRET_ACCESS_KEY", "doctor-probe-fake-secret"),
                       ("AWS_DEFAULT_REGION", "us-east-1"), ("AWS_EC2_METADATA_DISABLED", "true")),
        smoke=(
            ("ChatBedrock", CallShape(
                (("max_tokens", 1),), (TokenKeys("usage", "prompt_tokens", "completion_tokens", "total_tokens"),),
                model_kw="model_id", timeout_kw="config", retries_kw=None, model_keys=("model_id", "model_name"),
                finish_keys=("stop_reason",),
                source="langchain-aws 1.9.1 ChatBedrock: model_id, max_tokens, config (botocore Config: timeouts, "
                "attempts)")),
            ("ChatBedrockConverse", CallShape(
                (("max_tokens", 1),), (TokenKeys("usage", "inputTokens", "outputTokens", "totalTokens"),),
                model_kw="model_id", timeout_kw="config", retries_kw=None, model_keys=("model_name", "model_id"),
                finish_keys=("stopReason", "stop_reason"),
                source="langchain-aws 1.9.1 ChatBedrockConverse: model_id (alias model), max_tokens, config")),
        ),
    ),
    Provider(
        "mistralai", "langchain-mistralai", "langchain_mistralai", ("ChatMistralAI",), (),
        key_vars=("MISTRAL_API_KEY",), base_url_vars=("MISTRAL_BASE_URL",), hosts=("api.mistral.ai",),
        docs="https://python.langchain.com/docs/integrations/chat/mistralai/", core1_line="1.0.0",
        construct=(("model", "mistral-small-latest"), ("api_key", _FAKE), ("max_retries", 0)),
        api_base="https://api.mistral.ai/v1", verify_path="/models",
        sdk_modules=(("mistralai", "mistralai"),), init_names=("mistralai",), community_modules=("mistralai",),
        smoke=(("ChatMistralAI", CallShape(
            (("max_tokens", 1),), (_OPENAI_TOKENS,), timeout_int=True, model_keys=("model_name", "model"),
            source="langchain-mistralai 1.1.6: max_tokens, timeout (int seconds), max_retries")),),
    ),
    Provider(
        "groq", "langchain-groq", "langchain_groq", ("ChatGroq",), ("groq",),
        key_vars=("GROQ_API_KEY",), base_url_vars=("GROQ_API_BASE", "GROQ_BASE_URL"), key_prefixes=("gsk_",),
        hosts=("api.groq.com",),
        docs="https://python.langchain.com/docs/integrations/chat/groq/", core1_line="1.0.0",
        construct=(("model", "llama-3.1-8b-instant"), ("api_key", "gsk_" + _FAKE), ("max_retries", 0)),
        api_base="https://api.groq.com", verify_path="/openai/v1/models",
        sdk_modules=(("groq", "groq"),), init_names=("groq",), community_modules=("groq",),
        smoke=(("ChatGroq", CallShape(
            (("max_tokens", 1),), (_OPENAI_TOKENS,),
            timings=("queue_time", "prompt_time", "completion_time", "total_time"),
            source="langchain-groq 1.1.3: max_tokens, request_timeout (alias timeout), max_retries")),),
    ),
    Provider(
        "together", "langchain-together", "langchain_together", ("ChatTogether",), ("openai",),
        key_vars=("TOGETHER_API_KEY",), base_url_vars=("TOGETHER_API_BASE", "TOGETHER_BASE_URL"),
        hosts=("api.together.xyz", "api.together.ai"),
        docs="https://python.langchain.com/docs/integrations/chat/together/", core1_line=None,
        construct=(("model", "meta-llama/Llama-3-8b-chat-hf"), ("api_key", _FAKE), ("max_retries", 0)),
        api_base="https://api.together.xyz/v1", verify_path="/models",
        sdk_modules=(("openai", "openai"),), init_names=("together",), community_modules=("together",),
        smoke=(("ChatTogether", CallShape((("max_tokens", 1),), (_OPENAI_TOKENS,),
                                          source="langchain-together 0.4.0 (BaseChatOpenAI subclass)")),),
    ),
    Provider(
        "fireworks", "langchain-fireworks", "langchain_fireworks", ("ChatFireworks",), ("fireworks-ai",),
        key_vars=("FIREWORKS_API_KEY",),
        # FIREWORKS_API_BASE: langchain-fireworks 1.7.1 base_url_env; FIREWORKS_BASE_URL: the SDK's own.
        base_url_vars=("FIREWORKS_BASE_URL", "FIREWORKS_API_BASE"), key_prefixes=("fw_",),
        hosts=("api.fireworks.ai",),
        docs="https://python.langchain.com/docs/integrations/chat/fireworks/", core1_line="1.0.0",
        construct=(("model", "accounts/fireworks/models/llama-v3p1-8b-instruct"), ("api_key", "fw_" + _FAKE),
                   ("max_retries", 0)),
        api_base="https://api.fireworks.ai/inference/v1", verify_path="/models",
        sdk_modules=(("fireworks", "fireworks-ai"),), init_names=("fireworks",), community_modules=("fireworks",),
        smoke=(("ChatFireworks", CallShape(
            (("max_tokens", 1),), (_OPENAI_TOKENS,),
            source="langchain-fireworks 1.7.1: max_tokens, request_timeout (alias timeout), max_retries")),),
    ),
    Provider(
        "ollama", "langchain-ollama", "langchain_ollama", ("ChatOllama",), ("ollama",),
        credential=CredentialKind.NONE, base_url_vars=("OLLAMA_HOST",), hosts=("localhost:11434", "127.0.0.1:11434"),
        docs="https://python.langchain.com/docs/integrations/chat/ollama/", core1_line="1.0.0",
        construct=(("model", "llama3.2"), ("base_url", "http://127.0.0.1:9")),
        sdk_modules=(("ollama", "ollama"),), init_names=("ollama",), community_modules=("ollama",),
        smoke=(("ChatOllama", CallShape((("num_predict", 1),), (TokenKeys("", "prompt_eval_count", "eval_count"),),
                                        timeout_kw=None, retries_kw=None, model_keys=("model_name", "model"),
                                        finish_keys=("done_reason",), source="langchain-ollama: num_predict")),),
    ),
    Provider(
        "cohere", "langchain-cohere", "langchain_cohere", ("ChatCohere",), ("cohere",),
        key_vars=("COHERE_API_KEY", "CO_API_KEY"), base_url_vars=("CO_API_URL",),
        hosts=("api.cohere.com", "api.cohere.ai"),
        docs="https://python.langchain.com/docs/integrations/chat/cohere/", core1_line=None,
        construct=(("model", "command-r"), ("cohere_api_key", _FAKE)),
        api_base="https://api.cohere.com", verify_path="/v1/models",
        sdk_modules=(("cohere", "cohere"),), init_names=("cohere",), community_modules=("cohere",),
        smoke=(("ChatCohere", CallShape((("max_tokens", 1),), timeout_kw=None, retries_kw="max_retries",
                                        source="langchain-cohere: max_tokens, max_retries (tokens: usage_metadata)")),),
    ),
    Provider(
        "huggingface", "langchain-huggingface", "langchain_huggingface", ("ChatHuggingFace",),
        ("huggingface-hub",), key_vars=("HUGGINGFACEHUB_API_TOKEN", "HF_TOKEN"), key_prefixes=("hf_",),
        base_url_vars=("HF_ENDPOINT",),
        hosts=("huggingface.co", "api-inference.huggingface.co"),
        docs="https://python.langchain.com/docs/integrations/chat/huggingface/", core1_line="1.0.0",
        construct=None,  # needs a real LLM object; only the import is probed
        api_base="https://huggingface.co", verify_path="/api/whoami-v2",
        sdk_modules=(("huggingface_hub", "huggingface-hub"),), init_names=("huggingface",),
        community_modules=("huggingface",),
        smoke=(("ChatHuggingFace", CallShape(
            (("max_tokens", 1),), (_OPENAI_TOKENS,), model_kw="model_id", timeout_kw=None, retries_kw=None,
            unsupported="ChatHuggingFace wraps an llm object (HuggingFaceEndpoint or a pipeline) that the call "
            "cannot build from literal arguments",
            source="langchain-huggingface 0.3 ChatHuggingFace: llm (required), model_id, max_tokens")),),
    ),
    Provider(
        "xai", "langchain-xai", "langchain_xai", ("ChatXAI",), ("openai",),
        key_vars=("XAI_API_KEY",), key_prefixes=("xai-",), base_url_vars=("XAI_API_BASE",), hosts=("api.x.ai",),
        docs="https://python.langchain.com/docs/integrations/chat/xai/", core1_line="1.0.0",
        construct=(("model", "grok-3-mini"), ("xai_api_key", "xai-" + _FAKE), ("max_retries", 0)),
        api_base="https://api.x.ai/v1", verify_path="/models",
        sdk_modules=(("openai", "openai"),), init_names=("xai",), community_modules=("xai",),
        smoke=(("ChatXAI", CallShape((("max_tokens", 1),), (_OPENAI_TOKENS,),
                                     source="langchain-xai (BaseChatOpenAI subclass)")),),
    ),
    Provider(
        "deepseek", "langchain-deepseek", "langchain_deepseek", ("ChatDeepSeek",), ("openai",),
        key_vars=("DEEPSEEK_API_KEY",), base_url_vars=("DEEPSEEK_API_BASE",), key_prefixes=("sk-",),
        hosts=("api.deepseek.com",),
        docs="https://python.langchain.com/docs/integrations/chat/deepseek/", core1_line="1.0.0",
        construct=(("model", "deepseek-chat"), ("api_key", "sk-" + _FAKE), ("max_retries", 0)),
        api_base="https://api.deepseek.com", verify_path="/models",
        sdk_modules=(("openai", "openai"),), init_names=("deepseek",), community_modules=("deepseek",),
        smoke=(("ChatDeepSeek", CallShape((("max_tokens", 1),), (_OPENAI_TOKENS,),
                                          source="langchain-deepseek (BaseChatOpenAI subclass)")),),
    ),
    Provider(
        # Read from the wheels of langchain-nvidia-ai-endpoints 1.0.0 and 1.5.0 (_common.py, chat_models.py,
        # _statics.py, _telemetry.py).
        "nvidia-ai-endpoints", "langchain-nvidia-ai-endpoints", "langchain_nvidia_ai_endpoints", ("ChatNVIDIA",),
        key_vars=("NVIDIA_API_KEY",), base_url_vars=("NVIDIA_BASE_URL",), key_prefixes=("nvapi-",),
        hosts=("integrate.api.nvidia.com", "ai.api.nvidia.com"),
        docs="https://python.langchain.com/docs/integrations/chat/nvidia_ai_endpoints/", core1_line="1.0.0",
        # A model of the package's own catalogue (_statics.py) on the hosted endpoint: an unknown one would make the
        # constructor list the endpoint's models over the network.
        construct=(("model", "meta/llama-3.1-8b-instruct"), ("api_key", "nvapi-" + _FAKE)),
        construct_env=(("NVIDIA_USAGE_TELEMETRY_ENABLED", "false"),),
        # The models listing of the hosted API does not prove a key: no online key check.
        api_base="https://integrate.api.nvidia.com/v1", verify_path="",
        init_names=("nvidia",),
        smoke=(("ChatNVIDIA", CallShape(
            (("max_completion_tokens", 1),), timeout_kw="timeout", retries_kw=None,
            source="langchain-nvidia-ai-endpoints 1.5.0 ChatNVIDIA: max_completion_tokens (max_tokens is a "
            "deprecated alias), timeout (transport seconds), no max_retries; token counts only in usage_metadata")),),
    ),
)

BY_NAME: dict[str, Provider] = {p.name: p for p in PROVIDERS}


def by_package(package: str) -> tuple[Provider, ...]:
    """Providers whose integration is ``package`` (langchain-openai serves openai and azure-openai)."""
    return tuple(p for p in PROVIDERS if p.package == package)


def by_module(module: str) -> tuple[Provider, ...]:
    """Providers whose integration imports as ``module`` (top-level name)."""
    top = module.split(".", 1)[0]
    return tuple(p for p in PROVIDERS if p.module == top)


def module_row(module: str) -> Optional[Provider]:
    """The first row whose integration imports as ``module``'s top-level name (openai for ``langchain_openai``),
    or None. The one such lookup."""
    rows = by_module(module)
    return rows[0] if rows else None


def by_class(class_name: str) -> Optional[Provider]:
    """The provider whose chat class is ``class_name``, if any."""
    for p in PROVIDERS:
        if class_name in p.chat_classes:
            return p
    return None


def by_host(host: str) -> Optional[Provider]:
    """The provider whose API lives at ``host`` (exact host, host:port, or a subdomain of a listed host)."""
    host = host.lower()
    for p in PROVIDERS:
        for h in p.hosts:
            if host == h or host.endswith("." + h) or host.split(":")[0] == h:
                return p
    return None


INTEGRATION_PACKAGES: frozenset[str] = frozenset(p.package for p in PROVIDERS)
SDK_PACKAGES: frozenset[str] = frozenset(s for p in PROVIDERS for s in p.sdk_packages)


# ---- maps derived from the rows (never written by hand: a provider is described once, above) ----------------


def _first_wins(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in pairs:
        out.setdefault(k, v)
    return out


SDK_MODULE_PROVIDER: dict[str, str] = _first_wins((m, p.name) for p in PROVIDERS for m, _ in p.sdk_modules)
"""SDK import name (dotted) -> the provider whose SDK it is; shared SDKs (openai) belong to the first row."""
SDK_MODULE_DISTRIBUTIONS: dict[str, str] = _first_wins((m, d) for p in PROVIDERS for m, d in p.sdk_modules)
"""SDK import name (dotted) -> its distribution."""
EXCEPTION_MODULES: tuple[tuple[str, str], ...] = tuple(sorted(
    _first_wins([(p.module + ".", p.name) for p in PROVIDERS]
                + [(m + ".", name) for m, name in SDK_MODULE_PROVIDER.items()]).items(),
    key=lambda kv: -len(kv[0])))
"""(module prefix, provider): an exception whose dotted type starts with the prefix names the provider
(``groq.AuthenticationError``, a ``langchain_x`` wrapper); longest prefix first."""
INIT_CHAT_MODEL_NAMES: dict[str, str] = _first_wins((n, p.name) for p in PROVIDERS for n in p.init_names)
"""``init_chat_model`` provider string -> contract provider name."""
COMMUNITY_MODULES: dict[str, str] = _first_wins((m, p.name) for p in PROVIDERS for m in p.community_modules)
"""``langchain_community.chat_models`` module name -> contract provider name."""
MODULE_TOPS: frozenset[str] = frozenset(
    {p.module for p in PROVIDERS} | {m.split(".")[0] for p in PROVIDERS for m, _ in p.sdk_modules})
"""Top-level import names of the integrations and their SDKs (a local ``openai.py`` shadows one)."""
SDK_TOPS: frozenset[str] = frozenset(m.split(".")[0] for p in PROVIDERS for m, _ in p.sdk_modules)
"""Top-level import names of the provider SDKs."""
STABLE_SUBMODULES: frozenset[str] = frozenset(m for p in PROVIDERS for m in p.stable_submodules)
SECRET_VARS: dict[str, str] = _first_wins(
    [(v, p.name) for p in PROVIDERS for v in (*p.key_vars, *p.extra_secret_vars)])
"""Secret variable -> the provider it names."""
NAMED_VARS: dict[str, str] = _first_wins(
    [*SECRET_VARS.items(), *((v, p.name) for p in PROVIDERS for v in (*p.required_vars, *p.named_vars))])
"""Every variable that names its provider (secrets, required settings, credential files) -> the provider."""
CHAT_CLASSES: tuple[str, ...] = tuple(c for p in PROVIDERS for c in p.chat_classes)
CHAT_CLASS_PATTERN: str = "|".join(sorted(CHAT_CLASSES, key=lambda c: (-len(c), c)))
"""A regex alternation of every chat class, longest first (wrap it in ``\\b(?:...)\\b``)."""
SHAPES: dict[str, CallShape] = {c: sh for p in PROVIDERS for c, sh in reversed(p.smoke)}
"""Chat class -> the smoke call's shape."""
TOKEN_KEYS: tuple[TokenKeys, ...] = tuple(dict.fromkeys(t for p in PROVIDERS for _, sh in p.smoke for t in sh.tokens))
"""Every place a row says token counts are kept, in table order (the smoke table reads the first that has them)."""
TIMINGS: tuple[str, ...] = tuple(dict.fromkeys(k for p in PROVIDERS for _, sh in p.smoke for k in sh.timings))
MODEL_KEYS: tuple[str, ...] = tuple(dict.fromkeys(k for p in PROVIDERS for _, sh in p.smoke for k in sh.model_keys))
"""Every key a row says holds the answering model, in table order (for an answer whose class is not known)."""
FINISH_KEYS: tuple[str, ...] = tuple(dict.fromkeys(k for p in PROVIDERS for _, sh in p.smoke for k in sh.finish_keys))
"""Every key a row says holds the finish reason, in table order."""


_PRIMARY: dict[str, str] = _first_wins((p.package, p.name) for p in PROVIDERS)


def provider_of(package: str) -> Optional[str]:
    """The provider a package's findings and probe belong to: its first row (openai for langchain-openai, which
    azure-openai shares), or None for a package that is no provider's integration. The one such lookup."""
    return _PRIMARY.get(package)


def sdk_users(distribution: str) -> tuple[Provider, ...]:
    """The rows whose SDK modules come from ``distribution`` (botocore: aws), in table order."""
    return tuple(p for p in PROVIDERS if any(d == distribution for _m, d in p.sdk_modules))


def stands_for(p: Provider, package: str) -> str:
    """The provider whose probe and findings stand for ``p`` when the code uses it through ``package``: ``p``
    itself when ``package`` is its own integration, else that package's first row (Together through
    langchain-openai: openai)."""
    return p.name if package == p.package else (provider_of(package) or p.name)


def config_vars_of(kind: CredentialKind) -> tuple[tuple[str, ...], ...]:
    """The settings (each: alternatives) the rows that use the credential ``kind`` need (AWS region, project)."""
    return tuple(dict.fromkeys(g for p in PROVIDERS if p.credential is kind for g in p.config_vars))


def module_path_pattern() -> str:
    """A regex alternation of the integrations' and SDKs' module paths (``google[/\\\\]auth``), for traceback
    frames; longest first."""
    import re

    names = {p.module for p in PROVIDERS} | {m for p in PROVIDERS for m, _ in p.sdk_modules}
    parts = sorted((r"[/\\]".join(re.escape(x) for x in n.split(".")) for n in names), key=lambda s: (-len(s), s))
    return "|".join(parts)
