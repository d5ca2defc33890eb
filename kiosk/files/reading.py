"""Reading a file someone handed over (a batch file on a USB stick) without trusting it.

`read_regular_file` opens without following a symbolic link (O_NOFOLLOW) and without blocking
on a pipe (O_NONBLOCK), requires a regular file by fstat on what it opened (not by a stat of the
name, which could change in between), and reads at most `limit` + 1 bytes, so a link to
/dev/zero, a FIFO or a huge file each get one line, and never a hang or all the memory.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from kiosk.errors import UsageError


def read_regular_file(path: Path, limit: int) -> bytes:
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if path.is_symlink():
            raise UsageError("it is a symbolic link; give the file itself") from None
        raise UsageError(exc.strerror or str(exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise UsageError("it is not a regular file (a folder, a device or a pipe)")
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    finally:
        os.close(fd)
    if size > limit:
        raise UsageError(f"it is larger than a batch can be ({limit} bytes)")
    return b"".join(chunks)
