"""Writing a whole file or nothing: keys, the enrolled appeal, batch files on a USB stick.

A temp file in the same directory, every byte written (os.write may write fewer than asked, on a
full or slow stick), fsync, rename over the target, then fsync of the directory so the rename
itself survives a power cut. `mtime` sets the file's modification time before the rename: batch
files carry their batch's hour, not the minute they were written.
"""

from __future__ import annotations

import contextlib
import os
from datetime import datetime
from pathlib import Path


def write_atomic(
    path: Path, data: bytes, *, mode: int = 0o644, mtime: datetime | None = None
) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    try:
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            if written <= 0:  # a write that moves nothing would loop for ever
                raise OSError(f"writing {path} stopped after {len(data) - len(view)} bytes")
            view = view[written:]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.close(fd)
    if mtime is not None:
        stamp = mtime.timestamp()
        os.utime(tmp, (stamp, stamp))
    os.replace(tmp, path)
    sync_directory(path.parent)


def sync_directory(directory: Path) -> None:
    """fsync a directory, where the platform has that (not Windows, where a rename is durable
    once MoveFileEx returns)."""
    if os.name == "nt":
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    except OSError:  # some file systems (FAT on a stick, over some drivers) refuse: not fatal
        pass
    finally:
        os.close(fd)
