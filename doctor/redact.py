"""The one redaction layer: every renderer, evidence line, log line and cache entry passes through it.

It masks the values of credential variables it was told about plus anything shaped like a token, and shows
only a fingerprint (``sk-...a1b2``) so that two reports can still be compared.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

# Env var names whose values are secrets (besides the providers' key_vars).
_SECRET_NAME = re.compile(r"(KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|AUTH)", re.IGNORECASE)

# Token shapes: prefix + long tail. Bounded quantifiers keep the scan linear on hostile input.
_TOKEN_PATTERNS = (
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]{0,8000}?-----END [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"\bsk-ant-[A-Za-z0-9_\-]{8,200}"),
    re.compile(r"\bsk-[A-Za-z0-9_\-]{16,200}"),
    re.compile(r"\bgsk_[A-Za-z0-9]{16,200}"),
    re.compile(r"\bfw_[A-Za-z0-9]{16,200}"),
    re.compile(r"\bxai-[A-Za-z0-9]{16,200}"),
    re.compile(r"\bhf_[A-Za-z0-9]{16,200}"),
    re.compile(r"\bAIza[0-9A-Za-z_\-]{30,40}"),
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    re.compile(r"\b1//[0-9A-Za-z_\-]{20,300}"),
    re.compile(r"\bya29\.[0-9A-Za-z_\-.]{20,2000}"),
    re.compile(r"(?i)\bbearer\s+[A-Za-z0-9_\-.=:/+]{12,2000}"),
)

_MIN_SECRET = 4  # shorter values (e.g. "1") would mask innocent text everywhere


def fingerprint(value: str) -> str:
    """A masked form that never reveals the value: its prefix class, last 4 characters only if long, and length."""
    v = value.strip().strip("'\"").strip()  # a quoted key still shows its prefix class
    if len(v) < 12:
        return f"<{len(value)} chars>"
    prefix = ""
    for p in ("sk-ant-", "sk-proj-", "sk-", "gsk_", "fw_", "xai-", "hf_", "AIza", "AKIA", "ASIA", "1//", "ya29."):
        if v.startswith(p):
            prefix = p
            break
    return f"{prefix}...{v[-4:]} ({len(value)} chars)"


# Names that match _SECRET_NAME but hold a path or a location, not a secret (masking them hides the evidence
# that matters, e.g. which credentials file is missing).
_PATH_NAMES = frozenset({"GOOGLE_APPLICATION_CREDENTIALS"})
_PATH_SUFFIXES = ("_FILE", "_PATH", "_DIR")


def is_secret_name(name: str) -> bool:
    """True for env var names that hold secrets by their name (not for ones that name a file or folder)."""
    upper = name.upper()
    if upper in _PATH_NAMES or upper.endswith(_PATH_SUFFIXES):
        return False
    return bool(_SECRET_NAME.search(name))


class Redactor:
    """Masks known secret values and token-shaped strings in any text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        values = {s for s in secrets if s and len(s.strip()) >= _MIN_SECRET}
        # Also mask the stripped form: a key with a trailing newline appears stripped in messages.
        values |= {s.strip() for s in values if len(s.strip()) >= _MIN_SECRET}
        self._values = sorted(values, key=len, reverse=True)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str], extra_names: Iterable[str] = ()) -> Redactor:
        """A redactor for every secret-named variable in ``environ`` plus ``extra_names``."""
        names = set(extra_names)
        return cls(v for k, v in environ.items() if k in names or is_secret_name(k))

    def add(self, *secrets: str) -> Redactor:
        """A new redactor that also masks ``secrets``."""
        return Redactor([*self._values, *secrets])

    def text(self, text: str) -> str:
        """``text`` with every secret replaced by its fingerprint."""
        for v in self._values:
            if v in text:
                text = text.replace(v, fingerprint(v))
        for pat in _TOKEN_PATTERNS:
            text = pat.sub(lambda m: fingerprint(m.group(0)), text)
        return text


_DEFAULT = Redactor()


def default() -> Redactor:
    """A redactor that only knows token shapes (for places with no environment at hand)."""
    return _DEFAULT
