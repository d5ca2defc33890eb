"""A stored batch is kept once: its records in the record rows and only its envelope's frame
(head and signature) in the batch row (c0012); kiosk.central.audit gives back the envelope as
the kiosk signed it, and notices when a stored record no longer matches it. `kiosk central
audit` checks every batch, and tells a batch that held erased or expired records (expected)
from one changed without a deletion (tampering)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, delete, func, select, text, update
from sqlalchemy.orm import Session

from kiosk.central import errors
from kiosk.central.audit import stored_envelope
from kiosk.central.deletion import RETENTION, delete_records
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


def test_an_audit_after_an_erasure_says_which_batches_cannot_be_rebuilt_and_why(
    central: Any, engine: Engine, enrolled: Any, capsys: Any
) -> None:
    kiosk = enrolled()
    kept = kiosk.batch([kiosk.record(email=f"kept{i}@example.org") for i in range(2)])
    erased_from = kiosk.batch([kiosk.record(email="ada@example.org"), kiosk.record()])
    old = kiosk.batch(3)
    for signed in (kept, erased_from, old):
        ingest(engine, signed.to_bytes())
    capsys.readouterr()
    assert central("audit") == 0
    assert "audit: 3 stored batches; 3 rebuilt byte for byte" in capsys.readouterr().out

    assert central("erase", "--email", "ada@example.org") == 0
    delete_records(engine, [(kiosk.device_id, r.id) for r in old.batch.records[:2]], RETENTION)
    capsys.readouterr()
    assert central("audit") == 0  # expected: not a failure
    out = capsys.readouterr().out
    assert "audit: 3 stored batches; 1 rebuilt byte for byte" in out
    assert "2 batches held signatures deleted since (1 erased at a supporter's request, 2 past " \
        "retention)" in out  # fmt: skip
    assert "This is expected after an erasure or a retention deletion" in out
    device = kiosk.device_id
    assert f"batch {erased_from.batch.batch_id} of device {device} (#2): 1 record erased" in out
    expired = f"batch {old.batch.batch_id} of device {device} (#3): 2 records deleted past"
    assert f"{expired} retention" in out
    assert "ALTERED" not in out and "tamper" not in out.replace("not a sign of tampering", "")
    with pytest.raises(
        errors.RecordsDeleted, match="1 record erased: its envelope cannot be rebuilt"
    ):
        stored_envelope(engine, kiosk.device_id, erased_from.batch.batch_id)

    # A record changed, and one removed with no erasure behind it: these are tampering.
    victim = kept.batch.records[0]
    with Session(engine) as s, s.begin():
        s.execute(
            update(StoredRecord)
            .where(StoredRecord.id == victim.id)
            .values(sealed=bytes(len(victim.sealed)))
        )
        s.execute(delete(StoredRecord).where(StoredRecord.id == old.batch.records[2].id))
    capsys.readouterr()
    assert central("audit") == 1
    out = capsys.readouterr().out
    assert "ALTERED: 2 batches no longer read back as their kiosks signed them" in out
    assert f"batch {kept.batch.batch_id} of device {kiosk.device_id} (#1): its stored" in out
    assert "(#3): 1 of its records is missing, and no erasure or retention deleted it" in out
    assert "1 batch held signatures deleted since (1 erased" in out
