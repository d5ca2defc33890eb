"""The batch document: what a kiosk uploads or writes to a USB stick, and the server accepts.

Version 2 carries the sealed records as bytes, once (version 1 wrapped base64 records in a JSON
body that was base64'd again: 1.89x the sealed bytes). A batch file is:

    body      = b"kiosk-batch/2\n"  u32 big-endian header length  header  sealed_1 ... sealed_n
    header    = canonical JSON (sorted keys, no spaces): ids, chain, appeal, and per record
                [id, device_seq, collected_hour, key_fingerprint, sealed length]
    envelope  = body  64-byte Ed25519 signature over b"kiosk/batch-signature/v2\0" + body

The device signs the exact body bytes the server receives, and the body's SHA-256 is the batch
hash; each batch names its predecessor's hash, so a missing or altered batch breaks the device's
chain visibly. A version 1 envelope is refused with words that say so. See
docs/sync-protocol.md.
"""

from __future__ import annotations

import json
import re
import struct
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any

from kiosk.crypto.device_key import DeviceKey, verify_device_signature
from kiosk.crypto.digest import sha256_bytes_hex
from kiosk.errors import BatchFormatError
from kiosk.protocol.fields import HEX64, UUID, Reader, words

FORMAT = "kiosk-batch/2"
MAGIC = FORMAT.encode("ascii") + b"\n"
CHAIN, SALVAGE = "chain", "salvage"
# A chain batch is one of the device's numbered batches (seq from 1, each naming the one before).
# A salvage batch holds records read back from a damaged vault (kiosk.sync.salvage): outside the
# chain, seq 0 and the genesis hash; the server stores the records it does not hold yet.
KINDS = (CHAIN, SALVAGE)
SIGNATURE_BYTES = 64
MEDIA_TYPE = "application/vnd.kiosk.batch"  # the HTTP Content-Type of an envelope
# The header naming a slot the server holds for an upload (POST /api/v2/upload-slots).
UPLOAD_SLOT_HEADER = "Kiosk-Upload-Slot"
GENESIS_HASH = "0" * 64  # the "previous batch" of a device's first batch
MAX_RECORDS = 1000
MAX_SEALED_BYTES = 256 * 1024  # the largest padded record (224 KiB, petition.record) and its seal
MAX_ENVELOPE_BYTES = 16 * 1024 * 1024

# Upper bounds of the bytes around the sealed bytes, so that a batch can be cut to a size
# before it is built: a record's entry in the header (id, number, hour, fingerprint, length);
# the magic, the header's length and other fields (the event's name too), and the signature.
_RECORD_HEADER_BYTES = 160
MAX_EVENT = 200  # characters of an event's name (the server's column)
_EVENT = re.compile(rf"[^\x00-\x1f\x7f]{{1,{MAX_EVENT}}}")
_ENVELOPE_FIXED_BYTES = 1024 + 12 * MAX_EVENT  # the event: each character at most two \uXXXX
_HEADER_LENGTH = struct.Struct(">I")

_APPEAL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_FINGERPRINT = re.compile(r"^[0-9a-f-]{1,32}$")
_read = Reader(BatchFormatError)
_HEADER = words("the batch header")


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
    kind: str = CHAIN
    # The event the kiosk collected under when it closed the batch (the volunteer's name for
    # it, else the enrolment's); None: not said (an older kiosk), the server keeps the
    # enrolment's event. Signed with the rest, so nobody on the way can move a batch.
    event: str | None = None

    def body_bytes(self) -> bytes:
        header: dict[str, Any] = {
            "format": FORMAT,
            "kind": self.kind,
            "batch_id": self.batch_id,
            "device_id": self.device_id,
            "seq": self.seq,
            "prev_hash": self.prev_hash,
            "appeal": {"id": self.appeal_id, "version": self.appeal_version},
            "created_at": self.created_at.isoformat(timespec="seconds"),
            "records": [
                [
                    r.id,
                    r.device_seq,
                    r.collected_hour.isoformat(timespec="seconds"),
                    r.key_fingerprint,
                    len(r.sealed),
                ]
                for r in self.records
            ],
        }
        if self.event is not None:
            header["event"] = self.event
        text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("ascii")
        return b"".join(
            (MAGIC, _HEADER_LENGTH.pack(len(text)), text, *(r.sealed for r in self.records))
        )

    def sign(self, key: DeviceKey) -> SignedBatch:
        body = self.body_bytes()
        return SignedBatch(self, body, key.sign(body))


