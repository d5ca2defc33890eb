"""Deleting ciphertext from the server, by record id: the one place erasure
(kiosk.central.erasure) and retention (kiosk.central.retention) delete through.

A deleted record leaves its id behind (`deleted_record`), so the same record uploaded again, or
imported from a batch file or salvage file found later, is dropped by ingest. The batch row it
came in keeps its hash, sequence number and count (the kiosk's chain still checks) and its
envelope's frame (head and signature, c0012): the frame holds no record, the records are only
in their own rows, so deleting the row deletes the only copy. The console's hour tally is counted
again for the hours the deleted records were collected in (kiosk.central.tally), in the same
transaction: no total counts a deleted record.

A deleted row is not yet gone from the database's files: SQLite leaves it in free pages and in
its WAL, PostgreSQL in dead tuples that even a plain VACUUM leaves in place. So the bytes are
scrubbed after the deletion: SQLite overwrites deleted content with zeros (secure_delete,
kiosk.central.db) and its WAL is checkpointed and truncated; PostgreSQL rewrites the record
table (VACUUM FULL, which holds the table's lock, so uploads wait, for the rewrite's length;
past _REWRITE_LIMIT_MS it is cancelled and the log says to run it at a quiet hour).
What neither reaches: PostgreSQL's own WAL segments and base backups, and copies the file
system or the disk keep; for those, destroying the key is the answer (docs/crypto.md).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Engine, delete, func, select, text, tuple_
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kiosk.central import tally
from kiosk.central.db import BUSY_TIMEOUT_MS
from kiosk.central.models import DeletedRecord, StoredRecord, utcnow
from kiosk.clock import to_hour

ERASED = "erased"  # by `kiosk central erase`: its ids and addresses are in the ledger too
ERASED_BY_ID = "erased-by-id"  # on the server (the console), by record id: no address involved
RETENTION = "retention"
RecordKey = tuple[str, str]  # (device id, record id): ids are unique per device
_CHUNK = 500
_CHECKPOINT_TRIES = 20  # SQLite: a reader still on the WAL makes a truncating checkpoint wait
_CHECKPOINT_WAIT_MS = 100
_LOCK_WAIT_MS = 2000  # PostgreSQL: how long the rewrite may wait for the table's lock
_REWRITE_LIMIT_MS = 15_000  # PostgreSQL: the longest the rewrite may hold uploads up
_OLDER_WAIT = 30.0  # PostgreSQL: seconds to wait for transactions that may still see the rows
# Another session of this database whose snapshot is older than the deletion: VACUUM FULL must
# keep the rows it could still see.
_OLDER_SNAPSHOTS = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
    "AND pid <> pg_backend_pid() AND backend_xmin IS NOT NULL "
    "AND age(backend_xmin) >= age(CAST(:mark AS xid))"
)

log = logging.getLogger("kiosk.central")


def delete_records(
    engine: Engine, keys: Iterable[RecordKey], reason: str, now: datetime | None = None
) -> int:
    """Delete these records' ciphertext and remember their ids. Returns how many were stored."""
    wanted = sorted(set(keys))
    hour = to_hour(now or utcnow())
    deleted = 0
    with Session(engine) as s, s.begin():
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            pairs = tuple_(StoredRecord.device_id, StoredRecord.id).in_(chunk)
            stored = s.execute(
                select(
                    StoredRecord.device_id, StoredRecord.batch_id, StoredRecord.collected_hour
                ).where(pairs)
            ).all()
            gone = s.execute(delete(StoredRecord).where(pairs))
            deleted += getattr(gone, "rowcount", 0) or 0
            tally.recount(s.connection(), {(d, h) for d, _b, h in stored})
            known = {
                (d, i)
                for d, i in s.execute(
                    select(DeletedRecord.device_id, DeletedRecord.id).where(
                        tuple_(DeletedRecord.device_id, DeletedRecord.id).in_(chunk)
                    )
                )
            }
            s.add_all(
                DeletedRecord(device_id=d, id=i, reason=reason, deleted_hour=hour)
                for d, i in chunk
                if (d, i) not in known
            )
    if deleted:
        scrub(engine)
    return deleted


