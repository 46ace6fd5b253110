"""Reading a file the target or a user controls: regular files only, bounded, never blocking.

A named pipe, a device (``/dev/zero``) or a folder in place of a small file must become a finding or a
one-line reason, never a hang or an unbounded read.
"""

from __future__ import annotations

import os
import stat
from typing import Union

PathLike = Union[str, "os.PathLike[str]"]


class NotRegular(ValueError):
    """The path is not a regular file, or is larger than allowed."""


def read_regular(path: PathLike, limit: int) -> bytes:
    """The bytes of the regular file ``path`` if it holds at most ``limit`` bytes.

    OSError when it cannot be opened; NotRegular for a pipe, device, socket or folder, or one over ``limit``.
    Opened non-blocking, so a FIFO without a writer cannot hang the open.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegular("not a regular file")
        if st.st_size > limit:
            raise NotRegular(f"larger than {_size(limit)}")
        chunks = []
        size = 0
        while True:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            size += len(chunk)
            if size > limit:  # it grew while being read
                raise NotRegular(f"larger than {_size(limit)}")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB" if n >= 1024 else f"{n} bytes"
