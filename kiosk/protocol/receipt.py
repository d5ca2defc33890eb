"""The receipt: the server's answer to a batch it has stored, what the kiosk keeps as proof.

    {"receipt": {"batch_id": "<uuid>", "device_id": "<uuid>", "seq": 7,
                 "hash": "<sha256 of the body>", "record_count": 120,
                 "received_at": "2026-12-02T15:00:00+00:00"},   (the hour it arrived)
     "signature": "<base64 Ed25519 over kiosk/receipt-signature/v2 \\0 + canonical receipt JSON>"}

The server signs every receipt with its receipt key, whose public half the kiosk received in
its enrolment answer; the kiosk acknowledges a batch only for a receipt of exactly that batch
(`confirms`) whose signature verifies (`SignedReceipt.verify`): anyone who sees an upload can
compute its id and hash, but only the campaign's server can sign them.

The server builds it (kiosk.central.ingest), the API sends it, and the kiosk parses it and
accepts it only for the batch it sent (`confirms`). One class for all three, so the three can
never disagree about a field. See docs/sync-protocol.md.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.clock import to_hour
from kiosk.crypto.device_key import RECEIPT_SIGNATURE_CONTEXT, DeviceKey, verify_device_signature
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

    def signed_bytes(self) -> bytes:
        """What the server's receipt key signs: the canonical JSON of the fields."""
        return json.dumps(self.to_json(), sort_keys=True, separators=(",", ":")).encode("ascii")

    def sign(self, key: DeviceKey) -> SignedReceipt:
        return SignedReceipt(self, key.sign(self.signed_bytes(), context=RECEIPT_SIGNATURE_CONTEXT))

    def confirms(self, batch_id: str, batch_hash: str) -> bool:
        """Whether this receipt is for exactly the batch with this id and body hash."""
        return self.batch_id == batch_id and self.hash == batch_hash


@dataclass(frozen=True)
class SignedReceipt:
    receipt: Receipt
    signature: bytes

    def to_json(self) -> dict[str, object]:
        return {
            "receipt": self.receipt.to_json(),
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }

    def to_text(self) -> str:
        """The signed receipt as the kiosk stores it beside its batch: proof it can show."""
        return json.dumps(self.to_json(), sort_keys=True)

    def verify(self, server_receipt_key: bytes) -> None:
        """Raises BadSignature unless the server's receipt key signed exactly this receipt."""
        verify_device_signature(
            server_receipt_key,
            self.receipt.signed_bytes(),
            self.signature,
            context=RECEIPT_SIGNATURE_CONTEXT,
            what="the receipt is not signed by this campaign's server",
        )


def parse(doc: Any) -> SignedReceipt:
    """A signed receipt from the server's decoded JSON answer, strictly (the signature is not
    checked here: `verify`); ReceiptFormatError names what is missing or malformed."""
    _read.expect(isinstance(doc, dict), "the answer must be a JSON object")
    signature = _read.base64(doc.get("signature"), "signature")
    _read.expect(len(signature) == 64, "'signature' must be a 64-byte Ed25519 signature")
    return SignedReceipt(_fields(doc.get("receipt")), signature)


def _fields(doc: Any) -> Receipt:
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
