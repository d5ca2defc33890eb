"""The release: the current campaign's word that one kiosk may move to another campaign.

A kiosk stays with the campaign it enrolled with: enrolling it with another campaign's code
needs a release from the current campaign's server (`kiosk central release DEVICE`, which also
revokes the device there) or a factory reset. A volunteer's PIN alone never moves it.

    kiosk-release:<base64url of the canonical JSON>.<base64url of the Ed25519 signature>

    {"campaign": "<the campaign key's fingerprint>", "device_id": "<uuid>",
     "issued_at": "2026-12-03T15:00:00+00:00"}

The server signs it with its receipt key (context kiosk/release/v2), whose public half every
kiosk pinned at enrolment; the kiosk accepts a release only for its own device id and the
campaign it is enrolled with, so one kiosk's release cannot move another.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.clock import to_hour
from kiosk.crypto.device_key import RELEASE_SIGNATURE_CONTEXT, DeviceKey, verify_device_signature
from kiosk.errors import BadSignature, EnrolmentError
from kiosk.message import QT_TRANSLATE_NOOP, Message
from kiosk.protocol.fields import UUID

SCHEME = "kiosk-release:"
MAX_TEXT = 1000


@dataclass(frozen=True)
class Release:
    device_id: str
    campaign: str  # the fingerprint of the campaign key the kiosk is released from
    issued_at: datetime

    def signed_bytes(self) -> bytes:
        doc = {
            "campaign": self.campaign,
            "device_id": self.device_id,
            "issued_at": to_hour(self.issued_at).astimezone(UTC).isoformat(),
        }
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("ascii")

    def sign(self, server_key: DeviceKey) -> str:
        signature = server_key.sign(self.signed_bytes(), context=RELEASE_SIGNATURE_CONTEXT)
        return SCHEME + _b64(self.signed_bytes()) + "." + _b64(signature)


def check_release(text: str, *, receipt_key: bytes, device_id: str, campaign: str) -> Release:
    """The release in `text`, if the campaign's server signed it for this very kiosk and
    campaign; EnrolmentError says what is wrong otherwise."""
    text = "".join(text.split())
    body, signature = _parts(text)
    try:
        doc = json.loads(body)
        release = Release(
            device_id=str(doc["device_id"]),
            campaign=str(doc["campaign"]),
            issued_at=datetime.fromisoformat(str(doc["issued_at"])),
        )
    except (ValueError, KeyError, TypeError):
        raise _damaged() from None
    if not UUID.fullmatch(release.device_id) or release.signed_bytes() != body:
        raise _damaged()
    try:
        verify_device_signature(
            receipt_key,
            body,
            signature,
            context=RELEASE_SIGNATURE_CONTEXT,
            what="the release is not signed by this kiosk's campaign server",
        )
    except BadSignature:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "This release is not signed by the server of the campaign this kiosk collects "
                    "for, so the kiosk stays with its campaign. Ask that campaign's coordinator "
                    "for a release ('kiosk central release DEVICE').",
                )
            )
        ) from None
    if release.device_id != device_id:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "This release is for kiosk {other}, not this one ({device}). Ask the "
                    "coordinator for this kiosk's release.",
                ),
                other=release.device_id,
                device=device_id,
            )
        )
    if release.campaign != campaign:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "This release is from campaign {other}; this kiosk collects for campaign "
                    "{campaign}. Ask that campaign's coordinator for a release.",
                ),
                other=release.campaign,
                campaign=campaign,
            )
        )
    return release


def _parts(text: str) -> tuple[bytes, bytes]:
    if not text.lower().startswith(SCHEME) or len(text) > MAX_TEXT or text.count(".") != 1:
        raise _damaged()
    body, signature = text[len(SCHEME) :].split(".")
    try:
        decoded = (
            base64.urlsafe_b64decode(_padded(body)),
            base64.urlsafe_b64decode(_padded(signature)),
        )
    except (binascii.Error, ValueError):
        raise _damaged() from None
    if len(decoded[1]) != 64:
        raise _damaged()
    return decoded


def _damaged() -> EnrolmentError:
    return EnrolmentError(
        Message(
            QT_TRANSLATE_NOOP(
                "enrolment",
                "This is not a whole release (it starts with '{scheme}' and holds one dot): copy "
                "or scan it again.",
            ),
            scheme=SCHEME,
        )
    )


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _padded(text: str) -> str:
    return text + "=" * (-len(text) % 4)
