"""Inventory: reading dist-info folders, including broken ones, without importing anything."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from langchain_doctor.inventory import family_of, parse_headers, scan
from langchain_doctor.runner import run_checks

from tests.fakeenv import FakeSite, make_env
from tests.fakeenv import static_checks as table


def codes(env) -> list[str]:
    return [f.code for f in run_checks(env, table())]


def test_reads_names_versions_and_locations(site: FakeSite) -> None:
    site.add("langchain-core", "0.3.0", ["pydantic>=2"])
    site.add("Langchain_OpenAI", "0.1.25", [])
    inv = scan([str(site.root)])
    assert inv.get("langchain_openai").raw_version == "0.1.25"
    assert inv.get("langchain-core").location == str(site.root)
    assert inv.get("langchain-core").family == "langchain"


def test_family_recognition() -> None:
    assert family_of("langgraph-checkpoint") == "langchain"
    assert family_of("langsmith") == "langchain"
    assert family_of("pydantic-core") == "pydantic"
    assert family_of("openai") == "sdk"
    assert family_of("langchain-doctor") == ""
    assert family_of("numpy") == ""


def test_first_on_path_wins(tmp_path: Path) -> None:
    a, b = FakeSite(tmp_path / "a"), FakeSite(tmp_path / "b")
    a.root.mkdir()
    b.root.mkdir()
    a.add("pydantic", "1.10.0")
    b.add("pydantic", "2.9.2")
    inv = scan([str(a.root), str(b.root)])
    assert inv.get("pydantic").raw_version == "1.10.0"
    assert len(inv.dists) == 2


@pytest.mark.parametrize(
    ("metadata", "problem"),
    [
        (b"Metadata-Version: 2.1\nName: langchain-core\n", "no Version"),
        (b"Metadata-Version: 2.1\nName: langchain-core\nVersion: not.a.version!\n", "invalid version"),
        (b"\xff\xfe\x00binary\x80\x81 garbage", "not valid UTF-8"),
    ],
)
def test_corrupted_metadata_is_reported_not_crashed(site: FakeSite, metadata: bytes, problem: str) -> None:
    site.add("langchain-core", "0.3.0", metadata=metadata)
    env = make_env(site)
    findings = run_checks(env, table())
    bad = [f for f in findings if f.code == "LCD114"]
    assert bad, [f.code for f in findings]
    assert any(problem in e for e in bad[0].evidence)
    assert not [f for f in findings if f.code == "LCD901"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files regardless of permissions")
def test_unreadable_metadata(site: FakeSite) -> None:
    d = site.add("langchain-core", "0.3.0")
    (d / "METADATA").chmod(0)
    findings = run_checks(make_env(site), table())
    assert "LCD114" in [f.code for f in findings]


def test_unreadable_metadata_as_root(site: FakeSite) -> None:
    # As root, permissions do not stop reads: a METADATA that is a folder is unreadable for everyone.
    d = site.add("langchain-core", "0.3.0")
    (d / "METADATA").unlink()
    (d / "METADATA").mkdir()
    findings = run_checks(make_env(site), table())
    assert "LCD114" in [f.code for f in findings]
    assert "LCD901" not in [f.code for f in findings]


def test_empty_environment_is_a_clear_note(site: FakeSite) -> None:
    findings = run_checks(make_env(site), table())
    assert [f.code for f in findings] == ["LCD120"]
    assert findings[0].severity.value == "info"


def test_no_langchain_among_other_packages(site: FakeSite) -> None:
    site.add("numpy", "2.0.0")
    site.add("requests", "2.32.0", ["idna"])
    assert codes(make_env(site)) == ["LCD120"]


def test_missing_path_entries_are_skipped(tmp_path: Path) -> None:
    inv = scan([str(tmp_path / "nope"), str(tmp_path / "file.zip")])
    assert inv.dists == ()


def test_parse_headers_reads_the_three_fields_of_the_header_block_only() -> None:
    text = ("Metadata-Version: 2.1\r\nname : Langchain_Core\r\nVersion: 0.3.0\r\n"
            "Requires-Dist: pydantic<3,>=2.7;\r\n  python_full_version >= \"3.12.4\"\r\n"
            "Requires-Dist-Extra: not-a-field\r\nREQUIRES-DIST: jsonpatch<2.0\r\n\r\n"
            "Requires-Dist: in-the-body\r\nName: body\r\n")
    headers = parse_headers(text.replace("\r\n", "\n"))
    assert headers == {
        "name": ["Langchain_Core"],
        "version": ["0.3.0"],
        "requires-dist": ['pydantic<3,>=2.7; python_full_version >= "3.12.4"', "jsonpatch<2.0"],
    }
    assert parse_headers(text) == headers  # CRLF as read in binary mode or by a reader that keeps it
    # a field on the very first line counts too (the block is read with a newline put before it)
    assert parse_headers("name: first\nVersion: 1\n") == {"name": ["first"], "version": ["1"]}
