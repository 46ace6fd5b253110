"""``inputs.unrecorded()``: the recorder of a run whose record is never stored answers every read as a recording one.

``check --no-cache`` reads through it: no hashes of listings or contents, no stat before a listing, no link walk.
The answers and the errors must be the same as the recording recorder's, on every kind of path.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import Any, Callable

import pytest
from langchain_doctor import inputs


def _tree(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "d" / "b.dist-info").mkdir()
    (tmp_path / "d" / "c.txt").write_bytes(b"\xff\xfe not utf-8")
    (tmp_path / "big").write_bytes(b"0" * 5000)
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    (tmp_path / "link").symlink_to(tmp_path / "d")
    return {"dir": tmp_path / "d", "file": tmp_path / "d" / "a.py", "bad": tmp_path / "d" / "c.txt",
            "big": tmp_path / "big", "fifo": tmp_path / "fifo", "loop": tmp_path / "loop",
            "missing": tmp_path / "nope", "link": tmp_path / "link", "via_link": tmp_path / "link" / "a.py"}


def _outcome(call: Callable[[], Any]) -> Any:
    try:
        value = call()
    except OSError as exc:
        return ("error", type(exc).__name__, exc.errno)
    except UnicodeDecodeError as exc:
        return ("error", type(exc).__name__, exc.reason)
    if isinstance(value, tuple) and len(value) == 2 and isinstance(value[1], os.stat_result):
        return value[0], value[1].st_ino, value[1].st_size
    if isinstance(value, os.stat_result):
        return value.st_ino, value.st_mode, value.st_size
    return value


@pytest.mark.parametrize("op", ["read_bytes", "read_head", "read_content", "read_text", "read_with_stat", "stat",
                                "listdir", "listdir_suffix", "listdir_stems", "realpath"])
def test_same_answers_and_errors(tmp_path: Path, op: str) -> None:
    paths = _tree(tmp_path)
    calls: dict[str, Callable[[inputs.Recorder, Path], Any]] = {
        "read_bytes": lambda r, p: r.read_bytes(p, limit=1000),
        "read_head": lambda r, p: r.read_bytes(p, limit=10, head=True),
        "read_content": lambda r, p: r.read_bytes(p, limit=1000, content=True),
        "read_text": lambda r, p: r.read_text(p, limit=1000),
        "read_with_stat": lambda r, p: r.read_with_stat(p, limit=1000),
        "stat": lambda r, p: r.stat(p),
        "listdir": lambda r, p: r.listdir(p),
        "listdir_suffix": lambda r, p: r.listdir(p, suffixes=(".dist-info",)),
        "listdir_stems": lambda r, p: r.listdir(p, stems=frozenset({"a", "c"})),
        "realpath": lambda r, p: r.realpath(p),
    }
    call = calls[op]
    null = inputs.unrecorded()
    for name, path in paths.items():
        recording = inputs.Recorder()
        ours = _outcome(functools.partial(call, null, path))
        theirs = _outcome(functools.partial(call, recording, path))
        assert ours == theirs, (op, name)


def test_records_nothing_and_is_its_own(tmp_path: Path) -> None:
    paths = _tree(tmp_path)
    first, second = inputs.unrecorded(), inputs.unrecorded()
    assert first is not second
    with first.active():
        inputs.read_bytes(paths["file"])
        inputs.listdir(paths["dir"])
        inputs.stat(paths["missing"])
    snap = first.snapshot(b"salt")
    assert snap["files"] == {} and snap["dirs"] == {} and snap["links"] == {} and snap["vars"] == {}
    first.not_cacheable("a timeout")
    assert not first.cacheable and second.cacheable
