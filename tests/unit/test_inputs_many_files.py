"""Revalidating a record of many files (every module a probe loaded): whichever file changed is seen, and records
are validated one at a time even when many threads replay environments at once (check --all-kernels)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from langchain_doctor import inputs

_MANY = 700


@pytest.fixture
def record(tmp_path: Path) -> tuple[dict, list[Path]]:
    files = []
    rec = inputs.Recorder()
    for n in range(_MANY):
        p = tmp_path / f"m{n}.py"
        p.write_text(f"X = {n}\n")
        files.append(p)
        rec.stat(p)
    return rec.snapshot(b"salt"), files


def test_an_unchanged_record_validates(record: tuple[dict, list[Path]]) -> None:
    snap, files = record
    assert len(snap["files"]) >= 1
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


def test_records_are_validated_one_at_a_time_across_threads(record: tuple[dict, list[Path]],
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Many threads validating at once made every stat a hand-over of the GIL; the lock keeps one inside. The first
    thread in waits for a second to join it: without the lock one does (and this fails), with it none can."""
    import threading

    inside, most = 0, 0
    guard = threading.Lock()
    joined = threading.Event()
    real = inputs._groups_unchanged

    def counting(groups):  # type: ignore[no-untyped-def]
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
            if inside > 1:
                joined.set()
        joined.wait(0.4)
        try:
            return real(groups)
        finally:
            with guard:
                inside -= 1

    monkeypatch.setattr(inputs, "_groups_unchanged", counting)
    snap, _ = record
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(inputs.validate(snap, {}, b"salt"))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [True] * 2
    assert most == 1