@dataclass(frozen=True)
class SignedBatch:
    batch: Batch
    body: bytes
    signature: bytes

    @cached_property
    def hash(self) -> str:
        """The SHA-256 of the body: worked out once (a body may be megabytes)."""
        return sha256_bytes_hex(self.body)

    def to_bytes(self) -> bytes:
        """The envelope: the signed body, then its signature."""
        return self.body + self.signature

    def verify(self, device_public_key: bytes) -> None:
        """Raises kiosk.errors.BadSignature unless the device key signed this body."""
        verify_device_signature(device_public_key, self.body, self.signature)


def split_envelope(envelope: bytes) -> tuple[bytes, bytes]:
    """An envelope (this module's own, unparsed) as its frame: the body's head (magic, header
    length, header) and the signature. The sealed records between them are kept by whoever
    holds the records; `join_envelope` puts the same bytes back together."""
    (length,) = _HEADER_LENGTH.unpack_from(envelope, len(MAGIC))
    return envelope[: len(MAGIC) + _HEADER_LENGTH.size + length], envelope[-SIGNATURE_BYTES:]


def join_envelope(head: bytes, sealed: list[bytes], signature: bytes) -> bytes:
    return b"".join((head, *sealed, signature))


def head_record_ids(head: bytes) -> list[str]:
    """The record ids a frame's header lists, in the order of their sealed bytes (a head this
    module split off; the joined envelope is checked by its hash, not here)."""
    doc = _read.json_object(head[len(MAGIC) + _HEADER_LENGTH.size :], _HEADER)
    records = doc.get("records")
    if not isinstance(records, list):
        raise BatchFormatError(words("'records' must be a list"))
    return [str(r[0]) for r in records]


def event_field(name: str) -> str | None:
    """An event's name as a batch carries it: control characters dropped, cut to MAX_EVENT
    characters (so a long name typed on the panel never makes a batch the server refuses);
    None for no name."""
    clean = "".join(c for c in name if c >= " " and c != "\x7f").strip()[:MAX_EVENT]
    return clean or None


def record_body_bytes(sealed_bytes: int) -> int:
    """At most how many bytes of the body a record with this many sealed bytes takes."""
    return _RECORD_HEADER_BYTES + sealed_bytes


def envelope_bytes(records_bytes: int) -> int:
    """At most how many bytes an envelope takes whose records take this many of its body."""
    return _ENVELOPE_FIXED_BYTES + records_bytes


def parse(data: bytes) -> SignedBatch:
    """Parse an envelope strictly. Does NOT verify the signature: look the device up, then
    call `verify` with its public key."""
    if len(data) > MAX_ENVELOPE_BYTES:
        raise BatchFormatError(
            words(
                "the batch is {size} bytes; the limit is {limit}",
                size=len(data),
                limit=MAX_ENVELOPE_BYTES,
            )
        )
    if not data.startswith(MAGIC):
        if data.lstrip()[:1] == b"{" and b"kiosk-batch/1" in data[:4096]:
            raise BatchFormatError(
                words(
                    "this is a version 1 batch (kiosk-batch/1), from an older kiosk; this server "
                    "takes version 2 only: update the kiosk, which then sends its batches again"
                )
            )
        raise BatchFormatError(words("the batch does not start with {format!r}", format=FORMAT))
    start = len(MAGIC) + _HEADER_LENGTH.size
    _read.expect(len(data) >= start + SIGNATURE_BYTES, "the batch is cut short")
    (length,) = _HEADER_LENGTH.unpack_from(data, len(MAGIC))
    _read.expect(
        length <= MAX_RECORDS * _RECORD_HEADER_BYTES + _ENVELOPE_FIXED_BYTES
        and start + length + SIGNATURE_BYTES <= len(data),
        "the batch header's length is impossible",
    )
    doc = _read.json_object(data[start : start + length], _HEADER)
    body_end = len(data) - SIGNATURE_BYTES
    batch = _batch(doc, memoryview(data)[start + length : body_end])
    return SignedBatch(batch, data[:body_end], data[body_end:])


