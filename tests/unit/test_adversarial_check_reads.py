"""Adversarial: special files under the checks that read installed files and the variables' files (issue 14, 10).

A named pipe, ``/dev/zero`` or a huge file in place of a file the integrity, symbol-scan, network or
static-compatibility check reads gives a finding or is skipped with a reason; it never blocks and is never read
without bound. Each case runs the check in a thread with a generous deadline: the deadline is only a safety net
against a hang taking the test run with it; the assertions are on the outcome.

And the cache key holds what these checks read (issue 13, 4): an edit to one of their files is a miss.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any, Callable

import pytest
from langchain_doctor._checks import symbols
from langchain_doctor.context import Options
from langchain_doctor.inputs import Recorder
from langchain_doctor.knowledge.boundaries import SERVICE_FLOORS
from langchain_doctor.runner import run_checks

from tests.fakeenv import FakeSite, make_env, static_checks

DEADLINE = 120  # seconds: only a safety net against a hang, never a measure (nothing here asserts a duration)
HUGE = 80 * 1024 * 1024  # over every cap these checks use (64 MiB for RECORD), as a sparse file: no disk used
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and /dev/zero are POSIX")

def run_check(check: str, site: Path, environ: dict[str, str] | None = None) -> list[list[Any]]:
    """The findings of ``check`` (``static``: every static check) on the fake site, as a run makes them: the
    inventory read through a recorder, then the checks. They run in a thread of their own with a generous deadline,
    so a hang fails the test instead of blocking the run (the stuck thread is a daemon: it goes with the worker).
    The checks run in this interpreter, which has them loaded already, not in a child that starts Python and
    imports the doctor again for every case. A check that crashed would show as LCD901: never expected."""
    answer: list[list[list[Any]]] = []
    failure: list[BaseException] = []

    def work() -> None:
        try:
            table = [c for c in static_checks() if check in ("static", c.name)]
            rec = Recorder()
            with rec.active():  # the inventory reads through the recorder too, as in a run
                env = make_env(site, options=Options(use_cache=False), environ=environ or {})
            found = run_checks(env, table)
            answer.append(json.loads(json.dumps([[f.code, f.subject, list(f.evidence)] for f in found])))
        except BaseException as exc:  # re-raised in the test's thread, with its traceback
            failure.append(exc)

    worker = threading.Thread(target=work, name=f"check-{check}", daemon=True)
    worker.start()
    worker.join(DEADLINE)
    assert not worker.is_alive(), f"{check} still ran after {DEADLINE} s: a read blocked"
    if failure:
        raise failure[0]
    [found] = answer
    assert "LCD901" not in {f[0] for f in found}, found
    return found


def _fifo(path: Path) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    os.mkfifo(path)


def _dev_zero(path: Path) -> None:
    if path.exists() or path.is_symlink():
        path.unlink()
    path.symlink_to("/dev/zero")


def _huge(path: Path) -> None:
    with path.open("r+b" if path.exists() else "wb") as fh:
        fh.truncate(HUGE)


SPECIAL: dict[str, Callable[[Path], None]] = {"fifo": _fifo, "dev-zero": _dev_zero, "huge": _huge}


# --- the symbol scan ------------------------------------------------------------------------------------------

def _symbol_site(root: Path) -> FakeSite:
    site = FakeSite(root / "site-packages")
    site.add("langchain-core", "0.3.0", modules={
        "langchain_core/__init__.py": "",
        "langchain_core/messages/__init__.py": "class AIMessage: ...\n"})
    site.add("langchain-openai", "0.3.0", ["langchain-core>=0.3"], modules={
        "langchain_openai/__init__.py": "from langchain_core.messages import AIMessage\n",
        "langchain_openai/chat.py": "from langchain_core.messages import NotThere\n"})
    return site


@pytest.mark.parametrize("kind", sorted(SPECIAL))
@pytest.mark.parametrize("which", ["importer", "target"])
def test_symbol_scan_skips_a_special_module_file(tmp_path: Path, kind: str, which: str) -> None:
    site = _symbol_site(tmp_path)
    rel = "langchain_openai/chat.py" if which == "importer" else "langchain_core/messages/__init__.py"
    SPECIAL[kind](site.root / rel)
    found = run_check("symbols", site.root)
    # The special file is not read: an importer gives no import to check, a target's names become unknown (the
    # scan says nothing rather than guess). Either way no finding is made up from it, and nothing hangs.
    assert found == []
    # The same site with the file back in place: the scan does see the missing name (the case can fail).
    (site.root / rel).unlink()
    (site.root / rel).write_text("from langchain_core.messages import NotThere\n" if which == "importer"
                                 else "class AIMessage: ...\n")
    assert [f[0] for f in run_check("symbols", site.root)] == ["LCD701"]


def test_symbol_scan_records_every_module_it_read_even_from_its_fingerprint_cache(tmp_path: Path) -> None:
    site = _symbol_site(tmp_path)
    env = make_env(site, environ={"LANGCHAIN_DOCTOR_CACHE_DIR": str(tmp_path / "cache")})
    assert env.options.use_cache
    records = []
    for _ in range(2):  # a cold scan, then one answered by the fingerprint cache (symbols.json)
        rec = Recorder()
        with rec.active():
            assert [f.code for f in symbols.run(env)] == ["LCD701"]
        records.append(rec.snapshot(b"salt"))
    assert (tmp_path / "cache" / "symbols.json").is_file()
    for record in records:
        files = record["files"]
        assert str(site.root / "langchain_openai/chat.py") in files
        assert str(site.root / "langchain_core/messages/__init__.py") in files
        assert not any(p.endswith("symbols.json") for p in files)  # the doctor's own cache is not an input
    assert records[0]["files"] == records[1]["files"]


def test_symbol_scan_reads_no_file_unrecorded_with_the_cache_off(tmp_path: Path) -> None:
    site = _symbol_site(tmp_path)
    rec = Recorder()
    with rec.active():
        list(symbols.run(make_env(site, options=Options(use_cache=False))))
    assert str(site.root / "langchain_openai/chat.py") in rec.snapshot(b"")["files"]


# --- integrity: RECORD and top_level.txt ----------------------------------------------------------------------

def _stray_site(root: Path) -> FakeSite:
    """langchain-core installed with its files; whether langchain_core/ is a leftover hangs on its RECORD."""
    site = FakeSite(root / "site-packages")
    site.add("langchain-core", "0.3.0", modules={"langchain_core/__init__.py": ""})
    return site


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_integrity_special_record_is_lcd114_never_a_deletion(tmp_path: Path, kind: str) -> None:
    site = _stray_site(tmp_path)
    dist_info = site.root / "langchain_core-0.3.0.dist-info"
    SPECIAL[kind](dist_info / "RECORD")
    found = run_check("integrity", site.root)
    lcd114 = [f for f in found if f[0] == "LCD114"]
    assert lcd114 and lcd114[0][1] == "langchain-core", found
    why = lcd114[0][2][0]
    assert ("too large" if kind == "huge" else "not a regular file") in why, why
    assert "LCD111" not in {f[0] for f in found}  # never "a leftover": nothing would delete the package


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_integrity_special_top_level_falls_back_to_record(tmp_path: Path, kind: str) -> None:
    site = _stray_site(tmp_path)
    SPECIAL[kind](site.root / "langchain_core-0.3.0.dist-info" / "top_level.txt")
    found = run_check("integrity", site.root)
    # top_level.txt is not read (not a regular file, or larger than its cap): RECORD still says who owns the folder
    assert not {"LCD111", "LCD114"} & {f[0] for f in found}, found


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_integrity_duplicate_metadata_with_a_special_record_keeps_the_readable_copy(tmp_path: Path, kind: str
                                                                                     ) -> None:
    site = _stray_site(tmp_path)
    stale = site.root / "langchain_core-0.2.43.dist-info"
    stale.mkdir()
    (stale / "METADATA").write_text("Metadata-Version: 2.1\nName: langchain-core\nVersion: 0.2.43\n")
    (stale / "RECORD").write_text("")
    SPECIAL[kind](stale / "RECORD")
    found = run_check("integrity", site.root)
    dup = [f for f in found if f[0] == "LCD110"]
    assert len(dup) == 1, found
    assert not any("langchain_core-0.3.0.dist-info" in line and "rm " in line for f in dup for line in f[2])


# --- network: CA bundles --------------------------------------------------------------------------------------

PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"


@pytest.mark.parametrize("kind", sorted(SPECIAL))
@pytest.mark.parametrize("var", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_a_special_ca_bundle_is_lcd713(tmp_path: Path, kind: str, var: str) -> None:
    site = FakeSite(tmp_path / "site-packages")
    site.add("langchain-core", "0.3.0")
    bundle = tmp_path / "ca.pem"
    bundle.write_text(PEM)
    assert run_check("network", site.root, {var: str(bundle)}) == []  # a PEM bundle passes: the case can fail
    SPECIAL[kind](bundle)
    found = run_check("network", site.root, {var: str(bundle)})
    assert [(f[0], f[1]) for f in found] == [("LCD713", var)], found
    assert ("larger than" if kind == "huge" else "not a regular file") in found[0][2][0]


@pytest.mark.parametrize("content", ["", "not a certificate\n"], ids=["empty", "no-pem"])
def test_an_empty_or_non_pem_ca_bundle_is_lcd713(tmp_path: Path, content: str) -> None:
    site = FakeSite(tmp_path / "site-packages")
    site.add("langchain-core", "0.3.0")
    bundle = tmp_path / "ca.pem"
    bundle.write_text(content)
    found = run_check("network", site.root, {"SSL_CERT_FILE": str(bundle)})
    assert [(f[0], f[1]) for f in found] == [("LCD713", "SSL_CERT_FILE")], found


def test_a_named_pipe_as_ssl_cert_dir_is_not_a_folder(tmp_path: Path) -> None:
    site = FakeSite(tmp_path / "site-packages")
    site.add("langchain-core", "0.3.0")
    _fifo(tmp_path / "certs")
    found = run_check("network", site.root, {"SSL_CERT_DIR": str(tmp_path / "certs")})
    assert [(f[0], f[1]) for f in found] == [("LCD710", "SSL_CERT_DIR")] and "not a folder" in found[0][2][0]


# --- static compatibility: versions from METADATA, botocore's service data --------------------------------------

def _skew_site(root: Path) -> FakeSite:
    site = FakeSite(root / "site-packages")
    site.add("anthropic", "0.39.0")  # older than 0.40.0 with httpx 0.28: LCD702
    site.add("httpx", "0.28.1")
    return site


@pytest.mark.parametrize("kind", sorted(SPECIAL))
def test_compat_with_a_special_metadata_is_skipped_with_a_reason(tmp_path: Path, kind: str) -> None:
    site = _skew_site(tmp_path)
    assert [f[0] for f in run_check("compat-boundaries", site.root)] == ["LCD702"]
    SPECIAL[kind](site.root / "anthropic-0.39.0.dist-info" / "METADATA")
    found = run_check("static", site.root)
    # The version is not read, so no boundary is claimed for it; the same run says why (the unreadable metadata).
    reasons = [f for f in found if f[1] in ("anthropic", str(site.root / "anthropic-0.39.0.dist-info"))]
    assert reasons and all(f[0] != "LCD702" for f in reasons), found
    assert any("anthropic-0.39.0.dist-info" in " ".join([f[1], *f[2]]) for f in reasons), reasons


def test_compat_botocore_service_data_as_a_named_pipe_is_not_a_folder(tmp_path: Path) -> None:
    site = FakeSite(tmp_path / "site-packages")
    site.add("botocore", "1.31.50", modules={"botocore/__init__.py": ""})
    site.add("langchain-aws", "0.1.0")
    for floor in SERVICE_FLOORS:  # every service botocore must know present: only the one under test varies
        (site.root / "botocore" / "data" / floor.service).mkdir(parents=True)
    assert run_check("compat-boundaries", site.root) == []
    (site.root / "botocore" / "data" / "bedrock-runtime").rmdir()
    _fifo(site.root / "botocore" / "data" / "bedrock-runtime")
    found = run_check("compat-boundaries", site.root)
    assert [f[0] for f in found] == ["LCD702"] and "is not a folder" in found[0][2][0], found
