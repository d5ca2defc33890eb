"""Migration 0003: kiosk state and daily tallies; tallies counted with each signature, kept
through the purge, and backfilled when a 0002 vault upgrades."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, event, inspect, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from kiosk.errors import VaultError
from kiosk.vault import NewSignature, Vault, state
from kiosk.vault.engine import make_engine
from kiosk.vault.models import DailyTally, KioskState
from kiosk.vault.state import counts, kiosk_state

# The reviewed column sets: the PIN only as a hash, no supporter data, days not moments.
KIOSK_STATE_COLUMNS = {
    "id",
    "pin_hash",
    "pin_failures",
    "pin_locked_until",
    "event_name",
    "appeal_id",
    "heartbeat_seq",  # the number of the last heartbeat sent: a counter, no time, no supporter
}
TALLY_COLUMNS = {"day", "event", "appeal_id", "signatures"}


def _new(hour: datetime, appeal_id: str = "save-the-park") -> NewSignature:
    return NewSignature(
        id=str(uuid.uuid4()),
        appeal_id=appeal_id,
        appeal_version=1,
        collected_hour=hour,
        key_fingerprint="abcd-ef01-2345-6789-abcd",
        sealed=b"\x01" * 64,
    )


def _set_event(vault: Vault, name: str) -> None:
    with Session(vault.engine) as s, s.begin():
        kiosk_state(s).event_name = name


def test_the_new_tables_hold_only_the_reviewed_columns(vault: Vault) -> None:
    inspector = inspect(vault.engine)
    assert {c["name"] for c in inspector.get_columns("kiosk_state")} == KIOSK_STATE_COLUMNS
    tally = {c["name"]: c for c in inspector.get_columns("daily_tally")}
    assert set(tally) == TALLY_COLUMNS
    assert str(tally["day"]["type"]) == "DATE"  # a day, never a moment


def test_each_signature_counts_on_its_day_and_event(vault: Vault) -> None:
    _set_event(vault, "Pride march")
    vault.add(_new(datetime(2026, 6, 1, 9)))
    vault.add(_new(datetime(2026, 6, 1, 17)))
    vault.add(_new(datetime(2026, 6, 2, 10), appeal_id="other"))
    _set_event(vault, "Book fair")
    vault.add(_new(datetime(2026, 6, 2, 11)))
    with Session(vault.engine) as s:
        rows = {(t.day, t.event, t.appeal_id): t.signatures for t in s.scalars(select(DailyTally))}
        summary = counts(s, date(2026, 6, 2))
    assert rows == {
        (date(2026, 6, 1), "Pride march", "save-the-park"): 2,
        (date(2026, 6, 2), "Pride march", "other"): 1,
        (date(2026, 6, 2), "Book fair", "save-the-park"): 1,
    }
    assert (summary.today, summary.event, summary.total) == (2, 1, 4)


def test_the_tally_is_in_the_signatures_transaction(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault.add(_new(datetime(2026, 6, 1, 9)))
    counted = state.count_signature

    def count_then_fail(conn: Connection, day: date, appeal_id: str) -> None:
        counted(conn, day, appeal_id)
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("disk I/O error"))

    monkeypatch.setattr(state, "count_signature", count_then_fail)
    with pytest.raises(VaultError):
        vault.add(_new(datetime(2026, 6, 1, 9)))
    # Neither the row nor its count stayed: they commit together or not at all.
    assert vault.count() == 1
    with Session(vault.engine) as s:
        assert counts(s, date(2026, 6, 1)).total == 1
    monkeypatch.undo()
    vault.add(_new(datetime(2026, 6, 1, 9)))
    with Session(vault.engine) as s:
        assert counts(s, date(2026, 6, 1)).total == 2
    assert vault.count() == 2


def test_the_tally_commits_with_the_row(vault: Vault) -> None:
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement.split()[0].upper())

    event.listen(vault.engine, "before_cursor_execute", seen)
    try:
        vault.add(_new(datetime(2026, 6, 1, 9)))
    finally:
        event.remove(vault.engine, "before_cursor_execute", seen)
    # One BEGIN (IMMEDIATE), the three inserts (the signature, its batch membership, the
    # tally), one COMMIT: a single transaction.
    writes = [s for s in statements if s in ("BEGIN", "INSERT", "COMMIT")]
    assert writes.count("BEGIN") == 1 and writes.count("INSERT") == 3


def test_state_row_is_single(vault: Vault) -> None:
    with Session(vault.engine) as s, s.begin():
        kiosk_state(s)
    with pytest.raises(Exception, match="CHECK constraint"), vault.engine.begin() as conn:
        conn.execute(text("INSERT INTO kiosk_state (id, pin_failures) VALUES (2, 0)"))
    with Session(vault.engine) as s:
        assert [r.id for r in s.scalars(select(KioskState))] == [1]


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "kiosk.vault:migrations")
    return config


def test_a_0002_vault_upgrades_with_tallies_backfilled(data_dir: Path) -> None:
    engine = make_engine(data_dir / "vault.sqlite3")
    with engine.begin() as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
    created = datetime(2026, 5, 30, 18)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO device (id, created_at, event) VALUES (:id, :t, 'Rally')"),
            {"id": str(uuid.uuid4()), "t": created},
        )
        # A batch purged before the upgrade: its rows are gone, its count stays.
        conn.execute(
            text(
                "INSERT INTO batch (id, seq, prev_hash, hash, appeal_id, appeal_version, "
                "record_count, last_device_seq, state, attempts, created_at, purged_at) VALUES "
                "('b1', 1, :z, :h, 'save-the-park', 1, 5, 5, 'acknowledged', 1, :c, :c)"
            ),
            {"z": "0" * 64, "h": "1" * 64, "c": created},
        )
        for seq, hour in ((6, datetime(2026, 6, 1, 9)), (7, datetime(2026, 6, 1, 10)),
                          (8, datetime(2026, 6, 2, 8))):  # fmt: skip
            conn.execute(
                text(
                    "INSERT INTO signature (id, device_seq, appeal_id, appeal_version, "
                    "collected_hour, key_fingerprint, sealed) VALUES "
                    "(:id, :seq, 'save-the-park', 1, :t, 'ab-cd', x'00')"
                ),
                {"id": str(uuid.uuid4()), "seq": seq, "t": hour},
            )
    engine.dispose()

    vault = Vault.open(data_dir)
    try:
        with Session(vault.engine) as s:
            rows = {(t.day, t.event): t.signatures for t in s.scalars(select(DailyTally))}
            summary = counts(s, date(2026, 6, 1))
        assert rows == {
            (date(2026, 5, 30), "Rally"): 5,
            (date(2026, 6, 1), "Rally"): 2,
            (date(2026, 6, 2), "Rally"): 1,
        }
        assert (summary.today, summary.event, summary.total) == (2, 8, 8)
        # Counting goes on from there.
        vault.add(_new(datetime(2026, 6, 1, 11)))
        with Session(vault.engine) as s:
            assert counts(s, date(2026, 6, 1)).today == 3
    finally:
        vault.close()


def test_tallies_outlive_the_purge(vault: Vault) -> None:
    from kiosk.vault import outbox
    from kiosk.vault.models import SignatureBatch

    for _ in range(3):
        vault.add(_new(datetime(2026, 6, 1, 9)))
    now = datetime(2026, 6, 20, 9, tzinfo=UTC)
    with Session(vault.engine) as s, s.begin():
        s.execute(
            text(
                "INSERT INTO batch (id, seq, prev_hash, hash, appeal_id, appeal_version, "
                "record_count, last_device_seq, state, attempts, created_at, acknowledged_at) "
                "VALUES ('b1', 1, :z, :h, 'save-the-park', 1, 3, 3, 'acknowledged', 1, :c, :c)"
            ),
            {"z": "0" * 64, "h": "1" * 64, "c": datetime(2026, 6, 1, 12)},
        )
        for row in s.scalars(select(SignatureBatch)):
            row.batch_id = "b1"
    assert outbox.purge(vault, timedelta(days=7), now) == 3
    assert vault.count() == 0
    with Session(vault.engine) as s:
        assert counts(s, date(2026, 6, 1)).total == 3
