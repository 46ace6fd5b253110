"""The doctor's requirement reader gives packaging's answers: name, extras, specifiers, marker, text, and whether
a requirement applies to a target, on every Requires-Dist line of the real test venvs and on edge cases."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_doctor._checks._common import applies
from langchain_doctor.inventory import Req, canonicalize_name, marker_excludes, read_requirement
from packaging.markers import UndefinedComparison, UndefinedEnvironmentName
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name as packaging_canonicalize

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "requires_dist.txt"
REAL_LINES = [ln for ln in FIXTURE.read_text(encoding="utf-8").splitlines() if ln and not ln.startswith("#")]

EDGE_LINES = [
    "foo", "foo>=1", "Foo_Bar.baz>=1.0,<2", "foo >= 1.0", "foo>=1 , <2", "foo (>=1,<2)", "foo ( >=1 , <2 )",
    "foo[bar]>=1", "foo[ bar , Baz_Q ]", "foo [bar] (>=1)", "foo==1.*", "foo===weird", "foo~=1.4.5", "foo!=1.5.*",
    "foo==1.0+local.7", "foo>=1.0a1.post2.dev3", "foo>=v1", "foo>=1.0-", "foo>=", "foo<<1", "foo==1.*.1",
    "foo-", "-foo", "foo.", "f", "foo bar", "foo,bar", "foo;", "foo ;", "foo ; ", "foo>=1;", "foo;;", "",
    "foo @ https://example.org/foo.whl", "foo@https://example.org/foo.whl ; extra == 'x'",
    "foo; extra == 'x'", 'foo ; extra=="x"', "foo; extra == 'X_y.Z'", "foo; extra == ''", "foo; extra != 'x'",
    "foo; extra == '1'", "foo; extra == 'v1'", "foo; extra == '1.0'", "foo; extra < 'x'", "foo; extra in 'x'",
    "foo; 'x' == extra", "foo; extras == 'x'", "foo; extra == 'x' or extra == 'y'",
    "foo; python_version < '3.12'", "foo; python_version<'3.12'and extra=='x'", "foo; python_version < '3.12' and",
    "foo; python_version ~= '3'", "foo; python_version ~= '3.11'", "foo; python_version === '3.11'",
    "foo; python_version == '3.11.*'", "foo; python_version == 'abc'", "foo; python_version < 'abc'",
    "foo; python_full_version >= '3.12.4'", "foo; python_full_version != '3.11.7'",
    "foo; implementation_version >= '3'", "foo; platform_release >= '5'", "foo; platform_release == 'x'",
    "foo; sys_platform == 'win32'", "foo; sys_platform != 'darwin' and sys_platform != 'win32'",
    "foo; sys_platform == '1.0'", "foo; sys_platform < 'z'", "foo; sys.platform == 'linux'",
    "foo; os_name == 'nt' or (python_version >= '3.10' and platform_machine == 'x86_64')",
    "foo; ((python_version >= '3.10'))", "foo; (python_version >= '3.10'", "foo; python_version >= '3.10')",
    "foo; platform_python_implementation != 'PyPy'", "foo; implementation_name == 'cpython'",
    "foo; platform_system == 'Windows' AND extra == 'x'", "foo; python_version > '3.10' and extra == \"a;b\"",
    "foo; android == 'x'", "foo; python_versionx == '3'", "foo; dependency_groups == 'x'",
    "foo; platform_version == '#1 SMP'", "foo; python_version in '3.10 3.11'",
    "foo; python_version not in '3.10 3.11'", "foo\t>=1\t;\tpython_version\t<\t'4'", "foo ; python_version < '3.11'\n",
]

ENVIRONMENTS = [
    {"implementation_name": "cpython", "implementation_version": "3.11.7", "os_name": "posix",
     "platform_machine": "x86_64", "platform_release": "5.15.0", "platform_system": "Linux",
     "platform_version": "#1 SMP", "python_full_version": "3.11.7", "platform_python_implementation": "CPython",
     "python_version": "3.11", "sys_platform": "linux"},
    {"implementation_name": "cpython", "implementation_version": "3.12.4", "os_name": "nt",
     "platform_machine": "AMD64", "platform_release": "10", "platform_system": "Windows",
     "platform_version": "10.0.19041", "python_full_version": "3.12.4", "platform_python_implementation": "CPython",
     "python_version": "3.12", "sys_platform": "win32"},
    {"implementation_name": "pypy", "implementation_version": "7.3.16", "os_name": "posix",
     "platform_machine": "arm64", "platform_release": "23.4.0", "platform_system": "Darwin",
     "platform_version": "Darwin Kernel", "python_full_version": "3.9.19", "platform_python_implementation": "PyPy",
     "python_version": "3.9", "sys_platform": "darwin"},
    {"implementation_name": "cpython", "implementation_version": "3.14.0rc1", "os_name": "posix",
     "platform_machine": "aarch64", "platform_release": "6.1", "platform_system": "Linux",
     "platform_version": "#1", "python_full_version": "3.14.0rc1", "platform_python_implementation": "CPython",
     "python_version": "3.14", "sys_platform": "linux"},
    {"python_version": "3.13"},  # keys missing: packaging fills them from its own interpreter
]


def _packaging(line: str) -> Requirement | None:
    try:
        return Requirement(line)
    except InvalidRequirement:
        return None


def _packaging_applies(req: Requirement, markers: dict[str, str]) -> bool:
    # What the requirements check did before, with packaging alone.
    if req.marker is None:
        return True
    env = dict(markers)
    env["extra"] = ""
    try:
        return bool(req.marker.evaluate(env))
    except (UndefinedComparison, UndefinedEnvironmentName, Exception):
        return True


def _differences(line: str) -> list[str]:
    ours, reference = read_requirement(line), _packaging(line)
    if (ours is None) != (reference is None):
        return [f"{line!r}: read {ours!r}, packaging {reference!r}"]
    if ours is None or reference is None:
        return []
    out = [f"{line!r}: {what}" for what, a, b in (
        ("name", ours.name, reference.name), ("extras", ours.extras, reference.extras),
        ("specifier", str(ours.specifier), str(reference.specifier)), ("url", ours.url, reference.url),
        ("marker", str(ours.marker), str(reference.marker)), ("text", str(ours), str(reference)),
    ) if a != b]
    if ours.specifier != reference.specifier:
        out.append(f"{line!r}: specifier sets differ")
    out += [f"{line!r}: applies under {markers}" for markers in ENVIRONMENTS
            if applies(ours, markers) != _packaging_applies(reference, markers)]
    return out


def test_reads_every_real_line_as_packaging_does() -> None:
    assert [d for line in REAL_LINES for d in _differences(line)] == []


@pytest.mark.parametrize("line", EDGE_LINES)
def test_reads_edge_cases_as_packaging_does(line: str) -> None:
    assert _differences(line) == []


def test_the_real_lines_mostly_take_the_fast_path() -> None:
    """Not a timing: the reader must actually avoid packaging's parser on the common forms, or it buys nothing."""
    fast = [ln for ln in REAL_LINES if (r := read_requirement(ln)) is not None and r._full is None]
    assert len(fast) >= 0.95 * len(REAL_LINES)
    decided = [ln for ln in fast if Req.holds(read_requirement(ln), ENVIRONMENTS[0]) is not None]  # type: ignore[arg-type]
    assert len(decided) >= 0.95 * len(fast)


