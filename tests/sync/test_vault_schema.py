"""The v0002 migration: batches, signature.batch_id and the enrolment columns."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from kiosk.vault import Vault
from kiosk.vault.engine import make_engine
from kiosk.vault.schema import SCHEMA_HEAD, current_revision


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "kiosk.vault:migrations")
    return config


def test_schema_head_is_the_newest_migration() -> None:
    assert ScriptDirectory.from_config(_config()).get_current_head() == SCHEMA_HEAD == "0004"


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
        assert current_revision(vault.engine) == SCHEMA_HEAD
        assert vault.device_id == "8c1f7d9e-0000-4000-8000-000000000001"
        (row,) = vault.signatures()
        assert row.sealed == b"\x00\xff" and row.batch_id is None
        columns = {c["name"] for c in inspect(vault.engine).get_columns("device")}
        assert {"server_url", "event", "enrolled_at", "device_key_file"} <= columns
        with vault.engine.connect() as conn:
            fks = inspect(conn).get_foreign_keys("signature")
        assert [(fk["referred_table"], fk["constrained_columns"]) for fk in fks] == [
            ("batch", ["batch_id"])
        ]
    finally:
        vault.close()


def test_no_column_outside_the_seal_can_hold_a_personal_field(vault: Vault) -> None:
    """The batch table holds ids, hashes of batch bodies (of sealed data), counts and times."""
    allowed = {
        "id", "seq", "prev_hash", "hash", "appeal_id", "appeal_version", "record_count",
        "last_device_seq", "envelope", "state", "receipt", "attempts", "last_error",
        "created_at", "sent_at", "acknowledged_at", "purged_at",
    }  # fmt: skip
    assert {c["name"] for c in inspect(vault.engine).get_columns("batch")} == allowed
