"""A damaged vault is found, kept and told: before and just after the vault opens.

Before SQLite touches the files (it would replay a damaged WAL partly, checkpoint and delete it):

- a database file shorter than its own header says is cut short: the files are copied to
  `preserved/` and the vault does not open (VaultError, in words);
- a WAL of which SQLite would drop committed frames (kiosk.vault.wal) is copied to `preserved/`
  with the database, then mended: its checksums are made whole and, if the mended copy passes
  SQLite's integrity check, it replaces the vault, so nothing is lost. If it cannot be mended,
  the vault opens as SQLite leaves it, and the volunteer is told what is missing.

After opening, `PRAGMA quick_check`; a failure preserves the files and stops the vault with a
message, never a traceback. And the device sequence must be gap-free: every number up to the
highest is a stored signature or inside a batch. A gap is named, with its numbers.

Nothing here reads a sealed record; the copies hold what the vault holds (sealed data only).
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path

from kiosk.clock import utc_now
from kiosk.errors import VaultError
from kiosk.message import QT_TRANSLATE_NOOP, Message
from kiosk.vault import wal

log = logging.getLogger("kiosk.vault")

PRESERVED_DIR = "preserved"
SUFFIXES = ("", "-wal", "-shm")
DB_HEADER = 100


@dataclass(frozen=True)
class Notice:
    """What the volunteer is told about the vault at start, until the kiosk is restarted."""

    text: Message
    preserved: Path | None


def preserve(db: Path) -> Path:
    """Copy the database and its WAL and wal-index, as they are, into preserved/<n>/."""
    root = db.parent / PRESERVED_DIR
    root.mkdir(mode=0o700, exist_ok=True)
    stamp = utc_now().strftime("%Y-%m-%dT%H")
    n = 1
    while (root / f"{stamp}-{n}").exists():
        n += 1
    into = root / f"{stamp}-{n}"
    into.mkdir(mode=0o700)
    for suffix in SUFFIXES:
        source = db.with_name(db.name + suffix)
        if source.exists():
            shutil.copy2(source, into / source.name)
    log.warning("copied the vault's files to %s", into)
    return into


def kept_earlier(db: Path) -> list[Path]:
    """Folders of preserved/ from earlier starts, until the coordinator takes them away."""
    root = db.parent / PRESERVED_DIR
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def damaged_store(db: Path, reason: str) -> VaultError:
    """The vault is damaged: its files are copied first, then the kiosk stops using it."""
    kept = preserve(db)
    return VaultError(
        Message(
            QT_TRANSLATE_NOOP(
                "vault",
                "The signature store {db} is damaged ({reason}). The kiosk did not change it and "
                "kept a copy in {kept}: give that folder to your coordinator, who may be able to "
                "recover its signatures. To take signatures meanwhile, start the kiosk with a new "
                "data directory (--data-dir).",
            ),
            db=str(db),
            reason=reason,
            kept=str(kept),
        )
    )


def _cut_short(db: Path) -> bool:
    """The database file is shorter than the page count in its header (when that is valid)."""
    with db.open("rb") as f:
        head = f.read(DB_HEADER)
    if len(head) < DB_HEADER or not head.startswith(b"SQLite format 3\x00"):
        return False  # not a database at all, or empty (a new vault): SQLite says which
    (page_size,) = struct.unpack(">H", head[16:18])
    page_size = 65536 if page_size == 1 else page_size
    change, pages = struct.unpack(">II", head[24:32])
    (valid_for,) = struct.unpack(">I", head[92:96])
    return bool(valid_for == change and pages * page_size > db.stat().st_size)


def before_open(db: Path) -> Notice | None:
    """Check the files before SQLite opens them; preserve and mend, or refuse."""
    if db.is_file() and _cut_short(db):
        raise damaged_store(
            db, Message(QT_TRANSLATE_NOOP("vault", "the file is shorter than its own header says"))
        )
    journal, index = db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")
    if not journal.exists() or journal.stat().st_size == 0:
        return None
    state = wal.inspect(journal, index if index.exists() else None)
    if not state.loses_data:
        return None
    kept = preserve(db)
    log.error(
        "the vault's write-ahead log is damaged: %d frames replayed, %d dropped, %d missing",
        state.replayed,
        state.dropped,
        state.missing_frames,
    )
    mended = _mend(db, journal, index, kept, better_than=state.replayed)
    if mended is not None and (state.max_frame is None or mended >= state.max_frame):
        return Notice(
            Message(
                QT_TRANSLATE_NOOP(
                    "vault",
                    "The signature store was damaged when the kiosk last stopped. Every change in "
                    "it was recovered; a copy of the damaged files is kept in {kept} for the "
                    "coordinator.",
                ),
                kept=str(kept),
            ),
            kept,
        )
    return Notice(
        Message(
            QT_TRANSLATE_NOOP(
                "vault",
                "The signature store was damaged when the kiosk last stopped, and its last "
                "changes could not be recovered on this kiosk. A copy of the damaged files is "
                "kept in {kept}: give it to your coordinator, who may be able to recover "
                "signatures from it.",
            ),
            kept=str(kept),
        ),
        kept,
    )


def _mend(db: Path, journal: Path, index: Path, kept: Path, *, better_than: int) -> int | None:
    """Replay a mended WAL into a scratch copy; if it holds together and has more committed
    frames than SQLite would replay (`better_than`), it becomes the vault. Returns how many
    committed frames the vault now has from the WAL, or None if it could not be mended."""
    repair = wal.repaired(journal)
    if repair is None:
        return None
    mended, frames = repair
    if frames <= better_than:
        return frames  # nothing to gain: SQLite replays as much
    scratch = kept / "mended"
    scratch.mkdir(mode=0o700)
    copy = scratch / db.name
    shutil.copy2(db, copy)
    (scratch / journal.name).write_bytes(mended)
    try:
        conn = sqlite3.connect(copy)
        try:
            if conn.execute("PRAGMA integrity_check").fetchall() != [("ok",)]:
                return None
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        log.error("the mended copy of the vault does not open: %s", exc)
        return None
    with copy.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(copy, db)
    for stale in (journal, index):
        stale.unlink(missing_ok=True)
    shutil.rmtree(scratch)
    log.warning("the vault was mended from its write-ahead log")
    return frames


def quick_check(conn: sqlite3.Connection) -> str | None:
    """SQLite's quick_check of an open vault: None if it passes, else its first complaint. A
    page so damaged that the check itself cannot go on (a table's root page) is a complaint
    too, not an exception past the vault's error handling."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    return None if rows == [("ok",)] else str(rows[0][0] if rows else "no answer")


def sequence_gaps(present: list[int], purged_through: int) -> list[tuple[int, int]]:
    """Ranges of device sequence numbers above the purged ones (`purged_through`: the highest
    last_device_seq of a purged batch) and up to the highest stored one that no stored
    signature has: every row there is kept until its batch is purged."""
    have = set(present)
    gaps: list[tuple[int, int]] = []
    start: int | None = None
    for seq in range(purged_through + 1, max(have, default=0) + 2):
        if seq not in have:
            start = seq if start is None else start
        elif start is not None:
            gaps.append((start, seq - 1))
            start = None
    return gaps


def describe_gaps(gaps: list[tuple[int, int]]) -> str:
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in gaps)
