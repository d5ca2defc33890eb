"""Closing pending signatures into batches: the vault's half.

One write transaction reads the chain's head and the oldest pending rows, hands them to the
caller's `plan` (kiosk/sync/closer.py decides what goes into each batch and signs it), and
stores what it returns: the batch rows, their envelopes, and each signature's batch, in the
same commit. So a closed batch never changes, batch numbers have no gaps and no signature is in
two batches. The envelope goes in a table of its own (batch_envelope): the batch row's state
changes, and rewriting that row must not rewrite the envelope's pages with it; and only its
frame (head and signature) is written, since its sealed records are the signature rows' own.
Membership is in one too (signature_batch, a few bytes per signature): closing a batch sets it
there, and never rewrites a signature row with its sealed record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Row, func, insert, select, update

from kiosk.errors import VaultError
from kiosk.message import QT_TRANSLATE_NOOP, Message
from kiosk.protocol.batch import GENESIS_HASH, split_envelope
from kiosk.vault.models import (
    BatchEnvelope,
    BatchState,
    SignatureBatch,
    StoredBatch,
    StoredSignature,
)

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

    from kiosk.vault.store import Vault

AppealKey = tuple[str, int]  # (appeal id, appeal version): a batch holds one appeal version
Pending = Row[str, int, datetime, str, bytes]  # id, device_seq, hour, fingerprint, sealed


@dataclass(frozen=True)
class ChainHead:
    seq: int  # the last closed batch's number (0 before the first)
    hash: str  # its hash, the next batch's prev_hash


@dataclass(frozen=True)
class ClosedBatch:
    id: str
    seq: int
    prev_hash: str
    hash: str
    appeal_id: str
    appeal_version: int
    device_seqs: tuple[int, ...]  # its signatures
    last_device_seq: int
    created_at: datetime  # aware, UTC
    envelope: bytes


# plan(head, oldest pending rows, whether more rows are pending beyond them) -> the batches
Plan = Callable[[ChainHead, Sequence[Pending], bool], list[ClosedBatch]]


def pending_counts(vault: Vault) -> dict[AppealKey, int]:
    query = (
        select(StoredSignature.appeal_id, StoredSignature.appeal_version, func.count())
        .select_from(SignatureBatch)
        .join(StoredSignature, StoredSignature.device_seq == SignatureBatch.device_seq)
        .where(SignatureBatch.batch_id.is_(None))
        .group_by(StoredSignature.appeal_id, StoredSignature.appeal_version)
    )
    with vault.session() as s:
        return {(a, v): n for a, v, n in s.execute(query)}


def close_pending(vault: Vault, appeal: AppealKey, *, limit: int, plan: Plan) -> list[ClosedBatch]:
    """Close batches from at most `limit` of the appeal's oldest pending rows, as `plan` says,
    in one transaction. The vault's transactions begin IMMEDIATE: the write lock is held from
    the first read of the chain's head to the commit, so two closers cannot take one number."""
    appeal_id, appeal_version = appeal
    with vault.session(write=True) as s:
        last = s.execute(
            select(StoredBatch.seq, StoredBatch.hash).order_by(StoredBatch.seq.desc()).limit(1)
        ).first()
        head = ChainHead(last.seq, last.hash) if last else ChainHead(0, GENESIS_HASH)
        rows: Sequence[Pending] = s.execute(
            select(
                StoredSignature.id,
                StoredSignature.device_seq,
                StoredSignature.collected_hour,
                StoredSignature.key_fingerprint,
                StoredSignature.sealed,
            )
            .select_from(SignatureBatch)
            .join(StoredSignature, StoredSignature.device_seq == SignatureBatch.device_seq)
            .where(
                SignatureBatch.batch_id.is_(None),
                # `|| ''` keeps SQLite off the appeal_id index: every row of the vault has the
                # same appeal, so that index reads them all, batched or not, each time. The
                # membership's batch_id index reads only the pending ones.
                StoredSignature.appeal_id.concat("") == appeal_id,
                StoredSignature.appeal_version == appeal_version,
            )
            .order_by(SignatureBatch.device_seq)
            .limit(limit + 1)
        ).all()
        made = plan(head, rows[:limit], len(rows) > limit)
        for batch in made:
            _store(s, batch)
    return made


def _store(s: Any, batch: ClosedBatch) -> None:
    s.execute(
        insert(StoredBatch).values(
            id=batch.id,
            seq=batch.seq,
            prev_hash=batch.prev_hash,
            hash=batch.hash,
            appeal_id=batch.appeal_id,
            appeal_version=batch.appeal_version,
            record_count=len(batch.device_seqs),
            last_device_seq=batch.last_device_seq,
            state=BatchState.PENDING,
            attempts=0,
            created_at=batch.created_at.astimezone(UTC).replace(tzinfo=None),
        )
    )
    head, signature = split_envelope(batch.envelope)  # the records stay in their own rows
    s.execute(insert(BatchEnvelope).values(batch_id=batch.id, head=head, signature=signature))
    result = cast(
        "CursorResult[Any]",
        s.execute(
            update(SignatureBatch)
            .where(
                SignatureBatch.device_seq.in_(batch.device_seqs),
                # `|| ''` again: on the batch_id index, `IS NULL` would read every pending row
                # of the backlog for each batch instead of these by number.
                SignatureBatch.batch_id.concat("").is_(None),
            )
            .values(batch_id=batch.id)
            .execution_options(synchronize_session=False)
        ),
    )
    if result.rowcount != len(batch.device_seqs):
        # Under the write lock only a damaged file does this; the transaction rolls back.
        raise VaultError(
            Message(
                QT_TRANSLATE_NOOP(
                    "vault",
                    "The signature store does not hold together: signatures read for a batch "
                    "were not there to update. Nothing was changed; keep a copy of the data "
                    "directory as it is and contact your coordinator.",
                )
            )
        )
