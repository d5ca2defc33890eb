"""Types shared by the sync tests (conftest modules cannot be imported by name reliably)."""

from collections.abc import Callable
from datetime import UTC, datetime

from kiosk.protocol.batch import SignedBatch
from kiosk.protocol.receipt import Receipt
from kiosk.vault import NewSignature

AddSignatures = Callable[..., list[NewSignature]]


def receipt_for(signed: SignedBatch, **changes: object) -> dict[str, object]:
    """The JSON receipt the central server gives for `signed`, with `changes` made to it."""
    batch = signed.batch
    receipt = Receipt(
        batch.batch_id,
        batch.device_id,
        batch.seq,
        signed.hash,
        len(batch.records),
        datetime(2026, 12, 2, 15, 0, 1, tzinfo=UTC),
    )
    return {**receipt.to_json(), **changes}
