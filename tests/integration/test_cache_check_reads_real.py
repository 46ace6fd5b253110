"""The cache key holds what the static checks read (issue 13 item 4), on a real venv and without probes (so that
only the checks' own reads key the cache): an edited module the symbol scan read, a changed RECORD and a changed
CA bundle each re-examine; nothing changed replays."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration._helpers import clean_environ
from tests.realenv import real_venv, site_packages, uv_available

pytestmark = pytest.mark.integration

PEM = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not uv_available():
        pytest.skip("real venvs are built with uv")
    # A private copy: the test edits files in it.
    return real_venv(["langchain-openai==1.7.4"], dest=tmp_path_factory.mktemp("static-edit") / "venv",
                     with_pip=False)


def doctor(venv: Path, cwd: Path, bundle: Path) -> dict[str, Any]:
    env = {**clean_environ(), "HOME": str(cwd.parent), "LANGCHAIN_DOCTOR_CACHE_DIR": str(cwd.parent / "cache"),
           "SSL_CERT_FILE": str(bundle)}
    done = subprocess.run([sys.executable, "-m", "langchain_doctor", "--python", str(venv), "--format", "json",
                           "--no-probe"], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)
    assert done.stdout.startswith("{"), done.stderr[-2000:]
    data: dict[str, Any] = json.loads(done.stdout)
    return data


def hit(data: dict[str, Any]) -> bool:
    return bool(data.get("cache", {}).get("hit"))


def codes(data: dict[str, Any]) -> set[str]:
    return {f["code"] for f in data["findings"]}


def test_static_reads_key_the_cache_on_a_real_venv(venv: Path, tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    bundle = tmp_path / "ca.pem"
    bundle.write_text(PEM)
    site = site_packages(venv)
    importer = site / "langchain_openai" / "chat_models" / "__init__.py"
    record = next(site.glob("langchain_core-*.dist-info")) / "RECORD"
    assert importer.is_file() and record.is_file()

    cold = doctor(venv, work, bundle)
    assert not hit(cold) and not {"LCD701", "LCD713"} & codes(cold)
    assert hit(doctor(venv, work, bundle))

    # A module the symbol scan read (an importer of langchain_core) now imports a name core lacks.
    importer.write_text(importer.read_text() + "\nfrom langchain_core.messages import NoSuchMessageClass\n")
    edited = doctor(venv, work, bundle)
    assert not hit(edited) and "LCD701" in codes(edited)
    assert hit(doctor(venv, work, bundle))

    record.write_text(record.read_text() + "langchain_core/not_installed.py,sha256=x,10\n")
    after_record = doctor(venv, work, bundle)
    assert not hit(after_record) and "LCD113" in codes(after_record)  # the file RECORD now lists is missing
    assert hit(doctor(venv, work, bundle))

    bundle.write_text("no certificate here\n")
    after_bundle = doctor(venv, work, bundle)
    assert not hit(after_bundle) and "LCD713" in codes(after_bundle)
