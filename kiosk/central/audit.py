"""A stored batch's envelope, byte for byte as its kiosk signed and sent it, for audit: the
batch row keeps the envelope's frame (head and signature, c0012) and the record rows its
sealed records, so the server stores each signature once; joined here and checked against the
batch's hash, so what comes back is what the device's signature covers.

`audit` checks every stored batch that way, and its device's signature over the envelope
rebuilt. A batch that held records deleted since (erased at a supporter's request, or past
retention: kiosk.central.deletion keeps their ids) cannot be rebuilt, by design: the deleted
ciphertext is gone, and with it what the device signed. That is said as such, with the number
of records and why they went, apart from a batch whose records are missing or changed without
any deletion: only that is a sign of tampering.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kiosk.central import errors
from kiosk.central.deletion import ERASED, RETENTION
from kiosk.central.models import DeletedRecord, Device, StoredBatch, StoredRecord
from kiosk.crypto.digest import sha256_bytes_hex
from kiosk.errors import BadSignature, BatchFormatError
from kiosk.protocol.batch import head_record_ids, join_envelope, parse

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Incomplete:
    """A batch that held records deleted since: expected, not tampering."""

    device_id: str
    batch_id: str
    seq: int
    deleted: Counter[str]  # by reason: "erased", "retention"

    def describe(self) -> str:
        where = f"batch {self.batch_id} of device {self.device_id} (#{self.seq})"
        return f"{where}: {_reasons(self.deleted)}"


@dataclass(frozen=True)
class Altered:
    device_id: str
    batch_id: str
    seq: int
    why: str


@dataclass
class Audit:
    batches: int = 0
    verified: int = 0  # rebuilt byte for byte, and the device's signature verifies
    incomplete: list[Incomplete] = field(default_factory=list)
    altered: list[Altered] = field(default_factory=list)

    @property
    def deleted(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for batch in self.incomplete:
            total.update(batch.deleted)
        return total


def _deleted_among(s: Session, device_id: str, ids: set[str]) -> dict[str, str]:
    """Of these record ids, those deleted (erased or past retention), with why."""
    if not ids:
        return {}
    rows = s.execute(
        select(DeletedRecord.id, DeletedRecord.reason).where(
            DeletedRecord.device_id == device_id, DeletedRecord.id.in_(sorted(ids))
        )
    )
    return {record_id: reason for record_id, reason in rows}


def _rebuild(s: Session, batch: StoredBatch) -> tuple[bytes | None, dict[str, str], set[str]]:
    """(the envelope, or None if records are missing; the missing ones deleted, with why; the
    missing ones never deleted)."""
    assert batch.head is not None and batch.signature is not None
    ids = head_record_ids(batch.head)
    rows = s.execute(
        select(StoredRecord.id, StoredRecord.sealed).where(
            StoredRecord.device_id == batch.device_id, StoredRecord.id.in_(ids)
        )
    )
    sealed = {record_id: data for record_id, data in rows}
    missing = set(ids) - set(sealed)
    if missing:
        deleted = _deleted_among(s, batch.device_id, missing)
        return None, deleted, missing - set(deleted)
    if sha256_bytes_hex(b"".join((batch.head, *(sealed[i] for i in ids)))) != batch.hash:
        return None, {}, set()
    return join_envelope(batch.head, [sealed[i] for i in ids], batch.signature), {}, set()


def stored_envelope(engine: Engine, device_id: str, batch_id: str) -> bytes:
    with Session(engine) as s:
        batch = s.get(StoredBatch, (device_id, batch_id))
        if batch is None or batch.head is None or batch.signature is None:
            raise errors.NotFound(f"device {device_id} has no stored batch {batch_id}")
        envelope, deleted, vanished = _rebuild(s, batch)
    if envelope is not None:
        return envelope
    if deleted and not vanished:
        why = Counter(deleted.values())
        raise errors.RecordsDeleted(
            f"batch {batch_id} of device {device_id} held {_reasons(why)}: its envelope "
            "cannot be rebuilt, as expected after an erasure or a retention deletion (the "
            "deleted ciphertext is gone, and with it what the kiosk signed)"
        )
    raise errors.Conflict(
        f"batch {batch_id} of device {device_id} does not read back as it was received"
    )


def _reasons(why: Counter[str]) -> str:
    words = {ERASED: "erased", RETENTION: "deleted past retention"}
    return " and ".join(
        f"{n} record{'' if n == 1 else 's'} {words.get(reason, reason)}"
        for reason, n in sorted(why.items())
    )


def audit(engine: Engine, progress: Progress | None = None) -> Audit:
    """Every stored batch rebuilt and checked against its device's signature."""
    report = Audit()
    with Session(engine) as s:
        total = s.scalar(select(func.count()).select_from(StoredBatch)) or 0
        keys = {d: k for d, k in s.execute(select(Device.id, Device.public_key))}
        order = select(StoredBatch.device_id, StoredBatch.id).order_by(
            StoredBatch.device_id, StoredBatch.seq
        )
        for device_id, batch_id in s.execute(order).all():
            batch = s.get(StoredBatch, (device_id, batch_id))
            assert batch is not None
            report.batches += 1
            _check(s, batch, keys.get(device_id), report)
            s.expunge_all()  # one batch's records in memory at a time
            if progress is not None:
                progress(report.batches, total)
    return report


def _check(s: Session, batch: StoredBatch, device_key: bytes | None, report: Audit) -> None:
    def altered(why: str) -> None:
        report.altered.append(Altered(batch.device_id, batch.id, batch.seq, why))

    if batch.head is None or batch.signature is None:
        altered("stored without its envelope's frame (head and signature)")
        return
    envelope, deleted, vanished = _rebuild(s, batch)
    if vanished:
        n = len(vanished)
        altered(
            f"{n} of its records {'is' if n == 1 else 'are'} missing, and no erasure or "
            f"retention deleted {'it' if n == 1 else 'them'}"
        )
        return
    if deleted:
        report.incomplete.append(
            Incomplete(batch.device_id, batch.id, batch.seq, Counter(deleted.values()))
        )
        return
    if envelope is None:
        altered("its stored records and frame no longer hash to the batch's hash")
        return
    try:
        signed = parse(envelope)
        if device_key is None:
            raise BadSignature("no such device")
        signed.verify(device_key)
    except (BatchFormatError, BadSignature):
        altered("the kiosk's signature does not verify over the envelope rebuilt")
        return
    if signed.hash != batch.hash:
        altered("the envelope rebuilt is not the batch the kiosk signed")
        return
    report.verified += 1
