"""Every finding code written anywhere in the engine is registered: a typo (``"LCD4O1"``, ``"LCD999"``) fails
here, not in a user's report."""

from __future__ import annotations

import re
from pathlib import Path

from langchain_doctor.registry import registry

from tests.unit.test_providers import ROOT, _string_literals

_CODE = re.compile(r"\bLCD[0-9A-Za-z]{3,4}\b")


def _sources() -> list[Path]:
    files = [*(ROOT / "doctor").rglob("*.py"), *(ROOT / "checks").rglob("*.py")]
    return sorted(f for f in files if "_checks" not in f.relative_to(ROOT).parts)


def test_every_code_used_in_the_source_is_registered() -> None:
    known = registry()
    used: dict[str, list[str]] = {}
    for f in _sources():
        for line, s in _string_literals(f):
            for code in _CODE.findall(s):
                used.setdefault(code, []).append(f"{f.relative_to(ROOT).as_posix()}:{line}")
    # "LCD40x" names a family in a message: some registered code must be in it
    unknown = {c: where for c, where in used.items()
               if c not in known and not (re.fullmatch(r"LCD\d{2}x", c) and any(k.startswith(c[:5]) for k in known))}
    assert not unknown, unknown
    assert len(used) > 50  # the scan saw the call sites (make("LCD201", ...), tables of codes)


def test_the_scan_catches_a_typo(tmp_path: Path) -> None:
    f = tmp_path / "x.py"
    f.write_text('make("LCD4O1", title="t")\nOTHER = ("LCD201", "LCD999", "see the LCD98x findings")\n', encoding="utf-8")
    found = {c for _, s in _string_literals(f) for c in _CODE.findall(s)}
    assert {"LCD4O1", "LCD999", "LCD98x"} <= found and not {"LCD4O1", "LCD999"} & set(registry())
    assert not any(k.startswith("LCD98") for k in registry())  # so the family LCD98x is unknown too
