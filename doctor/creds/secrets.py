"""Every secret value the credential layer can see, so that the redactor masks them everywhere.

Values of secret-looking or provider key variables in .env files; refresh tokens, client secrets and private
keys of the ADC file; AWS secret keys and session tokens of the shared files; cached SSO tokens.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import inputs
from ..creds import aws, dotenv, gcloud, needs
from ..knowledge.providers import PROVIDERS
from ..redact import is_secret_name

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Mapping

    from ..context import Environment

_KEY_VARS = frozenset(v for p in PROVIDERS for v in p.key_vars)
_AWS_SECRET_FIELDS = ("aws_secret_access_key", "aws_session_token", "aws_security_token", "aws_access_key_id")
_SSO_FIELDS = ("accessToken", "refreshToken", "clientSecret")
_MAX_SSO_FILES = 100


def _looks_opaque(value: str) -> bool:
    # Long values without spaces or a scheme are likely tokens even under an innocent name.
    v = value.strip()
    return len(v) >= 20 and " " not in v and "://" not in v and "/" not in v.strip("/")


def _dotenv_values(files: Iterable[dotenv.DotenvFile]) -> Iterator[str]:
    for f in files:
        for entry in f.entries.values():
            if entry.name in _KEY_VARS or is_secret_name(entry.name) or _looks_opaque(entry.value):
                yield entry.value


def _json_secrets(info: Mapping[str, Any]) -> Iterator[str]:
    for k in gcloud.SECRET_FIELDS:
        v = info.get(k)
        if isinstance(v, str) and v:
            yield v
            if "\n" in v:
                yield v.replace("\n", "\\n")  # as it appears in the raw JSON text
    src = info.get("source_credentials")
    if isinstance(src, dict):
        yield from _json_secrets(src)


def _adc(environ: Mapping[str, str]) -> Iterator[str]:
    res = gcloud.resolve(environ)
    if res.file is not None and res.file.info:
        yield from _json_secrets(res.file.info)
    explicit = environ.get("GOOGLE_APPLICATION_CREDENTIALS")
    well_known = gcloud.gcloud_config_dir(environ) / gcloud.ADC_FILE
    if explicit and inputs.is_file(well_known):  # the gcloud file may be shown in evidence even when not used
        f = gcloud.read_file(well_known, "gcloud")
        yield from _json_secrets(f.info)


def _aws(environ: Mapping[str, str]) -> Iterator[str]:
    chain = aws.resolve(environ)
    for path in (chain.config_file, chain.credentials_file):
        sections, _ = aws._read_ini(Path(path))
        for pairs in sections.values():
            for k, v in pairs:
                if k.lower() in _AWS_SECRET_FIELDS and v.strip():
                    yield v
                    yield v.strip()
    cache = gcloud.home(environ) / ".aws" / "sso" / "cache"
    try:
        files = [cache / n for n in inputs.listdir(cache, suffixes=(".json",))][:_MAX_SSO_FILES]
    except OSError:
        files = []
    for f in files:
        try:
            data = json.loads(inputs.read_text(f, limit=gcloud.CREDENTIAL_FILE_LIMIT, content=True))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            for k in _SSO_FIELDS:
                if isinstance(data.get(k), str) and data[k]:
                    yield data[k]


def collect(env: Environment) -> tuple[str, ...]:
    """All secret values found; safe to call on any environment (unreadable files are skipped)."""
    out: list[str] = []
    parts: list[Callable[[], Iterable[str]]] = [
        lambda: _dotenv_values(needs.compute(env).dotenv_files), lambda: _adc(env.environ), lambda: _aws(env.environ)]
    for part in parts:
        try:
            out.extend(part())
        except Exception:  # redaction must never crash a run; the token-shape patterns still apply
            continue
    return tuple(dict.fromkeys(v for v in out if v))
