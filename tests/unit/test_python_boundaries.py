"""pydantic x Python rows (knowledge/boundaries.py PYTHON_BOUNDARIES): each fixed major line is judged on its own,
and the fix keeps the installed line where that line has a fixed release."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

import pytest
from langchain_doctor._checks import compat_static
from langchain_doctor.classify import classify
from langchain_doctor.knowledge import boundaries as kb

from tests.fakeenv import FakeSite, make_env

if TYPE_CHECKING:
    from pathlib import Path

ROW = next(r for r in kb.PYTHON_BOUNDARIES if r.id == "pydantic-v1-recursive-guard")


@pytest.mark.parametrize(("installed", "affected", "fix"), [
    ("1.10.13", True, "pydantic>=1.10.16,<2"),
    ("1.10.15", True, "pydantic>=1.10.16,<2"),
    ("1.10.16", False, None),     # pydantic/typing.py 1.10.16 passes recursive_guard by keyword
    ("1.10.22", False, None),
    ("2.7.3", True, "pydantic>=2.7.4"),
    ("2.7.4", False, None),
])
def test_recursive_guard_lines(installed: str, affected: bool, fix: str | None) -> None:
    assert ROW.affects(installed) is affected
    if fix is not None:
        assert ROW.fix_for(installed) == fix


def _env(tmp_path: Path, pydantic: str, python: tuple[int, int, int]):  # type: ignore[no-untyped-def]
    site = FakeSite(tmp_path / "site-packages")
    site.root.mkdir(parents=True)
    site.add("pydantic", pydantic)
    site.add("langchain-core", "0.1.52", ["pydantic<3,>=1"])
    env = make_env(site)
    return replace(env, target=replace(env.target, version_info=python))


def test_check_names_the_fixed_release_of_the_installed_line(tmp_path: Path) -> None:
    found = [f for f in compat_static.run(_env(tmp_path, "1.10.13", (3, 13, 0))) if f.code == "LCD704"]
    assert len(found) == 1 and found[0].fix is not None
    assert found[0].fix.install == ("pydantic>=1.10.16,<2",)
    assert not [f for f in compat_static.run(_env(tmp_path / "b", "1.10.17", (3, 13, 0))) if f.code == "LCD704"]
    assert not [f for f in compat_static.run(_env(tmp_path / "c", "1.10.13", (3, 12, 3))) if f.code == "LCD704"]


def test_probe_text_tells_the_pydantic_line_from_its_frames() -> None:
    one = ('  File "/v/lib/python3.13/site-packages/pydantic/typing.py", line 66, in evaluate_forwardref\n'
           "TypeError: ForwardRef._evaluate() missing 1 required keyword-only argument: 'recursive_guard'\n")
    two = one.replace("pydantic/typing.py", "pydantic/v1/typing.py")
    msg = "ForwardRef._evaluate() missing 1 required keyword-only argument: 'recursive_guard'"
    m1, m2 = classify("TypeError", msg, one), classify("TypeError", msg, two)
    assert m1 is not None and m1.install == ("pydantic>=1.10.16,<2",)
    assert m2 is not None and m2.install == ("pydantic>=2.7.4",)
