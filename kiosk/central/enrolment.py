"""Enrolment codes, enrolling a kiosk's device key with one, revoking a device, and releasing
one to another campaign.

The code is never sent: the kiosk names it by its HKDF id and MACs its request with the key
derived from it (kiosk.crypto.enrolment_mac); the server checks that MAC before anything else,
and MACs its answer with the same key (in kiosk.central.api).

A code is single use: the UPDATE that consumes it names the code, requires it unused and
unexpired, and counts the rows it changed, so two kiosks racing with one code cannot both win.
A kiosk that retries after losing the response (same code, same device, same key) gets the same
answer again instead of "already used".
"""

from __future__ import annotations

import base64
import binascii
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.central.campaign import CampaignInfo, get_campaign
from kiosk.central.errors import Conflict, EnrolmentRefused, Malformed, NotFound, words
from kiosk.central.keyset import primary_and_version
from kiosk.central.models import Device, EnrolmentCode, utcnow
from kiosk.crypto.coordinator_key import coordinator_fingerprint
from kiosk.crypto.enrolment_mac import REQUEST_CONTEXT, CodeKeys
from kiosk.protocol.enrolment_link import EnrolmentLink
from kiosk.protocol.release import Release

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed
CODE_LENGTH = 28  # 28 * 5 bits = 140 bits
MAX_VALID_FOR = timedelta(days=30)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@dataclass(frozen=True)
class IssuedCode:
    code: str  # shown once; the database keeps only its hash
    event: str
    expires_at: datetime


@dataclass(frozen=True)
class Enrolment:
    device_id: str
    event: str
    campaign: CampaignInfo


def issue_code(engine: Engine, event: str, valid_for: timedelta) -> IssuedCode:
    event = event.strip()
    if not event or len(event) > 200:
        raise Malformed(words("the event name must be 1 to 200 characters"))
    if not timedelta(0) < valid_for <= MAX_VALID_FOR:
        raise Malformed(
            words("an enrolment code is valid for more than 0 seconds and at most 30 days")
        )
    get_campaign(engine)  # enrolling hands out the campaign key: there must be one
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    code = "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))
    now = utcnow()
    keys = CodeKeys.derive(raw)
    with Session(engine) as s, s.begin():
        s.add(
            EnrolmentCode(
                code_hash=keys.code_id,
                mac_key=keys.mac_key.hex(),
                event=event,
                created_at=now,
                expires_at=now + valid_for,
            )
        )
    return IssuedCode(code, event, now + valid_for)


def enrolment_link(engine: Engine, server_url: str, code: str, tls: str | None) -> str:
    """The link `kiosk central enroll --server-url` and the console print: it names the
    campaign, the certificate (`tls`, the link's short pin), the coordinator key and the
    keyset version now, below which a new kiosk refuses a keyset (kiosk.sync.enrol)."""
    campaign = get_campaign(engine)
    coordinator = (
        coordinator_fingerprint(campaign.coordinator_key) if campaign.coordinator_key else None
    )
    _primary, version = primary_and_version(engine)
    return EnrolmentLink(
        server_url, code, campaign.key_fingerprint, tls, coordinator, version
    ).to_text()


def code_keys(engine: Engine, code_id: str) -> CodeKeys:
    """The keys of the code a request names; EnrolmentRefused if there is no such v2 code."""
    with Session(engine) as s:
        mac_key = s.scalar(select(EnrolmentCode.mac_key).where(EnrolmentCode.code_hash == code_id))
    if not mac_key:
        raise EnrolmentRefused("this enrolment code is unknown; check it or ask for a new one")
    return CodeKeys(code_id, bytes.fromhex(mac_key))


def enrol(
    engine: Engine,
    request: dict[str, object],
    mac: str,
) -> tuple[Enrolment, CodeKeys]:
    """Register a kiosk's Ed25519 public key with a one-time code, once the request's MAC
    under the code's key verifies. `request`: code_id, device_id, device_public_key, nonce."""
    code_id, device_id = str(request["code_id"]), str(request["device_id"])
    public_key = _public_key(str(request["device_public_key"]))
    if not _UUID.fullmatch(device_id):
        raise Malformed("'device_id' must be a lower-case UUID")
    keys = code_keys(engine, code_id)
    if not keys.verify(REQUEST_CONTEXT, request, mac):
        raise EnrolmentRefused(
            "the enrolment request is not authenticated by this code: check the code, or "
            "something between the kiosk and this server changed the request"
        )
    campaign = get_campaign(engine)
    code_hash = code_id
    now = utcnow()
    with Session(engine) as s, s.begin():
        consumed = s.execute(
            update(EnrolmentCode)
            .where(
                EnrolmentCode.code_hash == code_hash,
                EnrolmentCode.used_at.is_(None),
                EnrolmentCode.expires_at > now,
            )
            .values(used_at=now, device_id=device_id)
            .returning(EnrolmentCode.event)
        ).scalar()
        if consumed is None:
            event = _retry_or_refuse(s, code_hash, device_id, public_key)
            return Enrolment(device_id, event, campaign), keys
        device = s.get(Device, device_id)
        if device is None:
            try:
                with s.begin_nested():
                    s.add(
                        Device(id=device_id, public_key=public_key, event=consumed, enrolled_at=now)
                    )
            except IntegrityError:  # another enrolment of this id committed meanwhile
                device = s.get(Device, device_id, populate_existing=True)
        if device is not None:
            if device.public_key != public_key:
                raise Conflict(f"device {device_id} is already enrolled with another key")
            if device.revoked_at is not None:
                raise EnrolmentRefused(f"device {device_id} has been revoked")
            device.event = consumed  # the same kiosk, now at another event
    return Enrolment(device_id, consumed, campaign), keys


def _retry_or_refuse(s: Session, code_hash: str, device_id: str, public_key: bytes) -> str:
    row = s.scalar(select(EnrolmentCode).where(EnrolmentCode.code_hash == code_hash))
    if row is None:
        raise EnrolmentRefused("this enrolment code is unknown; check it or ask for a new one")
    if row.used_at is not None:
        device = s.get(Device, device_id) if row.device_id == device_id else None
        if device is not None and device.public_key == public_key and device.revoked_at is None:
            return row.event  # the same kiosk retrying after a lost response
        raise EnrolmentRefused("this enrolment code has already been used; ask for a new one")
    raise EnrolmentRefused("this enrolment code has expired; ask the coordinator for a new one")


def _public_key(value: str) -> bytes:
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise Malformed("'device_public_key' is not valid base64") from None
    if len(raw) != 32:
        raise Malformed("'device_public_key' must be a 32-byte Ed25519 public key")
    return raw


def release(engine: Engine, device_id: str) -> str:
    """Let a kiosk move to another campaign: the device is revoked here (its later batches are
    refused) and the release it needs is returned, signed with the receipt key it pinned."""
    revoke(engine, device_id)
    campaign = get_campaign(engine)
    return Release(device_id, campaign.key_fingerprint, utcnow()).sign(campaign.receipt_key)


def revoke(engine: Engine, device_id: str) -> bool:
    """Revoke a device; False if it already was. Its batches stay; new ones are refused."""
    with Session(engine) as s, s.begin():
        device = s.get(Device, device_id)
        if device is None:
            raise NotFound(words("no device {device} is enrolled", device=device_id))
        if device.revoked_at is not None:
            return False
        device.revoked_at = utcnow()
        return True
