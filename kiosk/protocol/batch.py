"""The batch document: what a kiosk uploads or writes to a USB stick, and the server accepts.

A batch file is a JSON envelope around the exact bytes that were signed:

    {"format": "kiosk-batch/1", "body": "<base64 of body JSON>", "signature": "<base64>"}

Signing the transported body bytes (rather than re-serialising parsed JSON) means the server
verifies exactly what the kiosk signed. The body's SHA-256 is the batch hash; each batch names
its predecessor's hash, so a missing or altered batch breaks the device's chain visibly.
See docs/sync-protocol.md.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.crypto.device_key import DeviceKey, verify_device_signature
from kiosk.crypto.digest import sha256_bytes_hex
from kiosk.errors import BatchFormatError
from kiosk.protocol.fields import HEX64, UUID, Reader

FORMAT = "kiosk-batch/1"
GENESIS_HASH = "0" * 64  # the "previous batch" of a device's first batch
MAX_RECORDS = 1000
MAX_SEALED_BYTES = 256 * 1024  # the largest padded record (224 KiB, petition.record) and its seal
MAX_ENVELOPE_BYTES = 16 * 1024 * 1024

# Upper bounds of the JSON around the sealed bytes, so that a batch can be cut to a size before
# it is built: a record's keys, id, number, hour and fingerprint; the body's other fields and
# the envelope around the body.
_RECORD_JSON_BYTES = 320
_ENVELOPE_JSON_BYTES = 1024

_APPEAL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_FINGERPRINT = re.compile(r"^[0-9a-f-]{1,32}$")
_read = Reader(BatchFormatError)


@dataclass(frozen=True)
class BatchRecord:
    id: str
    device_seq: int
    collected_hour: datetime
    key_fingerprint: str
    sealed: bytes


@dataclass(frozen=True)
class Batch:
    batch_id: str
    device_id: str
    seq: int  # per-device batch number, from 1
    prev_hash: str
    appeal_id: str
    appeal_version: int
    created_at: datetime
    records: tuple[BatchRecord, ...]

    def body_bytes(self) -> bytes:
        body = {
            "format": FORMAT,
            "batch_id": self.batch_id,
            "device_id": self.device_id,
            "seq": self.seq,
            "prev_hash": self.prev_hash,
            "appeal": {"id": self.appeal_id, "version": self.appeal_version},
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "records": [
                {
                    "id": r.id,
                    "device_seq": r.device_seq,
                    "collected_hour": r.collected_hour.isoformat(timespec="seconds"),
                    "key_fingerprint": r.key_fingerprint,
                    "sealed": base64.b64encode(r.sealed).decode("ascii"),
                }
                for r in self.records
            ],
        }
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("ascii")

    def sign(self, key: DeviceKey) -> SignedBatch:
        body = self.body_bytes()
        return SignedBatch(self, body, key.sign(body))


@dataclass(frozen=True)
class SignedBatch:
    batch: Batch
    body: bytes
    signature: bytes

    @property
    def hash(self) -> str:
        return sha256_bytes_hex(self.body)

    def to_bytes(self) -> bytes:
        """The envelope: the bytes json.dumps(envelope, sort_keys=True) gives, put together
        directly (base64 and the format name need no escaping), because JSON-encoding the body's
        base64 text costs as much as encoding the body itself."""
        return b"".join(
            (
                b'{"body": "',
                base64.b64encode(self.body),
                b'", "format": "',
                FORMAT.encode("ascii"),
                b'", "signature": "',
                base64.b64encode(self.signature),
                b'"}',
            )
        )

    def verify(self, device_public_key: bytes) -> None:
        """Raises kiosk.errors.BadSignature unless the device key signed this body."""
        verify_device_signature(device_public_key, self.body, self.signature)


def record_body_bytes(sealed_bytes: int) -> int:
    """At most how many bytes of the body a record with this many sealed bytes takes."""
    return _RECORD_JSON_BYTES + _base64_length(sealed_bytes)


def envelope_bytes(records_bytes: int) -> int:
    """At most how many bytes an envelope takes whose records take this many of its body."""
    return _ENVELOPE_JSON_BYTES + _base64_length(records_bytes)


def _base64_length(n: int) -> int:
    return 4 * ((n + 2) // 3)


def parse(data: bytes) -> SignedBatch:
    """Parse an envelope strictly. Does NOT verify the signature: look the device up, then
    call `verify` with its public key."""
    if len(data) > MAX_ENVELOPE_BYTES:
        raise BatchFormatError(f"the batch is {len(data)} bytes; the limit is {MAX_ENVELOPE_BYTES}")
    envelope = _read.json_object(data, "the batch file")
    _read.expect(envelope.get("format") == FORMAT, f"'format' must be {FORMAT!r}")
    body = _read.base64(envelope.get("body"), "body")
    signature = _read.base64(envelope.get("signature"), "signature")
    _read.expect(len(signature) == 64, "'signature' must be a 64-byte Ed25519 signature")
    doc = _read.json_object(body, "the batch body")
    return SignedBatch(_batch(doc), body, signature)


def _batch(doc: dict[str, Any]) -> Batch:
    _read.expect(doc.get("format") == FORMAT, f"body 'format' must be {FORMAT!r}")
    appeal = doc.get("appeal")
    if not isinstance(appeal, dict):
        raise BatchFormatError("'appeal' must be an object with id and version")
    records = doc.get("records")
    if not isinstance(records, list):
        raise BatchFormatError("'records' must be a list")
    _read.expect(0 < len(records) <= MAX_RECORDS, f"'records' must hold 1 to {MAX_RECORDS} records")
    parsed = tuple(_record(r, i) for i, r in enumerate(records))
    _read.expect(len({r.id for r in parsed}) == len(parsed), "'records' lists a record id twice")
    return Batch(
        batch_id=_read.text(doc, "batch_id", UUID),
        device_id=_read.text(doc, "device_id", UUID),
        seq=_read.whole(doc, "seq"),
        prev_hash=_read.text(doc, "prev_hash", HEX64),
        appeal_id=_read.text(appeal, "id", _APPEAL_ID, where="appeal."),
        appeal_version=_read.whole(appeal, "version", where="appeal."),
        created_at=_read.time(doc, "created_at"),
        records=parsed,
    )


def _record(item: Any, index: int) -> BatchRecord:
    where = f"records[{index}]."
    _read.expect(isinstance(item, dict), f"'{where[:-1]}' must be an object")
    sealed = _read.base64(item.get("sealed"), "sealed", where=where)
    if not 0 < len(sealed) <= MAX_SEALED_BYTES:
        raise BatchFormatError(f"'{where}sealed' has an impossible size")
    return BatchRecord(
        id=_read.text(item, "id", UUID, where=where),
        device_seq=_read.whole(item, "device_seq", where=where),
        collected_hour=_read.time(item, "collected_hour", where=where),
        key_fingerprint=_read.text(item, "key_fingerprint", _FINGERPRINT, where=where),
        sealed=sealed,
    )
