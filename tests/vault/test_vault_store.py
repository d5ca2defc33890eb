"""Opening and writing the vault: PRAGMAs on every connection, fast reopen, clear errors."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from kiosk.errors import VaultError
from kiosk.vault import VAULT_FILE, NewSignature, Vault


def _new(sealed: bytes = b"\x01" * 64) -> NewSignature:
    return NewSignature(
        id=str(uuid.uuid4()),
        appeal_id="save-the-park",
        appeal_version=1,
        collected_hour=datetime(2026, 5, 1, 10),
        key_fingerprint="abcd-ef01-2345-6789-abcd",
        sealed=sealed,
    )


def test_pragmas_hold_on_every_pooled_connection(vault: Vault) -> None:
    # Two raw connections checked out at once, so the pool has to open a second one.
    first, second = vault.engine.raw_connection(), vault.engine.raw_connection()
    try:
        for conn in (first, second):
            cursor = conn.cursor()
            pragma = {
                name: cursor.execute(f"PRAGMA {name}").fetchone()[0]
                for name in (
                    "journal_mode",
                    "synchronous",
                    "secure_delete",
                    "temp_store",
                    "foreign_keys",
                )
            }
            cursor.close()
            assert pragma == {
                "journal_mode": "wal",
                "synchronous": 2,  # FULL
                "secure_delete": 1,
                "temp_store": 2,  # MEMORY
                "foreign_keys": 1,
            }
    finally:
        first.close()
        second.close()


def test_the_file_itself_is_in_wal_mode(vault: Vault, data_dir: Path) -> None:
    vault.add(_new())
    # journal_mode=WAL persists in the file: any later reader (even a bare sqlite3) sees it.
    conn = sqlite3.connect(data_dir / VAULT_FILE)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        conn.close()


def test_writes_take_the_lock_up_front(vault: Vault) -> None:
    # BEGIN IMMEDIATE: a second writer waits (busy_timeout) instead of failing mid-transaction.
    with vault.engine.begin() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        raw = sqlite3.connect(vault.engine.url.database or "", timeout=0)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                raw.execute("BEGIN IMMEDIATE")
        finally:
            raw.close()


def test_add_count_and_signatures(vault: Vault) -> None:
    added = [_new(bytes([i]) * 32) for i in range(5)]
    assert [vault.add(n) for n in added] == [1, 2, 3, 4, 5]
    assert vault.count() == 5
    assert vault.count("save-the-park") == 5
    assert vault.count("another-appeal") == 0
    rows = vault.signatures()
    assert [r.id for r in rows] == [n.id for n in added]
    assert [r.sealed for r in rows] == [n.sealed for n in added]


def test_reopening_keeps_the_device_and_the_rows(data_dir: Path) -> None:
    first = Vault.open(data_dir)
    device_id = first.device_id
    first.add(_new())
    first.close()
    again = Vault.open(data_dir)
    try:
        assert again.device_id == device_id
        assert again.count() == 1
        assert again.add(_new()) == 2
    finally:
        again.close()


_OPEN_AND_REPORT = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from kiosk.vault import Vault
    vault = Vault.open(Path(sys.argv[1]))
    vault.close()
    print("alembic" in sys.modules)
    """
)


def _opens_with_alembic(data_dir: Path) -> bool:
    result = subprocess.run(
        [sys.executable, "-c", _OPEN_AND_REPORT, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return {"True": True, "False": False}[result.stdout.strip()]


def test_an_up_to_date_vault_opens_without_importing_alembic(data_dir: Path) -> None:
    assert _opens_with_alembic(data_dir) is True  # creating the schema needs Alembic...
    assert _opens_with_alembic(data_dir) is False  # ...opening it again does not


def test_a_vault_from_a_newer_kiosk_is_refused_with_a_message(data_dir: Path) -> None:
    Vault.open(data_dir).close()
    with sqlite3.connect(data_dir / VAULT_FILE) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    conn.close()
    with pytest.raises(VaultError, match="schema version '9999' is newer than this kiosk's"):
        Vault.open(data_dir)


def test_a_file_that_is_not_a_database_gives_a_vault_error(data_dir: Path) -> None:
    (data_dir / VAULT_FILE).write_bytes(b"this is not a database, just some text. " * 100)
    with pytest.raises(VaultError, match="is damaged") as info:
        Vault.open(data_dir)
    assert str(data_dir / VAULT_FILE) in str(info.value)
    assert "file is not a database" in str(info.value)


def test_a_failed_write_gives_a_vault_error_and_keeps_earlier_rows(vault: Vault) -> None:
    first = _new()
    vault.add(first)
    with vault.engine.begin() as conn:
        # Make the next insert fail the way a full or broken disk would, inside SQLite.
        conn.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON signature "
                "BEGIN SELECT RAISE(FAIL, 'disk I/O error (simulated)'); END"
            )
        )
    with pytest.raises(VaultError, match=r"could not be saved \(disk I/O error \(simulated\)\)"):
        vault.add(_new())
    assert [r.id for r in vault.signatures()] == [first.id]


def _close_batch(vault: Vault, batch_id: str, seq: int, last_device_seq: int) -> None:
    """A closed batch whose signature rows are gone, as the purge leaves it."""
    with vault.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO batch (id, seq, prev_hash, hash, appeal_id, appeal_version, "
                "record_count, last_device_seq, state, attempts, created_at, purged_at) VALUES "
                "(:id, :seq, :z, :h, 'save-the-park', 1, 1, :last, 'acknowledged', 1, :t, :t)"
            ),
            {
                "id": batch_id,
                "seq": seq,
                "z": "0" * 64,
                "h": f"{seq:064x}",
                "last": last_device_seq,
                "t": datetime(2026, 5, 1, 12),
            },
        )


def test_the_sequence_never_repeats_a_number_a_purged_batch_gave_out(vault: Vault) -> None:
    assert [vault.add(_new()) for _ in range(3)] == [1, 2, 3]
    # Rows 4-9 of another appeal were batched, acknowledged and purged; rows 1-3 are pending.
    _close_batch(vault, "b1", 1, last_device_seq=9)
    assert vault.add(_new()) == 10  # the batch is ahead of the rows (3)
    # Then every row is batched and purged: only the batches remember.
    _close_batch(vault, "b2", 2, last_device_seq=10)
    with vault.engine.begin() as conn:
        conn.execute(text("DELETE FROM signature"))
    assert vault.add(_new()) == 11


def test_the_next_sequence_number_is_an_index_lookup_not_a_scan(vault: Vault) -> None:
    # Batches are never deleted: reading them all for every signature would slow each commit
    # a little more with every batch the kiosk ever closed.
    from kiosk.vault.store import _INSERT_SIGNATURE

    columns = ["id", "appeal_id", "appeal_version", "collected_hour", "key_fingerprint", "sealed"]
    with vault.engine.connect() as conn:
        sql = str(_INSERT_SIGNATURE.compile(conn, column_keys=columns))
        plan = [
            row[-1]
            for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", (0,) * sql.count("?"))
        ]
    assert "SEARCH batch USING COVERING INDEX ix_batch_last_device_seq" in plan, plan
    assert not [step for step in plan if step.startswith("SCAN")], plan


def test_concurrent_writers_get_distinct_gap_free_numbers(vault: Vault) -> None:
    # The GUI thread records while the sync worker's thread writes too: BEGIN IMMEDIATE
    # serialises them, and the number is computed inside the locked INSERT.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=4) as pool:
        got = list(pool.map(lambda _: vault.add(_new()), range(60)))
    assert sorted(got) == list(range(1, 61))
    assert vault.count() == 60
