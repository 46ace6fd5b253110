"""The cache key is what the run read (issue 13, item 4) for the checks that read installed files and the files
variables name: integrity (RECORD, top_level.txt, folder listings), the symbol scan (modules, package folders),
network (CA bundles) and static compatibility (botocore's service data).

Each test runs one check with a recorder, as a run does, and re-validates the record the cache would store: the
same files give a hit; an edit to one file that check read gives a miss. Then the same through the command line,
on a venv built from fake distributions (a cold run, a hit, an edit, a miss).
"""

from __future__ import annotations

import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Callable

import pytest
from langchain_doctor import builtin
from langchain_doctor.context import Options
from langchain_doctor.inputs import Recorder, RecordingEnviron, validate
from langchain_doctor.knowledge.boundaries import SERVICE_FLOORS

from tests.fakeenv import FakeSite, make_env
from tests.inprocess import run_doctor

SALT = b"test-salt"
PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"
TABLE = {c.name: c for c in builtin.checks()}


def record_of(check: str, site: FakeSite, environ: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """(the record a run of ``check`` leaves, its finding codes); validate the record against the same variables."""
    rec = Recorder()
    with rec.active():  # as a run: the inventory and the check read through the recorder, variables too
        env = replace(make_env(site, options=Options(), environ=environ),
                      environ=RecordingEnviron(environ, rec), inputs=rec)
        codes = [f.code for f in TABLE[check].run(env)]
    return rec.snapshot(SALT), codes


def _vars(tmp_path: Path, **more: str) -> dict[str, str]:
    """The run's variables: the symbol scan's fingerprint cache on, in the test's folder."""
    return {"LANGCHAIN_DOCTOR_CACHE_DIR": str(tmp_path / "cache"), **more}


def _touch_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _core_and_openai(root: Path) -> FakeSite:
    site = FakeSite(root / "site-packages")
    site.add("langchain-core", "0.3.0", modules={
        "langchain_core/__init__.py": "",
        "langchain_core/messages/__init__.py": "class AIMessage: ...\n"})
    site.add("langchain-openai", "0.3.0", ["langchain-core>=0.3"], modules={
        "langchain_openai/__init__.py": "from langchain_core.messages import AIMessage\n"})
    return site


def _edit_record(site: FakeSite) -> None:
    record = site.root / "langchain_core-0.3.0.dist-info" / "RECORD"
    record.write_text(record.read_text() + "langchain_core/extra.py,sha256=x,1\n")


def _edit_top_level(site: FakeSite) -> None:
    (site.root / "langchain_core-0.3.0.dist-info" / "top_level.txt").write_text("langchain_core\n")


def _add_file_to_package(site: FakeSite) -> None:
    (site.root / "langchain_core" / "messages" / "NotThere.py").write_text("")


def _remove_installed_file(site: FakeSite) -> None:
    (site.root / "langchain_openai" / "__init__.py").unlink()


def _edit_importer(site: FakeSite) -> None:
    (site.root / "langchain_openai" / "__init__.py").write_text(
        "from langchain_core.messages import AIMessage, NotThere\n")


def _edit_target(site: FakeSite) -> None:
    path = site.root / "langchain_core" / "messages" / "__init__.py"
    path.write_text("class AIMessage: ...\nclass NotThere: ...\n")


def _same_bytes_new_mtime(site: FakeSite) -> None:
    _touch_later(site.root / "langchain_openai" / "__init__.py")


EDITS: dict[str, tuple[str, Callable[[FakeSite], None]]] = {
    "integrity: RECORD edited": ("integrity", _edit_record),
    "integrity: top_level.txt added": ("integrity", _edit_top_level),
    "integrity: installed file removed": ("integrity", _remove_installed_file),
    "symbols: importer module edited": ("symbols", _edit_importer),
    "symbols: target module edited": ("symbols", _edit_target),
    "symbols: submodule added to a target package": ("symbols", _add_file_to_package),
    "symbols: module touched, same bytes": ("symbols", _same_bytes_new_mtime),
}


@pytest.mark.parametrize("case", sorted(EDITS))
def test_an_edit_to_a_file_the_check_read_is_a_miss_and_nothing_changed_is_a_hit(tmp_path: Path, case: str
                                                                                  ) -> None:
    check, edit = EDITS[case]
    site = _core_and_openai(tmp_path)
    environ = _vars(tmp_path)
    record, _ = record_of(check, site, environ)
    assert validate(record, environ, SALT)  # unchanged: a hit
    again, _ = record_of(check, site, environ)  # the symbol scan answers from symbols.json now
    assert validate(again, environ, SALT)
    edit(site)
    assert not validate(record, environ, SALT) and not validate(again, environ, SALT), f"{case}: replayed"


def test_an_edited_module_changes_the_symbol_verdict_it_invalidated(tmp_path: Path) -> None:
    site = _core_and_openai(tmp_path)
    environ = _vars(tmp_path)
    record, codes = record_of("symbols", site, environ)
    assert codes == []
    _edit_importer(site)
    assert not validate(record, environ, SALT)
    assert record_of("symbols", site, environ)[1] == ["LCD701"]  # not the fingerprint cache's old one


@pytest.mark.parametrize("var", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_a_changed_ca_bundle_is_a_miss(tmp_path: Path, var: str) -> None:
    site = _core_and_openai(tmp_path)
    bundle = tmp_path / "ca.pem"
    bundle.write_text(PEM)
    environ = _vars(tmp_path, **{var: str(bundle)})
    record, codes = record_of("network", site, environ)
    assert codes == [] and validate(record, environ, SALT)
    bundle.write_text("not a certificate any more\n")
    assert not validate(record, environ, SALT)
    assert record_of("network", site, environ)[1] == ["LCD713"]
    # ... and pointing the variable elsewhere is a miss too (its value is part of the record)
    record, _ = record_of("network", site, environ)
    assert not validate(record, {**environ, var: str(tmp_path / "other.pem")}, SALT)


def test_botocore_service_data_appearing_is_a_miss(tmp_path: Path) -> None:
    site = FakeSite(tmp_path / "site-packages")
    site.add("botocore", "1.31.50", modules={"botocore/__init__.py": ""})
    site.add("langchain-aws", "0.1.0")
    for floor in SERVICE_FLOORS:  # every other service botocore must know present: only bedrock-runtime varies
        if floor.service != "bedrock-runtime":
            (site.root / "botocore" / "data" / floor.service).mkdir(parents=True)
    environ = _vars(tmp_path)
    record, codes = record_of("compat-boundaries", site, environ)
    assert codes == ["LCD702"] and validate(record, environ, SALT)
    (site.root / "botocore" / "data" / "bedrock-runtime").mkdir(parents=True)
    assert not validate(record, environ, SALT)
    assert record_of("compat-boundaries", site, environ)[1] == []


# --- the same through the command line: cold, hit, edit, miss ----------------------------------------------------

@pytest.fixture
def target(new_venv: Callable[[Path], Path], tmp_path: Path) -> Path:
    venv = new_venv(tmp_path / "venv")
    _core_and_openai(next(venv.glob("lib/python*/site-packages")).parent)  # site-packages is the FakeSite root
    return venv


def run(target: Path, work: Path, env: dict[str, str] | None = None) -> dict[str, Any]:
    base = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV" and "KEY" not in k
            and not k.endswith(("_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"))}
    base.update({"LANGCHAIN_DOCTOR_CACHE_DIR": str(work.parent / "cache"), "HOME": str(work.parent), **(env or {})})
    done = run_doctor(["--python", str(target), "--format", "json", "--no-probe"], env=base, cwd=work)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def test_cli_replays_until_a_file_these_checks_read_changes(target: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    site = next(target.glob("lib/python*/site-packages"))
    bundle = tmp_path / "ca.pem"
    bundle.write_text(PEM)
    env = {"SSL_CERT_FILE": str(bundle)}
    cold = run(target, work, env)
    assert "cache" not in cold
    steps: list[tuple[str, Callable[[], None], str | None]] = [
        ("a changed CA bundle", lambda: bundle.write_text("garbage\n"), "LCD713"),
        ("a changed RECORD", lambda: _edit_record(FakeSite(site)), None),
        ("an edited module the symbol scan read", lambda: (site / "langchain_openai" / "__init__.py").write_text(
            "from langchain_core.messages import NotThere\n"), "LCD701"),
    ]
    for what, change, code in steps:
        warm = run(target, work, env)
        assert warm.get("cache", {}).get("hit") is True, f"before {what}: no hit"
        change()
        after = run(target, work, env)
        assert "cache" not in after, f"{what} replayed the cached report"
        if code is not None:
            assert code in {f["code"] for f in after["findings"]}, what
