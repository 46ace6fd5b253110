"""The one registry of finding codes: each code's kind, severity and what/why/fix text.

``list-checks`` and the README's table are generated from it; a test keeps them equal.
Codes are stable: a retired code stays here with ``retired=True`` and is never reused.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from .model import Kind, Severity


class CodeInfo(NamedTuple):
    """Documentation of one finding code."""

    code: str
    """``LCD`` + three digits; the hundreds digit is the area (1 install, 2 pydantic, 3 import, 4 credentials...)."""
    kind: Kind
    severity: Severity
    """Default severity; a check may lower it (e.g. a provider that is installed but not needed)."""
    name: str
    """Short kebab-case name, e.g. ``integration-for-pydantic-v1-core``."""
    what: str
    """What it detects."""
    why: str
    """Why it matters: the error the user would otherwise meet."""
    fix: str
    """How it is fixed, in general terms."""
    retired: bool = False
    probe_classified: bool = False
    """The probe's code for an import or construction failure that the signature table classified to this code's
    kind (at most one code per kind; ``probe_code_for``). The imports check reads it, never a table of its own."""


def _all_codes() -> tuple[CodeInfo, ...]:
    # One explicit list of areas, in code order; no registration by import side effect.
    from .knowledge.codes import compat, credentials, explain, imports, install, internal, pydantic, smoke

    return (
        *install.CODES,
        *pydantic.CODES,
        *imports.CODES,
        *credentials.CODES,
        *explain.CODES,
        *smoke.CODES,
        *compat.CODES,
        *internal.CODES,
    )


_CODE_RE = re.compile(r"^LCD\d{3}$")
_REGISTRY: dict[str, CodeInfo] | None = None


def registry() -> dict[str, CodeInfo]:
    """All codes by code, validated once (unique, well-formed)."""
    global _REGISTRY
    if _REGISTRY is None:
        table: dict[str, CodeInfo] = {}
        for info in _all_codes():
            if not _CODE_RE.match(info.code):
                raise ValueError(f"malformed code {info.code!r}")
            if info.code in table:
                raise ValueError(f"duplicate code {info.code}")
            table[info.code] = info
        _REGISTRY = dict(sorted(table.items()))
    return _REGISTRY


_CREDENTIAL_CODES: frozenset[str] | None = None


def is_credential(code: str) -> bool:
    """True for a code of the credentials area (the table in ``knowledge/codes/credentials.py``), not by prefix."""
    global _CREDENTIAL_CODES
    if _CREDENTIAL_CODES is None:
        from .knowledge.codes import credentials

        _CREDENTIAL_CODES = frozenset(i.code for i in credentials.CODES)
    return code in _CREDENTIAL_CODES


_PROBE_CODE_BY_KIND: dict[Kind, str] | None = None


def probe_code_for(kind: Kind) -> str | None:
    """The probe code for a failure classified to ``kind`` (LCD301 for pydantic-schema), or None when the probe
    reports such a failure generically; derived from the registry's ``probe_classified`` codes, one per kind."""
    global _PROBE_CODE_BY_KIND
    if _PROBE_CODE_BY_KIND is None:
        table: dict[Kind, str] = {}
        for entry in registry().values():
            if entry.probe_classified and not entry.retired:
                if entry.kind in table:
                    raise ValueError(f"two probe codes for {entry.kind.value}: {table[entry.kind]}, {entry.code}")
                table[entry.kind] = entry.code
        _PROBE_CODE_BY_KIND = table
    return _PROBE_CODE_BY_KIND.get(kind)


def info(code: str) -> CodeInfo:
    """The registry entry of ``code``; KeyError for an unknown code."""
    return registry()[code]
