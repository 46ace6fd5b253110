"""The probe's code for a classified failure comes from the registry (code -> kind), never from a second table."""

from __future__ import annotations

import re
from pathlib import Path

from langchain_doctor._checks import imports
from langchain_doctor.knowledge.signatures import SIGNATURES
from langchain_doctor.model import Kind
from langchain_doctor.registry import probe_code_for, registry

ROOT = Path(__file__).resolve().parents[2]
# The kinds the imports check leaves to the credentials checks, and those it reports generically (LCD306/LCD307):
# a new kind must be put in one of these or given a probe code, never fall through unnoticed.
CREDENTIAL_KINDS = frozenset(imports._CREDENTIAL_KINDS)
GENERIC = {Kind.IMPORT_ERROR, Kind.NETWORK_CONFIG, Kind.VERSION_CONFLICT, Kind.MODEL_NOT_FOUND, Kind.UNCLASSIFIED,
           Kind.DOCTOR}


def test_every_kind_has_one_route() -> None:
    for kind in Kind:
        code = probe_code_for(kind)
        routes = [code is not None, kind in CREDENTIAL_KINDS, kind in GENERIC]
        assert sum(routes) == 1, f"{kind.value}: a probe code, the credentials checks or generic, exactly one"
        if code is not None:
            entry = registry()[code]
            assert entry.kind is kind and entry.probe_classified and not entry.retired
            assert entry.name.startswith("probe-") and code[3] in "37"  # the imports or compat area


def test_the_classified_codes_are_one_per_kind() -> None:
    flagged = [e for e in registry().values() if e.probe_classified]
    assert len(flagged) == len({e.kind for e in flagged}) == 10
    assert {probe_code_for(e.kind) for e in flagged} == {e.code for e in flagged}


def test_every_signature_kind_is_routed() -> None:
    for row in SIGNATURES:
        assert probe_code_for(row.kind) or row.kind in CREDENTIAL_KINDS | GENERIC, row.id


def test_no_second_kind_to_code_table_in_engine_code() -> None:
    pair = re.compile(r"""Kind\.\w+\s*:\s*["']LCD\d{3}""")
    hits = [str(p.relative_to(ROOT)) for d in ("doctor", "checks") for p in (ROOT / d).rglob("*.py")
            if "_checks" not in p.parts and "knowledge" not in p.parts and pair.search(p.read_text(encoding="utf-8"))]
    assert hits == [], f"a kind -> code table beside the registry: {hits}"
