"""Types shared by the sync tests (conftest modules cannot be imported by name reliably)."""

import base64
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from receipts import SERVER_KEY

from kiosk.crypto.device_key import RECEIPT_SIGNATURE_CONTEXT, DeviceKey
from kiosk.protocol.batch import SignedBatch
from kiosk.protocol.receipt import Receipt
from kiosk.vault import NewSignature

AddSignatures = Callable[..., list[NewSignature]]
T0 = datetime(2026, 12, 3, 15, 0, tzinfo=UTC)


class Clock:
    """A clock the test moves: `clock()` is the time, from T0 on."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def receipt_for(
    signed: SignedBatch, *, key: DeviceKey = SERVER_KEY, **changes: object
) -> dict[str, object]:
    """The signed answer a central server gives for `signed`, with `changes` made to the
    receipt's fields before `key` signs them (by default the fake servers' receipt key)."""
    batch = signed.batch
    receipt = Receipt(
        batch.batch_id,
        batch.device_id,
        batch.seq,
        signed.hash,
        len(batch.records),
        datetime(2026, 12, 2, 15, 0, 1, tzinfo=UTC),
    )
    fields = {**receipt.to_json(), **changes}
    text = json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
    signature = key.sign(text, context=RECEIPT_SIGNATURE_CONTEXT)
    return {"receipt": fields, "signature": base64.b64encode(signature).decode("ascii")}
