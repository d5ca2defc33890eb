"""SQLite's write-ahead log, read the way SQLite reads it, to find what it would drop.

SQLite replays the WAL's frames up to the last commit before the first frame whose salt or
checksum is wrong, and silently ignores the rest: one flipped bit in a frame loses every commit
after it, and the next checkpoint deletes them for good. So before the vault opens a WAL left by
an unclean stop, `inspect` reads it by the format SQLite documents
(https://www.sqlite.org/fileformat2.html#the_write_ahead_log) and says whether committed frames
would be dropped; `repaired` writes a copy whose checksums are made whole again, so SQLite
replays every frame of the current generation (the damaged page among them: the sealed record
in it then fails its AEAD check at export, instead of every later signature being lost).

The wal-index (`-shm`) says how many frames the WAL held at its last commit (mxFrame): frames up
to there that SQLite would not replay (a WAL cut short, a damaged salt) are `missing_frames`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

WAL_HEADER = 32
FRAME_HEADER = 24
MAGIC_LE, MAGIC_BE = 0x377F0682, 0x377F0683
VERSION = 3007000
SHM_HEADER = 48


@dataclass(frozen=True)
class WalState:
    """What SQLite would do with this WAL."""

    header_ok: bool
    page_size: int
    frames: int  # whole frames in the file
    replayed: int  # frames SQLite applies (up to its last valid commit frame)
    dropped: int  # frames of the current generation after the first bad one (committed work)
    missing_frames: int  # committed frames the wal-index counted that SQLite would not replay
    partial_tail: bool  # the file ends inside a frame
    max_frame: int | None = None  # committed frames by the wal-index, when it is for this WAL

    @property
    def loses_data(self) -> bool:
        return (
            self.dropped > 0 or self.missing_frames > 0 or (not self.header_ok and self.frames > 0)
        )


def checksum(data: bytes, s0: int, s1: int, *, big_endian: bool) -> tuple[int, int]:
    """SQLite's WAL checksum: running sums over 32-bit words, two at a time."""
    words = struct.unpack(f"{'>' if big_endian else '<'}{len(data) // 4}I", data)
    mask = 0xFFFFFFFF
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & mask
        s1 = (s1 + words[i + 1] + s0) & mask
    return s0, s1


@dataclass(frozen=True)
class _Header:
    big_endian: bool
    page_size: int
    salts: bytes
    sums: tuple[int, int]
    ok: bool


def _header(raw: bytes) -> _Header | None:
    if len(raw) < WAL_HEADER:
        return None
    magic, version, page_size = struct.unpack(">III", raw[:12])
    if magic not in (MAGIC_LE, MAGIC_BE) or version != VERSION:
        return None
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return None
    big = magic == MAGIC_BE
    computed = checksum(raw[:24], 0, 0, big_endian=big)
    stored = struct.unpack(">II", raw[24:32])
    return _Header(big, page_size, raw[16:24], computed, ok=computed == stored)


def _shm_max_frame(shm: Path, salts: bytes) -> int | None:
    """mxFrame from the wal-index header, if both copies agree and it is for this WAL."""
    try:
        raw = shm.read_bytes()[: 2 * SHM_HEADER]
    except OSError:
        return None
    if len(raw) < 2 * SHM_HEADER or raw[:SHM_HEADER] != raw[SHM_HEADER:]:
        return None
    is_init = raw[12]
    if not is_init or raw[32:40] != salts:  # aSalt, as copied from the WAL header
        return None
    (max_frame,) = struct.unpack("=I", raw[16:20])  # the wal-index is in native byte order
    return int(max_frame)


def inspect(wal: Path, shm: Path | None = None) -> WalState:
    raw = wal.read_bytes()
    head = _header(raw)
    if head is None:
        frames = max(0, (len(raw) - WAL_HEADER)) // (FRAME_HEADER + 4096)
        return WalState(False, 0, frames, 0, 0, 0, False)
    size = FRAME_HEADER + head.page_size
    frames = (len(raw) - WAL_HEADER) // size
    partial = (len(raw) - WAL_HEADER) % size != 0
    if not head.ok:
        return WalState(False, head.page_size, frames, 0, frames, 0, partial)
    s0, s1 = head.sums
    replayed = good = 0
    for i in range(frames):
        frame = raw[WAL_HEADER + i * size : WAL_HEADER + (i + 1) * size]
        if frame[8:16] != head.salts:
            break
        s0, s1 = checksum(frame[:8] + frame[FRAME_HEADER:], s0, s1, big_endian=head.big_endian)
        if struct.unpack(">II", frame[16:24]) != (s0, s1):
            break
        good += 1
        if struct.unpack(">I", frame[4:8])[0]:  # a commit frame: the database size after it
            replayed = good
    dropped = sum(
        1
        for i in range(good, frames)
        if raw[WAL_HEADER + i * size + 8 : WAL_HEADER + i * size + 16] == head.salts
    )
    max_frame = _shm_max_frame(shm, head.salts) if shm is not None else None
    missing = max(0, max_frame - replayed) if max_frame is not None else 0
    return WalState(True, head.page_size, frames, replayed, dropped, missing, partial, max_frame)


def repaired(wal: Path) -> tuple[bytes, int] | None:
    """The WAL with a whole header and whole checksums over every frame of its generation, up to
    the last commit frame among them, and how many frames that is; None if its header is past
    mending (magic, version or page size damaged) or no commit frame would be left."""
    raw = bytearray(wal.read_bytes())
    head = _header(bytes(raw))
    if head is None:
        return None
    size = FRAME_HEADER + head.page_size
    frames = (len(raw) - WAL_HEADER) // size
    salts = head.salts
    if not head.ok and frames:
        # A flip in the header's salts or sums: the frames carry the salts too.
        salts = bytes(raw[WAL_HEADER + 8 : WAL_HEADER + 16])
        raw[16:24] = salts
    s0, s1 = checksum(bytes(raw[:24]), 0, 0, big_endian=head.big_endian)
    raw[24:32] = struct.pack(">II", s0, s1)
    # Frames of this generation come first; an older generation's follow, never replayed. A frame
    # before the last one with these salts is this generation's even if its own salts are hit.
    ours = [
        i
        for i in range(frames)
        if raw[WAL_HEADER + i * size + 8 : WAL_HEADER + i * size + 16] == salts
    ]
    end = WAL_HEADER
    for i in range(ours[-1] + 1 if ours else 0):
        at = WAL_HEADER + i * size
        raw[at + 8 : at + 16] = salts
        body = bytes(raw[at : at + 8] + raw[at + FRAME_HEADER : at + size])
        s0, s1 = checksum(body, s0, s1, big_endian=head.big_endian)
        raw[at + 16 : at + 24] = struct.pack(">II", s0, s1)
        if struct.unpack(">I", raw[at + 4 : at + 8])[0]:
            end = at + size
    if end == WAL_HEADER:
        return None
    return bytes(raw[:end]), (end - WAL_HEADER) // size
