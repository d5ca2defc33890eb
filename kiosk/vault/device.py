"""This kiosk's identity row: its device id, and what enrolment stored (server, event, key)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import select

from kiosk.vault.models import Device

if TYPE_CHECKING:
    from kiosk.vault.store import Vault


@dataclass(frozen=True)
class Enrolment:
    server_url: str
    event: str
    device_key_file: str  # relative to the data directory
    campaign_key_fingerprint: str
    enrolled_at: datetime
    receipt_key: bytes  # the server's Ed25519 receipt key, pinned at enrolment
    tls_pin: str | None = None  # the server certificate's key (kiosk.sync.pinning)
    coordinator_key: bytes | None = None  # signs the campaign keyset (kiosk.protocol.keyset)


def enrolment(vault: Vault) -> Enrolment | None:
    """What enrolment stored, or None if this kiosk was never enrolled."""
    with vault.session() as s:
        device = s.scalars(select(Device)).one()
        if device.enrolled_at is None or not device.server_url or not device.device_key_file:
            return None
        if not device.receipt_key:
            return None  # enrolled by a protocol version 1 kiosk: it enrols again
        return Enrolment(
            server_url=device.server_url,
            event=device.event or "",
            device_key_file=device.device_key_file,
            campaign_key_fingerprint=device.campaign_key_fingerprint or "",
            enrolled_at=device.enrolled_at.replace(tzinfo=UTC),
            receipt_key=bytes.fromhex(device.receipt_key),
            tls_pin=device.tls_pin,
            coordinator_key=bytes.fromhex(device.coordinator_key)
            if device.coordinator_key
            else None,
        )


def record_enrolment(vault: Vault, done: Enrolment) -> None:
    with vault.session(write=True) as s:
        device = s.scalars(select(Device)).one()
        device.device_key_file = done.device_key_file
        device.server_url = done.server_url
        device.event = done.event
        device.campaign_key_fingerprint = done.campaign_key_fingerprint
        device.enrolled_at = done.enrolled_at.astimezone(UTC).replace(tzinfo=None)
        device.receipt_key = done.receipt_key.hex()
        device.tls_pin = done.tls_pin
        if device.coordinator_key != (done.coordinator_key.hex() if done.coordinator_key else None):
            # Another coordinator key (a release to another campaign): its keyset is not ours.
            device.keyset_body = device.keyset_signature = None
        device.coordinator_key = done.coordinator_key.hex() if done.coordinator_key else None
