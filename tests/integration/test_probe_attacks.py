"""Adversarial tests of the probe door: hostile packages in a real venv attack each promise of doctor/probe/.

Classes (issue 14 items 4-8, issue 13 item 3): descendants outliving the probe; hard limits (hangs, busy loops,
forged progress, output floods); results the target cannot forge (closed, flooded or overwritten results pipe);
the network from inside the probe (raw ``_socket``, DNS, UDP, asyncio; with and without a network namespace);
temporary files and interruption (SIGTERM/SIGINT/SIGHUP mid-probe); slow-but-working imports. Every case is a
row of ``ATTACKS`` or a parametrized case below; none asserts a duration.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_doctor import probe
from langchain_doctor.probe import Item
from langchain_doctor.target import Target, discover

from tests.fakeenv import FakeSite

pytestmark = pytest.mark.integration

# Unique to this test process: a marked process of another worker (pytest-xdist) or of another test run on the
# machine is never taken for one that this module's probe left behind.
MARK = f"DOCTOR_ATTACK_MARKER_{os.getpid()}_{secrets.token_hex(4)}"
SECRET = "sk-proj-" + "Q7" * 24

# A detached process that says it is alive (a file in $ATTACK_DIR), then waits; its command line has MARK.
DAEMON = ("import os, time; open(os.path.join(os.environ['ATTACK_DIR'], 'alive-%d' % os.getpid()), 'w').close(); "
          f"time.sleep(300)  # {MARK}")
WAIT_ALIVE = ("import time\nfor _ in range(600):\n    if os.listdir(os.environ['ATTACK_DIR']):\n        break\n"
              "    time.sleep(0.05)\n")

# module name -> source. Each module is a hostile "package" imported by a probe item.
MODULES = {
    "evil_setsid": f"""
import os, sys
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, "-c", {DAEMON!r}])
    os._exit(0)
{WAIT_ALIVE}""",
    "evil_newsession": f"""
import os, subprocess, sys
subprocess.Popen([sys.executable, "-c", {DAEMON!r}], start_new_session=True)
{WAIT_ALIVE}""",
    "evil_nohup": f"""
import os, signal, sys
if os.fork() == 0:
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    os.setsid()
    os.closerange(3, 256)
    os.execv(sys.executable, [sys.executable, "-c", {DAEMON!r}])
{WAIT_ALIVE}""",
    "evil_hang": "import time\ntime.sleep(600)\n",
    "evil_busy": "while True:\n    pass\n",
    "evil_forge_progress": """
import os, time
for _ in range(100000):
    for fd in range(3, 64):
        try:
            os.write(fd, b'{"id": "x", "status": "started"}\\n')
        except OSError:
            pass
    time.sleep(0.01)
""",
    "evil_flood_stdout": "import os\nchunk = b'x' * (1 << 20)\nfor _ in range(2048):\n    os.write(1, chunk)\n",
    "evil_flood_stderr": "import os\nchunk = b'y' * (1 << 20)\nfor _ in range(2048):\n    os.write(2, chunk)\n",
    "evil_flood_results": """
import os
chunk = b'z' * (1 << 20)
for _ in range(2048):
    for fd in range(3, 64):
        try:
            os.write(fd, chunk)
        except OSError:
            pass
""",
    "evil_close_fds": "import os\nos.closerange(3, 4096)\n",
    "evil_dup_null": """
import os
null = os.open(os.devnull, os.O_WRONLY)
for fd in range(3, 64):
    if fd != null:
        try:
            os.dup2(null, fd)
        except OSError:
            pass
""",
    "evil_forge_results": """
import os
lines = [b'not json', b'{"id": 5}', b'{}', b'[1, 2]', b'{"id": "victim", "status": "ok"}',
         b'x {"id": "victim", "status": "ok"}', b'{"id": "victim", "status": "ok", "frames": 5}']
for fd in range(3, 64):
    for line in lines:
        try:
            os.write(fd, line + b'\\n')
        except OSError:
            pass
""",
    "victim": "raise ImportError('the victim really fails')\n",
    "fine": "VALUE = 1\n",
    # Started by a .pth line when $ATTACK_PTH_PORT is set: tries the network at interpreter start-up.
    "evil_pth": """
import os, socket
try:
    socket.create_connection(("127.0.0.1", int(os.environ["ATTACK_PTH_PORT"])), timeout=5).close()
    outcome = "connected"
