"""Batch delivery state in the vault, and purging acknowledged batches."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from receipts import receipt
from sqlalchemy import select
from sqlalchemy.orm import Session
from sync_types import AddSignatures  # type: ignore[import-not-found]

from kiosk.crypto.device_key import DeviceKey
from kiosk.protocol.receipt import Receipt
from kiosk.sync.closer import BatchCloser
from kiosk.vault import NewSignature, Vault, outbox
from kiosk.vault.models import BatchEnvelope, BatchState, StoredBatch

NOW = datetime(2025, 5, 1, 12, tzinfo=UTC)


def _batch(vault: Vault, batch_id: str) -> StoredBatch:
    with Session(vault.engine, expire_on_commit=False) as s:
        return s.get_one(StoredBatch, batch_id)


def _receipt(vault: Vault, b: outbox.OutgoingBatch, when: datetime = NOW) -> Receipt:
    return receipt(vault, b, when)


def test_state_moves_pending_sent_acknowledged_and_only_from_sent(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    add_signatures(3)
    (batch_id,) = BatchCloser(vault, device_key).close_all()
    (out,) = outbox.unacknowledged(vault)
    assert _batch(vault, batch_id).state == BatchState.PENDING
    # Acknowledging a batch that was never marked sent does nothing: the order is enforced.
    outbox.mark_acknowledged(vault, _receipt(vault, out, NOW), NOW)
    assert _batch(vault, batch_id).state == BatchState.PENDING

    outbox.mark_sent(vault, batch_id, NOW)
    outbox.record_error(vault, batch_id, "The server cannot be reached; retrying.")
    outbox.mark_sent(vault, batch_id, NOW)
    stored = _batch(vault, batch_id)
    assert (stored.state, stored.attempts) == (BatchState.SENT, 2)
    assert outbox.backlog(vault) == outbox.Backlog(0, 1, 3)

    outbox.mark_acknowledged(vault, _receipt(vault, out, NOW), NOW)
    stored = _batch(vault, batch_id)
    assert stored.state == BatchState.ACKNOWLEDGED and stored.last_error is None
    assert json.loads(stored.receipt or "")["receipt"]["hash"] == out.hash
    assert outbox.unacknowledged(vault) == []
    assert outbox.last_acknowledged_at(vault) == NOW
    # A late "sent" (a retry racing the receipt) never demotes an acknowledged batch.
    outbox.mark_sent(vault, batch_id, NOW)
    assert _batch(vault, batch_id).state == BatchState.ACKNOWLEDGED


def test_acknowledging_can_mark_the_next_batch_sent_in_the_same_commit(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    add_signatures(6)
    BatchCloser(vault, device_key, batch_size=2).close_all()
    first, second, third = outbox.unacknowledged(vault)
    outbox.mark_sent(vault, first.id, NOW)
    outbox.mark_acknowledged(vault, _receipt(vault, first, NOW), NOW, send_next=second.id)
    assert [_batch(vault, b.id).state for b in (first, second, third)] == [
        BatchState.ACKNOWLEDGED,
        BatchState.SENT,
        BatchState.PENDING,
    ]
    assert _batch(vault, second.id).attempts == 1
    # A receipt for a batch that was not sent changes nothing, not even the next one.
    outbox.mark_acknowledged(vault, _receipt(vault, third, NOW), NOW, send_next=None)
    assert _batch(vault, third.id).state == BatchState.PENDING


def test_backlog_counts_pending_signatures_and_unsent_batches(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    add_signatures(7)
    BatchCloser(vault, device_key, batch_size=3).close_due()
    assert outbox.backlog(vault) == outbox.Backlog(
        pending_signatures=1, unsent_batches=2, unsent_signatures=6
    )


def _acknowledge_all(vault: Vault, when: datetime) -> None:
    for b in outbox.unacknowledged(vault):
        outbox.mark_sent(vault, b.id, when)
        outbox.mark_acknowledged(vault, _receipt(vault, b, when), when)


def test_purge_waits_for_retention_then_keeps_only_the_receipt(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    add_signatures(4)
    closer = BatchCloser(vault, device_key, batch_size=2)
    closer.close_all()
    _acknowledge_all(vault, NOW)
    add_signatures(2)  # a later batch, still unsent: never purged
    closer.close_all()
    week = timedelta(days=7)

    assert outbox.purge(vault, week, NOW + week - timedelta(seconds=1)) == 0
    assert vault.count() == 6
    assert outbox.purge(vault, week, NOW + week) == 4
    assert vault.count() == 2
    with Session(vault.engine) as s:
        batches = list(s.scalars(select(StoredBatch).order_by(StoredBatch.seq)))
        enveloped = set(s.scalars(select(BatchEnvelope.batch_id)))
        assert [(b.state, b.id in enveloped) for b in batches] == [
            (BatchState.ACKNOWLEDGED, False),
            (BatchState.ACKNOWLEDGED, False),
            (BatchState.PENDING, True),
        ]
        assert all(b.receipt and b.hash and b.purged_at for b in batches[:2])
        assert batches[2].purged_at is None
    assert outbox.purge(vault, week, NOW + 2 * week) == 0


def test_the_sequence_continues_after_every_row_was_purged(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    add_signatures(3)
    BatchCloser(vault, device_key).close_all()
    _acknowledge_all(vault, NOW)
    outbox.purge(vault, timedelta(0), NOW)
    assert vault.count() == 0
    add_signatures(1)
    (row,) = vault.signatures()
    assert row.device_seq == 4


def test_purged_blobs_are_gone_from_the_database_and_wal_files(
    vault: Vault, data_dir: Path, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    added = add_signatures(20)
    BatchCloser(vault, device_key, batch_size=10).close_all()
    # The raw blobs (signature rows) and each stored envelope frame's header and signature
    # (batch_envelope; the records between them are the signature rows').
    envelopes = [b.envelope for b in outbox.unacknowledged(vault)]
    _acknowledge_all(vault, NOW)
    needles = [a.sealed for a in added] + [p for e in envelopes for p in (e[20:80], e[-64:])]

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in sorted(data_dir.glob("vault.sqlite3*")))

    vault.checkpoint()
    assert all(n in on_disk() for n in needles)  # the check can see them while they exist

    assert outbox.purge(vault, timedelta(days=1), NOW + timedelta(days=1)) == 20
    leftover = [n for n in needles if n in on_disk()]
    assert leftover == []
    wal = data_dir / "vault.sqlite3-wal"
    assert not wal.exists() or wal.stat().st_size == 0


def test_state_changes_do_not_rewrite_the_envelope(
    vault: Vault, data_dir: Path, device_key: DeviceKey
) -> None:
    """Marking a batch sent, recording an error and acknowledging it write the small batch row:
    the WAL grows by a few pages for each, not by a copy of the envelope's overflow pages."""
    for _ in range(10):
        vault.add(
            NewSignature(
                id=str(uuid.uuid4()),
                appeal_id="test-appeal",
                appeal_version=1,
                collected_hour=NOW.replace(tzinfo=None),
                key_fingerprint="abcd-ef01-2345-6789-abcd",
                sealed=os.urandom(30_000),
            )
        )
    BatchCloser(vault, device_key, batch_size=10).close_all()
    (out,) = outbox.unacknowledged(vault)
    assert len(out.envelope) > 300_000
    wal = data_dir / "vault.sqlite3-wal"
    vault.checkpoint()
    assert wal.stat().st_size == 0
    outbox.mark_sent(vault, out.id, NOW)
    outbox.record_error(vault, out.id, "The server cannot be reached; retrying.")
    outbox.mark_sent(vault, out.id, NOW)
    outbox.mark_acknowledged(vault, _receipt(vault, out, NOW), NOW)
    assert _batch(vault, out.id).state == BatchState.ACKNOWLEDGED
    assert 0 < wal.stat().st_size < 100_000


