"""Signature rows read straight off a vault file's pages, for salvage when SQL cannot walk the
table (its root page or an interior page is damaged, so SQLite cannot find the leaves), and
for a write-ahead log that SQLite would replay only up to its damage.

The format is SQLite's own (https://www.sqlite.org/fileformat2.html): every page of the
database file, and every page image in its write-ahead log, is looked at; a table b-tree leaf
page (type 0x0D) holds cells of a payload length and a rowid (varints) and the payload, whose
first bytes are on the page (the "local payload" formula) and the rest in a chain of overflow
pages. A cell whose record has the signature table's shape (its number of columns, a 36-character
text id, a blob where the sealed record is) is read whole, following its overflow chain; the
caller checks its fields as it checks rows read through SQL.

Nothing here writes: it reads the files it is given, which salvage has copied already.
"""

from __future__ import annotations

import contextlib
import mmap
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.vault.wal import FRAME_HEADER, WAL_HEADER

LEAF_TABLE = 0x0D
HEADER = b"SQLite format 3\x00"
ID_SERIAL_TYPE = 13 + 2 * 36  # a text of 36 bytes: a record id (a UUID)

Value = int | float | str | bytes | None
Buffer = bytes | mmap.mmap


@dataclass(frozen=True)
class ScannedRow:
    rowid: int
    values: dict[str, Value]


@dataclass(frozen=True)
class Scan:
    rows: list[ScannedRow]  # every cell of the signature table's shape that read whole
    broken: frozenset[str]  # the ids of cells of that shape whose overflow chain is damaged
    pages: int  # page images looked at


class _Pages:
    """The database's pages, the WAL's newer images of them on top (the latest frame of the
    WAL's current generation wins), and every image either holds, to be scanned. The files are
    mapped, not read: a vault of a whole campaign's signatures stays on the disk."""

    def __init__(self, db: Buffer, wal: Buffer) -> None:
        self._db, self._wal = db, wal
        self.size = _page_size(db, wal)
        reserved = db[20] if len(db) >= 100 and db[:16] == HEADER else 0
        self.usable = self.size - reserved
        self._db_pages = len(db) // self.size
        self._frames = list(_wal_frames(wal, self.size))  # (page number, offset of its image)
        self._newest = dict(self._frames)

    def __len__(self) -> int:
        return self._db_pages + len(self._frames)

    def latest(self, number: int) -> bytes | None:
        if number in self._newest:
            at = self._newest[number]
            return bytes(self._wal[at : at + self.size])
        if 1 <= number <= self._db_pages:
            return bytes(self._db[(number - 1) * self.size : number * self.size])
        return None

    def images(self) -> Iterator[tuple[int, bytes]]:
        for number in range(1, self._db_pages + 1):
            yield number, bytes(self._db[(number - 1) * self.size : number * self.size])
        for number, at in self._frames:
            yield number, bytes(self._wal[at : at + self.size])


def _page_size(db: Buffer, wal: Buffer) -> int:
    if len(db) >= 100 and db[:16] == HEADER:
        (size,) = struct.unpack(">H", db[16:18])
        size = 65536 if size == 1 else size
        if 512 <= size <= 65536 and not size & (size - 1):
            return size
    if len(wal) >= WAL_HEADER:
        size = int.from_bytes(wal[8:12], "big")
        if 512 <= size <= 65536 and not size & (size - 1):
            return size
    return 4096  # SQLite's default, which the vault uses


def _wal_frames(wal: Buffer, page_size: int) -> Iterator[tuple[int, int]]:
    """Each frame's page number and where its image starts, of the WAL's current generation:
    the salts of its header, or of its first frame (which is always of the current generation)
    where the header is damaged. A frame whose checksum is off is still worth reading here."""
    if len(wal) < WAL_HEADER:
        return
    step = FRAME_HEADER + page_size
    first = WAL_HEADER + 8
    current = {wal[16:24], wal[first : first + 8]}
    for start in range(WAL_HEADER, len(wal) - step + 1, step):
        number = int.from_bytes(wal[start : start + 4], "big")
        if number and wal[start + 8 : start + 16] in current:
            yield number, start + FRAME_HEADER


def _varint(data: bytes, at: int) -> tuple[int, int]:
    """SQLite's varint at `at`: its value and the offset after it (IndexError past the end)."""
    value = 0
    for i in range(8):
        byte = data[at + i]
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            return value, at + i + 1
    return (value << 8) | data[at + 8], at + 9


