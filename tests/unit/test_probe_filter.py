"""The probe's seccomp network filter, read by a classic-BPF interpreter: every architecture branch, no kernel needed.

The integration tests (tests/integration/test_probe_attacks.py) prove the filter on this machine's kernel; these
prove the branches this machine cannot take: x32 and i386 system calls on x86_64, aarch64, unknown architectures.
"""

from __future__ import annotations

import struct

import pytest
from langchain_doctor.probe import _launch as L

ALLOW = L.RET_ALLOW


def run_filter(prog: list[tuple[int, int, int, int]], arch: int, nr: int, *args: int) -> int:
    """What seccomp would return for one system call (a minimal classic-BPF machine: LD ABS, JEQ/JGE, RET)."""
    argv = [*args, *([0] * (6 - len(args)))]
    data = struct.pack("<iIQ6Q", nr, arch, 0, *argv)
    acc, pc = 0, 0
    for _ in range(len(prog) + 1):
        code, jt, jf, k = prog[pc]
        if code == L.LD_ABS_W:
            acc = struct.unpack_from("<I", data, k)[0]
            pc += 1
        elif code == L.JEQ:
            pc += 1 + (jt if acc == k else jf)
        elif code == L.JGE:
            pc += 1 + (jt if acc >= k else jf)
        elif code == L.RET:
            return k
        else:
            raise AssertionError(f"unexpected instruction {code:#x}")
    raise AssertionError("the program did not return")


def errno_of(ret: int) -> int:
    assert ret & 0xFFFF0000 == L.RET_ERRNO, f"{ret:#x} is not an errno return"
    return ret & 0xFFFF


X86 = L.program("x86_64")
ARM = L.program("aarch64")
AF_INET, AF_INET6, AF_PACKET, AF_VSOCK = 2, 10, 17, 40


def test_the_program_is_well_formed() -> None:
    for prog in (X86, ARM):
        assert prog is not None and 0 < len(prog) < 4096
        for n, (code, jt, jf, _k) in enumerate(prog):
            assert code in (L.LD_ABS_W, L.JEQ, L.JGE, L.RET)
            if code in (L.JEQ, L.JGE):
                assert n + 1 + max(jt, jf) < len(prog)  # jumps land inside the program (forward only)
        assert prog[-1][0] == L.RET  # no path falls off the end
    assert L.program("sparc64") is None and L.program("ppc64le") is None


@pytest.mark.parametrize(("prog", "arch", "socket_nr"), [
    (X86, L.AUDIT_ARCH_X86_64, 41), (X86, L.AUDIT_ARCH_I386, 359), (ARM, L.AUDIT_ARCH_AARCH64, 198),
], ids=["x86_64", "i386-on-x86_64", "aarch64"])
def test_network_sockets_fail_and_local_ones_work(prog: list[tuple[int, int, int, int]], arch: int,
                                                  socket_nr: int) -> None:
    for family in (AF_INET, AF_INET6, AF_PACKET, AF_VSOCK, 0, 255):
        assert errno_of(run_filter(prog, arch, socket_nr, family, 1, 0)) == L.ENETUNREACH
    for family in (L.AF_UNIX, L.AF_NETLINK):
        assert run_filter(prog, arch, socket_nr, family, 1, 0) == ALLOW
    # The upper half of the 64-bit argument does not matter (the kernel reads an int).
    assert run_filter(prog, arch, socket_nr, (1 << 32) | L.AF_UNIX, 1, 0) == ALLOW


@pytest.mark.parametrize(("prog", "arch"), [(X86, L.AUDIT_ARCH_X86_64), (X86, L.AUDIT_ARCH_I386),
                                            (ARM, L.AUDIT_ARCH_AARCH64)])
def test_io_uring_and_reaching_into_other_processes_fail(prog: list[tuple[int, int, int, int]], arch: int) -> None:
    table = L.SYSCALLS[arch]
    for nr in table["io_uring"]:
        assert errno_of(run_filter(prog, arch, nr)) == L.ENOSYS
    for nr in table["other_process"]:
        assert errno_of(run_filter(prog, arch, nr)) == L.EPERM


def test_ordinary_system_calls_pass() -> None:
    # read, write, openat, connect (on whatever socket exists: only local ones can), clone, execve.
    for nr in (0, 1, 257, 42, 56, 59):
        assert run_filter(X86, L.AUDIT_ARCH_X86_64, nr) == ALLOW
    for nr in (63, 64, 56, 203, 220, 221):
        assert run_filter(ARM, L.AUDIT_ARCH_AARCH64, nr) == ALLOW
    for nr in (3, 4, 11):
        assert run_filter(X86, L.AUDIT_ARCH_I386, nr) == ALLOW


def test_x32_system_calls_fail_closed() -> None:
    for nr in (41, 42, 0, 1, 59):
        assert errno_of(run_filter(X86, L.AUDIT_ARCH_X86_64, L.X32_BIT | nr, AF_INET)) == L.EACCES


def test_i386_socketcall_cannot_open_a_socket() -> None:
    # socketcall(SYS_SOCKET, args*): the family is behind a pointer, so every socket is refused; other calls pass.
    assert errno_of(run_filter(X86, L.AUDIT_ARCH_I386, 102, L.SYS_SOCKET)) == L.ENETUNREACH
    assert run_filter(X86, L.AUDIT_ARCH_I386, 102, 3) == ALLOW  # SYS_CONNECT, on a socket it could not open


@pytest.mark.parametrize(("prog", "arch"), [
    (X86, L.AUDIT_ARCH_AARCH64), (X86, 0x40000028), (ARM, L.AUDIT_ARCH_X86_64), (ARM, 0x40000028), (ARM, 0),
], ids=["aarch64-on-x86_64", "arm-on-x86_64", "x86_64-on-aarch64", "arm32-on-aarch64", "zero"])
def test_a_foreign_architecture_fails_closed(prog: list[tuple[int, int, int, int]], arch: int) -> None:
    for nr in (0, 1, 41, 198, 359, 102):
        assert errno_of(run_filter(prog, arch, nr, AF_INET)) == L.EACCES


def test_install_says_why_not_instead_of_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(L.sys, "platform", "darwin")
    assert L.install("arm64") == "no seccomp on darwin"
    monkeypatch.setattr(L.sys, "platform", "linux")
    assert L.install("riscv64") == "no filter for the riscv64 architecture"