except BaseException as exc:
    outcome = "refused: %r" % (exc,)
with open(os.environ["ATTACK_PTH_OUT"], "w") as fh:
    fh.write(outcome)
""",
    # A chat class whose invoke makes one connection (a stand-in for a smoke call).
    "netclient": """
import socket


class Reply:
    content = "OK"
    response_metadata = {}
    usage_metadata = None


class Chat:
    def __init__(self, port):
        self.port = port

    def invoke(self, prompt):
        socket.create_connection(("127.0.0.1", self.port), timeout=5).close()
        return Reply()
""",
    "slow_but_fine": "import time\nt = time.monotonic() + 3.5\nwhile time.monotonic() < t:\n    pass\nVALUE = 1\n",
    # A chat class whose import goes on past the deadline while making progress (a little CPU each second, as on
    # a loaded machine), then whose call waits 4 s for its answer without CPU (the network): longer than the
    # stall window (3 s at --timeout 5), shorter than the call's own deadline (5 s).
    "slow_chat": """
import time
for _ in range(6):
    time.sleep(1.0)
    t = time.monotonic() + 0.1
    while time.monotonic() < t:
        pass
class Message:
    content = "OK"
    response_metadata = {"model_name": "m", "finish_reason": "stop"}
    usage_metadata = None
class Chat:
    def __init__(self, **kw):
        pass
    def invoke(self, prompt):
        time.sleep(4.0)
        return Message()
""",
}

# Each attack is an ``exec`` item; it runs without error only when it got through (a child's refusal makes the item
# fail too). PORT and UDP are the loopback listener's ports; OUT is a file a detached grandchild writes its outcome to.
_CONNECT = "import socket; socket.create_connection(('127.0.0.1', PORT), timeout=5).close()"
_CTYPES_CONNECT = """
import ctypes, socket, struct
libc = ctypes.CDLL(None, use_errno=True)
fd = libc.socket(2, 1, 0)  # AF_INET, SOCK_STREAM, straight to the C library: no Python socket object at all
if fd < 0:
    raise OSError(ctypes.get_errno(), 'socket() refused')
addr = struct.pack('=HH4s8x', 2, socket.htons(PORT), bytes([127, 0, 0, 1]))
if libc.connect(fd, addr, len(addr)) != 0:
    raise OSError(ctypes.get_errno(), 'connect() refused')
"""
_REPORT_CONNECT = f"""
import os, sys
try:
    exec({_CONNECT!r})
    outcome = 'connected'
except BaseException as exc:
    outcome = 'refused: %r' % (exc,)
with open(sys.argv[1] + '.tmp', 'w') as fh:
    fh.write(outcome)
os.rename(sys.argv[1] + '.tmp', sys.argv[1])
"""
NET_ATTACKS = {
    "raw_socket_connect": "import _socket\ns = _socket.socket()\ns.connect(('127.0.0.1', PORT))\n",
    "raw_socket_connect_ex": "import _socket\ns = _socket.socket()\nrc = s.connect_ex(('127.0.0.1', PORT))\n"
                             "assert rc == 0, 'refused: %s' % rc\n",
    "unbound_connect": "import _socket\ns = _socket.socket()\n_socket.socket.connect(s, ('127.0.0.1', PORT))\n",
    "socket_type_connect": "import _socket\ns = _socket.SocketType()\ns.connect(('127.0.0.1', PORT))\n",
    "socket_connect": "import socket\nsocket.socket().connect(('127.0.0.1', PORT))\n",
    "create_connection": "import socket\nsocket.create_connection(('127.0.0.1', PORT), timeout=2)\n",
    "udp_sendto": "import _socket\ns = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)\n"
                  "s.sendto(b'leak', ('127.0.0.1', UDP))\n",
    "udp_sendmsg": "import socket\ns = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                   "s.sendmsg([b'leak'], [], 0, ('127.0.0.1', UDP))\n",
    "dns_getaddrinfo": "import _socket\n_socket.getaddrinfo('localhost', PORT)\n",
    "dns_gethostbyname": "import socket\nsocket.gethostbyname('localhost')\n",
    "dns_gethostbyname_ex": "import _socket\n_socket.gethostbyname_ex('localhost')\n",
    "asyncio_connect": "import asyncio\nasyncio.run(asyncio.open_connection('127.0.0.1', PORT))\n",
    "fromfd_connect": "import socket, _socket\ns = _socket.socket()\nt = socket.fromfd(s.fileno(), socket.AF_INET, "
                      "socket.SOCK_STREAM)\nt.connect(('127.0.0.1', PORT))\n",
    # Beyond what an in-process block can stop: the original C type through the MRO, C code, and child processes.
    # The kernel stops these: the seccomp filter (any user) or a network namespace (root).
    "mro_escape": "import socket\nbase = socket.socket.__mro__[-2]\ns = base()\nbase.connect(s, ('127.0.0.1', PORT))\n",
    "ctypes_libc_connect": _CTYPES_CONNECT,
    "child_process": f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', {_CONNECT!r}], check=True, "
                     "timeout=20)\n",
    "child_clean_env": f"import subprocess, sys\nsubprocess.run([sys.executable, '-I', '-S', '-c', {_CONNECT!r}], "
                       "env={}, check=True, timeout=20)\n",
    "os_system": f"import os, shlex, sys\nrc = os.system(shlex.quote(sys.executable) + ' -I -c ' + "
                 f"shlex.quote({_CONNECT!r}))\nassert rc == 0, 'the child failed: %s' % rc\n",
    "sh_dev_tcp": "import shutil, subprocess\nbash = shutil.which('bash') or '/bin/bash'\n"
                  "subprocess.run([bash, '-c', 'echo leak > /dev/tcp/127.0.0.1/PORT'], env={}, check=True, timeout=20)\n",
    # A detached grandchild (setsid, double fork) that execs a fresh interpreter and writes what happened to OUT.
    "double_fork_setsid": f"""
