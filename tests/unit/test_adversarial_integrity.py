"""Adversarial: an unreadable RECORD never leads to deleting an installed package's folder.

"Could not read the owner" is not "no owner": the stray-folder logic reports LCD114 (reinstall, which rewrites
RECORD) and no fix of any finding lists the package's folder for removal.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

import pytest
from langchain_doctor._checks.integrity import _stray_folders
from langchain_doctor.runner import run_checks

from tests.fakeenv import FakeSite, make_env
from tests.fakeenv import static_checks as table
from tests.unit.test_static_checks import seed_core


def _garbage(record: Path) -> None:
    record.write_bytes(os.urandom(4096))


def _binary_nul(record: Path) -> None:
    record.write_bytes(b"\x00" * 100)


def _empty(record: Path) -> None:
    record.write_bytes(b"")


def _no_rows(record: Path) -> None:
    record.write_text("this is not a RECORD\nnor is this\n")


def _latin1(record: Path) -> None:
    record.write_bytes("langchain_openai/__init__.py,sha256=x,1\ncaf\xe9,,\n".encode("latin-1"))


def _folder(record: Path) -> None:
    record.unlink()
    record.mkdir()


def _fifo(record: Path) -> None:
    record.unlink()
    os.mkfifo(record)


def _dangling_link(record: Path) -> None:
    record.unlink()
    record.symlink_to(record.parent / "nowhere")


def _link_loop(record: Path) -> None:
    record.unlink()
    record.symlink_to(record)


def _unreadable(record: Path) -> None:
    record.chmod(0)


def _missing(record: Path) -> None:
    record.unlink()


ATTACKS: dict[str, Callable[[Path], None]] = {
    "garbage": _garbage, "nul-bytes": _binary_nul, "empty": _empty, "no-rows": _no_rows, "latin-1": _latin1,
    "a-folder": _folder, "named-pipe": _fifo, "dangling-symlink": _dangling_link, "symlink-loop": _link_loop,
    "no-permission": _unreadable, "missing": _missing,
}
# Whole runs open RECORD through the inventory, whose special-file handling is the reading layer's: the pipe is
# exercised on the stray-folder logic itself, which never opens a non-regular file.
WHOLE_RUN = sorted(set(ATTACKS) - {"named-pipe"})
# A RECORD with one wrong byte still lists the owner's files (read with replacement): the folder is owned.
OWNER_STILL_READ = {"latin-1"}


def _installed_openai(site: FakeSite, attack: str) -> Path:
    seed_core(site)
    dist_info = site.add("langchain-openai", "0.3.1", ["langchain-core<1,>=0.3"],
                         modules={"langchain_openai/__init__.py": "", "langchain_openai/chat_models.py": ""})
    record = dist_info / "RECORD"
    ATTACKS[attack](record)
    if attack == "no-permission" and os.access(record, os.R_OK) and os.geteuid() == 0:
        pytest.skip("root reads files regardless of permissions")
    return site.root / "langchain_openai"


def _never_deleted(findings: list, folder: Path) -> None:
    for f in findings:
        assert f.code != "LCD111" or f.subject != str(folder), f
        if f.fix is not None:
            assert str(folder) not in f.fix.remove_paths, f
            assert not any(str(folder) in c and c.startswith("rm ") for c in f.fix.commands), f


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_the_stray_folder_logic_never_condemns_a_folder_whose_owner_cannot_be_read(site: FakeSite,
                                                                                    attack: str) -> None:
    folder = _installed_openai(site, attack)
    findings = list(_stray_folders(make_env(site)))
    _never_deleted(findings, folder)
    if attack in OWNER_STILL_READ:
        assert not findings
        return
    [f] = [f for f in findings if f.code == "LCD114"]
    assert f.subject == "langchain-openai" and f.fix is not None and not f.fix.remove_paths
    assert "--force-reinstall" in f.fix.commands[0]


@pytest.mark.parametrize("attack", WHOLE_RUN)
def test_no_finding_of_a_whole_run_deletes_the_folder(site: FakeSite, attack: str) -> None:
    folder = _installed_openai(site, attack)
    _never_deleted(run_checks(make_env(site), table()), folder)


def test_a_real_leftover_is_still_a_leftover(site: FakeSite) -> None:
    # The guard must not hide the seed's case: a folder that no readable distribution lists, nothing unreadable.
    seed_core(site)
    (site.root / "langchain_fireworks").mkdir()
    [f] = [f for f in _stray_folders(make_env(site)) if f.code == "LCD111"]
    assert f.fix is not None and f.fix.remove_paths == (str(site.root / "langchain_fireworks"),)


def test_a_readable_top_level_txt_still_names_the_owner(site: FakeSite) -> None:
    seed_core(site)
    dist_info = site.add("langchain-openai", "0.3.1", [], modules={"langchain_openai/__init__.py": ""},
                         top_level=["langchain_openai"])
    _garbage(dist_info / "RECORD")
    assert not [f for f in _stray_folders(make_env(site)) if f.code in ("LCD111", "LCD114")]
    shutil.rmtree(dist_info)
