"""Reading what still reads from a damaged vault: the live file and every copy `preserved/` kept
(kiosk.vault.damage), for `kiosk vault salvage DIR`.

Each source is copied (database and WAL) into a private temporary folder beside it and opened
there, so the evidence in `preserved/` is never changed and SQLite replays the WAL's good
frames. The rows are read through SQL, a range of rowids at a time when the whole table does not
read, a failing range halved down to single rows. When SQL could not read the whole table (its
root page or an interior page damaged, a leaf's page lost), every page of the copy and of its
WAL is read as well, by the file format (kiosk.vault.page_scan), for the rows SQL cannot reach.

Only sealed records are read (sealed to the campaign key, which the kiosk never holds); a row
is kept only if its sealed bytes have a padded record's length and its fields are well formed.
What is still missing is named by device sequence number. Nothing here writes outside the
temporary folder, which is removed afterwards.
"""

from __future__ import annotations

import logging
import re
import shutil
import sqlite3
import struct
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk.vault import page_scan, wal
from kiosk.vault.damage import PRESERVED_DIR, SUFFIXES, sequence_gaps
from kiosk.vault.models import StoredSignature
from kiosk.vault.store import VAULT_FILE

log = logging.getLogger("kiosk.vault")

MAX_ROWID = 50_000_000  # the most rowids probed when the table cannot say its own size
RANGE = 4096
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_FIELDS = ("id", "device_seq", "appeal_id", "appeal_version", "collected_hour", "key_fingerprint",
           "sealed")  # fmt: skip
_COLUMNS = ", ".join(_FIELDS)
Row = tuple[object, ...]


@dataclass(frozen=True)
class SalvagedRecord:
    id: str
    device_seq: int
    appeal_id: str
    appeal_version: int
    collected_hour: datetime
    key_fingerprint: str
    sealed: bytes


@dataclass(frozen=True)
class Salvage:
    records: list[SalvagedRecord]  # one per record id, in device sequence order
    sources: list[Path]  # the database files read
    unreadable_rows: int  # rows found (by SQL or on a page) that could not be read whole
    malformed_rows: int  # rows read whose fields or length are not a record's
    device_ids: frozenset[str]  # the device id each readable source names
    missing: list[tuple[int, int]]  # device sequence ranges no source holds (above the purged)


def vault_sources(data_dir: Path) -> list[Path]:
    """The vault's database file and each preserved copy's, those that exist."""
    found = [data_dir / VAULT_FILE] if (data_dir / VAULT_FILE).exists() else []
    root = data_dir / PRESERVED_DIR
    if root.is_dir():
        found += sorted(p / VAULT_FILE for p in root.iterdir() if (p / VAULT_FILE).is_file())
    return found


