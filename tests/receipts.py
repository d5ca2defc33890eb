"""A server's receipt for a batch in a kiosk's outbox, for tests that acknowledge by hand."""

from __future__ import annotations

from datetime import datetime

from kiosk.protocol.receipt import Receipt
from kiosk.vault import Vault, outbox


def receipt(vault: Vault, batch: outbox.OutgoingBatch, received_at: datetime) -> Receipt:
    return Receipt(
        batch.id, vault.device_id, batch.seq, batch.hash, batch.record_count, received_at
    )


def acknowledge(vault: Vault, batch_id: str, when: datetime) -> None:
    """Send and acknowledge one batch of the outbox, the server receiving it at `when`."""
    (batch,) = [b for b in outbox.unacknowledged(vault) if b.id == batch_id]
    outbox.mark_sent(vault, batch_id, when)
    outbox.mark_acknowledged(vault, receipt(vault, batch, when), when)
