"""Adversarial: special files under the checks that read installed files and the variables' files (issue 14, 10).

A named pipe, ``/dev/zero`` or a huge file in place of a file the integrity, symbol-scan, network or
static-compatibility check reads gives a finding or is skipped with a reason; it never blocks and is never read
without bound. Each case runs the check in a child interpreter with a generous deadline: the deadline is only a
safety net against a hang taking the test run with it; the assertions are on the outcome.

And the cache key holds what these checks read (issue 13, 4): an edit to one of their files is a miss.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Callable

import pytest
from langchain_doctor._checks import symbols
from langchain_doctor.context import Options
from langchain_doctor.inputs import Recorder

from tests.fakeenv import FakeSite, make_env

ROOT = Path(__file__).resolve().parents[2]
HUGE = 80 * 1024 * 1024  # over every cap these checks use (64 MiB for RECORD), as a sparse file: no disk used
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes and /dev/zero are POSIX")

_CHILD = textwrap.dedent("""
    import json, sys
    from langchain_doctor import builtin
    from langchain_doctor.context import Options
    from langchain_doctor.inputs import Recorder
    from tests.fakeenv import make_env
    from pathlib import Path

    check, site, environ = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
    table = {c.name: c for c in builtin.checks()}
    env = make_env(site, options=Options(use_cache=False), environ=environ)
    rec = Recorder()
    with rec.active():
        found = list(table[check].run(env))
    print(json.dumps([[f.code, f.subject, list(f.evidence)] for f in found]))
""")


def run_check(check: str, site: Path, environ: dict[str, str] | None = None) -> list[list[Any]]:
    """The findings of ``check`` on the fake site, from a child interpreter (a hang fails, it does not block)."""
    done = subprocess.run([sys.executable, "-c", _CHILD, check, str(site), json.dumps(environ or {})],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)  # type: ignore[no-any-return]


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
