"""Offline validation of API key values: empty, placeholder, stray characters, another provider's format.

Nothing here returns or formats the value itself: callers show ``doctor.redact.fingerprint`` only.
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple, Optional

from ..knowledge.providers import PROVIDERS, Provider

# Key formats that identify their owner, longest first when matched. Sources: each provider's key docs
# (OpenAI `sk-`, Anthropic `sk-ant-`, Groq `gsk_`, Fireworks `fw_`, xAI `xai-`, Hugging Face `hf_`,
# Google `AIza`), AWS access key ids (`AKIA`/`ASIA`), Google OAuth tokens (`ya29.`, `1//`), and a few keys
# of other services that end up in the wrong variable.
_OTHER_FORMATS: tuple[tuple[str, str], ...] = (
    ("sk-or-", "an OpenRouter key"),
    ("AKIA", "an AWS access key id"),
    ("ASIA", "an AWS temporary access key id"),
    ("ya29.", "a Google OAuth access token"),
    ("1//", "a Google OAuth refresh token"),
    ("lsv2_", "a LangSmith key"),
    ("tvly-", "a Tavily key"),
    ("pplx-", "a Perplexity key"),
    ("nvapi-", "an NVIDIA key"),
    ("ghp_", "a GitHub token"),
    ("github_pat_", "a GitHub token"),
)

_PLACEHOLDER_WORDS = frozenset({
    "changeme", "change-me", "change_me", "replaceme", "replace-me", "replace_me", "todo", "tbd", "none",
    "null", "undefined", "placeholder", "dummy", "fake", "test", "secret", "password", "apikey", "api_key",
    "api-key", "key", "token", "sk-", "sk-ant-", "example", "xxx", "...", "your_key", "mykey", "my-key",
})


@functools.cache
def _placeholder_res() -> tuple[re.Pattern[str], ...]:
    # Compiled on first use: most runs have no key set at all, and nine patterns cost start-up time.
    return (
        re.compile(r"^<[^<>]{0,200}>$"),                      # <your-api-key>
        re.compile(r"^\{\{?[^{}]{0,200}\}?\}$"),              # {OPENAI_API_KEY}, {{key}}
        re.compile(r"^\[[^\[\]]{0,200}\]$"),                  # [key]
        re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]{0,100}\}?$"),  # $OPENAI_API_KEY, unexpanded
        re.compile(r"^[a-z0-9]{0,12}[-_]?(?:proj-)?[x*.•…]{3,}$", re.IGNORECASE),  # sk-xxxx, sk-...., ****
        re.compile(r"(?:\.\.\.|…)"),                          # an ellipsis: a shortened example
        re.compile(r"your.{0,40}(?:key|token|api|secret)", re.IGNORECASE),
        re.compile(r"(?:key|token|secret).{0,20}here", re.IGNORECASE),
        re.compile(r"^(?:insert|enter|paste|put|add)[-_ ].{0,60}$", re.IGNORECASE),
    )


class KeyIssue(NamedTuple):
    """One problem with a key value, described without the value."""

    code: str
    """LCD402 empty, LCD403 placeholder, LCD404 stray characters, LCD405 other provider, LCD406 format."""
    detail: str


def _a(word: str) -> str:
    return ("an " if word[:1].lower() in "aeiou" else "a ") + word


def _stray(value: str) -> list[str]:
    out = []
    if value[:1] in ("'", '"') or value[-1:] in ("'", '"') or value.strip()[:1] in ("'", '"'):
        out.append("surrounding quotes")
    if value.endswith(("\n", "\r")):
        out.append("a trailing newline")
    elif value != value.rstrip():
        out.append("trailing whitespace")
    if value != value.lstrip():
        out.append("leading whitespace")
    core = value.strip().strip("'\"").strip()
    if any(c.isspace() for c in core):
        out.append("whitespace inside")
    return out


def core_of(value: str) -> str:
    """The value without surrounding whitespace and quotes: what the user meant to set."""
    return value.strip().strip("'\"").strip()


def is_placeholder(core: str, name: str = "") -> bool:
    """True for example values that are never real keys."""
    low = core.lower()
    if low in _PLACEHOLDER_WORDS or (name and low == name.lower()):
        return True
    return any(p.search(core) for p in _placeholder_res())


def owners(core: str) -> tuple[tuple[str, ...], str]:
    """(provider names, description) of the longest known key prefix ``core`` starts with; ((), "") if none."""
    best = ""
    names: list[str] = []
    label = ""
    for p in PROVIDERS:
        for prefix in p.key_prefixes:
            if core.startswith(prefix) and len(prefix) >= len(best):
                if len(prefix) > len(best):
                    names, best = [], prefix
                names.append(p.name)
                label = f"{_a('/'.join(names))} key (`{prefix}`)"
    for prefix, desc in _OTHER_FORMATS:
        if core.startswith(prefix) and len(prefix) > len(best):
            best, names, label = prefix, [f"other:{desc}"], f"{desc} (`{prefix}`)"
    return tuple(names), label


def inspect(name: str, value: str, provider: Optional[Provider]) -> list[KeyIssue]:
    """Problems of ``value`` as the key of ``provider`` held in variable ``name`` (empty list: looks fine)."""
    if not value.strip():
        return [KeyIssue("LCD402", f"{name} is set but empty")]
    issues: list[KeyIssue] = []
    stray = _stray(value)
    if stray:
        issues.append(KeyIssue("LCD404", f"{name} has " + ", ".join(stray)))
    core = core_of(value)
    if not core or is_placeholder(core, name):
        issues.append(KeyIssue("LCD403", f"{name} holds a placeholder, not a key"))
        return issues
    if provider is None:
        return issues
    found, label = owners(core)
    if found and provider.name not in found:
        issues.append(KeyIssue("LCD405", f"{name} holds {label}, not {_a(provider.name)} key"))
    elif not found and provider.key_prefixes and not core.startswith(provider.key_prefixes):
        expected = " or ".join(f"`{p}`" for p in provider.key_prefixes)
        issues.append(KeyIssue("LCD406", f"{name} does not start with {expected} as {provider.name} keys do"))
    return issues