def _batch(doc: dict[str, Any], sealed: memoryview) -> Batch:
    _read.expect(doc.get("format") == FORMAT, "header 'format' must be {format!r}", format=FORMAT)
    _read.expect(
        doc.get("kind") in KINDS, "header 'kind' must be one of {kinds}", kinds=", ".join(KINDS)
    )
    appeal = doc.get("appeal")
    if not isinstance(appeal, dict):
        raise BatchFormatError(words("'appeal' must be an object with id and version"))
    records = doc.get("records")
    if not isinstance(records, list):
        raise BatchFormatError(words("'records' must be a list"))
    _read.expect(
        0 < len(records) <= MAX_RECORDS,
        "'records' must hold 1 to {limit} records",
        limit=MAX_RECORDS,
    )
    parsed: list[BatchRecord] = []
    at = 0
    for index, item in enumerate(records):
        record, size = _record(item, index, sealed, at)
        parsed.append(record)
        at += size
    _read.expect(at == len(sealed), "the sealed records do not fill the batch exactly")
    _read.expect(len({r.id for r in parsed}) == len(parsed), "'records' lists a record id twice")
    kind = doc["kind"]
    seq = _read.whole(doc, "seq", least=0 if kind == SALVAGE else 1)
    prev_hash = _read.text(doc, "prev_hash", HEX64)
    if kind == SALVAGE:
        _read.expect(
            seq == 0 and prev_hash == GENESIS_HASH, "a salvage batch has seq 0 and no chain"
        )
    return Batch(
        kind=kind,
        batch_id=_read.text(doc, "batch_id", UUID),
        device_id=_read.text(doc, "device_id", UUID),
        seq=seq,
        prev_hash=prev_hash,
        appeal_id=_read.text(appeal, "id", _APPEAL_ID, where="appeal."),
        appeal_version=_read.whole(appeal, "version", where="appeal."),
        created_at=_read.time(doc, "created_at"),
        records=tuple(parsed),
        event=_read.text(doc, "event", _EVENT) if "event" in doc else None,
    )


_RECORD_FIELDS = ("id", "device_seq", "collected_hour", "key_fingerprint", "sealed length")


def _record(item: Any, index: int, sealed: memoryview, at: int) -> tuple[BatchRecord, int]:
    # The common case checked in one expression (a batch has up to 1,000 records); anything
    # it does not take is read again field by field for the message that names the field.
    if type(item) is list and len(item) == 5:
        record_id, device_seq, hour, fingerprint, size = item
        if (
            type(record_id) is str
            and type(device_seq) is int
            and type(hour) is str
            and type(fingerprint) is str
            and type(size) is int
            and 1 <= device_seq < 2**53
            and 1 <= size <= MAX_SEALED_BYTES
            and at + size <= len(sealed)
            and UUID.fullmatch(record_id)
            and _FINGERPRINT.fullmatch(fingerprint)
        ):
            try:
                collected = datetime.fromisoformat(hour)
            except ValueError:
                pass
            else:
                sealed_bytes = sealed[at : at + size].tobytes()
                return BatchRecord(
                    record_id, device_seq, collected, fingerprint, sealed_bytes
                ), size
    return _record_field_by_field(item, index, sealed, at)


def _record_field_by_field(
    item: Any, index: int, sealed: memoryview, at: int
) -> tuple[BatchRecord, int]:
    where = f"records[{index}]."
    _read.expect(
        isinstance(item, list) and len(item) == len(_RECORD_FIELDS),
        "'{field}' must be a list of {fields}",
        field=where[:-1],
        fields=", ".join(_RECORD_FIELDS),
    )
    fields = dict(zip(_RECORD_FIELDS, item, strict=True))
    size = _read.whole(fields, "sealed length", where=where)
    if size > MAX_SEALED_BYTES or at + size > len(sealed):
        raise BatchFormatError(words("'{field}' is impossible", field=f"{where}sealed length"))
    record = BatchRecord(
        id=_read.text(fields, "id", UUID, where=where),
        device_seq=_read.whole(fields, "device_seq", where=where),
        collected_hour=_read.time(fields, "collected_hour", where=where),
        key_fingerprint=_read.text(fields, "key_fingerprint", _FINGERPRINT, where=where),
        sealed=bytes(sealed[at : at + size]),
    )
    return record, size
