"""Closing pending signatures into signed batches: when, and what goes into each.

A batch is closed inside one vault transaction (a backlog closes several in one; the vault's
half is kiosk/vault/batches.py): it takes the next batch number and the previous batch's hash,
is signed with the device key, and is stored in the same commit that sets each signature's
batch_id. A batch holds at most batch_size signatures and an envelope of at most max_bytes,
whichever comes first.

When a batch closes (`close_due`): as soon as it is full; once its first signature is `max_age`
old, whatever else; and earlier, once that signature is `min_age` old, when the round is
`quiet`: the server answers and no supporter is at the form (kiosk/desks/presence.py). So a
signature at a quiet table reaches the server about `min_age` after it was made, and at a busy
one a batch waits for a pause and carries several. What batch arrival times tell the server is
in docs/crypto.md ("What the server sees of time").
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from kiosk.clock import to_hour, utc_now
from kiosk.crypto.device_key import DeviceKey
from kiosk.protocol.batch import (
    MAX_ENVELOPE_BYTES,
    MAX_RECORDS,
    MAX_SEALED_BYTES,
    Batch,
    BatchRecord,
    envelope_bytes,
    event_field,
    record_body_bytes,
)
from kiosk.vault import Vault, batches
from kiosk.vault.batches import AppealKey, Pending
from kiosk.vault.state import event_name

log = logging.getLogger("kiosk.sync")

# Closing a backlog holds at most this many signatures (and their envelopes) in one transaction.
ROWS_PER_TRANSACTION = 5000
# A batch's envelope stays under this many bytes, whatever batch_size allows: a quarter of what
# the server accepts, and a request that a slow link can still carry in one go.
MAX_BATCH_BYTES = MAX_ENVELOPE_BYTES // 4


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
        min_age: timedelta = timedelta(seconds=30),
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
        if not timedelta(0) <= min_age <= max_age:
            raise ValueError(f"min_age must be 0 to max_age ({max_age}), not {min_age}")
        self._max_age = max_age.total_seconds()
        self._min_age = min_age.total_seconds()
        self._clock = clock
        self._monotonic = monotonic
        self._first_seen: dict[AppealKey, float] = {}

    def close_due(self, *, quiet: bool = False) -> list[str]:
        """Close every full batch, and the rest of an appeal's pending rows once they are
        `max_age` old, or `min_age` old when `quiet` (the server answers, nobody is mid-form)."""
        return self._close(force=False, quiet=quiet)

    def seconds_until_due(self) -> float | None:
        """How long until pending rows seen so far reach `min_age` or `max_age`, whichever
        comes next (None: nothing pending, or both passed already): the worker looks again
        then rather than at its next interval."""
        now = self._monotonic()
        waits = [
            first + limit - now
            for first in self._first_seen.values()
            for limit in (self._min_age, self._max_age)
            if first + limit > now
        ]
        return min(waits, default=None)

    def close_all(self) -> list[str]:
        """Close every pending signature now ("Sync now", export to a USB stick)."""
        return self._close(force=True, quiet=True)

    def _close(self, *, force: bool, quiet: bool) -> list[str]:
        closed: list[str] = []
        now = self._monotonic()
        pending = batches.pending_counts(self._vault)
        for appeal in pending:
            first_seen = self._first_seen.setdefault(appeal, now)
            age = now - first_seen
            take_rest = force or age >= self._max_age or (quiet and age >= self._min_age)
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
        if closed:
            # The closed rows' pages go into the database file and the WAL back to zero bytes:
            # a WAL that only grows is more to lose to damage (kiosk.vault.damage) and to read.
            self._vault.checkpoint()
        return closed

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
        created = to_hour(self._clock())  # signed into the batch and kept: to the hour
        event = event_field(event_name(self._vault))  # the event the rows were collected under
        left: int | None = 0

        def plan(
            head: batches.ChainHead, rows: Sequence[Pending], more: bool
        ) -> list[batches.ClosedBatch]:
            nonlocal left
            chunks = self._chunks(rows)
            left = None if more else 0
            if chunks and len(chunks[-1]) < self._batch_size and (more or not take_rest):
                # Cut short by the end of what was read: the next transaction, or a later
                # round, takes these rows.
                kept = len(chunks.pop())
                left = None if more else kept
            seq, prev_hash, made = head.seq, head.hash, []
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
                    event=event,
                    records=tuple(
                        BatchRecord(
                            r.id, r.device_seq, r.collected_hour, r.key_fingerprint, r.sealed
                        )
                        for r in chunk
                    ),
                )
                signed = batch.sign(self._key)
                made.append(
                    batches.ClosedBatch(
                        id=batch.batch_id,
                        seq=seq,
                        prev_hash=prev_hash,
                        hash=signed.hash,
                        appeal_id=appeal_id,
                        appeal_version=appeal_version,
                        device_seqs=tuple(r.device_seq for r in chunk),
                        last_device_seq=chunk[-1].device_seq,
                        created_at=created,
                        envelope=signed.to_bytes(),
                    )
                )
                prev_hash = signed.hash
            return made

        made = batches.close_pending(self._vault, appeal, limit=ROWS_PER_TRANSACTION, plan=plan)
        for closed in made:
            log.info(
                "closed batch #%d (%s) with %d signatures",
                closed.seq,
                closed.id,
                len(closed.device_seqs),
            )
        return [closed.id for closed in made], left
