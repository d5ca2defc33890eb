from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sync_types import AddSignatures  # type: ignore[import-not-found]

from kiosk.crypto.device_key import DeviceKey
from kiosk.protocol.batch import GENESIS_HASH, parse
from kiosk.sync.closer import BatchCloser
from kiosk.vault import VAULT_FILE, Vault, outbox, state
from kiosk.vault.models import BatchEnvelope, StoredBatch


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _closer(vault: Vault, key: DeviceKey, clock: FakeMonotonic, size: int = 5) -> BatchCloser:
    return BatchCloser(vault, key, batch_size=size, max_age=timedelta(minutes=10), monotonic=clock)


def _stored(vault: Vault) -> list[SimpleNamespace]:
    """Each batch row's columns and its envelope (outbox.envelope: its frame around its
    signatures' sealed records); a batch without a frame would be missing here."""
    query = (
        select(StoredBatch.__table__)
        .join(BatchEnvelope, BatchEnvelope.batch_id == StoredBatch.id)
        .order_by(StoredBatch.seq)
    )
    with Session(vault.engine) as s:
        rows = list(s.execute(query))
    return [
        SimpleNamespace(**r._mapping, envelope=outbox.envelope(vault, r.id, r.hash)) for r in rows
    ]


def test_closes_a_batch_only_when_full(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    clock = FakeMonotonic()
    closer = _closer(vault, device_key, clock)
    add_signatures(4)
    assert closer.close_due() == []
    add_signatures(7)
    closed = closer.close_due()
    assert len(closed) == 2  # 11 pending: two full batches of 5, one signature waits
    assert [b.record_count for b in _stored(vault)] == [5, 5]
    assert sum(1 for row in vault.signatures() if row.batch_id is None) == 1


def test_closes_the_rest_once_the_oldest_pending_is_old(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    clock = FakeMonotonic()
    closer = _closer(vault, device_key, clock)
    add_signatures(2)
    assert closer.close_due() == []
    clock.now += 599
    assert closer.close_due() == []
    clock.now += 1
    (batch_id,) = closer.close_due()
    (stored,) = _stored(vault)
    assert stored.id == batch_id and stored.record_count == 2
    # The clock restarts for signatures that arrive after the batch closed.
    add_signatures(1)
    assert closer.close_due() == []


def test_on_demand_closes_everything_pending_per_appeal(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    closer = _closer(vault, device_key, FakeMonotonic())
    add_signatures(3, appeal_id="first")
    add_signatures(2, appeal_id="second")
    add_signatures(1, appeal_id="first", version=2)
    closer.close_all()
    batches = _stored(vault)
    assert sorted((b.appeal_id, b.appeal_version, b.record_count) for b in batches) == [
        ("first", 1, 3),
        ("first", 2, 1),
        ("second", 1, 2),
    ]
    assert closer.close_all() == []


def test_batches_form_a_gap_free_chain_of_signed_envelopes(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    closer = _closer(vault, device_key, FakeMonotonic(), size=3)
    added = add_signatures(10)
    closer.close_all()
    batches = _stored(vault)
    assert [b.seq for b in batches] == [1, 2, 3, 4]
    previous = GENESIS_HASH
    seen: list[str] = []
    for stored in batches:
        assert stored.envelope is not None
        signed = parse(stored.envelope)
        signed.verify(device_key.public_bytes)
        assert signed.hash == stored.hash
        assert signed.batch.prev_hash == stored.prev_hash == previous
        assert signed.batch.seq == stored.seq
        assert signed.batch.device_id == vault.device_id
        previous = stored.hash
        seen.extend(r.id for r in signed.batch.records)
    # Every signature in exactly one batch, in collection order, sealed bytes untouched.
    assert seen == [a.id for a in added]
    by_id = {a.id: a.sealed for a in added}
    for stored in batches:
        assert stored.envelope is not None
        for record in parse(stored.envelope).batch.records:
            assert record.sealed == by_id[record.id]
    assert {row.batch_id for row in vault.signatures()} == {b.id for b in batches}


def test_two_closers_never_put_a_signature_in_two_batches(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    import threading

    add_signatures(60)
    closers = [_closer(vault, device_key, FakeMonotonic(), size=4) for _ in range(3)]
    threads = [threading.Thread(target=c.close_all) for c in closers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    batches = _stored(vault)
    assert [b.seq for b in batches] == list(range(1, len(batches) + 1))
    ids = [r.id for b in batches if b.envelope for r in parse(b.envelope).batch.records]
    assert len(ids) == len(set(ids)) == 60


def test_batch_size_is_bounded_by_the_format() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        BatchCloser(None, DeviceKey.generate(), batch_size=1001)  # type: ignore[arg-type]


def test_a_backlog_closes_across_transactions_into_one_unbroken_chain(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A backlog closes several batches per transaction (one read of the pending rows, one
    commit); across those transactions the numbers, the hash chain and the rows still hold."""
    monkeypatch.setattr("kiosk.sync.closer.ROWS_PER_TRANSACTION", 12)  # 2 batches of 5 each
    added = add_signatures(33)
    closer = _closer(vault, device_key, FakeMonotonic(), size=5)
    closed = closer.close_due()  # six full batches; the last 3 wait until they are old
    stored = _stored(vault)
    assert [b.id for b in stored] == closed and [b.seq for b in stored] == [1, 2, 3, 4, 5, 6]
    prev = GENESIS_HASH
    records = []
    for b in stored:
        assert b.envelope is not None
        signed = parse(b.envelope)
        assert (signed.batch.prev_hash, signed.hash) == (prev, b.hash)
        assert b.last_device_seq == signed.batch.records[-1].device_seq
        prev = signed.hash
        records += [r.id for r in signed.batch.records]
    assert records == [s.id for s in added[:30]]  # oldest first, each once
    assert closer.close_all() and [
        r.id for r in parse(_stored(vault)[-1].envelope).batch.records
    ] == [s.id for s in added[30:]]


def test_a_batch_closes_early_rather_than_outgrow_max_bytes(
    vault: Vault, device_key: DeviceKey
) -> None:
    """Large sealed records (drawn signatures) make a batch full by size before batch_size:
    every envelope stays within max_bytes, and one that is full by size closes without
    waiting for the age limit."""
    import os
    import uuid

    from kiosk.vault import NewSignature

    for size in [120_000] * 7 + [100]:
        vault.add(
            NewSignature(
                id=str(uuid.uuid4()),
                appeal_id="test-appeal",
                appeal_version=1,
                collected_hour=datetime(2025, 5, 1, 10),
                key_fingerprint="abcd-ef01",
                sealed=os.urandom(size),
            )
        )
    limit = 400_000  # three records of 120 kB (bytes once in the envelope), not four
    closer = BatchCloser(vault, device_key, batch_size=100, max_bytes=limit)
    closed = closer.close_due()
    assert [b.record_count for b in _stored(vault)] == [3, 3]  # the last two wait
    assert closer.close_all() and [b.record_count for b in _stored(vault)] == [3, 3, 2]
    for stored in _stored(vault):
        assert stored.envelope is not None and len(stored.envelope) <= limit
        parse(stored.envelope).verify(device_key.public_bytes)
    assert len(closed) == 2


def test_max_bytes_must_hold_the_largest_record_and_fit_the_server() -> None:
    with pytest.raises(ValueError, match="max_bytes"):
        BatchCloser(None, DeviceKey.generate(), max_bytes=64 * 1024)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_bytes"):
        BatchCloser(None, DeviceKey.generate(), max_bytes=17 * 1024 * 1024)  # type: ignore[arg-type]


def test_closing_batches_empties_the_wal(
    vault: Vault, data_dir: Path, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    wal = data_dir / f"{VAULT_FILE}-wal"
    add_signatures(5)
    assert wal.stat().st_size > 0
    BatchCloser(vault, device_key).close_all()
    assert wal.stat().st_size == 0


def test_a_quiet_round_closes_the_rest_once_it_is_min_age_old(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    """The server answers and nobody is at the form: a lone signature goes after min_age, not
    after max_age; not before min_age, and never early while the round is not quiet."""
    clock = FakeMonotonic()
    closer = BatchCloser(
        vault,
        device_key,
        batch_size=5,
        min_age=timedelta(seconds=30),
        max_age=timedelta(minutes=10),
        monotonic=clock,
    )
    add_signatures(1)
    assert closer.close_due(quiet=True) == []  # first seen now
    assert closer.seconds_until_due() == 30
    clock.now += 29
    assert closer.close_due(quiet=True) == []
    assert closer.seconds_until_due() == pytest.approx(1)
    clock.now += 1
    assert closer.close_due(quiet=False) == []  # a supporter mid-form, or the server away
    assert closer.seconds_until_due() == pytest.approx(570)  # next: the upper bound
    assert len(closer.close_due(quiet=True)) == 1
    assert [b.record_count for b in _stored(vault)] == [1]
    assert closer.seconds_until_due() is None  # nothing pending


def test_max_age_stays_the_upper_bound_when_the_table_is_never_quiet(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    clock = FakeMonotonic()
    closer = BatchCloser(
        vault, device_key, batch_size=5, min_age=timedelta(seconds=30), monotonic=clock
    )
    add_signatures(2)
    assert closer.close_due(quiet=False) == []
    clock.now += 599
    assert closer.close_due(quiet=False) == []
    clock.now += 1
    assert len(closer.close_due(quiet=False)) == 1


def test_min_age_must_lie_between_zero_and_max_age(vault: Vault, device_key: DeviceKey) -> None:
    with pytest.raises(ValueError, match="min_age must be 0 to max_age"):
        BatchCloser(vault, device_key, min_age=timedelta(minutes=11), max_age=timedelta(minutes=10))


def test_closing_writes_no_signature_row_and_no_copy_of_its_sealed_record(
    vault: Vault, data_dir: Path, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    """Batch membership is its own small table (vault 0012): closing sets it there. Before,
    each signature row was rewritten with its sealed record to set its batch_id."""
    from sqlalchemy import event

    added = add_signatures(200)
    vault.checkpoint()
    wal = data_dir / f"{VAULT_FILE}-wal"
    assert wal.stat().st_size == 0
    writes: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        words = statement.split()
        if words[0].upper() in ("INSERT", "UPDATE", "DELETE", "REPLACE"):
            writes.append(" ".join(words[:3]).upper())

    event.listen(vault.engine, "before_cursor_execute", seen)
    try:
        closed = _closer(vault, device_key, FakeMonotonic(), size=100).close_all()
    finally:
        event.remove(vault.engine, "before_cursor_execute", seen)
    assert len(closed) == 2
    assert not [w for w in writes if w.split()[-1] == "SIGNATURE"], writes
    assert any("SIGNATURE_BATCH" in w for w in writes)
    envelopes = sum(len(row.envelope) for row in _stored(vault))
    sealed = sum(len(n.sealed) for n in added)
    assert envelopes > sealed  # the envelopes, as sent, hold every sealed record once
    # The WAL holds the envelopes' frames and the membership: no copy of the sealed records.
    assert wal.stat().st_size < 0.25 * sealed
    assert {row.batch_id for row in vault.signatures()} == set(closed)


def test_each_batch_is_signed_with_the_event_the_kiosk_collects_under(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    closer = _closer(vault, device_key, FakeMonotonic(), size=2)
    add_signatures(2)
    closer.close_all()  # no event yet (not enrolled, no name on the panel)
    with state.edit(vault) as row:
        row.event_name = "Evening rally, Piazza\x07 Maggiore"  # a bell typed in: dropped
    add_signatures(2)
    closer.close_all()
    first, second = (parse(b.envelope).batch for b in _stored(vault))
    assert first.event is None
    assert second.event == "Evening rally, Piazza Maggiore"
