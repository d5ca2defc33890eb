"""Taking in a kiosk's heartbeat (kiosk.protocol.heartbeat): checked like a batch (an enrolled,
unrevoked device whose key signed it), then kept as that device's latest status.

Heartbeats are ordered by their sequence number, not by any clock: a newer one replaces the
stored one, the same one again gets the same answer, and an older one (a replay, or one that
lost a race) changes nothing. The kiosk's clock is kept only as its offset from the server's,
and the time it was seen only to the minute; the signed envelope, which holds that clock to the
second, is not kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.central import errors
from kiosk.central.models import Device, DeviceHeartbeat, utcnow
from kiosk.central.ratelimit import Limiter
from kiosk.errors import BadSignature, HeartbeatFormatError
from kiosk.protocol import heartbeat as heartbeat_format

log = logging.getLogger("kiosk.central")


@dataclass(frozen=True)
class HeartbeatAnswer:
    latest_seq: int  # the newest heartbeat the server holds for this device
    clock_offset_seconds: int  # of that heartbeat: the kiosk's clock minus the server's


def take_heartbeat(
    engine: Engine,
    envelope: bytes,
    *,
    device_id: str,
    limiter: Limiter | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> HeartbeatAnswer:
    try:
        signed = heartbeat_format.parse(envelope)
    except HeartbeatFormatError as exc:
        raise errors.Malformed(f"the heartbeat is malformed: {exc}") from None
    beat = signed.heartbeat
    if beat.device_id != device_id:
        raise errors.IdMismatch(
            f"the URL names device {device_id} but the heartbeat is from {beat.device_id}"
        )
    try:
        return _store(engine, signed, limiter, clock())
    except IntegrityError:  # another request stored this device's first heartbeat just now
        return _store(engine, signed, None, clock())


def _store(
    engine: Engine,
    signed: heartbeat_format.SignedHeartbeat,
    limiter: Limiter | None,
    now: datetime,
) -> HeartbeatAnswer:
    beat = signed.heartbeat
    with Session(engine) as s, s.begin():
        device = s.get(Device, beat.device_id)
        if device is None:
            raise errors.UnknownDevice(f"device {beat.device_id} is not enrolled")
        try:
            signed.verify(device.public_key)
        except BadSignature:
            raise errors.BadSignature(
                f"the heartbeat's signature does not verify for device {beat.device_id}"
            ) from None
        if device.revoked_at is not None:
            raise errors.RevokedDevice(f"device {beat.device_id} has been revoked")
        if limiter is not None:  # counted once the signature verified: nobody spends another's
            limiter.heartbeat(beat.device_id)
        offset = round((beat.clock - now).total_seconds())  # the kiosk's clock minus ours
        values = _columns(beat, now, offset)
        stored = s.get(DeviceHeartbeat, beat.device_id)
        if stored is None:
            s.add(DeviceHeartbeat(device_id=beat.device_id, **values))
            s.flush()
            return HeartbeatAnswer(beat.seq, offset)
        if stored.seq == beat.seq and _status_of(stored) != _status(values):
            raise errors.Conflict(
                f"device {beat.device_id} already sent a different heartbeat number {beat.seq}"
            )
        if stored.seq >= beat.seq:  # the same again, or older: changes nothing
            return HeartbeatAnswer(stored.seq, stored.clock_offset_seconds)
        # Newer: replace it, unless an even newer one got in since it was read.
        changed = s.execute(
            update(DeviceHeartbeat)
            .where(DeviceHeartbeat.device_id == beat.device_id, DeviceHeartbeat.seq < beat.seq)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if changed.rowcount == 0:  # type: ignore[attr-defined]
            s.expire(stored)
            return HeartbeatAnswer(stored.seq, stored.clock_offset_seconds)
    log.debug("heartbeat %d from device %s", beat.seq, beat.device_id)
    return HeartbeatAnswer(beat.seq, offset)


# When it came and the kiosk's clock are not part of "the same heartbeat": a kiosk never sends
# two under one number, and the signature stops anyone else from changing either.
_WHEN = ("seq", "seen_at", "clock_offset_seconds")


def _status(values: dict[str, object]) -> dict[str, object]:
    return {k: v for k, v in values.items() if k not in _WHEN}


def _status_of(stored: DeviceHeartbeat) -> dict[str, object]:
    return {k: getattr(stored, k) for k in _COLUMNS if k not in _WHEN}


def _columns(beat: heartbeat_format.Heartbeat, now: datetime, offset: int) -> dict[str, object]:
    appeal, battery = beat.appeal, beat.battery
    return {
        "seq": beat.seq,
        "seen_at": now.replace(second=0, microsecond=0),
        "clock_offset_seconds": offset,
        "app_version": beat.app_version,
        "appeal_id": appeal.id if appeal else None,
        "appeal_version": appeal.version if appeal else None,
        "appeal_digest": appeal.digest if appeal else None,
        "event": beat.event,
        "pending_signatures": beat.pending_signatures,
        "unacknowledged_batches": beat.unacknowledged_batches,
        "battery_percent": battery.percent if battery else None,
        "charging": battery.charging if battery else None,
        "disk_free_bytes": beat.disk_free_bytes,
    }


_COLUMNS = tuple(c.key for c in DeviceHeartbeat.__table__.columns if c.key != "device_id")
