"""The throwaway venv's survey: what an installer can put back by pin, and what must be copied as it is (and why)."""

from __future__ import annotations

import json
from pathlib import Path

from langchain_doctor.inventory import scan
from langchain_doctor.repair import rebuild

from tests.fakeenv import FakeSite, make_target


def _site(tmp_path: Path) -> FakeSite:
    site = FakeSite(tmp_path / "venv" / "site-packages")
    # RECORD says every module file is 1 byte: "x" matches it
    site.add("good", "1.0", modules={"good/__init__.py": "x", "good/mod.py": "x"})
    (site.root / "good" / "__pycache__").mkdir()
    (site.root / "good" / "__pycache__" / "mod.cpython-311.pyc").write_bytes(b"bytecode")  # regenerated: skipped
    site.add("short", "2.0", modules={"short/__init__.py": "x", "short/gone.py": "x"})
    (site.root / "short" / "gone.py").unlink()  # a file its RECORD lists is missing
    site.add("changed", "3.0", modules={"changed/__init__.py": "longer than one byte"})
    site.add("core", "0.3.86", modules={"core/__init__.py": "x"})
    stale = site.add("core", "0.2.43")  # a stale second metadata folder of the same project
    assert stale.is_dir()
    local = site.add("local", "0.1", modules={"local/__init__.py": "x"})
    (local / "direct_url.json").write_text(json.dumps({"url": "file:///src/local", "dir_info": {"editable": True}}))
    (site.root / "leftover" / "__pycache__").mkdir(parents=True)
    (site.root / "leftover" / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"kept")
    (site.root / "empty_ns").mkdir()
    (site.root / "_virtualenv.pth").write_text("import _virtualenv\n")  # the venv tool's own: the new venv has it
    return site


def test_survey_pins_what_reinstalls_exactly_and_copies_the_rest_saying_why(tmp_path: Path) -> None:
    site = _site(tmp_path)
    target = make_target(site.root)
    s = rebuild.survey(target, scan(target.sys_path))
    assert s.pins == (("good", "1.0"),)
    copied = {rel for _sp, rel, _owner in s.copies}
    assert {"short-2.0.dist-info", "short/__init__.py", "changed-3.0.dist-info", "changed/__init__.py",
            "core-0.3.86.dist-info", "core-0.2.43.dist-info", "core/__init__.py", "local-0.1.dist-info",
            "local/__init__.py", "leftover/__pycache__/x.cpython-311.pyc", "empty_ns"} <= copied, copied
    assert not any(rel.startswith("good") or rel == "_virtualenv.pth" for rel in copied), copied
    why = "\n".join(s.notes)
    assert "short 2.0 (short-2.0.dist-info): copied as it is, because of a file its RECORD lists is missing " \
           "(short/gone.py)" in why
    assert "a file differs from its RECORD (changed/__init__.py)" in why
    assert "2 metadata folders of core in one folder (a stale copy)" in why
    assert "installed from a URL, a local folder or in editable mode" in why
    assert "leftover/: no RECORD lists it (1 entry); copied as it is" in why
    assert "empty_ns/: no RECORD lists it (1 entry); copied as it is" in why


def test_a_moved_package_is_pinned_at_its_new_version_and_no_longer_copied(tmp_path: Path) -> None:
    site = _site(tmp_path)
    target = make_target(site.root)
    s = rebuild.with_moves(rebuild.survey(target, scan(target.sys_path)),
                           [("changed", "3.0", "3.1"), ("new-one", None, "1.2"), ("good", "1.0", None)])
    assert dict(s.pins) == {"changed": "3.1", "new-one": "1.2"}
    assert not any(owner == "changed" for _sp, _rel, owner in s.copies)
    assert any(owner == "short" for _sp, _rel, owner in s.copies)
    assert not any(n.startswith("changed ") for n in s.notes)


def test_bytecode_of_unmoved_pins_is_linked_into_the_fresh_venv_and_moved_ones_left_to_recompile(
        tmp_path: Path) -> None:
    site = FakeSite(tmp_path / "venv" / "site-packages")
    for name in ("kept", "moved"):
        site.add(name, "1.0", modules={f"{name}/__init__.py": "x"})
        (site.root / name / "__pycache__").mkdir()
        (site.root / name / "__pycache__" / "__init__.cpython-311.pyc").write_bytes(b"bytecode")
    box = tmp_path / "box" / "site-packages"
    for name in ("kept", "moved"):  # what the installer put in the fresh venv (sources only)
        (box / name).mkdir(parents=True)
        (box / name / "__init__.py").write_text("x")
    target = make_target(site.root)
    inv = scan(target.sys_path)
    s = rebuild.with_moves(rebuild.survey(target, inv), [("moved", "1.0", "2.0")])
    assert rebuild.link_bytecode(inv, s, {str(site.root): str(box)}) == 1
    linked = box / "kept" / "__pycache__" / "__init__.cpython-311.pyc"
    assert linked.read_bytes() == b"bytecode"
    assert not (box / "moved" / "__pycache__").exists()