def salvage(
    data_dir: Path,
    *,
    sealed_lengths: frozenset[int] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Salvage:
    """Every record that still reads from the vault and its preserved copies, once each.
    `sealed_lengths`: the lengths a sealed record may have (None: any); `progress(done,
    total)` hears of each vault file read."""
    sources = vault_sources(data_dir)
    best: dict[str, SalvagedRecord] = {}
    malformed = 0
    unread: set[object] = set()  # ids (or SQL's rowids) of rows found but not read whole
    devices: set[str] = set()
    purged_through = 0
    for done, source in enumerate(sources, 1):
        with tempfile.TemporaryDirectory(prefix=".salvage-", dir=data_dir) as scratch:
            copy = _copy(source, Path(scratch))
            # Before any SQL: SQLite would replay the WAL up to its damage and delete it.
            early = _scan(copy) if _wal_drops_frames(copy) else None
            devices |= _device_ids(copy)
            purged_through = max(purged_through, _purged_through(copy))
            rows, failed = _read(copy, early)
            unread |= failed
            for row in rows:
                record = _record(row, sealed_lengths)
                if record is None:
                    malformed += 1
                    continue
                best.setdefault(record.id, record)
        if progress is not None:
            progress(done, len(sources))
    records = sorted(best.values(), key=lambda r: (r.device_seq, r.id))
    unreadable = len(unread - best.keys())
    missing = sequence_gaps([r.device_seq for r in records], purged_through)
    log.info("salvage read %d records from %d files", len(records), len(sources))
    return Salvage(records, sources, unreadable, malformed, frozenset(devices), missing)


def _read(copy: Path, early: page_scan.Scan | None) -> tuple[list[Row], set[object]]:
    """The rows SQL reads; and when it could not read them all, or SQLite would drop frames of
    the WAL (`early`: the pages read before SQLite replayed it), the rows on the pages too.
    The second set: what was found but not read (SQL's rowids, the pages' record ids)."""
    rows, failed, whole = _read_rows(copy)
    if whole and early is None:
        return rows, set()
    scanned = early or _scan(copy)
    found = {row.rowid for row in scanned.rows}
    rows += [tuple(row.values.get(name) for name in _FIELDS) for row in scanned.rows]
    return rows, {rowid for rowid in failed if rowid not in found} | set(scanned.broken)


def _wal_drops_frames(db: Path) -> bool:
    journal = db.with_name(db.name + "-wal")
    return journal.exists() and wal.inspect(journal).loses_data


def _scan(db: Path) -> page_scan.Scan:
    scanned = page_scan.scan(db, _stored_columns(db))
    log.info(
        "salvage read %d pages: %d signature rows, %d with a damaged overflow chain",
        scanned.pages,
        len(scanned.rows),
        len(scanned.broken),
    )
    return scanned


def _stored_columns(db: Path) -> list[str]:
    """The signature table's columns in their stored order, from the schema on page 1; if that
    does not read either, the order the migrations give a vault at head."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            columns = [row[1] for row in conn.execute("PRAGMA table_info(signature)")]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        columns = []
    if {"id", "sealed"} <= set(columns):
        return columns
    return [column.name for column in StoredSignature.__table__.columns]


def _purged_through(db: Path) -> int:
    """The highest device sequence number of a purged batch (0: none, or unreadable)."""
    query = "SELECT max(last_device_seq) FROM batch WHERE purged_at IS NOT NULL"
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            (top,) = conn.execute(query).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return 0
    return top if isinstance(top, int) else 0


def _copy(source: Path, into: Path) -> Path:
    into.chmod(0o700)
    for suffix in SUFFIXES[:2]:  # the database and its WAL; a wal-index is rebuilt
        part = source.with_name(source.name + suffix)
        if part.exists():
            shutil.copyfile(part, into / (VAULT_FILE + suffix))
    copy = into / VAULT_FILE
    _fit_header_to_file(copy)
    return copy


def _fit_header_to_file(db: Path) -> None:
    """A file cut short still says in its header how many pages it had, and SQLite then reads
    none of it; the copy is told the pages it has (padded to a whole page), so every page that
    is there can be read."""
    with db.open("r+b") as f:
        header = f.read(100)
        if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
            return
        (size,) = struct.unpack(">H", header[16:18])
        page_size = 65536 if size == 1 else size
        length = f.seek(0, 2)
        pages = -(-length // page_size)
        if pages * page_size != length:
            f.write(bytes(pages * page_size - length))
        (stated,) = struct.unpack(">I", header[28:32])
        if stated != pages:
            f.seek(28)
            f.write(struct.pack(">I", pages))


def _device_ids(db: Path) -> set[str]:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=rw", uri=True)
    except sqlite3.DatabaseError:
        return set()
    try:
        rows = conn.execute("SELECT id FROM device").fetchall()
    except sqlite3.DatabaseError:
        return set()
    finally:
        conn.close()
    return {r[0] for r in rows if isinstance(r[0], str) and _ID.fullmatch(r[0])}


def _read_rows(db: Path) -> tuple[list[Row], set[object], bool]:
    """The rows SQL reads, the rowids it could not read, and whether it read the whole table."""
    try:
        conn = sqlite3.connect(f"file:{db}?mode=rw", uri=True)
    except sqlite3.DatabaseError:
        return [], set(), False
    try:
        try:
            return conn.execute(f"SELECT {_COLUMNS} FROM signature").fetchall(), set(), True
        except sqlite3.DatabaseError:
            pass  # damaged somewhere: read it in ranges
        rows: list[Row] = []
        failed: set[object] = set()
        for low, high in _ranges(conn):
            got, lost = _read_range(conn, low, high)
            rows += got
            failed |= lost
        return rows, failed, False
    finally:
        conn.close()


def _ranges(conn: sqlite3.Connection) -> Iterator[tuple[int, int]]:
    """Rowid ranges up to the table's highest rowid. If even that cannot be read, the table's
    own structure is lost to SQL (its root page): there is nothing to probe (the page scan
    reads it instead)."""
    try:
        top = conn.execute("SELECT max(rowid) FROM signature").fetchone()[0] or 0
    except sqlite3.DatabaseError:
        log.warning("salvage: the signature table's structure is unreadable")
        return
    for low in range(1, min(top, MAX_ROWID) + 1, RANGE):
        yield low, low + RANGE - 1


def _read_range(conn: sqlite3.Connection, low: int, high: int) -> tuple[list[Row], set[object]]:
    try:
        return (
            conn.execute(
                f"SELECT {_COLUMNS} FROM signature WHERE rowid BETWEEN ? AND ?", (low, high)
            ).fetchall(),
            set(),
        )
    except sqlite3.DatabaseError:
        if low == high:
            return [], {low}
    middle = (low + high) // 2
    first, lost_first = _read_range(conn, low, middle)
    second, lost_second = _read_range(conn, middle + 1, high)
    return first + second, lost_first | lost_second


def _record(row: Row, lengths: frozenset[int] | None) -> SalvagedRecord | None:
    record_id, seq, appeal_id, version, hour, fingerprint, sealed = row
    if not (
        isinstance(record_id, str)
        and _ID.fullmatch(record_id)
        and isinstance(seq, int)
        and seq > 0
        and isinstance(appeal_id, str)
        and isinstance(version, int)
        and isinstance(fingerprint, str)
        and isinstance(sealed, bytes)
        and isinstance(hour, str)
    ):
        return None
    if lengths is not None and len(sealed) not in lengths:
        return None
    try:
        collected = datetime.fromisoformat(hour).replace(tzinfo=UTC)
    except ValueError:
        return None
    return SalvagedRecord(record_id, seq, appeal_id, version, collected, fingerprint, sealed)
