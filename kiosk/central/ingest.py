"""Taking in a signed batch: the one code path behind `PUT /api/v2/batches/{id}` and
`kiosk central import`.

The batch and its records go in one transaction. Uniqueness (device and batch id; device and
seq; device and record id) is left to the database's constraints: whoever loses a race, or sends
a batch again, hits IntegrityError and is then compared with what this device has stored.
Identical means the same receipt; anything else is a conflict. There is no check-then-insert to
race. Every id is scoped to the device whose signature was verified: another enrolled device
that uploads the same ids first has stored its own batch, not this one (docs/crypto.md).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, object_session

from kiosk.central import errors, tally
from kiosk.central.bulk import insert_records
from kiosk.central.deletion import deleted_among
from kiosk.central.errors import words
from kiosk.central.models import Campaign, CampaignKey, Device, StoredBatch, StoredRecord, utcnow
from kiosk.central.ratelimit import Limiter
from kiosk.errors import BadSignature, BatchFormatError
from kiosk.message import Message, said
from kiosk.protocol import batch as batch_format
from kiosk.protocol.receipt import Receipt

log = logging.getLogger("kiosk.central")
# One statement object, its parameters apart: `.values(...)` built anew each upload made
# SQLAlchemy walk it for its cache key and bind the 4 MB-envelope's head afresh (about 1 ms).
_INSERT_BATCH = insert(StoredBatch)


def ingest(
    engine: Engine,
    envelope: bytes,
    *,
    expected_id: str | None = None,
    limiter: Limiter | None = None,
) -> tuple[Receipt, bool]:
    """Store a signed batch once. Returns its receipt and whether this call stored it.

    With a `limiter` (the HTTP API; not `kiosk central import`), the device's uploads and its
    hourly record quota are counted once its signature has verified, so nobody can spend
    another device's allowance; a batch it has already stored costs no records."""
    try:
        signed = batch_format.parse(envelope)
    except BatchFormatError as exc:
        raise errors.Malformed(malformed(exc)) from None
    batch = signed.batch
    if batch.kind == batch_format.SALVAGE:
        raise errors.Malformed(
            words(
                "a salvage batch (records read back from a damaged vault) is not uploaded: the "
                "coordinator imports its file with 'kiosk central import'"
            )
        )
    if expected_id is not None and expected_id != batch.batch_id:
        raise errors.IdMismatch(
            words(
                "the URL names batch {expected} but the body is batch {batch}",
                expected=expected_id,
                batch=batch.batch_id,
            )
        )
    body_hash = signed.hash
    received_at = utcnow()
    quota: int | None = None  # set once the records were counted against the device's quota
    try:
        # One transaction reads the campaign and the device, checks the batch and stores it:
        # an upload costs one round of locking and one commit.
        with Session(engine) as s, s.begin():
            campaign, device = checked_sender(s, signed)
            if limiter is not None:
                limiter.upload(batch.device_id)
                try:
                    limiter.take_records(
                        batch.device_id, len(batch.records), campaign.records_per_hour
                    )
                except errors.RateLimited:
                    # Over its quota, a kiosk that lost a receipt still gets it back.
                    stored = s.get(StoredBatch, (batch.device_id, batch.batch_id))
                    if stored is None or stored.hash != body_hash:
                        raise
                    return receipt_of(stored), False
                quota = campaign.records_per_hour
            created_at, hours = batch_times(batch)
            # The batch row through Core, its records in one bulk statement
            # (kiosk.central.bulk), on the session's connection and transaction. A record
            # deleted before (erased, or past retention) does not come back
            # (kiosk.central.deletion).
            gone = deleted_among(s, batch.device_id, [r.id for r in batch.records])
            conn = s.connection()
            conn.execute(
                _INSERT_BATCH,
                {"seq": batch.seq, **batch_row(signed, envelope, created_at, received_at)},
            )
            kept = insert_records(conn, batch, hours, skip=gone)
            tally.add(conn, batch.device_id, tally.batch_event(batch.event, device.event), kept)
    except BaseException as exc:
        if limiter is not None and quota is not None:  # nothing stored: no records spent
            limiter.give_back_records(batch.device_id, len(batch.records), quota)
        if isinstance(exc, IntegrityError):
            return _already_stored(engine, body_hash, batch), False
        raise
    log.info(
        "stored batch %s from device %s seq %d (%d records)",
        batch.batch_id,
        batch.device_id,
        batch.seq,
        len(batch.records),
    )
    receipt = Receipt(
        batch.batch_id, batch.device_id, batch.seq, body_hash, len(batch.records), received_at
    )
    return receipt, True


def malformed(exc: BatchFormatError) -> Message:
    """A batch that does not parse, in words: the parser's own reason inside (a `Message`,
    kiosk.protocol.fields, translated in the console with the rest)."""
    return words("the batch is malformed: {reason}", reason=said(exc))


def checked_sender(s: Session, signed: batch_format.SignedBatch) -> tuple[Campaign, Device]:
    """The campaign and the batch's device, read in the upload's own transaction, with the
    batch checked against both (`check_batch`)."""
    campaign = s.get(Campaign, 1)
    if campaign is None:
        raise errors.NoCampaign(words("no campaign yet: run 'kiosk central init' first"))
    device = s.get(Device, signed.batch.device_id)
    check_batch(device, signed, campaign)
    assert device is not None  # check_batch refuses an unknown device
    return campaign, device


