"""The vault schema: migrations build exactly the models; nothing outside the seal is personal."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from kiosk.sql import alembic_revision
from kiosk.vault import NewSignature, Vault
from kiosk.vault.engine import make_engine
from kiosk.vault.models import Base
from kiosk.vault.schema import SCHEMA_HEAD

# Everything the signature row may hold outside the seal (DESIGN.md, "Cryptography"): ids, the
# device's sequence, the appeal and its version, the hour, which key sealed it, and its batch.
# A new column here must be argued for in review: this set is the privacy promise.
SIGNATURE_COLUMNS = {
    "id",
    "device_seq",
    "appeal_id",
    "appeal_version",
    "collected_hour",
    "key_fingerprint",
    "sealed",
}
# The device row: the kiosk's identity and enrolment; no supporter's data.
DEVICE_COLUMNS = {
    "id",
    "created_at",
    "receipt_key",  # the server's public receipt key, pinned at enrolment
    "tls_pin",  # the server certificate's key fingerprint, pinned at enrolment
    "device_key_file",
    "server_url",
    "event",
    "campaign_key_fingerprint",
    "enrolled_at",
    "coordinator_key",  # the coordinator's public signing key, pinned at enrolment (0011)
    "keyset_body",  # the campaign keyset it signed: public keys, ids and states (0011)
    "keyset_signature",
}
# tests/sync/test_vault_schema.py holds the batch table to its own exact column set.
# kiosk_state (the volunteer's PIN hash, event, appeal) and daily_tally (counts per day, event and
# appeal) are held to theirs by tests/vault/test_kiosk_state.py.
TABLES = {
    "alembic_version",
    "device",
    "signature",
    "signature_batch",
    "batch",
    "batch_envelope",
    "kiosk_state",
    "daily_tally",
}


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", "kiosk.vault:migrations")
    return config


def _schema_diff(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"compare_type": True, "compare_server_default": True}
        )
        return list(compare_metadata(context, Base.metadata))


def _migrate(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        if down:
            command.downgrade(config, revision)
        else:
            command.upgrade(config, revision)


def test_schema_head_is_the_single_newest_migration() -> None:
    script = ScriptDirectory.from_config(_config())
    assert script.get_heads() == [SCHEMA_HEAD]
    # Every revision is reachable from the head: no orphan file in versions/.
    chain = [r.revision for r in script.walk_revisions()]
    files = sorted(
        p.stem for p in (Path(script.dir) / "versions").glob("*.py") if not p.stem.startswith("_")
    )
    assert len(chain) == len(files)


def test_migrations_from_empty_build_the_models_schema(vault: Vault) -> None:
    assert alembic_revision(vault.engine) == SCHEMA_HEAD
    assert _schema_diff(vault.engine) == []


def test_schema_comparison_sees_a_difference(data_dir: Path) -> None:
    # Proof that the comparison above can fail: a vault stopped at the first migration differs.
    script = ScriptDirectory.from_config(_config())
    first = list(script.walk_revisions())[-1].revision
    assert first != SCHEMA_HEAD, "the vault has migrations after its first"
    engine = make_engine(data_dir / "old.sqlite3")
    try:
        _migrate(engine, first)
        assert _schema_diff(engine) != []
    finally:
        engine.dispose()


def test_downgrade_to_empty_and_upgrade_again(data_dir: Path) -> None:
    engine = make_engine(data_dir / "roundtrip.sqlite3")
    try:
        _migrate(engine, "head")
        _migrate(engine, "base", down=True)
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) == {"alembic_version"}
        _migrate(engine, "head")
        assert alembic_revision(engine) == SCHEMA_HEAD
        assert _schema_diff(engine) == []
    finally:
        engine.dispose()


def test_tables_are_exactly_the_reviewed_set(vault: Vault) -> None:
    assert set(inspect(vault.engine).get_table_names()) == TABLES


def test_no_signature_column_could_hold_a_personal_field(vault: Vault) -> None:
    inspector = inspect(vault.engine)
    columns = {c["name"]: c for c in inspector.get_columns("signature")}
    assert set(columns) == SIGNATURE_COLUMNS
    # The only column wide enough for free text is the sealed blob.
    assert str(columns["sealed"]["type"]) == "BLOB"
    for name in SIGNATURE_COLUMNS - {"sealed"}:
        length = getattr(columns[name]["type"], "length", None)
        assert str(columns[name]["type"]) in ("INTEGER", "DATETIME") or (length or 999) <= 63, name
    # Nothing indexes the sealed blob (an index is a second copy, sorted for lookup).
    indexed = {c for ix in inspector.get_indexes("signature") for c in ix["column_names"]}
    indexed |= {
        c for uq in inspector.get_unique_constraints("signature") for c in uq["column_names"]
    }
    assert indexed <= {"id", "device_seq", "appeal_id"}
    # Its batch is in a table of numbers and ids only.
    membership = {c["name"]: c for c in inspector.get_columns("signature_batch")}
    assert set(membership) == {"device_seq", "batch_id"}
    assert str(membership["device_seq"]["type"]) == "INTEGER"
    assert membership["batch_id"]["type"].length == 36


def test_device_row_holds_no_supporter_data(vault: Vault) -> None:
    columns = {c["name"] for c in inspect(vault.engine).get_columns("device")}
    assert columns == DEVICE_COLUMNS


def test_a_0003_vault_gains_the_batch_sequence_index_and_keeps_counting(data_dir: Path) -> None:
    engine = make_engine(data_dir / "vault.sqlite3")
    try:
        _migrate(engine, "0003")
        with engine.begin() as conn:
            conn.execute(
                text("INSERT INTO device (id, created_at) VALUES ('d1', :t)"),
                {"t": datetime(2026, 5, 1)},
            )
            # Every signature it took was batched and purged: only the batch remembers 1-7.
            conn.execute(
                text(
                    "INSERT INTO batch (id, seq, prev_hash, hash, appeal_id, appeal_version, "
                    "record_count, last_device_seq, state, attempts, created_at, purged_at) "
                    "VALUES ('b1', 1, :z, :h, 'save-the-park', 1, 7, 7, 'acknowledged', 1, :t, :t)"
                ),
                {"z": "0" * 64, "h": "1" * 64, "t": datetime(2026, 5, 1, 12)},
            )
    finally:
        engine.dispose()
    vault = Vault.open(data_dir)
    try:
        assert alembic_revision(vault.engine) == SCHEMA_HEAD
        indexes = {
            ix["name"]: ix["column_names"] for ix in inspect(vault.engine).get_indexes("batch")
        }
        assert indexes["ix_batch_last_device_seq"] == ["last_device_seq"]
        new = NewSignature(
            id="8c1f7d9e-0000-4000-8000-0000000000aa",
            appeal_id="save-the-park",
            appeal_version=1,
            collected_hour=datetime(2026, 5, 2, 9),
            key_fingerprint="abcd-ef01-2345-6789-abcd",
            sealed=b"\x01",
        )
        assert vault.add(new) == 8
    finally:
        vault.close()
