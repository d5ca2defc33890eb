"""Attacks on the promises of the campaign's life after the rally (erasure, retention, review,
delivery, CRM exports), by someone who reads what is left behind: a curious server operator
with the database files, a thief with the coordinator's directory but not the passphrase.
SQLite and PostgreSQL (CI=true)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from kiosk.central import retention
from kiosk.central.ingest import ingest


def _needles(sealed: bytes) -> list[bytes]:
    """Slices of a sealed record from its start, middle and end: sealed bytes are random, so a
    hit on any of them is a copy of that record."""
    n = len(sealed)
    return [sealed[i : i + 48] for i in (0, n // 3, n // 2, n - 48)]


def _server_bytes(engine: Engine, database_url: str) -> list[tuple[str, bytes]]:
    """Every byte the server's database keeps on disk, as its operator could read it: the
    SQLite file and its WAL and shared memory, as they are and after a checkpoint moved the
    WAL's pages into the file; on PostgreSQL every table, index and TOAST
    relation of the schema, read from the data directory after a checkpoint."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        base = Path(str(url.database))
        files = [Path(f"{base}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
        as_found = [(f.name, f.read_bytes()) for f in files if f.exists()]
        raw = engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            raw.close()
        return as_found + [(f"{f.name} checkpointed", f.read_bytes()) for f in files if f.exists()]
    found = []
    with engine.connect() as conn:
        conn.execute(text("CHECKPOINT"))
        relations = conn.execute(
            text(
                "SELECT c.oid::regclass::text FROM pg_class c "
                "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r','i') "
                "UNION SELECT t.oid::regclass::text FROM pg_class c JOIN pg_class t "
                "ON t.oid = c.reltoastrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace"
            )
        ).scalars()
        for name in relations:
            data = conn.execute(
                text("SELECT pg_read_binary_file(pg_relation_filepath(CAST(:r AS regclass)))"),
                {"r": name},
            ).scalar_one()
            found.append((name, bytes(data)))
    return found


def _copies(engine: Engine, database_url: str, sealed: bytes) -> list[str]:
    needles = _needles(sealed)
    return [
        name
        for name, data in _server_bytes(engine, database_url)
        if any(n in data for n in needles)
    ]


def test_an_erased_records_ciphertext_is_nowhere_in_the_servers_files(
    central: Any, enrolled: Any, engine: Engine, database_url: str
) -> None:
    kiosk = enrolled()
    alice = kiosk.record(email="alice@example.org", first_name="Alice")
    bob = kiosk.record(email="bob@example.org", first_name="Bob")
    batch = kiosk.batch([alice, bob])
    ingest(engine, batch.to_bytes())
    sealed = {r.id: r.sealed for r in batch.batch.records}
    # The scan can fail: before the erasure both records are found on disk.
    assert _copies(engine, database_url, sealed[alice.signature_id])
    assert _copies(engine, database_url, sealed[bob.signature_id])

    assert central("erase", "--email", "alice@example.org") == 0
    assert _copies(engine, database_url, sealed[alice.signature_id]) == []
    assert _copies(engine, database_url, sealed[bob.signature_id])  # still stored


def test_retention_deletes_the_ciphertext_from_the_servers_files(
    enrolled: Any, engine: Engine, database_url: str
) -> None:
    kiosk = enrolled()
    batch = kiosk.batch(3)
    ingest(engine, batch.to_bytes())
    assert all(_copies(engine, database_url, r.sealed) for r in batch.batch.records)
    done = retention.apply(engine, datetime(2028, 12, 1, tzinfo=UTC))  # 21 months on
    assert done.deleted == 3
    assert [_copies(engine, database_url, r.sealed) for r in batch.batch.records] == [[], [], []]
