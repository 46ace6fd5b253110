"""Runs in the DOCTOR's own interpreter (``python -I -S``) just before the probe: seals the network, then execs.

    python -I -S -c <this file> TARGET_PYTHON ARG...

On Linux it installs a seccomp-BPF filter (``PR_SET_NO_NEW_PRIVS``, then ``PR_SET_SECCOMP``) and ``exec``s the
target interpreter under it, so the filter is in place before the target's own start-up runs any code (``.pth``
files, ``sitecustomize``), is inherited by every child (``subprocess``, ``os.system``, a double fork, a non-Python
binary), and cannot be lifted by the code under test. The filter makes these system calls fail with an errno,
never killing the process:

- ``socket(2)`` for any address family but ``AF_UNIX`` and ``AF_NETLINK`` (so ``AF_INET``, ``AF_INET6``,
  ``AF_PACKET``, ``AF_VSOCK``...): ``ENETUNREACH``; on i386 code also ``socketcall(SYS_SOCKET)``, whose family
  the filter cannot read (so a 32-bit program gets no socket at all);
- ``io_uring_setup`` / ``_enter`` / ``_register`` (io_uring can open and connect sockets): ``ENOSYS``;
- ``ptrace``, ``process_vm_readv`` / ``_writev`` and ``pidfd_getfd`` (borrowing a socket or a process that has
  the network): ``EPERM``;
- any system call made under an architecture the filter does not know (x32 on x86_64, 32-bit ARM on aarch64,
  anything else): ``EACCES`` (fail closed).

Where the filter cannot be installed (another system, an architecture it does not know, a kernel without
seccomp, no ``ctypes``), the target runs without it and ``$LCDOCTOR_PROBE_FILTER`` says why: the probe reports
that in its facts. Standard library only, Python 3.9+; importable (tests read :func:`program`) without effect.
"""
import os
import struct
import sys

# --- classic BPF, as seccomp reads it ----------------------------------------------------------------------------
LD_ABS_W = 0x20  # BPF_LD | BPF_W | BPF_ABS
JEQ = 0x15  # BPF_JMP | BPF_JEQ | BPF_K
JGE = 0x35  # BPF_JMP | BPF_JGE | BPF_K
RET = 0x06  # BPF_RET | BPF_K

RET_ALLOW = 0x7FFF0000
RET_ERRNO = 0x00050000

# struct seccomp_data: int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6] (little-endian: low word first)
OFF_NR, OFF_ARCH, OFF_ARG0 = 0, 4, 16

AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_I386 = 0x40000003
AUDIT_ARCH_AARCH64 = 0xC00000B7
X32_BIT = 0x40000000

ENETUNREACH, ENOSYS, EPERM, EACCES = 101, 38, 1, 13
AF_UNIX, AF_NETLINK = 1, 16
SYS_SOCKET = 1  # socketcall's first argument

# Per audit architecture: socket, socketcall (None: absent), io_uring_*, and the calls that reach into another
# process (ptrace, process_vm_readv, process_vm_writev, pidfd_getfd).
SYSCALLS = {
    AUDIT_ARCH_X86_64: {"socket": 41, "socketcall": None, "io_uring": (425, 426, 427),
                        "other_process": (101, 310, 311, 438)},
    AUDIT_ARCH_I386: {"socket": 359, "socketcall": 102, "io_uring": (425, 426, 427),
                      "other_process": (26, 347, 348, 438)},
    AUDIT_ARCH_AARCH64: {"socket": 198, "socketcall": None, "io_uring": (425, 426, 427),
                         "other_process": (117, 270, 271, 438)},
}
# The architectures a process may make system calls under, per machine; the first is the native one.
MACHINES = {
    "x86_64": (AUDIT_ARCH_X86_64, AUDIT_ARCH_I386),
    "amd64": (AUDIT_ARCH_X86_64, AUDIT_ARCH_I386),
    "aarch64": (AUDIT_ARCH_AARCH64,),
    "arm64": (AUDIT_ARCH_AARCH64,),
}


def _arch_block(arch):
    """The instructions for one architecture; symbolic jump targets ("allow", "net", ...) resolved later."""
    t = SYSCALLS[arch]
    out = [("ld", OFF_NR)]
    if arch == AUDIT_ARCH_X86_64:
        out.append(("jge", X32_BIT, "foreign"))  # the x32 ABI: same arch value, numbers with bit 30 set
    out.append(("jeq", t["socket"], "family"))
    if t["socketcall"] is not None:
        out.append(("jeq", t["socketcall"], "socketcall"))
    out += [("jeq", n, "nosys") for n in t["io_uring"]]
    out += [("jeq", n, "perm") for n in t["other_process"]]
    out.append(("ret", RET_ALLOW))
    return out


