"""Closing pending signatures into signed batches.

A batch is closed inside one vault transaction (a backlog closes several in one): it takes the
next batch number and the previous batch's hash, is signed with the device key, and its envelope
is stored in the same commit that sets each signature's batch_id. So a closed batch never
changes, the batch numbers have no gaps, and no signature is in two batches. The envelope goes
in a table of its own (batch_envelope): the batch row's state changes, and rewriting that row
must not rewrite the envelope's pages with it. A batch holds at
most batch_size signatures and an envelope of at most max_bytes, whichever comes first.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.orm import Session

from kiosk.clock import utc_now
from kiosk.crypto.device_key import DeviceKey
from kiosk.protocol.batch import (
    GENESIS_HASH,
    MAX_ENVELOPE_BYTES,
    MAX_RECORDS,
    MAX_SEALED_BYTES,
    Batch,
    BatchRecord,
    envelope_bytes,
    record_body_bytes,
)
from kiosk.vault import Vault
from kiosk.vault.models import BatchEnvelope, BatchState, StoredBatch, StoredSignature

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

log = logging.getLogger("kiosk.sync")

AppealKey = tuple[str, int]  # (appeal id, appeal version): a batch holds one appeal version
# Closing a backlog holds at most this many signatures (and their envelopes) in one transaction.
ROWS_PER_TRANSACTION = 5000
# A batch's envelope stays under this many bytes, whatever batch_size allows: a quarter of what
# the server accepts, and a request that a slow link can still carry in one go.
MAX_BATCH_BYTES = MAX_ENVELOPE_BYTES // 4
Pending = Row[str, int, datetime, str, bytes]  # id, device_seq, hour, fingerprint, sealed


class BatchCloser:
    """Decides when pending signatures become a batch, and closes them.

    The age limit is measured from when this process first saw a pending signature, not from
    when it was collected: the vault keeps only the hour of collection (on purpose), so after a
    restart the pending rows count as new. That delays a batch by at most one `max_age`.
    """

    def __init__(
        self,
        vault: Vault,
        device_key: DeviceKey,
        *,
        batch_size: int = 100,
        max_bytes: int = MAX_BATCH_BYTES,
        max_age: timedelta = timedelta(minutes=10),
        clock: Callable[[], datetime] = utc_now,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        if not 0 < batch_size <= MAX_RECORDS:
            raise ValueError(f"batch_size must be 1 to {MAX_RECORDS}, not {batch_size}")
        self._vault = vault
        self._key = device_key
        smallest = envelope_bytes(record_body_bytes(MAX_SEALED_BYTES))  # one record always fits
        if not smallest <= max_bytes <= MAX_ENVELOPE_BYTES:
            raise ValueError(
                f"max_bytes must be {smallest} to {MAX_ENVELOPE_BYTES}, not {max_bytes}"
            )
        self._batch_size = batch_size
        self._max_bytes = max_bytes
        self._max_age = max_age.total_seconds()
        self._clock = clock
        self._monotonic = monotonic
        self._first_seen: dict[AppealKey, float] = {}

    def close_due(self) -> list[str]:
        """Close every full batch, and the rest of an appeal's pending rows once they are old."""
        return self._close(force=False)

    def close_all(self) -> list[str]:
        """Close every pending signature now ("Sync now", export to a USB stick)."""
        return self._close(force=True)

    def _close(self, *, force: bool) -> list[str]:
        closed: list[str] = []
        now = self._monotonic()
        pending = self._pending_counts()
        for appeal in pending:
            first_seen = self._first_seen.setdefault(appeal, now)
            take_rest = force or now - first_seen >= self._max_age
            # A backlog closes in a few transactions, each reading the pending rows once.
            while True:
                done, left = self._close_some(appeal, take_rest=take_rest)
                closed += done
                if left is not None or not done:
                    break
            if left == 0:
                del self._first_seen[appeal]
        for appeal in set(self._first_seen) - set(pending):
            del self._first_seen[appeal]
        return closed

    def _pending_counts(self) -> dict[AppealKey, int]:
        query = (
            select(StoredSignature.appeal_id, StoredSignature.appeal_version, func.count())
            .where(StoredSignature.batch_id.is_(None))
            .group_by(StoredSignature.appeal_id, StoredSignature.appeal_version)
        )
        with Session(self._vault.engine) as s:
            return {(a, v): n for a, v, n in s.execute(query)}

    def _chunks(self, rows: Sequence[Pending]) -> list[Sequence[Pending]]:
        """Consecutive runs of at most batch_size rows whose envelope fits in max_bytes."""
        chunks: list[Sequence[Pending]] = []
        start = size = 0
        for i, row in enumerate(rows):
            cost = record_body_bytes(len(row.sealed))
            full = i - start == self._batch_size or envelope_bytes(size + cost) > self._max_bytes
            if i > start and full:
                chunks.append(rows[start:i])
                start, size = i, 0
            size += cost
        if start < len(rows):
            chunks.append(rows[start:])
        return chunks

    def _close_some(self, appeal: AppealKey, *, take_rest: bool) -> tuple[list[str], int | None]:
        """Close consecutive batches from the oldest pending rows in one transaction: one read
        of the pending rows, one commit, however many batches. Every batch but the last is full
        (batch_size rows, or as many as fit in max_bytes); the last closes if it is full too, or
        with `take_rest` when it holds the newest pending rows.

        Returns the closed batch ids and how many rows stay pending, or None when rows beyond
        this transaction's are pending too (the caller closes again)."""
        appeal_id, appeal_version = appeal
        created = self._clock().astimezone(UTC).replace(microsecond=0)
        made: list[tuple[Batch, int]] = []
        # The vault's transactions begin IMMEDIATE: the write lock is held from the first read of
        # the chain's head to the commit, so two closers cannot take the same number.
        with Session(self._vault.engine) as s, s.begin():
            head = s.execute(
                select(StoredBatch.seq, StoredBatch.hash).order_by(StoredBatch.seq.desc()).limit(1)
            ).first()
            seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
            rows: Sequence[Pending] = s.execute(
                select(
                    StoredSignature.id,
                    StoredSignature.device_seq,
                    StoredSignature.collected_hour,
                    StoredSignature.key_fingerprint,
                    StoredSignature.sealed,
                )
                .where(
                    StoredSignature.batch_id.is_(None),
                    # `|| ''` keeps SQLite off the appeal_id index: every row of the vault has
                    # the same appeal, so that index reads them all, batched or not, each time.
                    # The batch_id index reads only the pending ones.
                    StoredSignature.appeal_id.concat("") == appeal_id,
                    StoredSignature.appeal_version == appeal_version,
                )
                .order_by(StoredSignature.device_seq)
                .limit(ROWS_PER_TRANSACTION + 1)
            ).all()
            more = len(rows) > ROWS_PER_TRANSACTION
            chunks = self._chunks(rows[:ROWS_PER_TRANSACTION])
            left: int | None = None if more else 0
            if chunks and len(chunks[-1]) < self._batch_size and (more or not take_rest):
                # Cut short by the end of what was read: the next transaction, or a later
                # round, takes these rows.
                kept = len(chunks.pop())
                left = None if more else kept
            for chunk in chunks:
                seq += 1
                batch = Batch(
                    batch_id=str(uuid.uuid4()),
                    device_id=self._vault.device_id,
                    seq=seq,
                    prev_hash=prev_hash,
                    appeal_id=appeal_id,
                    appeal_version=appeal_version,
                    created_at=created,
                    records=tuple(
                        BatchRecord(
                            r.id, r.device_seq, r.collected_hour, r.key_fingerprint, r.sealed
                        )
                        for r in chunk
                    ),
                )
                signed = batch.sign(self._key)
                prev_hash = signed.hash
                s.execute(
                    insert(StoredBatch).values(
                        id=batch.batch_id,
                        seq=batch.seq,
                        prev_hash=batch.prev_hash,
                        hash=prev_hash,
                        appeal_id=appeal_id,
                        appeal_version=appeal_version,
                        record_count=len(chunk),
                        last_device_seq=chunk[-1].device_seq,
                        state=BatchState.PENDING,
                        attempts=0,
                        created_at=created.replace(tzinfo=None),
                    )
                )
                s.execute(
                    insert(BatchEnvelope).values(
                        batch_id=batch.batch_id, envelope=signed.to_bytes()
                    )
                )
                result = cast(
                    "CursorResult[Any]",
                    s.execute(
                        update(StoredSignature)
                        .where(
                            StoredSignature.id.in_([r.id for r in chunk]),
                            # `|| ''` again: on the batch_id index, `IS NULL` would read every
                            # pending row of the backlog for each batch instead of these by id.
                            StoredSignature.batch_id.concat("").is_(None),
                        )
                        .values(batch_id=batch.batch_id)
                        .execution_options(synchronize_session=False)
                    ),
                )
                if result.rowcount != len(chunk):  # cannot happen under the write lock
                    raise RuntimeError("pending signatures changed while a batch was being closed")
                made.append((batch, len(chunk)))
        for batch, n in made:
            log.info("closed batch #%d (%s) with %d signatures", batch.seq, batch.batch_id, n)
        return [batch.batch_id for batch, _ in made], left
