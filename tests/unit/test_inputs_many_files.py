"""Revalidating a record of thousands of files (every module a probe loaded) stats them from a few threads: the
answer must be the one a serial pass gives, whichever file changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from langchain_doctor import inputs


@pytest.fixture
def record(tmp_path: Path) -> tuple[dict, list[Path]]:
    files = []
    rec = inputs.Recorder()
    for n in range(inputs._PARALLEL_STATS + 101):
        p = tmp_path / f"m{n}.py"
        p.write_text(f"X = {n}\n")
        files.append(p)
        rec.stat(p)
    return rec.snapshot(b"salt"), files


def test_an_unchanged_record_validates(record: tuple[dict, list[Path]]) -> None:
    snap, files = record
    assert len(snap["files"]) > inputs._PARALLEL_STATS
    assert inputs.validate(snap, {}, b"salt")


@pytest.mark.parametrize("which", [0, 300, -1], ids=["first", "middle", "last"])
def test_an_edit_of_any_one_file_is_seen(record: tuple[dict, list[Path]], which: int) -> None:
    snap, files = record
    with files[which].open("a") as fh:
        fh.write("# edited\n")
    assert not inputs.validate(snap, {}, b"salt")


def test_a_removed_file_is_seen(record: tuple[dict, list[Path]]) -> None:
    snap, files = record
    os.unlink(files[-2])
    assert not inputs.validate(snap, {}, b"salt")
