"""Central schema upgrades with data in the database: what a server stored before keeps working."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from importlib.resources import files
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, Engine, MetaData, Table, func, select
from sqlalchemy.orm import Session

from kiosk.central import db
from kiosk.central.audit import stored_envelope
from kiosk.central.campaign import get_campaign
from kiosk.central.export import open_all
from kiosk.central.ingest import ingest
from kiosk.central.keyset import list_keys
from kiosk.central.models import Base, HourTally, StoredBatch, StoredRecord
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.petition.appeal import DEFAULT_APPEAL
from kiosk.protocol.batch import SignedBatch
from kiosk.sql import alembic_revision


def migrate_to(engine: Engine, revision: str, *, down: bool = False) -> None:
    config = Config()
    config.set_main_option("script_location", "kiosk.central:migrations")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(config, revision)


def naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def store_as_c0002(conn: Connection, key: CampaignPublicKey, kiosks: list[Any]) -> None:
    """The rows the c0002 server wrote: a campaign, the kiosks, one batch of each."""
    tables = MetaData()

    def table(name: str) -> Table:
        return Table(name, tables, autoload_with=conn)

    now = naive(datetime.now(UTC))
    conn.execute(
        table("campaign").insert(),
        {
            "id": 1,
            "public_key_pem": key.to_pem().decode(),
            "key_fingerprint": key.fingerprint,
            "appeal_id": kiosks[0].appeal.id,
            "appeal_version": kiosks[0].appeal.version,
            "appeal_toml": files("kiosk.resources")
            .joinpath("appeals", DEFAULT_APPEAL)
            .read_text("utf-8"),
            "created_at": now,
            "receipt_key_pem": DeviceKey.generate().to_pem().decode(),
        },
    )
    for kiosk in kiosks:
        conn.execute(
            table("device").insert(),
            {
                "id": kiosk.device_id,
                "public_key": kiosk.device_key.public_bytes,
                "event": "Rally",
                "enrolled_at": now,
            },
        )
        signed: SignedBatch = kiosk.batch(
            [kiosk.record(email=f"{i}.{kiosk.device_id}@example.org") for i in range(2)]
        )
        kiosk.stored = signed
        b = signed.batch
        conn.execute(
            table("batch").insert(),
            {
                "id": b.batch_id,
                "device_id": b.device_id,
                "seq": b.seq,
                "hash": signed.hash,
                "prev_hash": b.prev_hash,
                "appeal_id": b.appeal_id,
                "appeal_version": b.appeal_version,
                "created_at": naive(b.created_at),
                "envelope": signed.to_bytes(),
                "record_count": len(b.records),
                "received_at": now,
            },
        )
        conn.execute(
            table("record").insert(),
            [
                {
                    "id": r.id,
                    "batch_id": b.batch_id,
                    "device_seq": r.device_seq,
                    "collected_hour": naive(r.collected_hour),
                    "key_fingerprint": r.key_fingerprint,
                    "sealed": r.sealed,
                }
                for r in b.records
            ],
        )


def test_c0003_scopes_stored_ids_to_their_device(
    blank_database_url: str,
    new_kiosk: Any,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
) -> None:
    engine = db.make_engine(blank_database_url)
    try:
        migrate_to(engine, "c0002")
        a, b = new_kiosk(), new_kiosk()
        with engine.begin() as conn:
            store_as_c0002(conn, campaign_public_key, [a, b])

        db.upgrade(engine)

        assert alembic_revision(engine) == db.SCHEMA_HEAD
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        with Session(engine) as s:
            rows = s.execute(select(StoredRecord.device_id, StoredRecord.id)).all()
            stored_a = s.get(StoredBatch, (a.device_id, a.stored.batch.batch_id))
        assert sorted(rows) == sorted(
            (k.device_id, r.id) for k in (a, b) for r in k.stored.batch.records
        )
        assert stored_a is not None and stored_a.hash == a.stored.hash
        assert get_campaign(engine).records_per_hour == 5000  # c0004's default
        # c0012 kept the envelopes' frames; joined with the records, the bytes the kiosk sent.
        for k in (a, b):
            assert stored_envelope(engine, k.device_id, k.stored.batch.batch_id) == (
                k.stored.to_bytes()
            )
        # c0011 counted the records stored before it, under their kiosks' event.
        with Session(engine) as s:
            tallied = s.execute(
                select(HourTally.event, func.sum(HourTally.signatures)).group_by(HourTally.event)
            ).all()
        assert [(event, int(n)) for event, n in tallied] == [("Rally", 4)]
        # c0010: the campaign's key is key 1 of its keyset, active; no coordinator key.
        keyset = [(k.id, k.fingerprint, k.state, k.records) for k in list_keys(engine)]
        assert keyset == [(1, campaign_public_key.fingerprint, "active", 4)]
        assert get_campaign(engine).coordinator_key is None

        # A batch stored before the upgrade is still answered with its receipt.
        receipt, created = ingest(engine, a.stored.to_bytes())
        assert not created
        assert (receipt.device_id, receipt.seq, receipt.hash) == (a.device_id, 1, a.stored.hash)

        # Ids are now per device: B's next batch may reuse A's batch id and a record id of A.
        a_record_id = a.stored.batch.records[0].id
        own = replace(b.record(email="b@example.org"), signature_id=a_record_id)
        reused = b.batch([own], batch_id=a.stored.batch.batch_id)
        _receipt, created = ingest(engine, reused.to_bytes())
        assert created

        opened, result = open_all(engine, campaign_private_key)
        assert (result.unreadable, result.duplicates_removed) == (0, 0)
        assert sorted((o.record.device_id, o.record.signature_id) for o in opened) == sorted(
            [(k.device_id, r.id) for k in (a, b) for r in k.stored.batch.records]
            + [(b.device_id, a_record_id)]
        )
    finally:
        engine.dispose()


def test_c0013_gives_a_campaign_the_eci_retention_and_goes_back_down(
    blank_database_url: str,
    new_kiosk: Any,
    campaign_public_key: CampaignPublicKey,
) -> None:
    from sqlalchemy import inspect

    from kiosk.central.retention import Policy, policy

    engine = db.make_engine(blank_database_url)
    try:
        migrate_to(engine, "c0002")
        with engine.begin() as conn:
            store_as_c0002(conn, campaign_public_key, [new_kiosk()])
        migrate_to(engine, "c0006")
        db.upgrade(engine)
        assert policy(engine) == Policy(21, 1, None)
        migrate_to(engine, "c0012", down=True)  # the revision before c0013
        tables = set(inspect(engine).get_table_names())
        assert not {"deleted_record", "record_mark", "test_mode"} & tables
        assert "hour_tally" in tables  # c0011's (events) stays
        assert "keep_months_after_collection" not in {
            c["name"] for c in inspect(engine).get_columns("campaign")
        }
        db.upgrade(engine)
        assert alembic_revision(engine) == db.SCHEMA_HEAD
        assert get_campaign(engine).key_fingerprint == campaign_public_key.fingerprint
    finally:
        engine.dispose()