import os, sys, time
out = 'OUT'
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        os.execv(sys.executable, [sys.executable, '-I', '-c', {_REPORT_CONNECT!r}, out])
    os._exit(0)
for _ in range(400):
    if os.path.exists(out):
        break
    time.sleep(0.05)
outcome = open(out).read()
assert outcome == 'connected', outcome
""",
}
KERNEL_ONLY = {"mro_escape", "ctypes_libc_connect", "child_process", "child_clean_env", "os_system", "sh_dev_tcp",
               "double_fork_setsid"}
"""Attacks that only a kernel-level block stops (seccomp or a network namespace): they get out of the Python block."""
HANGING = f"import subprocess, sys\nsubprocess.run([sys.executable, '-c', 'import time; time.sleep(600)  # {MARK}'])\n"


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("attacks") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    for name, src in MODULES.items():
        (site / f"{name}.py").write_text(src)
    (site / "zz_attack.pth").write_text("import os; os.environ.get('ATTACK_PTH_PORT') and __import__('evil_pth')\n")
    # A provider integration that hangs, for the CLI-level interruption tests.
    FakeSite(site).add("langchain-openai", "1.0.0", [],
                       modules={"langchain_openai/__init__.py": HANGING})
    return venv


@pytest.fixture(scope="module", autouse=True)
def _the_doctors_own_process() -> None:
    # These tests call the probe door in the test process, where the command line's own process would: that one
    # is the reaper of what its probes leave behind (subproc.own_process), so this process plays that part.
    from langchain_doctor import subproc

    subproc._enable_subreaper()


@pytest.fixture(scope="module")
def target(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Target:
    return discover(str(venv), environ=os.environ, cwd=tmp_path_factory.getbasetemp())


def marked() -> list[str]:
    done = subprocess.run(["pgrep", "-f", MARK], capture_output=True, text=True)
    return done.stdout.split()


def run(target: Target, tmp_path: Path, items: list[Item], timeout: float = 2.0, **kw: object) -> dict[str, probe.Result]:
    return probe.run(target, [items], cwd=str(tmp_path), environ=dict(os.environ), timeout=timeout, **kw)  # type: ignore[arg-type]


# ---- descendants die with the probe ---------------------------------------------------------------------------

@pytest.mark.parametrize("module", ["evil_setsid", "evil_newsession", "evil_nohup"])
def test_every_descendant_dies_with_the_probe(target: Target, tmp_path: Path, module: str) -> None:
    alive = tmp_path / "alive"
    alive.mkdir()
    results = run(target, tmp_path, [Item("a", "import", module=module, env={"ATTACK_DIR": str(alive)}),
                                     Item("b", "import", module="fine")])
    assert results["a"].ok and results["b"].ok
    assert list(alive.iterdir()), "the detached process never started: the test would prove nothing"
    # The probe has returned: whatever the import started, however it detached, is gone (killed and reaped).
    assert marked() == []


# ---- hard limits ----------------------------------------------------------------------------------------------

def test_a_hang_is_a_waiting_timeout_with_its_frames(target: Target, tmp_path: Path) -> None:
    r = run(target, tmp_path, [Item("a", "import", module="evil_hang")])["a"]
    assert (r.status, r.stopped) == ("timeout", "waiting")
    assert any("evil_hang.py" in f for f in r.frames)
    assert r.transient


def test_a_busy_loop_is_stopped_at_the_hard_limit(target: Target, tmp_path: Path) -> None:
    r = run(target, tmp_path, [Item("a", "import", module="evil_busy")], timeout=1.0)["a"]
    assert (r.status, r.stopped) == ("timeout", "busy")


def test_forged_progress_does_not_extend_the_deadline(target: Target, tmp_path: Path) -> None:
    # It writes "started" lines to every fd (the results pipe among them) forever: the lines carry no token and
    # count for nothing; it uses some CPU doing so, so it is stopped at the hard limit (6 x 2 s), not after 40 s.
    results = run(target, tmp_path, [Item("a", "import", module="evil_forge_progress"),
                                     Item("b", "import", module="fine")])
    assert results["a"].status == "timeout" and results["a"].stopped in ("busy", "waiting")
    assert results["b"].ok


@pytest.mark.parametrize("module", ["evil_flood_stdout", "evil_flood_stderr", "evil_flood_results"])
def test_a_flood_is_bounded_while_the_child_runs(target: Target, tmp_path: Path, module: str) -> None:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    results = run(target, tmp_path, [Item("a", "import", module=module), Item("b", "import", module="fine")],
                  timeout=2.0)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert grown_mib < 256, f"the doctor grew by {grown_mib:.0f} MiB while the target wrote 2 GiB"
    assert results["b"].ok
    r = results["a"]
    assert r.status in ("ok", "timeout", "crashed")  # finished, stopped, or cut off: never a traceback
    assert len(r.stdout) <= 10_000 and len(r.stderr) <= 10_000


# ---- results the target cannot forge --------------------------------------------------------------------------

@pytest.mark.parametrize("module", ["evil_close_fds", "evil_dup_null"])
def test_a_lost_results_pipe_is_a_crashed_item(target: Target, tmp_path: Path, module: str) -> None:
    results = run(target, tmp_path, [Item("a", "import", module=module), Item("b", "import", module="fine"),
                                     Item("c", "import", module="victim")])
    assert results["a"].status == "crashed"
    assert "results" in results["a"].message
    assert results["b"].ok  # re-run in a fresh process
    assert results["c"].status == "error" and results["c"].exc_type == "ImportError"


def test_forged_result_lines_are_ignored(target: Target, tmp_path: Path) -> None:
    results = run(target, tmp_path, [Item("a", "import", module="evil_forge_results"),
                                     Item("victim", "import", module="victim")])
    assert results["a"].ok
    assert results["victim"].status == "error"  # not the forged "ok"


def test_malformed_results_at_the_cli_are_findings_not_tracebacks(venv: Path, tmp_path: Path) -> None:
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "langchain_openai" / "__init__.py").write_text("import os\nos.closerange(3, 4096)\n")
    try:
        env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
        done = subprocess.run([sys.executable, "-m", "langchain_doctor", "--python", str(venv), "--format", "json",
                               "--timeout", "3", "--no-cache"],
                              capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    finally:
        (site / "langchain_openai" / "__init__.py").write_text(HANGING)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    data = json.loads(done.stdout)
    [f] = [f for f in data["findings"] if f["provider"] == "openai" and f["code"].startswith("LCD3")]
    assert f["code"] == "LCD308"


# ---- "network unreachable" is true inside the probe -----------------------------------------------------------

class Listener:
    """A loopback TCP and UDP listener; what reached it is read after the probe has exited (no timing involved).

    A TCP connection the kernel accepted waits in the backlog until ``accept`` (even once its client is gone), and
    a datagram waits in the receive buffer: both are drained without blocking once every probe process is dead.
    """

    def __init__(self) -> None:
        self.tcp = socket.socket()
        self.tcp.bind(("127.0.0.1", 0))
        self.tcp.listen(64)
        self.tcp.setblocking(False)
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.bind(("127.0.0.1", 0))
        self.udp.setblocking(False)
        self.port = self.tcp.getsockname()[1]
        self.udp_port = self.udp.getsockname()[1]

    def hits(self) -> list[str]:
        out = []
        while True:
            try:
                conn, _ = self.tcp.accept()
            except BlockingIOError:
                break
            conn.close()
            out.append("tcp")
        while True:
            try:
                self.udp.recvfrom(100)
            except BlockingIOError:
                break
            out.append("udp")
        return out

    def close(self) -> None:
        self.tcp.close()
        self.udp.close()


@pytest.fixture
def listener() -> Iterator[Listener]:  # noqa: D103
    lst = Listener()
    yield lst
    lst.close()


def _netns_available() -> bool:
    probe._netns = None
    return bool(probe._netns_prefix(False))


def _seccomp_expected() -> bool:
    return sys.platform.startswith("linux") and os.uname().machine in ("x86_64", "aarch64")


MODES = {
    # mode id: (seccomp filter, network namespace)
    "seccomp-without-namespace": (True, False),
    "seccomp-with-namespace": (True, True),
    "namespace-alone": (False, True),
    "python-block-alone": (False, False),
}


def _attack(target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seccomp: bool, netns: bool
            ) -> tuple[dict[str, probe.Result], set[str]]:
    monkeypatch.setattr(probe, "USE_NETNS", netns)
    monkeypatch.setattr(probe, "USE_SECCOMP", seccomp)
    if netns and not _netns_available():
        pytest.skip("network namespaces need root and a working unshare")
    if seccomp and not _seccomp_expected():
        pytest.skip("the seccomp filter exists for Linux on x86_64 and aarch64")
    # One listener per attack, so that a connection that gets through names its attack; all attacks in one batch
    # (each item isolated as usual), so the whole mode costs one interpreter.
    listeners = {name: Listener() for name in NET_ATTACKS}
    try:
        items = []
        for name, src in NET_ATTACKS.items():
            lst = listeners[name]
            src = (src.replace("UDP", str(lst.udp_port)).replace("PORT", str(lst.port))
                   .replace("OUT", str(tmp_path / f"{name}.outcome")))
            items.append(Item(name, "exec", source=src))
        results = run(target, tmp_path, items, timeout=20.0)
        # probe.run has returned: the probe and every descendant are dead, so whatever connected is queued now.
        got_out = {name for name, lst in listeners.items() if lst.hits()}
    finally:
        for lst in listeners.values():
            lst.close()
    return results, got_out


@pytest.mark.parametrize("mode", list(MODES))
def test_the_network_is_unreachable_inside_the_probe(target: Target, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     mode: str) -> None:
    seccomp, netns = MODES[mode]
    results, got_out = _attack(target, tmp_path, monkeypatch, seccomp, netns)
    assert set(results) == set(NET_ATTACKS) and all(r.status == "error" or r.ok for r in results.values()), {
        k: (r.status, r.message) for k, r in results.items() if r.status not in ("ok", "error")}
    not_refused = {name for name, r in results.items() if r.ok}
    kernel_level = seccomp or netns
    expected_to_hold = set(NET_ATTACKS) if kernel_level else set(NET_ATTACKS) - KERNEL_ONLY
    assert got_out & expected_to_hold == set(), f"reached the loopback listener: {sorted(got_out)}"
    assert not_refused & expected_to_hold == set(), f"ran without error: {sorted(not_refused)}"
    if seccomp:
        assert {r.network_filter for r in results.values()} == {"seccomp"}
    if not kernel_level:
        # The Python-level block alone does not stop these; proven here, so that the attacks above are known to
        # reach the listener when nothing stops them (and the README's claim stays true).
        assert KERNEL_ONLY <= got_out
        assert KERNEL_ONLY <= not_refused


def test_start_up_code_runs_under_the_filter(venv: Path, target: Target, tmp_path: Path, listener: Listener,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # A .pth file runs at interpreter start-up, before the probe script: the filter must already be in place.
    if not _seccomp_expected():
        pytest.skip("the seccomp filter exists for Linux on x86_64 and aarch64")
    monkeypatch.setattr(probe, "USE_NETNS", False)
    out = tmp_path / "pth.outcome"
    environ = {**os.environ, "ATTACK_PTH_PORT": str(listener.port), "ATTACK_PTH_OUT": str(out)}
    r = probe.run(target, [[Item("a", "import", module="fine")]], cwd=str(tmp_path), environ=environ,
                  timeout=10.0)["a"]
    assert r.ok and r.network_filter == "seccomp"
    assert out.read_text().startswith("refused"), out.read_text()
    assert listener.hits() == []


def test_smoke_jobs_alone_have_the_network(target: Target, tmp_path: Path, listener: Listener) -> None:
    src = NET_ATTACKS["socket_connect"].replace("PORT", str(listener.port))
    r = run(target, tmp_path, [Item("a", "exec", source=src)], network=True)["a"]
    assert r.status == "crashed"  # an open-network job may only hold invoke and snippet items
    assert "only invoke and snippet items" in r.stderr
    assert listener.hits() == []


def test_a_job_with_network_permission_is_not_filtered(target: Target, tmp_path: Path, listener: Listener) -> None:
    # A smoke call (an invoke item) runs with the network open: no filter, and its connection arrives.
    r = run(target, tmp_path, [Item("a", "invoke", module="netclient", attr="Chat", kwargs={"port": listener.port})],
            network=True, timeout=10.0)["a"]
    assert r.ok, r.message
    assert r.network_filter == ""
    assert listener.hits() == ["tcp"]


# ---- temporary files and interruption -------------------------------------------------------------------------

@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP], ids=lambda s: s.name)
def test_interrupted_during_a_hanging_probe_leaves_nothing(venv: Path, tmp_path: Path, sig: signal.Signals) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    # A leftover of an older doctor killed mid-run: removed by this run.
    old = tmpdir / "lcdoctor-probe-abc123"
    old.mkdir()
    (old / "results.jsonl").write_text(json.dumps({"message": SECRET}) + "\n")
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update(TMPDIR=str(tmpdir), OPENAI_API_KEY=SECRET)
    proc = subprocess.Popen([sys.executable, "-m", "langchain_doctor", "--python", str(venv), "--timeout", "60",
                             "--no-cache"], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not marked() and time.monotonic() < deadline:  # the hanging import has started
        time.sleep(0.1)
    assert marked(), "the hanging probe never started"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    time.sleep(0.2)
    assert marked() == []
    leftovers = list(tmpdir.rglob("*"))
    assert leftovers == []
    assert SECRET.encode() not in out + err


# ---- slow is not broken ---------------------------------------------------------------------------------------

def test_an_import_that_computes_past_the_timeout_finishes(target: Target, tmp_path: Path) -> None:
    # 3.5 s of work at --timeout 2: still computing when the timeout comes, so it goes on (up to 12 s).
    r = run(target, tmp_path, [Item("a", "import", module="slow_but_fine")], timeout=2.0)["a"]
    assert r.ok, r.message


def test_a_smoke_call_whose_import_was_slow_still_gets_its_answer(target: Target, tmp_path: Path) -> None:
    # At --timeout 5 (stall window 3 s): the import goes on for about 6.6 s, past the deadline, making progress;
    # then the call waits 4 s without CPU. Counted from the item's start, that wait came after the deadline and
    # was judged a hang after 3 s (what a fully loaded machine did to the real smoke test's slow imports); the
    # call's own deadline, counted from when it begins, lets the answer arrive.
    r = run(target, tmp_path, [Item("a", "invoke", module="slow_chat", attr="Chat", prompt="x")], timeout=5.0,
            network=True)["a"]
    assert r.ok, (r.status, r.stopped, r.message)
    assert isinstance(r.value, dict) and r.value["response_metadata"] == {"model_name": "m", "finish_reason": "stop"}


def test_a_timeout_is_never_cached(venv: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env["LANGCHAIN_DOCTOR_CACHE_DIR"] = str(tmp_path / "cache")
    argv = [sys.executable, "-m", "langchain_doctor", "--python", str(venv), "--format", "json", "--timeout", "1"]
    first = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300)
    assert first.stdout.startswith("{"), first.stderr[-2000:]
    assert any(f["code"] == "LCD309" for f in json.loads(first.stdout)["findings"])
    # Nothing stored: the run had a timeout (the hanging langchain_openai import).
    assert list((tmp_path / "cache").glob("reports/*.json")) == []
    assert marked() == []
