"""The receipt: the server's answer to a batch it has stored, what the kiosk keeps as proof.

    {"batch_id": "<uuid>", "device_id": "<uuid>", "seq": 7, "hash": "<sha256 of the body>",
     "record_count": 120, "received_at": "2026-12-02T15:00:00+00:00"}  (the hour it arrived)

The server builds it (kiosk.central.ingest), the API sends it, and the kiosk parses it and
accepts it only for the batch it sent (`confirms`). One class for all three, so the three can
never disagree about a field. See docs/sync-protocol.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.clock import to_hour
from kiosk.errors import ReceiptFormatError
from kiosk.protocol.fields import HEX64, UUID, Reader

_read = Reader(ReceiptFormatError)


@dataclass(frozen=True)
class Receipt:
    batch_id: str
    device_id: str
    seq: int
    hash: str  # the batch body's SHA-256, hex
    record_count: int
    received_at: datetime  # the hour the server took the batch in (rounded on construction)

    def __post_init__(self) -> None:
        # The kiosk keeps its receipts beside its batches; to the hour, like every time it keeps
        # in the clear, whatever precision a server sends.
        object.__setattr__(self, "received_at", to_hour(self.received_at))

    def to_json(self) -> dict[str, object]:
        return {
            "batch_id": self.batch_id,
            "device_id": self.device_id,
            "seq": self.seq,
            "hash": self.hash,
            "record_count": self.record_count,
            "received_at": self.received_at.astimezone(UTC).isoformat(),
        }

    def to_text(self) -> str:
        """The receipt as the kiosk stores it beside its batch."""
        return json.dumps(self.to_json(), sort_keys=True)

    def confirms(self, batch_id: str, batch_hash: str) -> bool:
        """Whether this receipt is for exactly the batch with this id and body hash."""
        return self.batch_id == batch_id and self.hash == batch_hash


def parse(doc: Any) -> Receipt:
    """A receipt from the server's decoded JSON answer, strictly; ReceiptFormatError names the
    field that is missing or malformed."""
    _read.expect(isinstance(doc, dict), "the receipt must be a JSON object")
    received_at = _read.time(doc, "received_at")
    _read.expect(received_at.tzinfo is not None, "'received_at' must carry its UTC offset")
    return Receipt(
        batch_id=_read.text(doc, "batch_id", UUID),
        device_id=_read.text(doc, "device_id", UUID),
        seq=_read.whole(doc, "seq"),
        hash=_read.text(doc, "hash", HEX64),
        record_count=_read.whole(doc, "record_count"),
        received_at=received_at,
    )
