"""A batch's records stored in one bulk statement on the session's own connection and
transaction: executemany of plain tuples on SQLite, binary COPY on PostgreSQL (psycopg).

SQLAlchemy's Core insert spends more CPU on 1,000 rows than the database does (a dict per
row, bind processors per value, the compiled statement's parameter mapping): a third of an
upload's server time, measured with cProfile (docs/performance.md). Here the values go to the
driver as they will be stored: the same naive-UTC times the UTCDateTime columns write (on
SQLite in SQLAlchemy's own text form, so reading them back through the ORM is unchanged).
A unique-constraint failure comes out as SQLAlchemy's IntegrityError, as from any statement.
"""

from __future__ import annotations

from collections.abc import Sequence, Set
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.exc import IntegrityError

from kiosk.protocol.batch import Batch

_COLUMNS = ("device_id", "id", "batch_id", "device_seq", "collected_hour", "key_fingerprint")
_SQLITE_INSERT = f"INSERT INTO record ({', '.join(_COLUMNS)}, sealed) VALUES ({', '.join('?' * 7)})"
_COPY = f"COPY record ({', '.join(_COLUMNS)}, sealed) FROM STDIN (FORMAT BINARY)"
# The PostgreSQL types of the columns above, for binary COPY (kiosk.central.models).
_COPY_TYPES = ("text", "text", "text", "int8", "timestamp", "text", "bytea")


def naive_utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def insert_records(
    conn: Connection,
    batch: Batch,
    hours: Sequence[datetime],
    *,
    skip: Set[str] = frozenset(),
) -> list[datetime]:
    """Insert the `record` rows of the records of `batch` (`hours`: their aware hours) but those
    whose ids are in `skip`; returns the hours of those inserted."""
    kept = [(r, hour) for r, hour in zip(batch.records, hours, strict=True) if r.id not in skip]
    dbapi: Any = conn.connection.dbapi_connection
    # A batch's records fall in a few hours: each converted once, not once a record.
    sqlite = conn.dialect.name == "sqlite"
    stored_hour = {
        hour: naive_utc(hour).isoformat(" ", "microseconds") if sqlite else naive_utc(hour)
        for hour in set(hours)
    }
    if sqlite:
        rows = [
            (
                batch.device_id, r.id, batch.batch_id, r.device_seq,
                stored_hour[hour], r.key_fingerprint, r.sealed,
            )
            for r, hour in kept
        ]  # fmt: skip
        if rows:
            _guarded(conn, lambda: dbapi.cursor().executemany(_SQLITE_INSERT, rows))
        return [hour for _r, hour in kept]

    def copy() -> None:
        with dbapi.cursor() as cursor, cursor.copy(_COPY) as out:
            out.set_types(_COPY_TYPES)
            for r, hour in kept:
                out.write_row(
                    (
                        batch.device_id, r.id, batch.batch_id, r.device_seq,
                        stored_hour[hour], r.key_fingerprint, r.sealed,
                    )
                )  # fmt: skip

    if kept:
        _guarded(conn, copy)
    return [hour for _r, hour in kept]


def _guarded(conn: Connection, statement: Any) -> None:
    try:
        statement()
    except conn.dialect.loaded_dbapi.IntegrityError as exc:
        raise IntegrityError("bulk insert into record", None, exc) from exc
