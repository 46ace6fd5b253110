"""One way to redact a finding: every text field, found by walking the dataclasses, never by a list of names.

A finding is built with a secret in every text it can hold (each field of ``Finding``, its ``Fix`` and its
``SourceLocation``s, found from the type hints): a field added later gets the secret too, and either the walk
redacts it or this test fails. The three places that redact findings (the run, ``report`` and ``explain``) are
checked to go through it and to keep every field (``report`` used to drop ``locations``).
"""

from __future__ import annotations

import enum
import re
import types
import typing
from dataclasses import fields, is_dataclass
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor import model
from langchain_doctor.commands.report import ticket_report
from langchain_doctor.explain import build
from langchain_doctor.model import Finding, Report
from langchain_doctor.redact import Redactor, redact_fields
from langchain_doctor.sourcelines import pin_line

SECRET = "Zq4vN8tW2pL6rX0yB3mKd7Hs"  # no shape the redactor knows: only its value identifies it
DOCTOR = Path(__file__).resolve().parents[2] / "doctor"


def _value(hint: Any, seeded: list[str]) -> Any:
    """A value of type ``hint`` with the secret in every text it holds (``seeded`` records each text's path)."""
    origin = typing.get_origin(hint)
    if hint is str:
        seeded.append("str")
        return f"text {SECRET} text"
    if origin in (typing.Union, types.UnionType):
        return _value(next(a for a in typing.get_args(hint) if a is not type(None)), seeded)
    if origin is tuple:
        return (_value(typing.get_args(hint)[0], seeded),)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return next(iter(hint))
    if hint in (bool, int, float):
        return hint(1)
    if isinstance(hint, type) and is_dataclass(hint):
        hints = typing.get_type_hints(hint, vars(model))
        return hint(**{f.name: _value(hints[f.name], seeded) for f in fields(hint) if f.init})
    raise AssertionError(f"the test cannot build a {hint!r}: teach _value (and redact_fields) about it")


def _secret_finding() -> tuple[Finding, int]:
    seeded: list[str] = []
    f = _value(Finding, seeded)
    return f, len(seeded)


def _texts(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, tuple):
        return [t for v in value for t in _texts(v)]
    if is_dataclass(value) and not isinstance(value, type):
        return [t for f in fields(value) for t in _texts(getattr(value, f.name))]
    return []


def test_every_text_field_of_a_finding_holds_the_secret_before() -> None:
    f, seeded = _secret_finding()
    assert f.fix is not None and f.locations and f.fix.install and f.fix.remove_paths and f.ignored
    texts = [t for t in _texts(f) if not isinstance(t, enum.Enum)]
    assert len(texts) == seeded >= 15 and all(SECRET in t for t in texts)


def test_redact_fields_leaves_the_secret_in_no_field() -> None:
    f, _ = _secret_finding()
    out = redact_fields(f, Redactor([SECRET]).text)
    assert SECRET not in repr(out)
    assert out.locations and out.fix is not None and out.fix.install  # walked, not dropped
    assert out.severity is f.severity and out.kind is f.kind


def test_an_unknown_kind_of_field_is_refused_not_skipped() -> None:
    with pytest.raises(TypeError):
        redact_fields({"k": SECRET}, str.upper)


def test_ticket_report_redacts_every_field_and_keeps_locations() -> None:
    f, _ = _secret_finding()
    report = Report("0", None, (), (), (f,))
    out = ticket_report(report, home="/nonexistent-home", environ={"FOO_API_KEY": SECRET}, os_name="Linux")
    assert SECRET not in repr(out.findings)
    assert out.findings[0].locations and out.findings[0].locations[0].line == f.locations[0].line


def test_explain_redacts_every_field() -> None:
    f, _ = _secret_finding()
    out = build._redact(f, Redactor([SECRET]))
    assert SECRET not in repr(out) and out.locations


def test_no_second_copy_rebuilds_a_finding_field_by_field() -> None:
    copy = re.compile(r"\b(title|summary)=[\w.]+\(\s*\w+\.(title|summary)\s*\)")
    hits = [str(p.relative_to(DOCTOR)) for p in DOCTOR.rglob("*.py") if copy.search(p.read_text(encoding="utf-8"))]
    assert hits == [], f"a finding redacted field by field instead of redact.redact_fields: {hits}"


def test_a_pin_line_is_redacted_before_it_is_cut(tmp_path: Path) -> None:
    req = tmp_path / "requirements.txt"
    url = "https://u:" + SECRET + "@example.invalid/simple"
    head = "langchain-openai @ "
    line = head + "x" * (200 - len(head) - len("https://u:") - 10) + url
    assert line.index(SECRET) < 200 < line.index(SECRET) + len(SECRET)  # the cut falls inside the secret
    req.write_text(line + "\n")
    loc = pin_line(str(req), "langchain-openai", Redactor([SECRET]))
    assert loc is not None and len(loc.text) <= 200
    assert SECRET[:10] not in loc.text
