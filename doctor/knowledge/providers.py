"""The providers table: one row per chat-model provider. Adding a provider is one row here plus its tests."""

from __future__ import annotations

import enum
from typing import NamedTuple, Optional, Union

JSONScalar = Union[str, int, float, bool, None]


class CredentialKind(str, enum.Enum):
    """Where a provider's credential comes from."""

    API_KEY = "api-key"
    GCLOUD_ADC = "gcloud-adc"
    AWS = "aws"
    NONE = "none"


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


_FAKE = "doctor-probe-not-a-key"
# A port nothing listens on: a constructor that connects eagerly fails fast instead of reaching the internet.
_DEAD_URL = "http://127.0.0.1:9/v1"

PROVIDERS: tuple[Provider, ...] = (
    Provider(
        "openai", "langchain-openai", "langchain_openai", ("ChatOpenAI",), ("openai",),
        key_vars=("OPENAI_API_KEY",), base_url_vars=("OPENAI_BASE_URL", "OPENAI_API_BASE"),
        key_prefixes=("sk-",), hosts=("api.openai.com",),
        docs="https://python.langchain.com/docs/integrations/chat/openai/", core1_line="1.0.0",
        construct=(("model", "gpt-4o-mini"), ("api_key", "sk-" + _FAKE), ("base_url", _DEAD_URL),
                   ("max_retries", 0)),
        api_base="https://api.openai.com/v1", verify_path="/models",
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
    ),
    Provider(
        "anthropic", "langchain-anthropic", "langchain_anthropic", ("ChatAnthropic",), ("anthropic",),
        key_vars=("ANTHROPIC_API_KEY",), base_url_vars=("ANTHROPIC_BASE_URL", "ANTHROPIC_API_URL"),
        key_prefixes=("sk-ant-",), hosts=("api.anthropic.com",),
        docs="https://python.langchain.com/docs/integrations/chat/anthropic/", core1_line="1.0.0",
        construct=(("model", "claude-3-5-haiku-latest"), ("api_key", "sk-ant-" + _FAKE),
                   ("base_url", "http://127.0.0.1:9"), ("max_retries", 0)),
        api_base="https://api.anthropic.com", verify_path="/v1/models", auth="x-api-key",
    ),
    Provider(
        "google-vertexai", "langchain-google-vertexai", "langchain_google_vertexai", ("ChatVertexAI",),
        ("google-cloud-aiplatform", "google-auth"), credential=CredentialKind.GCLOUD_ADC,
        config_vars=(("GOOGLE_CLOUD_PROJECT", "GCLOUD_PROJECT", "CLOUDSDK_CORE_PROJECT"),),
        hosts=("aiplatform.googleapis.com",),
        docs="https://python.langchain.com/docs/integrations/chat/google_vertex_ai_palm/", core1_line="3.0.0",
        construct=(("model", "gemini-1.5-flash"), ("project", "doctor-probe"), ("location", "us-central1"),
                   ("max_retries", 0)),
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
    ),
    Provider(
        "aws", "langchain-aws", "langchain_aws", ("ChatBedrock", "ChatBedrockConverse"), ("boto3", "botocore"),
        credential=CredentialKind.AWS, config_vars=(("AWS_REGION", "AWS_DEFAULT_REGION"),),
        base_url_vars=("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "AWS_ENDPOINT_URL"),
        hosts=("amazonaws.com",),
        docs="https://python.langchain.com/docs/integrations/chat/bedrock/", core1_line="1.0.0",
        construct=(("model_id", "anthropic.claude-3-haiku-20240307-v1:0"), ("region_name", "us-east-1")),
    ),
    Provider(
        "mistralai", "langchain-mistralai", "langchain_mistralai", ("ChatMistralAI",), (),
        key_vars=("MISTRAL_API_KEY",), base_url_vars=("MISTRAL_BASE_URL",), hosts=("api.mistral.ai",),
        docs="https://python.langchain.com/docs/integrations/chat/mistralai/", core1_line="1.0.0",
        construct=(("model", "mistral-small-latest"), ("api_key", _FAKE), ("max_retries", 0)),
        api_base="https://api.mistral.ai/v1", verify_path="/models",
    ),
    Provider(
        "groq", "langchain-groq", "langchain_groq", ("ChatGroq",), ("groq",),
        key_vars=("GROQ_API_KEY",), base_url_vars=("GROQ_API_BASE", "GROQ_BASE_URL"), key_prefixes=("gsk_",),
        hosts=("api.groq.com",),
        docs="https://python.langchain.com/docs/integrations/chat/groq/", core1_line="1.0.0",
        construct=(("model", "llama-3.1-8b-instant"), ("api_key", "gsk_" + _FAKE), ("max_retries", 0)),
        api_base="https://api.groq.com", verify_path="/openai/v1/models",
    ),
    Provider(
        "together", "langchain-together", "langchain_together", ("ChatTogether",), ("openai",),
        key_vars=("TOGETHER_API_KEY",), base_url_vars=("TOGETHER_API_BASE", "TOGETHER_BASE_URL"),
        hosts=("api.together.xyz", "api.together.ai"),
        docs="https://python.langchain.com/docs/integrations/chat/together/", core1_line=None,
        construct=(("model", "meta-llama/Llama-3-8b-chat-hf"), ("api_key", _FAKE), ("max_retries", 0)),
        api_base="https://api.together.xyz/v1", verify_path="/models",
    ),
    Provider(
        "fireworks", "langchain-fireworks", "langchain_fireworks", ("ChatFireworks",), ("fireworks-ai",),
        key_vars=("FIREWORKS_API_KEY",), base_url_vars=("FIREWORKS_BASE_URL",), key_prefixes=("fw_",),
        hosts=("api.fireworks.ai",),
        docs="https://python.langchain.com/docs/integrations/chat/fireworks/", core1_line="1.0.0",
        construct=(("model", "accounts/fireworks/models/llama-v3p1-8b-instruct"), ("api_key", "fw_" + _FAKE),
                   ("max_retries", 0)),
        api_base="https://api.fireworks.ai/inference/v1", verify_path="/models",
    ),
    Provider(
        "ollama", "langchain-ollama", "langchain_ollama", ("ChatOllama",), ("ollama",),
        credential=CredentialKind.NONE, base_url_vars=("OLLAMA_HOST",), hosts=("localhost:11434", "127.0.0.1:11434"),
        docs="https://python.langchain.com/docs/integrations/chat/ollama/", core1_line="1.0.0",
        construct=(("model", "llama3.2"), ("base_url", "http://127.0.0.1:9")),
    ),
    Provider(
        "cohere", "langchain-cohere", "langchain_cohere", ("ChatCohere",), ("cohere",),
        key_vars=("COHERE_API_KEY", "CO_API_KEY"), base_url_vars=("CO_API_URL",),
        hosts=("api.cohere.com", "api.cohere.ai"),
        docs="https://python.langchain.com/docs/integrations/chat/cohere/", core1_line=None,
        construct=(("model", "command-r"), ("cohere_api_key", _FAKE)),
        api_base="https://api.cohere.com", verify_path="/v1/models",
    ),
    Provider(
        "huggingface", "langchain-huggingface", "langchain_huggingface", ("ChatHuggingFace",),
        ("huggingface-hub",), key_vars=("HUGGINGFACEHUB_API_TOKEN", "HF_TOKEN"), key_prefixes=("hf_",),
        base_url_vars=("HF_ENDPOINT",),
        hosts=("huggingface.co", "api-inference.huggingface.co"),
        docs="https://python.langchain.com/docs/integrations/chat/huggingface/", core1_line="1.0.0",
        construct=None,  # needs a real LLM object; only the import is probed
        api_base="https://huggingface.co", verify_path="/api/whoami-v2",
    ),
    Provider(
        "xai", "langchain-xai", "langchain_xai", ("ChatXAI",), ("openai",),
        key_vars=("XAI_API_KEY",), key_prefixes=("xai-",), base_url_vars=("XAI_API_BASE",), hosts=("api.x.ai",),
        docs="https://python.langchain.com/docs/integrations/chat/xai/", core1_line="1.0.0",
        construct=(("model", "grok-3-mini"), ("xai_api_key", "xai-" + _FAKE), ("max_retries", 0)),
        api_base="https://api.x.ai/v1", verify_path="/models",
    ),
    Provider(
        "deepseek", "langchain-deepseek", "langchain_deepseek", ("ChatDeepSeek",), ("openai",),
        key_vars=("DEEPSEEK_API_KEY",), base_url_vars=("DEEPSEEK_API_BASE",), key_prefixes=("sk-",),
        hosts=("api.deepseek.com",),
        docs="https://python.langchain.com/docs/integrations/chat/deepseek/", core1_line="1.0.0",
        construct=(("model", "deepseek-chat"), ("api_key", "sk-" + _FAKE), ("max_retries", 0)),
        api_base="https://api.deepseek.com", verify_path="/models",
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
