"""LCD4xx: credentials and settings each provider needs (API keys, gcloud ADC, AWS)."""

from __future__ import annotations

from doctor.registry import CodeInfo

CODES: tuple[CodeInfo, ...] = ()
