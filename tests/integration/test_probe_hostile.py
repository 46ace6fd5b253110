"""Hostile packages in a real interpreter: each becomes a finding within the timeout, the others are unaffected."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from langchain_doctor import probe
from langchain_doctor.probe import Item
from langchain_doctor.target import discover

from tests.fakeenv import FakeSite

pytestmark = pytest.mark.integration

# Unique to this test process (see test_probe_attacks.MARK): another run's orphan is not this one's.
ORPHAN_MARK = f"DOCTOR_ORPHAN_MARKER_{os.getpid()}_{secrets.token_hex(4)}"
OK_CLASS = "class {cls}:\n    def __init__(self, **kw):\n        self.kw = kw\n"
STUBS = {
    # package, module, class, module source
    "hang": ("langchain-openai", "langchain_openai", "ChatOpenAI", "import time\ntime.sleep(120)\n"),
    "abort": ("langchain-anthropic", "langchain_anthropic", "ChatAnthropic", "import os\nos.abort()\n"),
    "exit": ("langchain-mistralai", "langchain_mistralai", "ChatMistralAI", "import sys\nsys.exit(3)\n"),
    "flood": ("langchain-groq", "langchain_groq", "ChatGroq",
              "import sys\nfor _ in range(50):\n    sys.stdout.write('x' * 1_000_000)\n" + OK_CLASS.format(cls="ChatGroq")),
    "orphan": ("langchain-xai", "langchain_xai", "ChatXAI",
               "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', "
               f"'import time; time.sleep(300)  # {ORPHAN_MARK}'])\n" + OK_CLASS.format(cls="ChatXAI")),
    "envthief": ("langchain-fireworks", "langchain_fireworks", "ChatFireworks",
                 "import os\nos.environ.pop('DOCTOR_CANARY', None)\nos.environ['PATH'] = ''\n"
                 + OK_CLASS.format(cls="ChatFireworks")),
    "canary": ("langchain-cohere", "langchain_cohere", "ChatCohere",
               "import os\nassert os.environ.get('DOCTOR_CANARY') == 'alive', 'canary gone'\n"
               + OK_CLASS.format(cls="ChatCohere")),
}


@pytest.fixture(scope="module")
def hostile_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("hostile") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    fake = FakeSite(site)
    for package, module, _cls, src in STUBS.values():
        fake.add(package, "1.0.0", [], modules={f"{module}/__init__.py": src})
    return venv


def orphans() -> list[str]:
    done = subprocess.run(["pgrep", "-f", ORPHAN_MARK], capture_output=True, text=True)
    return done.stdout.split()


def test_hostile_imports_become_findings(hostile_venv: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV",)}
    env["DOCTOR_CANARY"] = "alive"
    done = subprocess.run(
        [sys.executable, "-m", "langchain_doctor", "--python", str(hostile_venv), "--format", "json", "--timeout", "3"],
        capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)
    data = json.loads(done.stdout)
    by_provider = {f["provider"]: f for f in data["findings"] if f["provider"] and f["code"].startswith("LCD3")}
    assert by_provider["openai"]["code"] == "LCD309"          # hang -> timeout
    assert by_provider["anthropic"]["code"] == "LCD308"       # os.abort -> crash
    assert "SIGABRT" in by_provider["anthropic"]["title"]
    assert by_provider["mistralai"]["code"] == "LCD308"       # sys.exit(3)
    assert "sys.exit" in by_provider["mistralai"]["title"]
    stages = {p["name"]: p.get("stages", {}) for p in data["providers"]}
    assert stages["groq"]["construct"] == "ok"   # after 50 MB of output, bounded
    assert stages["xai"]["import"] == "ok"
    assert stages["fireworks"]["construct"] == "ok"
    assert "groq" not in by_provider and "xai" not in by_provider and "fireworks" not in by_provider
    # The doctor's own output stays small: the flood never reaches it.
    assert len(done.stdout) < 200_000
    time.sleep(0.2)
    assert orphans() == []


def test_environment_mutation_does_not_leak_to_the_next_item(hostile_venv: Path, tmp_path: Path) -> None:
    target = discover(str(hostile_venv), environ=os.environ, cwd=tmp_path)
    items = [Item("thief", "import", module="langchain_fireworks"),
             Item("canary", "import", module="langchain_cohere")]
    env = dict(os.environ, DOCTOR_CANARY="alive")
    results = probe.run(target, [items], cwd=str(tmp_path), environ=env, timeout=10)
    assert results["thief"].ok
    assert results["canary"].ok, results["canary"].message


def test_crash_mid_batch_loses_nothing(hostile_venv: Path, tmp_path: Path) -> None:
    target = discover(str(hostile_venv), environ=os.environ, cwd=tmp_path)
    items = [Item("a", "import", module="langchain_groq"),
             Item("b", "import", module="langchain_anthropic"),
             Item("c", "getattr", module="langchain_anthropic", attr="ChatAnthropic", after="b"),
             Item("d", "import", module="langchain_xai")]
    results = probe.run(target, [items], cwd=str(tmp_path), environ=dict(os.environ), timeout=10)
    assert results["a"].ok and results["d"].ok
    assert results["b"].status == "crashed" and "SIGABRT" in results["b"].message
    assert results["c"].status == "skipped"
    time.sleep(0.2)
    assert orphans() == []


def test_an_interpreter_that_fails_at_start_up_is_one_verdict(tmp_path: Path) -> None:
    # A .pth file that kills the interpreter before any code of ours runs: every item gets the same
    # verdict at once instead of one timeout/crash per item.
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    target = discover(str(venv), environ=os.environ, cwd=tmp_path)
    (site / "zz_evil.pth").write_text("import os; os._exit(7)\n")
    items = [Item(f"i{n}", "import", module="json") for n in range(5)]
    results = probe.run(target, [items], cwd=str(tmp_path), environ=dict(os.environ), timeout=10)
    assert {r.status for r in results.values()} == {"crashed"}
    # One verdict for all, from the one start-up that failed (not five separate re-runs).
    assert all(r.message.startswith("the interpreter failed before running the probe") and "status 7" in r.message
               for r in results.values())
