"""Reading a file the target or a user controls outside a run's record: regular files only, bounded, never blocking.

A named pipe, a device (``/dev/zero``) or a folder in place of a small file must become a finding or a
one-line reason, never a hang or an unbounded read. The reading itself is ``doctor.inputs``' (one mechanism for
every bounded read); this is its unrecorded form with the exceptions kernel and fleet readers expect.
"""

from __future__ import annotations

import errno
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    import os

PathLike = Union[str, "os.PathLike[str]"]


class NotRegular(ValueError):
    """The path is not a regular file, or is larger than allowed."""


def read_regular(path: PathLike, limit: int) -> bytes:
    """The bytes of the regular file ``path`` if it holds at most ``limit`` bytes.

    OSError when it cannot be opened; NotRegular for a pipe, device, socket or folder, or one over ``limit``.
    Opened non-blocking, so a FIFO without a writer cannot hang the open.
    """
    from .inputs import InputError, read_own

    try:
        return read_own(path, limit=limit)
    except InputError as exc:
        if exc.errno == errno.EINVAL:
            raise NotRegular("not a regular file") from None
        if exc.errno == errno.EFBIG:
            raise NotRegular(f"larger than {_size(limit)}") from None
        raise


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MiB" if n >= 1024 * 1024 else f"{n // 1024} KiB" if n >= 1024 else f"{n} bytes"
