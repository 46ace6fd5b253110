"""A slow import is not a crash (issue 13, item 3: the one quiet healthy7 run that gave LCD308 for anthropic).

The probe used to arm ``faulthandler.dump_traceback_later`` at 0.75 x --timeout for every item, so that a timeout
could show where the item stood. Its watchdog thread then dumped the frames of an import that was only slow, from
another thread, without the GIL, while the import kept pushing and popping frames: CPython can crash there
(SIGSEGV; reproduced with a frame-churning loop under a dump timer), and the probe reported "crashed the
interpreter". Only a loaded machine makes an import slow enough, so the verdict depended on load.

Now frames are dumped only when the parent has decided to stop an item, by the interrupted thread itself. The test
is deterministic: the item computes for 1.2 s, twice the 0.6 s at which the old timer fired (0.75 x its 0.8 s
timeout), and ends 3.6 s before the hard limit (6 x the timeout: 4.8 s); the loop is timed by the clock, so
nothing here depends on how fast the machine is.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from langchain_doctor import probe
from langchain_doctor.probe import Item
from langchain_doctor.target import discover

SLOW = """
import os, time
# fd 2 is where a faulthandler dump goes: point it at a file for as long as this import runs.
saved = os.dup(2)
fd = os.open(os.environ["SLOW_LOG"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.dup2(fd, 2)
try:
    end = time.monotonic() + 1.2
    n = 0
    while time.monotonic() < end:  # computing, so making progress: slow, not hung
        n += 1
finally:
    os.dup2(saved, 2)
    os.close(fd)
with open(os.environ["SLOW_LOG"]) as fh:
    if "most recent call first" in fh.read():
        raise RuntimeError("the probe dumped this import's frames while it was running")
"""


def test_a_slow_import_is_never_dumped_while_it_runs(tmp_path: Path) -> None:
    (tmp_path / "slow_but_fine.py").write_text(SLOW)
    target = discover(sys.executable, environ=os.environ, cwd=tmp_path)
    results = probe.run(target, [[Item("slow", "import", module="slow_but_fine",
                                       env={"SLOW_LOG": str(tmp_path / "fd2.log")})]],
                        cwd=str(tmp_path), environ=dict(os.environ), timeout=0.8)
    r = results["slow"]
    assert (tmp_path / "fd2.log").exists(), "the module never ran: the test would prove nothing"
    assert (r.status, r.message) == ("ok", "")


def test_an_item_that_dies_while_asked_for_its_frames_is_still_a_timeout(tmp_path: Path) -> None:
    # It hangs, and has put the dump signal back to its default action (terminate): asked where it stands, it dies.
    (tmp_path / "hang_no_dump.py").write_text(
        f"import signal, time\nsignal.signal({int(probe.DUMP_SIGNAL or 0)}, signal.SIG_DFL)\ntime.sleep(600)\n")
    target = discover(sys.executable, environ=os.environ, cwd=tmp_path)
    r = probe.run(target, [[Item("hang", "import", module="hang_no_dump")]], cwd=str(tmp_path),
                  environ=dict(os.environ), timeout=1.0)["hang"]
    assert (r.status, r.stopped) == ("timeout", "waiting"), r.message
