"""One lookup for "the provider of a package" and one for "the rows using an SDK distribution", both in the table."""

from __future__ import annotations

from pathlib import Path

from langchain_doctor.knowledge import providers as P

DOCTOR = Path(__file__).resolve().parents[2] / "doctor"


def test_provider_of_is_the_first_row_of_every_package() -> None:
    for package in P.INTEGRATION_PACKAGES:
        first = next(p for p in P.PROVIDERS if p.package == package)
        assert P.provider_of(package) == first.name
    shared = [p.package for p in P.PROVIDERS if len(P.by_package(p.package)) > 1]
    assert shared, "the table has a package two rows share (the case the first-row rule is for)"
    assert P.provider_of("not-a-provider-package") is None
    assert P.provider_of("langchain-community") is None


def test_sdk_users_are_the_rows_listing_the_distribution() -> None:
    dists = set(P.SDK_MODULE_DISTRIBUTIONS.values())
    assert dists
    for d in dists:
        users = P.sdk_users(d)
        assert users and all(any(x == d for _m, x in p.sdk_modules) for p in users)
        assert [p.name for p in P.PROVIDERS if p in users] == [p.name for p in users]  # table order
        assert set(users) == {p for p in P.PROVIDERS if d in (x for _m, x in p.sdk_modules)}
    assert P.sdk_users("not-an-sdk") == ()


def test_stands_for_uses_the_same_lookup() -> None:
    for p in P.PROVIDERS:
        for package in P.INTEGRATION_PACKAGES:
            expected = p.name if package == p.package else P.provider_of(package)
            assert P.stands_for(p, package) == expected


def test_no_second_copy_of_the_lookups_outside_the_table() -> None:
    hits = []
    for path in DOCTOR.rglob("*.py"):
        if path.parts[-2:] == ("knowledge", "providers.py") or "_checks" in path.parts:
            continue  # the table itself; checks/ is walked through its real folder below
        text = path.read_text(encoding="utf-8")
        if "by_package(" in text or "sdk_modules)" in text:
            hits.append(str(path.relative_to(DOCTOR)))
    for path in (DOCTOR.parent / "checks").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        if "by_package(" in text or "sdk_modules)" in text:
            hits.append(str(path.relative_to(DOCTOR.parent)))
    assert hits == [], f"a package's provider or an SDK's users looked up outside knowledge/providers.py: {hits}"


def test_module_row_is_the_first_row_of_every_module() -> None:
    for p in P.PROVIDERS:
        first = next(q for q in P.PROVIDERS if q.module == p.module)
        assert P.module_row(p.module) is first
        assert P.module_row(p.module + ".chat_models") is first
    assert P.module_row("not_a_provider_module") is None


def test_no_first_row_of_a_module_picked_outside_the_table() -> None:
    import re

    first = re.compile(r"\b(rows|providers|owner)\[0\]\.(name|package|module)")
    hits = []
    for root in (DOCTOR, DOCTOR.parent / "checks"):
        for path in root.rglob("*.py"):
            if "knowledge" in path.parts or "_checks" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if first.search(text):
                hits.append(str(path.relative_to(root.parent)))
    assert hits == [], f"a module's first row picked outside knowledge.providers.module_row: {hits}"
