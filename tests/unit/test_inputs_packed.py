"""The record as the cache stores it (``inputs.pack``): compact, yet every kind of change to what the run read is
still a miss, through JSON and back, including the changes a stat-only shortcut could hide."""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from langchain_doctor import inputs

OLD_NS = 1_600_000_000_000_000_000  # 2020: far older than the racy window


def stored(rec: inputs.Recorder) -> dict[str, Any]:
    """The record as it comes back from a cache entry."""
    data: dict[str, Any] = json.loads(json.dumps(inputs.pack(rec.snapshot(b"salt"))))
    return data


def valid(record: dict[str, Any]) -> bool:
    return inputs.validate(record, {}, b"salt")


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A package folder of modules (as a probe loads them), old enough that its listing is vouched for by the
    folder's stat: its mtime is put back to 2020 and its ctime (which cannot be) is made older than a shortened
    racy window by waiting longer than that window (longer than any clock tick too, so every later change gets a
    new ctime). Waiting makes the clock advance; nothing here measures time."""
    pkg = tmp_path / "site" / "pkg"
    pkg.mkdir(parents=True)
    for n in range(5):
        (pkg / f"m{n}.py").write_text(f"X = {n}\n")
        os.utime(pkg / f"m{n}.py", ns=(OLD_NS, OLD_NS))
    os.utime(pkg, ns=(OLD_NS, OLD_NS))
    monkeypatch.setattr(inputs, "_RACY_NS", 20_000_000)
    time.sleep(0.05)
    return pkg


def record_of(pkg: Path) -> dict[str, Any]:
    rec = inputs.Recorder()
    with rec.active():
        for name in inputs.listdir(pkg, suffixes=(".py",)):
            inputs.read_bytes(pkg / name)
        inputs.stat(pkg / "absent.py")
    return stored(rec)


def test_packing_keeps_every_path_and_an_unchanged_record_validates(tree: Path) -> None:
    record = record_of(tree)
    assert isinstance(record["files"], list)
    assert sorted(inputs.recorded_paths(record)) == sorted(
        [str(tree / f"m{n}.py") for n in range(5)] + [str(tree / "absent.py")])
    assert valid(record)
    # What the shortcut trusts is really there: the folder's stat was old enough to be recorded.
    ((listing, fp),) = record["dirs"].values()
    assert listing is not None and fp is not None
    assert valid(record)


def test_same_size_edit_with_the_mtime_put_back_is_a_miss_by_inode_when_replaced(tree: Path) -> None:
    """An editor that writes a new file and renames it over the old one, keeping the size and the mtime (cp -p,
    rsync -t): only the inode says so."""
    record = record_of(tree)
    target = tree / "m2.py"
    before = target.stat()
    fresh = tree / "m2.py.new"
    fresh.write_text("Y = 2\n")  # same size as "X = 2\n"
    os.utime(fresh, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(fresh, target)
    os.utime(tree, ns=(OLD_NS, OLD_NS))  # and the folder's mtime put back too
    after = target.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert after.st_ino != before.st_ino
    assert not valid(record)


@pytest.mark.parametrize("which", [0, 2, 4])
def test_an_in_place_edit_of_any_file_in_a_folder_whose_stat_is_unchanged_is_a_miss(tree: Path, which: int) -> None:
    """Editing a file's content in place does not touch its folder: the folder's stat vouches only for the
    listing, never for the files."""
    record = record_of(tree)
    folder_before = os.stat(tree)
    target = tree / f"m{which}.py"
    with target.open("r+") as fh:
        fh.write("Z")  # same size, new mtime
    folder_after = os.stat(tree)
    assert (folder_after.st_mtime_ns, folder_after.st_ctime_ns) == (folder_before.st_mtime_ns,
                                                                  folder_before.st_ctime_ns)
    assert not valid(record)


def test_a_permission_change_of_a_loaded_file_is_a_miss(tree: Path) -> None:
    record = record_of(tree)
    os.chmod(tree / "m1.py", 0o600)
    assert not valid(record)


def test_a_file_appearing_where_none_was_is_a_miss(tree: Path) -> None:
    record = record_of(tree)
    (tree / "absent.py").write_text("")
    assert not valid(record)


def test_a_new_module_in_a_listed_folder_is_a_miss_even_with_the_folder_mtime_put_back(tree: Path) -> None:
    """The listing shortcut trusts the folder's inode, mtime *and* ctime: putting the mtime back (touch -d) after
    adding an entry leaves the ctime new, so the folder is listed again and the new name is seen."""
    record = record_of(tree)
    (tree / "m9.py").write_text("")
    os.utime(tree, ns=(OLD_NS, OLD_NS))
    assert os.stat(tree).st_mtime_ns == OLD_NS
    assert not valid(record)


def test_a_removed_or_renamed_module_is_a_miss(tree: Path) -> None:
    record = record_of(tree)
    os.rename(tree / "m3.py", tree / "m3x.py")
    assert not valid(record)


def test_a_folder_replaced_by_a_copy_with_the_same_listing_and_times_is_listed_again_and_hits(tree: Path) -> None:
    """A new inode for the folder (copied with its times) is not trusted by stat, but its listing is compared
    instead, and the files (hard links: the same inodes) are unchanged: a hit, decided by reading, not by luck."""
    record = record_of(tree)
    copy = tree.parent / "copy"
    shutil.copytree(tree, copy, copy_function=os.link)
    os.utime(copy, ns=(OLD_NS, OLD_NS))
    shutil.rmtree(tree)
    os.rename(copy, tree)
    assert valid(record)
    (tree / "m0.py").unlink()
    assert not valid(record)


def test_a_folder_listed_right_after_it_changed_is_always_listed_again(tmp_path: Path) -> None:
    """Timestamps are coarse: a folder modified within the racy window of its listing gets no stat shortcut, so a
    change in the same clock tick cannot hide behind an unchanged mtime."""
    folder = tmp_path / "fresh"
    folder.mkdir()
    (folder / "a.py").write_text("")
    assert os.stat(folder).st_mtime_ns >= time.time_ns() - inputs._RACY_NS
    rec = inputs.Recorder()
    with rec.active():
        inputs.listdir(folder)
    record = stored(rec)
    ((_, fp),) = record["dirs"].values()
    assert fp is None
    assert valid(record)
    mtime = os.stat(folder).st_mtime_ns
    (folder / "b.py").write_text("")
    os.utime(folder, ns=(mtime, mtime))
    assert not valid(record)


def test_a_content_hashed_file_rewritten_with_the_same_text_hits_and_other_text_misses(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("A=1\n")
    rec = inputs.Recorder()
    with rec.active():
        inputs.read_bytes(env_file, content=True)
    record = stored(rec)
    assert list(record["hashed"]) == [str(env_file)]
    env_file.unlink()
    env_file.write_text("A=1\n")  # new inode, new mtime, same text
    assert valid(record)
    env_file.write_text("A=2\n")
    assert not valid(record)


@pytest.mark.parametrize("planted", [
    {"files": [["/x/", 5, "d"]], "hashed": {}, "dirs": {}, "vars": {}, "names": None},
    {"files": [["/x/"]], "hashed": {}, "dirs": {}, "vars": {}, "names": None},
    {"files": [], "dirs": {}, "vars": {}, "names": None},
    {"hashed": {}, "dirs": {}, "vars": {}, "names": None},
    {"files": None, "hashed": {}, "dirs": {}, "vars": {}, "names": None},
    {"files": [], "hashed": {"/x": "y"}, "dirs": {}, "vars": {}, "names": None},
    {"files": [], "hashed": {}, "dirs": {"/x\0*": "ab"}, "vars": {}, "names": None},
])
def test_a_malformed_packed_record_is_stale_never_valid(planted: dict[str, Any]) -> None:
    assert not valid(planted)


def test_a_malformed_group_among_many_files_is_stale(tmp_path: Path) -> None:
    rec = inputs.Recorder()
    for n in range(600):
        p = tmp_path / f"d{n % 7}" / f"m{n}.py"
        p.parent.mkdir(exist_ok=True)
        p.write_text("")
        rec.stat(p)
    record = stored(rec)
    assert valid(record)
    record["files"][-1][1] = 7  # not a string of names: the record is stale
    assert not valid(record)


def test_a_folder_digest_is_the_same_in_every_process_and_changes_with_any_field() -> None:
    """Stored in the cache and recomputed by a later run: it must not depend on the process's hash salt."""
    import subprocess
    import sys

    looks = [(0o100644, 10, 1_700_000_000_123_456_789, 42), None]
    code = f"from langchain_doctor import inputs; print(inputs._digest({looks!r}))"
    seen = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout.strip() for seed in ("1", "2", "random")}
    assert seen == {str(inputs._digest(looks))}
    for field in range(4):
        changed = list(looks[0])  # type: ignore[arg-type]
        changed[field] += 1
        assert inputs._digest([tuple(changed), None]) != inputs._digest(looks)
    assert inputs._digest([looks[0], (0, 0, 0, 0)]) != inputs._digest(looks)


def test_files_shared_by_many_records_are_stat_ed_once_per_run_and_every_run_sees_an_edit(
        tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """check --all-kernels validates one record per environment, and environments share files (the base
    interpreter's modules): within one run each path is stat'ed once; the next run looks again, and an edit in
    place between two runs is a miss for every record that holds the file."""
    records = [record_of(tree) for _ in range(3)]
    calls: list[str] = []
    real_stat = os.stat

    def counting(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        calls.append(os.fspath(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(inputs.os, "stat", counting)
    with inputs.one_look_per_file():
        assert all(valid(r) for r in records)
    module = str(tree / "m1.py")
    assert calls.count(module) == 1
    calls.clear()
    with inputs.one_look_per_file():
        assert all(valid(r) for r in records)
    assert calls.count(module) == 1  # looked at again in the next run, not remembered
    with (tree / "m1.py").open("r+") as fh:
        fh.write("Q")  # same size, new mtime
    with inputs.one_look_per_file():
        assert not any(valid(r) for r in records)
    assert not valid(records[0])  # and outside any run
