"""A server's signed receipt for a batch in a kiosk's outbox, for tests that acknowledge by hand;
and the receipt key of the tests' fake servers (tests/sync/fake_central.py)."""

from __future__ import annotations

from datetime import datetime

from kiosk.crypto.device_key import DeviceKey
from kiosk.protocol.receipt import Receipt, SignedReceipt
from kiosk.vault import Vault, outbox

SERVER_KEY = DeviceKey.generate()  # the fake servers' receipt key
SERVER_RECEIPT_KEY = SERVER_KEY.public_bytes  # what a kiosk enrolled with them pins


def receipt(vault: Vault, batch: outbox.OutgoingBatch, received_at: datetime) -> SignedReceipt:
    return Receipt(
        batch.id, vault.device_id, batch.seq, batch.hash, batch.record_count, received_at
    ).sign(SERVER_KEY)


def acknowledge(vault: Vault, batch_id: str, when: datetime) -> None:
    """Send and acknowledge one batch of the outbox, the server receiving it at `when`."""
    (batch,) = [b for b in outbox.unacknowledged(vault) if b.id == batch_id]
    outbox.mark_sent(vault, batch_id, when)
    outbox.mark_acknowledged(vault, receipt(vault, batch, when), when)