def program(machine):
    """The filter for ``machine`` (``os.uname().machine``) as (code, jt, jf, k) tuples; None when unknown."""
    arches = MACHINES.get(machine.lower())
    if arches is None:
        return None
    asm = [("ld", OFF_ARCH)]
    asm += [("jeq", a, "arch%d" % i) for i, a in enumerate(arches)]
    asm.append(("ret", RET_ERRNO | EACCES))  # an architecture this filter does not know: fail closed
    for i, a in enumerate(arches):
        asm.append(("label", "arch%d" % i))
        asm += _arch_block(a)
    # Shared tails, after every jump to them (classic BPF only jumps forward).
    asm += [
        ("label", "socketcall"),  # i386 socketcall(call, args*): the family is behind a pointer, unreadable here
        ("ld", OFF_ARG0),
        ("jeq", SYS_SOCKET, "net"),
        ("ret", RET_ALLOW),
        ("label", "family"),  # socket(family, ...): only local families
        ("ld", OFF_ARG0),
        ("jeq", AF_UNIX, "allow"),
        ("jeq", AF_NETLINK, "allow"),
        ("label", "net"),
        ("ret", RET_ERRNO | ENETUNREACH),
        ("label", "allow"),
        ("ret", RET_ALLOW),
        ("label", "nosys"),
        ("ret", RET_ERRNO | ENOSYS),
        ("label", "perm"),
        ("ret", RET_ERRNO | EPERM),
        ("label", "foreign"),
        ("ret", RET_ERRNO | EACCES),
    ]
    return _assemble(asm)


def _assemble(asm):
    labels, n = {}, 0
    for ins in asm:
        if ins[0] == "label":
            labels[ins[1]] = n
        else:
            n += 1
    out, pc = [], 0
    for ins in asm:
        op = ins[0]
        if op == "label":
            continue
        if op == "ld":
            out.append((LD_ABS_W, 0, 0, ins[1]))
        elif op == "ret":
            out.append((RET, 0, 0, ins[1]))
        else:  # a conditional jump: to the label when true, to the next instruction when false
            jt = labels[ins[2]] - pc - 1
            if not 0 <= jt <= 255:
                raise ValueError("jump out of range")
            out.append((JEQ if op == "jeq" else JGE, jt, 0, ins[1]))
        pc += 1
    return out


def install(machine):
    """Install the filter on this process (and its future children); "" when done, else why not."""
    if not sys.platform.startswith("linux"):
        return "no seccomp on %s" % sys.platform
    prog = program(machine)
    if prog is None:
        return "no filter for the %s architecture" % (machine or "unknown")
    try:
        import ctypes
    except ImportError as exc:
        return "ctypes is missing (%s)" % exc
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError) as exc:
        return "no prctl in the C library (%s)" % exc
    prctl.restype = ctypes.c_int
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    data = b"".join(struct.pack("=HBBI", *ins) for ins in prog)
    buf = ctypes.create_string_buffer(data, len(data))

    class Prog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = Prog(len(prog), ctypes.addressof(buf))
    if prctl(38, 1, None, 0, 0) != 0:  # PR_SET_NO_NEW_PRIVS
        return "PR_SET_NO_NEW_PRIVS failed: %s" % os.strerror(ctypes.get_errno())
    if prctl(22, 2, ctypes.addressof(fprog), 0, 0) != 0:  # PR_SET_SECCOMP, SECCOMP_MODE_FILTER
        return "seccomp refused the filter: %s" % os.strerror(ctypes.get_errno())
    # Proof, not trust: a network socket must now fail, a local one must still work.
    import _socket

    try:
        _socket.socket(_socket.AF_INET, _socket.SOCK_STREAM).close()
    except OSError:
        pass
    else:
        return "the filter was accepted but a network socket still opens"
    return ""


def main(argv):
    try:
        why = install(os.uname().machine if hasattr(os, "uname") else "")
    except Exception as exc:  # never fail the probe for want of a filter: say so instead
        why = "%s: %s" % (type(exc).__name__, exc)
    if why == "the filter was accepted but a network socket still opens":
        sys.stderr.write("langchain-doctor probe: %s; not running the code under test\n" % why)
        os._exit(87)
    os.environ["LCDOCTOR_PROBE_FILTER"] = "seccomp" if not why else "unavailable: " + why
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main(sys.argv[1:])
