"""Undo keeps only what the plan touches (the moved distributions' files, the moved-aside folders) plus a manifest of
the site-packages, and restores exactly: same files, sizes, times and contents as before the apply."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from langchain_doctor.inventory import scan
from langchain_doctor.repair import undo
from langchain_doctor.repair.trial import site_checksum

from tests.fakeenv import FakeSite, make_target


def _site(tmp_path: Path) -> FakeSite:
    site = FakeSite(tmp_path / "venv" / "lib" / "site-packages")
    site.add("pkg", "1.0", modules={"pkg/__init__.py": "x", "pkg/a.py": "x"})
    (site.root / "pkg" / "__pycache__").mkdir()
    (site.root / "pkg" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"old bytecode")
    site.add("other", "2.0", modules={f"other/m{i}.py": "y" * 1000 for i in range(50)})
    (site.root / "leftover" / "__pycache__").mkdir(parents=True)
    (site.root / "leftover" / "__pycache__" / "x.pyc").write_bytes(b"kept")
    return site


def _apply(site: FakeSite) -> None:
    """What an upgrade of pkg and a re-check do on disk."""
    shutil.rmtree(site.root / "pkg-1.0.dist-info")
    shutil.rmtree(site.root / "pkg")
    site.add("pkg", "2.0", modules={"pkg/__init__.py": "new", "pkg/b.py": "new"})
    site.add("newdep", "1.0", modules={"newdep.py": "z"})
    (site.root / "other" / "__pycache__").mkdir()
    (site.root / "other" / "__pycache__" / "m1.cpython-311.pyc").write_bytes(b"written by the re-check")


@pytest.fixture
def environ(tmp_path: Path) -> dict[str, str]:
    return {"LANGCHAIN_DOCTOR_CACHE_DIR": str(tmp_path / "cache")}


def test_the_backup_holds_only_what_the_plan_touches_and_restores_exactly(tmp_path: Path,
                                                                         environ: dict[str, str]) -> None:
    site = _site(tmp_path)
    target = make_target(site.root)
    before = site_checksum([str(site.root)])
    folder = undo.record(target, scan(target.sys_path), environ, touched=["pkg", "newdep"])
    backed = {str(p.relative_to(folder / "backup" / "0")) for p in (folder / "backup" / "0").rglob("*")
              if p.is_file()}
    assert backed == {"pkg/__init__.py", "pkg/a.py", "pkg/__pycache__/a.cpython-311.pyc",
                      "pkg-1.0.dist-info/METADATA", "pkg-1.0.dist-info/RECORD"}, backed
    assert "backed up the 2 distributions it touches" in undo.backup_text(folder)
    undo.move_aside(folder, [str(site.root / "leftover")])
    _apply(site)
    assert site_checksum([str(site.root)]) != before
    back = undo.restore(target.python, environ)
    assert back.exact and back.differences == () and back.mode == "partial", back.differences
    assert back.moved_back == (str(site.root / "leftover"),)
    assert site_checksum([str(site.root)]) == before
    assert not undo.has_record(target.python, environ)


def test_a_change_outside_the_backup_is_said_not_hidden(tmp_path: Path, environ: dict[str, str]) -> None:
    site = _site(tmp_path)
    target = make_target(site.root)
    undo.record(target, scan(target.sys_path), environ, touched=["pkg"])
    (site.root / "other" / "m3.py").write_text("changed in place, by something the plan did not name")
    back = undo.restore(target.python, environ)
    assert not back.exact
    assert any(d.endswith("other/m3.py: differs") for d in back.differences), back.differences
    assert undo.has_record(target.python, environ)  # kept: nothing is lost


def test_a_touched_distribution_without_record_falls_back_to_a_full_copy(tmp_path: Path,
                                                                         environ: dict[str, str]) -> None:
    site = _site(tmp_path)
    (site.root / "pkg-1.0.dist-info" / "RECORD").unlink()
    target = make_target(site.root)
    before = site_checksum([str(site.root)])
    folder = undo.record(target, scan(target.sys_path), environ, touched=["pkg"])
    assert "copied the whole site-packages" in undo.backup_text(folder)
    assert "pkg 1.0 has no RECORD" in undo.backup_text(folder)
    _apply(site)
    back = undo.restore(target.python, environ)
    assert back.exact and back.mode == "full", back.differences
    assert site_checksum([str(site.root)]) == before