def scrub(engine: Engine) -> None:
    """Take deleted rows' bytes out of the database's files (see the module's docstring)."""
    if engine.dialect.name == "postgresql":
        _vacuum_full(engine)
        return
    raw = engine.raw_connection()  # outside any transaction, as a checkpoint must be
    cursor = raw.cursor()
    try:
        # A truncating checkpoint waits for readers while it holds the write lock: wait a
        # little at a time, so uploads are held up for a fraction of a second, not the
        # connection's usual busy timeout.
        cursor.execute(f"PRAGMA busy_timeout={_CHECKPOINT_WAIT_MS}")
        for _ in range(_CHECKPOINT_TRIES):
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy = cursor.fetchone()
            if busy is None or not busy[0]:
                return
            time.sleep(0.1)
    finally:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()
        raw.close()
    log.warning(
        "the deleted records are zeroed in the database, but its WAL file could not be "
        "truncated while other connections read it; it will be at the next deletion"
    )


def deleted_among(s: Session, device_id: str, ids: list[str]) -> set[str]:
    """Which of this device's record ids were deleted before: ingest drops them. A device
    none of whose records was ever deleted (nearly every one) costs one index lookup, not a
    query listing every id of the batch (3 ms for 500 ids, a tenth of an upload's server time)."""
    found: set[str] = set()
    if (
        s.scalar(select(DeletedRecord.id).where(DeletedRecord.device_id == device_id).limit(1))
        is None
    ):
        return found
    for start in range(0, len(ids), _CHUNK):
        found.update(
            s.scalars(
                select(DeletedRecord.id).where(
                    DeletedRecord.device_id == device_id,
                    DeletedRecord.id.in_(ids[start : start + _CHUNK]),
                )
            )
        )
    return found


def deleted_counts(engine: Engine) -> dict[str, int]:
    """How many deleted records' ids the server keeps, by reason."""
    query = select(DeletedRecord.reason, func.count()).group_by(DeletedRecord.reason)
    with Session(engine) as s:
        found = {reason: int(n) for reason, n in s.execute(query)}
    return {reason: found.get(reason, 0) for reason in (ERASED, ERASED_BY_ID, RETENTION)}


def _vacuum_full(engine: Engine) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        mark = conn.execute(text("SELECT CAST(CAST(pg_current_xact_id() AS xid) AS text)")).scalar()
        deadline = time.monotonic() + _OLDER_WAIT
        while (older := conn.execute(_OLDER_SNAPSHOTS, {"mark": mark}).scalar()) and (
            time.monotonic() < deadline
        ):
            time.sleep(0.2)
        # A session reading the table holds a lock VACUUM FULL must wait for, and uploads would
        # queue behind that wait: give up after a moment instead.
        # The rewrite's length grows with the table (every stored record is copied): on a big
        # campaign's table it is cancelled at _REWRITE_LIMIT_MS rather than hold every upload
        # for minutes, and the log says how to run it in a quiet hour.
        conn.execute(text(f"SET lock_timeout = {_LOCK_WAIT_MS}"))
        conn.execute(text(f"SET statement_timeout = {_REWRITE_LIMIT_MS}"))
        try:
            conn.execute(text(f'VACUUM FULL "{StoredRecord.__tablename__}"'))
        except OperationalError:
            older = older or 1
        finally:
            conn.execute(text("RESET lock_timeout"))
            conn.execute(text("RESET statement_timeout"))
    if older:
        log.warning(
            "the record table could not be rewritten now (%d database sessions older than the "
            "deletion were open, or the rewrite took over %g s): the deleted records' bytes "
            "may stay in its file until the next deletion, or until 'VACUUM FULL record' is "
            "run in psql at a quiet hour (uploads wait while it runs)",
            older,
            _REWRITE_LIMIT_MS / 1000,
        )
