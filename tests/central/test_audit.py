"""A stored batch is kept once: its records in the record rows and only its envelope's frame
(head and signature) in the batch row (c0012); kiosk.central.audit gives back the envelope as
the kiosk signed it, and notices when a stored record no longer matches it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text, update
from sqlalchemy.orm import Session

from kiosk.central import errors
from kiosk.central.audit import stored_envelope
from kiosk.central.ingest import ingest
from kiosk.central.models import StoredBatch, StoredRecord
from kiosk.protocol.batch import parse


def test_the_envelope_comes_back_byte_for_byte_and_its_records_are_stored_once(
    engine: Engine, enrolled: Any
) -> None:
    kiosk = enrolled()
    signed = kiosk.batch(50)
    envelope = signed.to_bytes()
    ingest(engine, envelope)
    back = stored_envelope(engine, kiosk.device_id, signed.batch.batch_id)
    assert back == envelope
    parse(back).verify(kiosk.device_key.public_bytes)
    sealed = sum(len(r.sealed) for r in signed.batch.records)
    with Session(engine) as s:
        frame = s.scalar(select(func.length(StoredBatch.head) + func.length(StoredBatch.signature)))
        records = s.scalar(select(func.sum(func.length(StoredRecord.sealed))))
    assert records == sealed
    assert frame is not None and frame < 200 * 50  # the header and signature, no record


def test_a_stored_record_changed_afterwards_is_noticed(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled()
    signed = kiosk.batch(3)
    ingest(engine, signed.to_bytes())
    victim = signed.batch.records[1]
    with Session(engine) as s, s.begin():
        s.execute(
            update(StoredRecord)
            .where(StoredRecord.id == victim.id)
            .values(sealed=bytes(len(victim.sealed)))
        )
    with pytest.raises(errors.Conflict, match="does not read back"):
        stored_envelope(engine, kiosk.device_id, signed.batch.batch_id)
    with pytest.raises(errors.NotFound):
        stored_envelope(engine, kiosk.device_id, "00000000-0000-0000-0000-000000000000")


def test_nothing_but_the_frame_is_in_the_batch_table(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled()
    signed = kiosk.batch(5)
    ingest(engine, signed.to_bytes())
    with engine.connect() as conn:
        columns = list(conn.execute(text("SELECT * FROM batch")).keys())
    assert "envelope" not in columns and {"head", "signature"} <= set(columns)
