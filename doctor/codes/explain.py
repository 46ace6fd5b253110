"""LCD5xx: what `explain` finds in a pasted traceback, log or notebook output."""

from __future__ import annotations

from doctor.registry import CodeInfo

CODES: tuple[CodeInfo, ...] = ()