def _local_size(payload: int, usable: int) -> int:
    """How many payload bytes a table leaf cell keeps on its page (the file format's formula)."""
    most = usable - 35
    if payload <= most:
        return payload
    least = ((usable - 12) * 32 // 255) - 23
    local = least + (payload - least) % (usable - 4)
    return local if local <= most else least


def _serial_size(serial: int) -> int:
    if serial >= 12:
        return (serial - 12) // 2
    return (0, 1, 2, 3, 4, 6, 8, 8, 0, 0, 0, 0)[serial]


def _serial_types(payload: bytes) -> list[int] | None:
    try:
        end, at = _varint(payload, 0)
        types = []
        while at < end:
            serial, at = _varint(payload, at)
            types.append(serial)
    except IndexError:
        return None
    return types if at == end and 10 not in types and 11 not in types else None


def _value(serial: int, raw: bytes) -> Value:
    if serial == 0:
        return None
    if serial in (8, 9):
        return serial - 8
    if serial == 7:
        return float(struct.unpack(">d", raw)[0])
    if serial < 7:
        return int.from_bytes(raw, "big", signed=True)
    if serial % 2 == 0:
        return bytes(raw)
    return raw.decode("utf-8", errors="replace")


def _record(payload: bytes, types: list[int], columns: Sequence[str]) -> dict[str, Value]:
    """The columns the payload holds whole, in order (all of them, if it is whole)."""
    at, _ = _varint(payload, 0)  # the values start where the header (its own size first) ends
    values: dict[str, Value] = {}
    for name, serial in zip(columns, types, strict=True):
        size = _serial_size(serial)
        if at + size > len(payload):
            break
        values[name] = _value(serial, payload[at : at + size])
        at += size
    return values


class _Shape:
    """A record of the signature table: its column count, an id of 36 bytes of text, and a
    blob where the sealed record is."""

    def __init__(self, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.id = self.columns.index("id")
        self.sealed = self.columns.index("sealed")

    def fits(self, types: list[int]) -> bool:
        return (
            len(types) == len(self.columns)
            and types[self.id] == ID_SERIAL_TYPE
            and types[self.sealed] >= 12
            and types[self.sealed] % 2 == 0
        )


def _payload(pages: _Pages, page: bytes, at: int, length: int) -> bytes | None:
    """A cell's whole payload from its page and its overflow chain, or None where the chain is
    damaged (a page missing, a loop, a page number past the file)."""
    local = _local_size(length, pages.usable)
    head = page[at : at + local]
    if len(head) < local:
        return None
    if local == length:
        return head
    parts = [head]
    remaining = length - local
    pointer = page[at + local : at + local + 4]
    if len(pointer) < 4:
        return None
    number = int.from_bytes(pointer, "big")
    seen: set[int] = set()
    while remaining > 0:
        overflow = pages.latest(number)
        if overflow is None or number in seen:
            return None
        seen.add(number)
        chunk = overflow[4 : 4 + min(remaining, pages.usable - 4)]
        parts.append(chunk)
        remaining -= len(chunk)
        number = int.from_bytes(overflow[:4], "big")
    return b"".join(parts)


def _cells(number: int, page: bytes) -> Iterator[int]:
    """The offsets of a table leaf page's cells (none for any other page)."""
    top = 100 if number == 1 else 0
    if len(page) < top + 8 or page[top] != LEAF_TABLE:
        return
    (count,) = struct.unpack(">H", page[top + 3 : top + 5])
    pointers = page[top + 8 : top + 8 + 2 * count]
    for (offset,) in struct.iter_unpack(">H", pointers[: len(pointers) // 2 * 2]):
        if top + 8 + 2 * count <= offset < len(page):
            yield offset


def scan(db: Path, columns: Sequence[str]) -> Scan:
    """Every cell of the signature table's shape in `db` and its WAL (`db`-wal, if there),
    `columns` being the table's columns in their stored order."""
    with contextlib.ExitStack() as files:
        db_map, wal_map = (_mapped(files, path) for path in (db, db.with_name(db.name + "-wal")))
        return _scan(_Pages(db_map, wal_map), columns)


def _mapped(files: contextlib.ExitStack, path: Path) -> Buffer:
    """The file, mapped read-only (an empty or missing file: no bytes)."""
    if not path.exists() or path.stat().st_size == 0:
        return b""
    f = files.enter_context(path.open("rb"))
    return files.enter_context(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ))


def _scan(pages: _Pages, columns: Sequence[str]) -> Scan:
    shape = _Shape(columns)
    rows: list[ScannedRow] = []
    broken: set[str] = set()
    for number, page in pages.images():
        for offset in _cells(number, page):
            try:
                length, at = _varint(page, offset)
                rowid, at = _varint(page, at)
            except IndexError:
                continue
            head = page[at : at + _local_size(length, pages.usable)]
            types = _serial_types(head)
            if types is None or not shape.fits(types):
                continue
            payload = _payload(pages, page, at, length)
            if payload is not None:
                rows.append(ScannedRow(rowid, _record(payload, types, shape.columns)))
                continue
            record_id = _record(head, types, shape.columns).get("id")  # the id is on the page
            if isinstance(record_id, str):
                broken.add(record_id)
    return Scan(rows, frozenset(broken), len(pages))
