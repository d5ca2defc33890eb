"""Importing a salvage batch: records a kiosk read back from a damaged vault (`kiosk vault
salvage`, kiosk.sync.salvage), brought on a USB stick to `kiosk central import`.

The batch is checked as an upload is (an enrolled device's signature, this campaign's appeal and
key) and kept whole for audit, outside the device's chain (kind "salvage", no seq). Of its
records, those this device has not delivered yet are stored; those it has are left as they are
(the first copy stays, in its chain batch). Importing the same file again changes nothing. The
chain report (kiosk.central.status) counts what salvage brought in, apart from the chain.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Executable

from kiosk.central import errors, tally
from kiosk.central.deletion import deleted_among
from kiosk.central.errors import words
from kiosk.central.ingest import (
    batch_row,
    batch_times,
    checked_sender,
    receipt_of,
    record_rows,
)
from kiosk.central.models import StoredBatch, StoredRecord, utcnow
from kiosk.protocol.batch import SALVAGE, SignedBatch
from kiosk.protocol.receipt import Receipt

log = logging.getLogger("kiosk.central")


@dataclass(frozen=True)
class Salvaged:
    receipt: Receipt
    created: bool  # False: this very file was imported before
    new_records: int  # records the server did not hold yet


def ingest_salvage(engine: Engine, signed: SignedBatch, envelope: bytes) -> Salvaged:
    batch = signed.batch
    assert batch.kind == SALVAGE
    received_at = utcnow()
    try:
        with Session(engine) as s, s.begin():
            _campaign, device = checked_sender(s, signed)
            created_at, hours = batch_times(batch)
            gone = deleted_among(s, batch.device_id, [r.id for r in batch.records])
            conn = s.connection()
            lowest = s.scalar(
                select(func.min(StoredBatch.seq)).where(StoredBatch.device_id == batch.device_id)
            )
            conn.execute(
                insert(StoredBatch).values(
                    seq=min(lowest or 0, 0) - 1,  # outside the chain: -1, -2, ...
                    kind=SALVAGE,
                    **batch_row(signed, envelope, created_at, received_at),
                )
            )
            held = set(
                s.scalars(
                    select(StoredRecord.id).where(
                        StoredRecord.device_id == batch.device_id,
                        StoredRecord.id.in_([r.id for r in batch.records]),
                    )
                )
            )
            new = record_rows(batch, hours, skip=held | gone)
            if new:
                # A chain upload of the same records may commit meanwhile: skip those too.
                added = conn.execute(_insert_new(engine), new).scalars().all()
                event = tally.batch_event(batch.event, device.event)
                tally.add(conn, batch.device_id, event, added)
    except IntegrityError:
        with Session(engine) as s:
            stored = s.get(StoredBatch, (batch.device_id, batch.batch_id))
        if stored is None:
            raise errors.Conflict(
                words(
                    "another salvage file of device {device} was imported at the same moment; "
                    "import this one again",
                    device=batch.device_id,
                )
            ) from None
        if stored.hash != signed.hash:
            raise errors.Conflict(
                words(
                    "device {device} already has a different batch under id {batch}",
                    device=batch.device_id,
                    batch=batch.batch_id,
                )
            ) from None
        return Salvaged(receipt_of(stored), False, 0)
    log.info(
        "stored salvage batch %s from device %s: %d records, %d new",
        batch.batch_id,
        batch.device_id,
        len(batch.records),
        len(new),
    )
    receipt = Receipt(
        batch.batch_id, batch.device_id, 0, signed.hash, len(batch.records), received_at
    )
    return Salvaged(receipt, True, len(new))


def _insert_new(engine: Engine) -> Executable:
    """Insert the records not stored meanwhile; returns the hours of those it stored."""
    keys = [StoredRecord.device_id, StoredRecord.id]
    dialect = sqlite if engine.dialect.name == "sqlite" else postgresql
    statement: Executable = (
        dialect.insert(StoredRecord)
        .on_conflict_do_nothing(index_elements=keys)
        .returning(StoredRecord.collected_hour)
    )
    return statement
