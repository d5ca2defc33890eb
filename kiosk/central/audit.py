"""A stored batch's envelope, byte for byte as its kiosk signed and sent it, for audit: the
batch row keeps the envelope's frame (head and signature, c0012) and the record rows its
sealed records, so the server stores each signature once; joined here and checked against the
batch's hash, so what comes back is what the device's signature covers."""

from __future__ import annotations

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.central import errors
from kiosk.central.models import StoredBatch, StoredRecord
from kiosk.crypto.digest import sha256_bytes_hex
from kiosk.protocol.batch import head_record_ids, join_envelope


def stored_envelope(engine: Engine, device_id: str, batch_id: str) -> bytes:
    with Session(engine) as s:
        batch = s.get(StoredBatch, (device_id, batch_id))
        if batch is None or batch.head is None or batch.signature is None:
            raise errors.NotFound(f"device {device_id} has no stored batch {batch_id}")
        ids = head_record_ids(batch.head)
        rows = s.execute(
            select(StoredRecord.id, StoredRecord.sealed).where(
                StoredRecord.device_id == device_id, StoredRecord.id.in_(ids)
            )
        )
        sealed = {record_id: data for record_id, data in rows}
        head, signature, expected = batch.head, batch.signature, batch.hash
    if (
        set(sealed) != set(ids)
        or sha256_bytes_hex(b"".join((head, *(sealed[i] for i in ids)))) != expected
    ):
        raise errors.Conflict(
            f"batch {batch_id} of device {device_id} does not read back as it was received"
        )
    return join_envelope(head, [sealed[i] for i in ids], signature)
