"""The vault's side of delivery: which batches still have to go, and what happened to each.

State machine of a batch: pending → sent (before each request) → acknowledged (only after a 2xx
receipt with the batch's own hash). A sent batch may or may not have reached the server; it is
offered again until acknowledged, which is safe because the server answers the identical batch
with the same receipt.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from kiosk.clock import to_hour
from kiosk.crypto.digest import sha256_bytes_hex
from kiosk.errors import VaultError
from kiosk.protocol.batch import join_envelope
from kiosk.protocol.receipt import SignedReceipt
from kiosk.vault import Vault
from kiosk.vault.models import (
    BatchEnvelope,
    BatchState,
    SignatureBatch,
    StoredBatch,
    StoredSignature,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

log = logging.getLogger("kiosk.sync")


@dataclass(frozen=True)
class OutgoingBatch:
    id: str
    seq: int
    hash: str
    record_count: int
    _vault: Vault = field(compare=False, repr=False)

    @property
    def envelope(self) -> bytes:
        """Its signed envelope, joined from the vault when asked for (a backlog's envelopes
        together may be hundreds of megabytes)."""
        return envelope(self._vault, self.id, self.hash)


@dataclass(frozen=True)
class Backlog:
    pending_signatures: int  # not yet in any batch
    unsent_batches: int  # closed, not acknowledged
    unsent_signatures: int  # in those batches

    @property
    def waiting_total(self) -> int:
        return self.pending_signatures + self.unsent_signatures


def _hour(moment: datetime) -> datetime:
    """A batch's times are kept to the hour: with one signature in a batch at a quiet table,
    a finer time would time that signature, even after the purge."""
    return to_hour(moment).replace(tzinfo=None)


def unacknowledged(vault: Vault) -> list[OutgoingBatch]:
    """Every batch the server has not confirmed, oldest first (the chain's order)."""
    query = (
        select(StoredBatch.id, StoredBatch.seq, StoredBatch.hash, StoredBatch.record_count)
        .join(BatchEnvelope, BatchEnvelope.batch_id == StoredBatch.id)
        .where(StoredBatch.state != BatchState.ACKNOWLEDGED)
        .order_by(StoredBatch.seq)
    )
    with vault.session() as s:
        return [OutgoingBatch(*row, vault) for row in s.execute(query)]


def envelope(vault: Vault, batch_id: str, batch_hash: str) -> bytes:
    """The batch's envelope as the closer signed it: its frame (batch_envelope) around its
    sealed records (the signature rows, in device order), checked against the batch's hash."""
    with vault.session() as s:
        frame = s.execute(
            select(BatchEnvelope.head, BatchEnvelope.signature).where(
                BatchEnvelope.batch_id == batch_id
            )
        ).one_or_none()
        sealed = list(
            s.scalars(
                select(StoredSignature.sealed)
                .join(SignatureBatch, SignatureBatch.device_seq == StoredSignature.device_seq)
                .where(SignatureBatch.batch_id == batch_id)
                .order_by(SignatureBatch.device_seq)
            )
        )
    if frame is None or sha256_bytes_hex(b"".join((frame.head, *sealed))) != batch_hash:
        log.error("batch %s does not read back as it was signed", batch_id)
        raise VaultError(
            "A batch of signatures does not read back from the signature store as it was "
            "closed. Nothing was sent; keep a copy of the data directory as it is and contact "
            "your coordinator."
        )
    return join_envelope(frame.head, sealed, frame.signature)


def mark_sent(vault: Vault, batch_id: str, now: datetime, *also: str) -> None:
    """Mark a batch sent (and `also` these, in the same commit)."""
    with vault.session(write=True) as s:
        for one in (batch_id, *also):
            _mark_sent(s, one, now)


def mark_acknowledged(
    vault: Vault, signed: SignedReceipt, now: datetime, *, send_next: str | None = None
) -> None:
    """Acknowledge the sent batch `receipt` is for, keeping the receipt, and in the same commit
    mark `send_next` sent: one commit per batch while a backlog uploads, instead of two.

    The batch counts as acknowledged from the server's `received_at` (its receipt's time), not
    this kiosk's clock, so a kiosk clock that jumped forward cannot make retention run out early
    for it; a receipt time ahead of this kiosk's clock counts as now."""
    with vault.session(write=True) as s:
        s.execute(
            update(StoredBatch)
            .where(StoredBatch.id == signed.receipt.batch_id, StoredBatch.state == BatchState.SENT)
            .values(
                state=BatchState.ACKNOWLEDGED,
                receipt=signed.to_text(),
                acknowledged_at=_hour(min(signed.receipt.received_at, now)),
                last_error=None,
            )
        )
        if send_next is not None:
            _mark_sent(s, send_next, now)


def _mark_sent(s: Session, batch_id: str, now: datetime) -> None:
    s.execute(
        update(StoredBatch)
        .where(StoredBatch.id == batch_id, StoredBatch.state != BatchState.ACKNOWLEDGED)
        .values(state=BatchState.SENT, attempts=StoredBatch.attempts + 1, sent_at=_hour(now))
    )


def record_error(vault: Vault, batch_id: str, message: str) -> None:
    with vault.session(write=True) as s:
        s.execute(update(StoredBatch).where(StoredBatch.id == batch_id).values(last_error=message))


def backlog(vault: Vault) -> Backlog:
    with vault.session() as s:
        pending = s.scalar(
            select(func.count())
            .select_from(SignatureBatch)
            .where(SignatureBatch.batch_id.is_(None))
        )
        batches, signatures = s.execute(
            select(func.count(), func.coalesce(func.sum(StoredBatch.record_count), 0)).where(
                StoredBatch.state != BatchState.ACKNOWLEDGED
            )
        ).one()
    return Backlog(pending or 0, batches, signatures)


def acknowledged_through(vault: Vault) -> int:
    """The last device sequence number in an acknowledged batch (0 if none). Batches are
    acknowledged in order, so every signature up to it has reached the server."""
    with vault.session() as s:
        last = s.scalar(
            select(func.max(StoredBatch.last_device_seq)).where(
                StoredBatch.state == BatchState.ACKNOWLEDGED
            )
        )
    return int(last or 0)


def last_acknowledged_at(vault: Vault) -> datetime | None:
    with vault.session() as s:
        moment = s.scalar(select(func.max(StoredBatch.acknowledged_at)))
    return moment.replace(tzinfo=UTC) if moment else None


def purge(vault: Vault, retention: timedelta, now: datetime) -> int:
    """Delete the sealed rows of batches acknowledged more than `retention` ago.

    Keeps each batch row as its receipt (ids, hash, count, the server's receipt) and deletes
    its envelope (the batch_envelope row). secure_delete overwrites the freed pages; the
    checkpoint then truncates the WAL so the old page images go too. Returns the number of
    signatures purged.
    """
    cutoff = (now - retention).astimezone(UTC).replace(tzinfo=None)
    with vault.session(write=True) as s:
        due = select(StoredBatch.id).where(
            StoredBatch.state == BatchState.ACKNOWLEDGED,
            StoredBatch.acknowledged_at <= cutoff,
            StoredBatch.purged_at.is_(None),
        )
        ids = list(s.scalars(due))
        if not ids:
            return 0
        members = select(SignatureBatch.device_seq).where(SignatureBatch.batch_id.in_(ids))
        deleted = cast(
            "CursorResult[Any]",
            s.execute(
                delete(StoredSignature)
                .where(StoredSignature.device_seq.in_(members))
                .execution_options(synchronize_session=False)
            ),
        )
        removed = deleted.rowcount
        s.execute(
            delete(SignatureBatch)
            .where(SignatureBatch.batch_id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        s.execute(
            delete(BatchEnvelope)
            .where(BatchEnvelope.batch_id.in_(ids))
            .execution_options(synchronize_session=False)
        )
        s.execute(
            update(StoredBatch)
            .where(StoredBatch.id.in_(ids))
            .values(purged_at=_hour(now))
            .execution_options(synchronize_session=False)
        )
    vault.checkpoint()
    log.info("purged %d signatures of %d acknowledged batches", removed, len(ids))
    return int(removed)
