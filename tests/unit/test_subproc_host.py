"""The doctor as a guest in someone else's process leaves that process's children and signal handlers alone.

The subprocess door's sweep kills every child of the process that the doctor is not running: right for the command
line, whose children are all the doctor's, and wrong in a notebook kernel or any program that calls
``langchain_doctor.check()``, whose own children would die. Only the console entry points own the process.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

HOST = textwrap.dedent("""
    import json, signal, subprocess, sys
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    own = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    import langchain_doctor
    from langchain_doctor import subproc
    report = langchain_doctor.check(sys.executable, use_cache=False)
    ran = subproc.run([sys.executable, "-c", "pass"], timeout=60)  # one more run through the door: it sweeps after
    alive = own.poll() is None
    own.kill()
    own.wait()
    print(json.dumps({
        "alive": alive,
        "returncode": ran.returncode,
        "reaping": subproc.reaping(),
        "handlers_kept": all(signal.getsignal(s) is h for s, h in before.items()),
        "target": report.target.python if report.target else None,
    }))
""")


def test_check_from_python_leaves_the_hosts_children_and_signal_handlers_alone(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", HOST], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    facts = json.loads(done.stdout.strip().splitlines()[-1])
    assert facts["target"], "the check examined nothing: the test would prove nothing"
    assert facts["returncode"] == 0
    assert facts == {**facts, "alive": True, "reaping": False, "handlers_kept": True}


def _entry(host: str) -> dict[str, object]:
    # The console entry point with the command line replaced by a probe of what the entry set up.
    program = textwrap.dedent(f"""
        import json, signal, sys, types
        {host}
        from langchain_doctor import cli, subproc
        from langchain_doctor import __main__ as entry
        def fake_main(argv=None):
            before = subproc.reaping()  # set with the first child, not at start
            subproc.run([sys.executable, "-c", "pass"], timeout=60)
            print(json.dumps({{"reaping_before_a_child": before, "reaping": subproc.reaping(),
                              "sigterm_is_doctors": signal.getsignal(signal.SIGTERM) is not signal.SIG_DFL}}))
        cli.main = fake_main
        entry.main()
    """)
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_console_entry_owns_its_process() -> None:
    expected = {"reaping_before_a_child": False, "reaping": sys.platform.startswith("linux"),
                "sigterm_is_doctors": True}
    assert _entry("") == expected


def test_a_hosted_entry_does_not() -> None:
    # ``%run -m langchain_doctor`` in a kernel: the process is the kernel's.
    assert _entry("sys.modules['ipykernel'] = types.ModuleType('ipykernel')") == {
        "reaping_before_a_child": False, "reaping": False, "sigterm_is_doctors": False}