def batch_row(
    signed: batch_format.SignedBatch, envelope: bytes, created_at: datetime, received_at: datetime
) -> dict[str, Any]:
    """The columns of a stored batch row but its place in the chain (`seq`, `kind`): what it is,
    and its envelope's frame, whose records go in their own rows."""
    batch = signed.batch
    head, signature = batch_format.split_envelope(envelope)
    return {
        "id": batch.batch_id,
        "device_id": batch.device_id,
        "hash": signed.hash,
        "prev_hash": batch.prev_hash,
        "appeal_id": batch.appeal_id,
        "appeal_version": batch.appeal_version,
        "created_at": created_at,
        "head": head,
        "signature": signature,
        "record_count": len(batch.records),
        "received_at": received_at,
        "event": batch.event,
    }


def batch_times(batch: batch_format.Batch) -> tuple[datetime, list[datetime]]:
    """The batch's creation time and its records' hours, aware; Malformed if one is outside
    what the database keeps."""
    try:
        return aware(batch.created_at), [aware(r.collected_hour) for r in batch.records]
    except OverflowError:
        raise errors.Malformed(
            words("the batch holds a time outside the years 1 to 9999")
        ) from None


def check_batch(
    device: Device | None, signed: batch_format.SignedBatch, campaign: Campaign
) -> None:
    """Refuse a batch from an unknown or revoked device, signed by another key, or not for
    this campaign's appeal and key."""
    batch = signed.batch
    if device is None:
        raise errors.UnknownDevice(words("device {device} is not enrolled", device=batch.device_id))
    try:
        signed.verify(device.public_key)
    except BadSignature:
        raise errors.BadSignature(
            words(
                "the signature of batch {batch} does not verify for device {device}",
                batch=batch.batch_id,
                device=batch.device_id,
            )
        ) from None
    if device.revoked_at is not None:
        raise errors.RevokedDevice(
            words("device {device} has been revoked", device=batch.device_id)
        )
    if batch.appeal_id != campaign.appeal_id:
        raise errors.Unacceptable(
            words(
                "the batch is for appeal {appeal!r}; this campaign collects for {campaign!r}",
                appeal=batch.appeal_id,
                campaign=campaign.appeal_id,
            )
        )
    others = {r.key_fingerprint for r in batch.records} - {campaign.key_fingerprint}
    if others:
        # Sealed to a later key of the keyset (or to a retired or destroyed one, by a kiosk that
        # had not learnt of the change yet: stored all the same, so its chain is not stuck).
        session = object_session(campaign)
        assert session is not None, "the campaign row comes from the ingest's session"
        known = set(
            session.scalars(
                select(CampaignKey.fingerprint).where(CampaignKey.fingerprint.in_(others))
            )
        )
        for r in batch.records:
            if r.key_fingerprint in others - known:
                raise errors.Unacceptable(
                    words(
                        "record {record} is sealed to key {key}, which is not a key of this "
                        "campaign's keyset",
                        record=r.id,
                        key=r.key_fingerprint,
                    )
                )


def _already_stored(engine: Engine, body_hash: str, batch: batch_format.Batch) -> Receipt:
    """What this device has stored that the batch collides with; only ever this device's
    rows, whose signature `_check` verified: another device's ids are not this one's."""
    with Session(engine) as s:
        stored = s.get(StoredBatch, (batch.device_id, batch.batch_id))
        if stored is not None:
            if stored.hash != body_hash:
                raise errors.Conflict(
                    words(
                        "device {device} already sent a different batch under id {batch}",
                        device=batch.device_id,
                        batch=batch.batch_id,
                    )
                )
            return receipt_of(stored)
        other = s.scalar(
            select(StoredBatch.id).where(
                StoredBatch.device_id == batch.device_id, StoredBatch.seq == batch.seq
            )
        )
        if other is not None:
            raise errors.Conflict(
                words(
                    "device {device} already sent batch {batch} as number {seq}",
                    device=batch.device_id,
                    batch=other,
                    seq=batch.seq,
                )
            )
        ids = [r.id for r in batch.records]
        taken = s.scalar(
            select(StoredRecord.id)
            .where(StoredRecord.device_id == batch.device_id, StoredRecord.id.in_(ids))
            .limit(1)
        )
    if taken is None:  # deleted records are skipped before the insert: this means a bug
        raise errors.Conflict(
            words("batch {batch} conflicts with a stored batch", batch=batch.batch_id)
        )
    raise errors.Conflict(
        words(
            "record {record} is already stored in another batch of device {device}",
            record=taken,
            device=batch.device_id,
        )
    )


def record_rows(
    batch: batch_format.Batch, hours: list[datetime], skip: set[str] | None = None
) -> list[dict[str, object]]:
    """The record table's rows for a batch's records (but those whose id is in `skip`)."""
    return [
        {
            "device_id": batch.device_id,
            "id": r.id,
            "batch_id": batch.batch_id,
            "device_seq": r.device_seq,
            "collected_hour": hour,
            "key_fingerprint": r.key_fingerprint,
            "sealed": r.sealed,
        }
        for r, hour in zip(batch.records, hours, strict=True)
        if skip is None or r.id not in skip
    ]


def receipt_of(stored: StoredBatch) -> Receipt:
    return Receipt(
        stored.id,
        stored.device_id,
        max(stored.seq, 0),  # 0: a salvage batch, outside the chain
        stored.hash,
        stored.record_count,
        stored.received_at,
    )


def aware(value: datetime) -> datetime:
    """Batch times without an offset are taken as UTC, as the kiosk writes them."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
