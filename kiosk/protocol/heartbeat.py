"""The heartbeat: a kiosk's small signed status, sent with every sync and every few minutes.

    body      = canonical JSON (sorted keys, no spaces, ASCII):
      format            "kiosk-heartbeat/1"
      device_id         the kiosk's UUID
      seq               the kiosk's heartbeat number: 1, 2, 3, ... (kept in its vault)
      clock             the kiosk's clock when it sent this, to the second, with its offset
      app_version       the kiosk program's version
      appeal            {id, version, digest} of the appeal on screen, or null
      event             the event its signatures count towards ("" for none)
      backlog           {pending_signatures, unacknowledged_batches}
      battery           {percent, charging}, or null where the OS reports no battery
      disk_free_bytes   free bytes where its data directory is, or null
    envelope  = body  64-byte Ed25519 signature by the device key over
                b"kiosk/heartbeat-signature/v1\\0" + body

No personal data, and one time only: the clock, which the server needs to its second to tell
how far off it is. The sequence number orders heartbeats, so a replayed older one changes
nothing and the same one again is answered the same. See docs/sync-protocol.md.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.crypto.device_key import (
    HEARTBEAT_SIGNATURE_CONTEXT,
    DeviceKey,
    verify_device_signature,
)
from kiosk.errors import HeartbeatFormatError
from kiosk.protocol.fields import UUID, Reader

FORMAT = "kiosk-heartbeat/1"
MEDIA_TYPE = "application/vnd.kiosk.heartbeat"
SIGNATURE_BYTES = 64
MAX_BYTES = 4096  # a heartbeat is about 400 bytes; an event name of 255 characters fits
MAX_EVENT = 255

_VERSION = re.compile(r"^[0-9A-Za-z.+_-]{1,40}$")
_APPEAL_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_DIGEST = re.compile(r"^[0-9a-f]{16,64}$")
_read = Reader(HeartbeatFormatError)


@dataclass(frozen=True)
class AppealInUse:
    id: str
    version: int
    digest: str  # kiosk.petition.appeal.appeal_digest: the texts a supporter reads and accepts


@dataclass(frozen=True)
class Battery:
    percent: int  # 0 to 100
    charging: bool  # on external power


@dataclass(frozen=True)
class Heartbeat:
    device_id: str
    seq: int
    clock: datetime  # the kiosk's clock, aware; sent to the second
    app_version: str
    appeal: AppealInUse | None
    event: str
    pending_signatures: int  # not yet in a batch
    unacknowledged_batches: int  # closed, not yet confirmed by a receipt
    battery: Battery | None
    disk_free_bytes: int | None

    def body_bytes(self) -> bytes:
        appeal = self.appeal
        doc = {
            "format": FORMAT,
            "device_id": self.device_id,
            "seq": self.seq,
            "clock": self.clock.astimezone(UTC).isoformat(timespec="seconds"),
            "app_version": self.app_version,
            "appeal": None
            if appeal is None
            else {"id": appeal.id, "version": appeal.version, "digest": appeal.digest},
            "event": self.event,
            "backlog": {
                "pending_signatures": self.pending_signatures,
                "unacknowledged_batches": self.unacknowledged_batches,
            },
            "battery": None
            if self.battery is None
            else {"percent": self.battery.percent, "charging": self.battery.charging},
            "disk_free_bytes": self.disk_free_bytes,
        }
        return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode(
            "ascii"
        )

    def sign(self, key: DeviceKey) -> SignedHeartbeat:
        body = self.body_bytes()
        return SignedHeartbeat(self, body, key.sign(body, context=HEARTBEAT_SIGNATURE_CONTEXT))


@dataclass(frozen=True)
class SignedHeartbeat:
    heartbeat: Heartbeat
    body: bytes
    signature: bytes

    def to_bytes(self) -> bytes:
        return self.body + self.signature

    def verify(self, device_public_key: bytes) -> None:
        """Raises kiosk.errors.BadSignature unless this device's key signed this body."""
        verify_device_signature(
            device_public_key,
            self.body,
            self.signature,
            context=HEARTBEAT_SIGNATURE_CONTEXT,
            what="the heartbeat signature does not verify for this device",
        )


def parse(data: bytes) -> SignedHeartbeat:
    """Parse an envelope strictly. Does NOT verify the signature: look the device up, then call
    `verify` with its public key."""
    _read.expect(len(data) <= MAX_BYTES, "the heartbeat is over {limit} bytes", limit=MAX_BYTES)
    _read.expect(len(data) > SIGNATURE_BYTES, "the heartbeat is cut short")
    body, signature = data[:-SIGNATURE_BYTES], data[-SIGNATURE_BYTES:]
    doc = _read.json_object(body, "the heartbeat")
    _read.expect(doc.get("format") == FORMAT, "'format' must be {format!r}", format=FORMAT)
    heartbeat = Heartbeat(
        device_id=_read.text(doc, "device_id", UUID),
        seq=_read.whole(doc, "seq"),
        clock=_clock(doc),
        app_version=_read.text(doc, "app_version", _VERSION),
        appeal=_appeal(doc.get("appeal")),
        event=_event(doc.get("event")),
        pending_signatures=_count(doc.get("backlog"), "pending_signatures"),
        unacknowledged_batches=_count(doc.get("backlog"), "unacknowledged_batches"),
        battery=_battery(doc.get("battery")),
        disk_free_bytes=None
        if doc.get("disk_free_bytes") is None
        else _read.whole(doc, "disk_free_bytes", least=0),
    )
    # Canonical only: the signed bytes are what this module writes for these values, so two
    # envelopes with one meaning cannot differ (and "the same heartbeat again" is byte-equal).
    _read.expect(heartbeat.body_bytes() == body, "the heartbeat is not in canonical form")
    return SignedHeartbeat(heartbeat, body, signature)


def _clock(doc: dict[str, Any]) -> datetime:
    clock = _read.time(doc, "clock")
    _read.expect(clock.tzinfo is not None, "'clock' must carry its UTC offset")
    _read.expect(clock.microsecond == 0, "'clock' is to the second")
    try:
        return clock.astimezone(UTC)
    except OverflowError:  # e.g. 0001-01-01T00:00:00+01:00: before the year 1 in UTC
        raise HeartbeatFormatError("'clock' is outside the years 1 to 9999") from None


def _appeal(value: Any) -> AppealInUse | None:
    if value is None:
        return None
    _read.expect(isinstance(value, dict), "'appeal' must be an object with id, version, digest")
    return AppealInUse(
        id=_read.text(value, "id", _APPEAL_ID, where="appeal."),
        version=_read.whole(value, "version", where="appeal."),
        digest=_read.text(value, "digest", _DIGEST, where="appeal."),
    )


def _event(value: Any) -> str:
    _read.expect(
        isinstance(value, str) and len(value) <= MAX_EVENT and value.isprintable(),
        "'event' must be printable text of at most {limit} characters",
        limit=MAX_EVENT,
    )
    return str(value)


def _count(backlog: Any, key: str) -> int:
    _read.expect(isinstance(backlog, dict), "'backlog' must be an object")
    return _read.whole(backlog, key, where="backlog.", least=0)


def _battery(value: Any) -> Battery | None:
    if value is None:
        return None
    _read.expect(isinstance(value, dict), "'battery' must be an object with percent, charging")
    percent = _read.whole(value, "percent", where="battery.", least=0)
    _read.expect(percent <= 100, "'battery.percent' must be 0 to 100")
    charging = value.get("charging")
    _read.expect(isinstance(charging, bool), "'battery.charging' must be true or false")
    return Battery(percent, bool(charging))
