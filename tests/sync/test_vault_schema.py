"""The sync tables' migrations: batches, signature.batch_id and the enrolment columns (v0002),
the batch envelopes moved out of the batch rows (v0005) and times to the hour (v0006)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from fake_central import FakeCentral, serve  # type: ignore[import-not-found]
from receipts import SERVER_RECEIPT_KEY, acknowledge
from sqlalchemy import Engine, inspect, text
from sync_types import AddSignatures  # type: ignore[import-not-found]

from kiosk.crypto.device_key import DeviceKey
from kiosk.protocol.batch import parse
from kiosk.settings import SyncSettings
from kiosk.sql import alembic_revision
from kiosk.sync.client import CentralClient
from kiosk.sync.closer import BatchCloser
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault, outbox
from kiosk.vault.engine import make_engine
from kiosk.vault.schema import SCHEMA_HEAD

T0 = datetime(2026, 5, 1, 12, tzinfo=UTC)


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "kiosk.vault:migrations")
    return config


def test_schema_head_is_the_newest_migration() -> None:
    assert ScriptDirectory.from_config(_config()).get_current_head() == SCHEMA_HEAD == "0012"


def test_a_0001_vault_upgrades_and_keeps_its_signatures(data_dir: Path) -> None:
    engine = make_engine(data_dir / "vault.sqlite3")
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO device (id, created_at) VALUES (:id, :t)"),
            {"id": "8c1f7d9e-0000-4000-8000-000000000001", "t": datetime(2025, 1, 1)},
        )
        conn.execute(
            text("INSERT INTO signature VALUES (:id, 1, 'test-appeal', 1, :t, 'ab-cd', x'00ff')"),
            {"id": "8c1f7d9e-0000-4000-8000-0000000000aa", "t": datetime(2025, 1, 1, 9)},
        )
    engine.dispose()

    vault = Vault.open(data_dir)
    try:
        assert alembic_revision(vault.engine) == SCHEMA_HEAD
        assert vault.device_id == "8c1f7d9e-0000-4000-8000-000000000001"
        (row,) = vault.signatures()
        assert row.sealed == b"\x00\xff" and row.batch_id is None
        columns = {c["name"] for c in inspect(vault.engine).get_columns("device")}
        assert {"server_url", "event", "enrolled_at", "device_key_file"} <= columns
        with vault.engine.connect() as conn:
            assert inspect(conn).get_foreign_keys("signature") == []
            fks = inspect(conn).get_foreign_keys("signature_batch")
        assert [(fk["referred_table"], fk["constrained_columns"]) for fk in fks] == [
            ("batch", ["batch_id"])
        ]
    finally:
        vault.close()


def test_no_column_outside_the_seal_can_hold_a_personal_field(vault: Vault) -> None:
    """The batch table holds ids, hashes of batch bodies (of sealed data), counts and times."""
    allowed = {
        "id", "seq", "prev_hash", "hash", "appeal_id", "appeal_version", "record_count",
        "last_device_seq", "state", "receipt", "attempts", "last_error",
        "created_at", "sent_at", "acknowledged_at", "purged_at",
    }  # fmt: skip
    assert {c["name"] for c in inspect(vault.engine).get_columns("batch")} == allowed
    # The signed envelope (its records sealed) sits apart, keyed by its batch.
    columns = {c["name"] for c in inspect(vault.engine).get_columns("batch_envelope")}
    assert columns == {"batch_id", "head", "signature"}  # its records are the signature rows


def _envelopes(engine: Engine) -> dict[str, bytes]:
    """Each unpurged batch's envelope: its frame around its signature rows' sealed records."""
    with engine.connect() as conn:
        frames = conn.execute(text("SELECT batch_id, head, signature FROM batch_envelope")).all()
        return {
            batch_id: b"".join((head, *conn.scalars(_SEALED, {"b": batch_id}).all(), signature))
            for batch_id, head, signature in frames
        }


_SEALED = text(
    "SELECT s.sealed FROM signature s JOIN signature_batch m ON m.device_seq = s.device_seq "
    "WHERE m.batch_id = :b ORDER BY m.device_seq"
)


def test_a_0004_vault_moves_its_envelopes_out_and_syncs_on(
    vault: Vault, data_dir: Path, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    # A vault with a purged batch, an acknowledged one, a pending one and unbatched signatures,
    # taken back to 0004, where the envelopes live in the batch rows.
    add_signatures(7)
    purged, acknowledged, pending = BatchCloser(vault, device_key, batch_size=3).close_all()
    for batch_id, when in ((purged, T0), (acknowledged, T0 + timedelta(days=10))):
        acknowledge(vault, batch_id, when)
    assert outbox.purge(vault, timedelta(days=7), T0 + timedelta(days=8)) == 3
    kept = _envelopes(vault.engine)
    assert set(kept) == {acknowledged, pending}
    late = add_signatures(2)
    vault.close()
    engine = make_engine(data_dir / "vault.sqlite3")
    try:
        config = _config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0004")
        assert "batch_envelope" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, envelope FROM batch ORDER BY seq")).all()
        assert rows == [
            (purged, None),
            (acknowledged, kept[acknowledged]),
            (pending, kept[pending]),
        ]
    finally:
        engine.dispose()

    upgraded = Vault.open(data_dir)
    try:
        assert alembic_revision(upgraded.engine) == SCHEMA_HEAD
        assert _envelopes(upgraded.engine) == kept
        assert "envelope" not in {c["name"] for c in inspect(upgraded.engine).get_columns("batch")}
        fake = FakeCentral()
        fake.devices[upgraded.device_id] = device_key.public_bytes
        with serve(fake.app()) as url:
            closer = BatchCloser(upgraded, device_key, batch_size=3)
            worker = SyncWorker(
                upgraded,
                closer,
                CentralClient(url, receipt_key=SERVER_RECEIPT_KEY),
                SyncSettings(batch_size=3),
            )
            assert worker.run_once(force=True) is Outcome.DONE
            worker.stop()
        sent = {r.id for r in parse(kept[pending]).batch.records} | {a.id for a in late}
        assert set(fake.records) == sent
        assert outbox.backlog(upgraded).waiting_total == 0
        # The round's purge took the batch acknowledged in May; the retention purge then takes
        # the two just acknowledged (3 signatures), deletes every envelope and keeps 4 receipts.
        with upgraded.engine.connect() as conn:
            ids = list(conn.scalars(text("SELECT id FROM batch ORDER BY seq")))
        assert ids[:3] == [purged, acknowledged, pending] and len(ids) == 4
        assert set(_envelopes(upgraded.engine)) == {pending, ids[3]}
        assert outbox.purge(upgraded, timedelta(0), datetime.now(UTC) + timedelta(days=1)) == 3
        assert _envelopes(upgraded.engine) == {}
        with upgraded.engine.connect() as conn:
            receipts = conn.execute(text("SELECT receipt FROM batch WHERE receipt IS NOT NULL"))
            assert len(receipts.all()) == 4
    finally:
        upgraded.close()


def test_a_0005_vault_keeps_its_times_to_the_hour_only(
    vault: Vault, data_dir: Path, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    """Times a 0005 kiosk wrote to the microsecond (batch, device, receipt) are whole hours
    after the upgrade; nothing else in the rows changes."""
    add_signatures(2)
    (batch_id,) = BatchCloser(vault, device_key).close_all()
    acknowledge(vault, batch_id, T0)
    vault.close()
    fine = "2026-05-01 12:34:56.789012"
    receipt = '{"batch_id": "b", "received_at": "2026-05-01T12:34:56.789012+00:00"}'
    engine = make_engine(data_dir / "vault.sqlite3")
    try:
        config = _config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0005")
            conn.execute(
                text(
                    "UPDATE batch SET created_at = :t, sent_at = :t, acknowledged_at = :t, "
                    "receipt = :r"
                ),
                {"t": fine, "r": receipt},
            )
            conn.execute(text("UPDATE device SET created_at = :t, enrolled_at = :t"), {"t": fine})
    finally:
        engine.dispose()

    upgraded = Vault.open(data_dir)
    try:
        with upgraded.engine.connect() as conn:
            batch = conn.execute(
                text("SELECT created_at, sent_at, acknowledged_at, purged_at, receipt FROM batch")
            ).one()
            device = conn.execute(text("SELECT created_at, enrolled_at FROM device")).one()
        hour = "2026-05-01 12:00:00.000000"
        assert tuple(batch) == (
            hour,
            hour,
            hour,
            None,
            '{"batch_id":"b","received_at":"2026-05-01T12:00:00+00:00"}',
        )
        assert tuple(device) == (hour, hour)
        assert upgraded.count() == 2
    finally:
        upgraded.close()


def test_a_0011_vault_moves_batch_membership_out_and_closes_on(
    vault: Vault, data_dir: Path, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    # Two closed batches and two pending signatures, taken back to 0011, where each signature
    # row holds its batch_id; then opened again (0012: membership in signature_batch).
    add_signatures(6)
    first, second = BatchCloser(vault, device_key, batch_size=3).close_all()
    late = add_signatures(2)
    before = {row.id: row.batch_id for row in vault.signatures()}
    vault.close()
    engine = make_engine(data_dir / "vault.sqlite3")
    try:
        config = _config()
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.downgrade(config, "0011")
        assert "signature_batch" not in inspect(engine).get_table_names()
        with engine.connect() as conn:
            rows = dict(conn.execute(text("SELECT id, batch_id FROM signature")).all())
        assert rows == before
    finally:
        engine.dispose()

    upgraded = Vault.open(data_dir)
    try:
        assert alembic_revision(upgraded.engine) == SCHEMA_HEAD
        assert {row.id: row.batch_id for row in upgraded.signatures()} == before
        assert {before[a.id] for a in late} == {None}
        assert set(before.values()) == {first, second, None}
        columns = {c["name"] for c in inspect(upgraded.engine).get_columns("signature")}
        assert "batch_id" not in columns
        assert outbox.backlog(upgraded).pending_signatures == 2
        third = BatchCloser(upgraded, device_key, batch_size=2).close_all()
        assert len(third) == 1
        assert {row.batch_id for row in upgraded.signatures()} == {first, second, third[0]}
    finally:
        upgraded.close()