def test_a_merged_specifier_is_spelled_like_packaging() -> None:
    """A fix merges specifiers into a fresh requirement: its text follows, with the marker kept."""
    ours, reference = read_requirement("foo[b,a]>=1; python_version < '4'"), _packaging("foo[b,a]>=1; python_version < '4'")
    assert ours is not None and reference is not None
    other = read_requirement("foo<3")
    assert other is not None
    ours.specifier &= other.specifier
    reference.specifier &= other.specifier
    assert str(ours) == str(reference)
    assert read_requirement("foo>=1; python_version < '4'") is not ours  # fresh each time: a merge never leaks


def test_names_are_normalised_as_packaging_does() -> None:
    names = {r.name for r in map(read_requirement, REAL_LINES) if r is not None}
    names |= {"Foo__Bar", "a.-_b", "A", "x--y..z", "ÄB", "", "-", "._"}
    assert {n: canonicalize_name(n) for n in names} == {n: packaging_canonicalize(n) for n in names}


def test_a_line_skipped_unparsed_is_one_that_does_not_apply() -> None:
    """``marker_excludes`` (the requirements check's shortcut: no specifier built for a line whose marker is false)
    says True only where packaging says the line does not apply (or is no requirement at all), on every real line,
    every edge case and every environment; and it does skip most extra-gated real lines."""
    skipped = 0
    for line in [*REAL_LINES, *EDGE_LINES]:
        for markers in ENVIRONMENTS:
            if not marker_excludes(line, markers):
                continue
            skipped += 1
            try:
                reference = Requirement(line)
            except InvalidRequirement:
                continue
            assert not _packaging_applies(reference, markers), (line, markers)
    gated = [ln for ln in REAL_LINES if "extra ==" in ln.replace('"', "'").replace("extra=='", "extra == '")]
    assert sum(marker_excludes(ln, ENVIRONMENTS[0]) for ln in gated) >= len(gated) * 0.9
    assert skipped > len(gated)