def test_retention_counts_from_the_servers_time_not_a_jumped_kiosk_clock(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    """A kiosk clock a year ahead when the receipt came, then set right: the batch is purged a
    week after the server took it in, not a year and a week. A server a year ahead counts as
    the kiosk's now."""
    week, year = timedelta(days=7), timedelta(days=365)
    add_signatures(2)
    ahead, behind = BatchCloser(vault, device_key, batch_size=1).close_all()
    batches = {b.id: b for b in outbox.unacknowledged(vault)}
    outbox.mark_sent(vault, ahead, NOW + year)
    outbox.mark_acknowledged(vault, _receipt(vault, batches[ahead], NOW), NOW + year)
    outbox.mark_sent(vault, behind, NOW)
    outbox.mark_acknowledged(vault, _receipt(vault, batches[behind], NOW + year), NOW)

    assert outbox.purge(vault, week, NOW + week - timedelta(hours=1)) == 0
    assert outbox.purge(vault, week, NOW + week) == 2
    assert vault.count() == 0


def test_every_time_the_vault_keeps_in_the_clear_is_on_the_hour(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    """Signed, batched, sent, acknowledged and purged at odd minutes: every date and time in
    every table of the vault is still a whole hour (the volunteer PIN lock-out aside, which
    times a volunteer's wrong PIN, not a supporter)."""
    odd = NOW.replace(minute=17, second=42, microsecond=123456)
    add_signatures(3)
    BatchCloser(vault, device_key, batch_size=1, clock=lambda: odd).close_all()
    for i, b in enumerate(outbox.unacknowledged(vault)):
        when = odd + timedelta(minutes=7 * i, seconds=i)
        outbox.mark_sent(vault, b.id, when)
        outbox.mark_acknowledged(vault, _receipt(vault, b, when), when)
    outbox.purge(vault, timedelta(0), odd + timedelta(minutes=31))
    add_signatures(1)

    seen = 0
    with vault.engine.connect() as conn:
        tables = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'table'")
        for (table,) in list(tables):
            columns = conn.exec_driver_sql(f'PRAGMA table_info("{table}")').all()
            for column in columns:
                name, kind = column[1], column[2]
                if kind not in ("DATETIME", "DATE") or name == "pin_locked_until":
                    continue
                for (value,) in conn.exec_driver_sql(f'SELECT "{name}" FROM "{table}"'):
                    if value is None:
                        continue
                    seen += 1
                    assert kind == "DATE" or value.endswith(":00:00.000000"), (table, name, value)
            for (text,) in (
                conn.exec_driver_sql('SELECT receipt FROM "batch" WHERE receipt IS NOT NULL')
                if table == "batch"
                else []
            ):
                assert json.loads(text)["receipt"]["received_at"].endswith(":00:00+00:00"), text
    assert seen >= 3 * 5, "the scan found too few times to prove anything"


def test_a_batch_whose_records_changed_on_disk_is_not_sent(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    """The envelope is joined from its frame and the signature rows when it is sent: a row
    changed since the batch was signed (damage, or a hand on the file) stops the send with a
    message, instead of a body that no longer matches its hash and signature."""
    import pytest
    from sqlalchemy import text

    from kiosk.errors import VaultError
    from kiosk.protocol.batch import parse

    add_signatures(4)
    BatchCloser(vault, device_key, batch_size=4).close_all()
    (out,) = outbox.unacknowledged(vault)
    parse(out.envelope).verify(device_key.public_bytes)  # as signed, while untouched
    with vault.session(write=True) as s:
        s.execute(
            text("UPDATE signature SET sealed = zeroblob(length(sealed)) WHERE device_seq = 2")
        )
    with pytest.raises(VaultError, match="does not read back"):
        _ = out.envelope
