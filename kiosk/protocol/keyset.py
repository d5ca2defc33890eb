"""The campaign keyset: which campaign keys exist, which one kiosks seal to, and each key's state.

After Tink's keyset: every key has an id (1, 2, 3, ...), one is the primary (new signatures are
sealed to it), and each is *active* (may be primary), *retired* (no longer sealed to, its records
still open) or *destroyed* (its private key is gone: its records never open again). States only
move forward, active → retired → destroyed.

The coordinator signs the keyset on their own machine with the coordinator signing key
(kiosk.crypto.coordinator_key); the server stores it and hands it, unchanged, to every kiosk in
its enrolment answer and at `GET /api/v2/campaign/keyset`:

    {"keyset": "<base64 of the body>", "signature": "<base64 Ed25519 signature>"}
    body = canonical JSON {"campaign": "<the campaign's first key's fingerprint>",
                           "version": 3, "primary": 2, "issued_at": "<hour, UTC>",
                           "keys": [{"id": 1, "fingerprint": "...", "state": "retired"}, ...],
                           "primary_public_key": "<PEM of the primary key>"}
    signature = Ed25519(coordinator key, "kiosk/keyset/v1\\0" || body)

`version` grows by one with every change, so a kiosk can refuse an older keyset replayed to it.
The campaign is named by its first key's fingerprint, which stays its name after a rotation (the
enrolment link and releases name it so).
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from kiosk.clock import to_hour
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.crypto.device_key import KEYSET_SIGNATURE_CONTEXT, DeviceKey, verify_device_signature
from kiosk.errors import KeyFileError, KeysetFormatError
from kiosk.protocol.fields import Reader

STATES = ("active", "retired", "destroyed")
MAX_KEYS = 1000
MAX_BODY = 256 * 1024
_FINGERPRINT = re.compile(r"^[0-9a-f]{4}(-[0-9a-f]{4}){4}$")
_read = Reader(KeysetFormatError)


@dataclass(frozen=True)
class KeyEntry:
    id: int
    fingerprint: str
    state: str


@dataclass(frozen=True)
class Keyset:
    campaign: str
    version: int
    primary: int
    keys: tuple[KeyEntry, ...]
    primary_public_key: str  # PEM text (kiosk.crypto.campaign_key)
    issued_at: datetime

    def entry(self, key_id: int) -> KeyEntry | None:
        return next((k for k in self.keys if k.id == key_id), None)

    @property
    def primary_entry(self) -> KeyEntry:
        entry = self.entry(self.primary)
        assert entry is not None, "checked when built"
        return entry

    def public_key(self) -> CampaignPublicKey:
        return CampaignPublicKey.from_pem(self.primary_public_key.encode("ascii"), "the keyset")

    def body(self) -> bytes:
        doc = {
            "campaign": self.campaign,
            "version": self.version,
            "primary": self.primary,
            "issued_at": to_hour(self.issued_at).astimezone(UTC).isoformat(),
            "keys": [
                {"id": k.id, "fingerprint": k.fingerprint, "state": k.state} for k in self.keys
            ],
            "primary_public_key": self.primary_public_key,
        }
        return json.dumps(doc, sort_keys=True, separators=(",", ":")).encode("ascii")

    def sign(self, coordinator: DeviceKey) -> SignedKeyset:
        body = self.body()
        return SignedKeyset(body, coordinator.sign(body, context=KEYSET_SIGNATURE_CONTEXT))


@dataclass(frozen=True)
class SignedKeyset:
    body: bytes
    signature: bytes

    def to_json(self) -> dict[str, str]:
        return {
            "keyset": base64.b64encode(self.body).decode("ascii"),
            "signature": base64.b64encode(self.signature).decode("ascii"),
        }

    @classmethod
    def from_json(cls, doc: Any) -> SignedKeyset:
        _read.expect(isinstance(doc, dict), "the keyset must be a JSON object")
        body = _read.base64(doc.get("keyset"), "keyset")
        signature = _read.base64(doc.get("signature"), "signature")
        _read.expect(len(body) <= MAX_BODY, "the keyset is too large")
        _read.expect(len(signature) == 64, "'signature' must be 64 bytes")
        return cls(body, signature)

    def verify(self, coordinator_public_key: bytes) -> Keyset:
        """The keyset, if the coordinator key signed it (BadSignature if not) and it is whole
        (KeysetFormatError if not)."""
        verify_device_signature(
            coordinator_public_key,
            self.body,
            self.signature,
            context=KEYSET_SIGNATURE_CONTEXT,
            what="the keyset is not signed by the campaign's coordinator",
        )
        return parse_body(self.body)


def parse_body(body: bytes) -> Keyset:
    doc = _read.json_object(body, "the keyset")
    keys_doc = doc.get("keys")
    if not isinstance(keys_doc, list) or not 0 < len(keys_doc) <= MAX_KEYS:
        raise KeysetFormatError("'keys' must be a list of keys")
    entries = []
    for number, item in enumerate(keys_doc):
        _read.expect(isinstance(item, dict), "'keys[{number}]' must be an object", number=number)
        state = item.get("state")
        _read.expect(
            state in STATES,
            "'keys[{number}].state' must be one of {states}",
            number=number,
            states=str(STATES),
        )
        entries.append(
            KeyEntry(
                _read.whole(item, "id", where=f"keys[{number}]."),
                _read.text(item, "fingerprint", _FINGERPRINT, where=f"keys[{number}]."),
                str(state),
            )
        )
    ids = [e.id for e in entries]
    _read.expect(len(set(ids)) == len(ids), "two keys of the keyset share an id")
    pem = doc.get("primary_public_key")
    _read.expect(isinstance(pem, str), "'primary_public_key' must be PEM text")
    keyset = Keyset(
        campaign=_read.text(doc, "campaign", _FINGERPRINT),
        version=_read.whole(doc, "version"),
        primary=_read.whole(doc, "primary"),
        keys=tuple(entries),
        primary_public_key=str(pem),
        issued_at=_read.time(doc, "issued_at"),
    )
    primary = keyset.entry(keyset.primary)
    _read.expect(primary is not None, "the keyset's primary key is not among its keys")
    try:
        fingerprint = keyset.public_key().fingerprint
    except KeyFileError:
        raise KeysetFormatError("the keyset's primary public key does not read as a key") from None
    _read.expect(
        primary is not None and fingerprint == primary.fingerprint,
        "the keyset's primary public key is not the key its fingerprint names",
    )
    _read.expect(keyset.body() == body, "the keyset is not in canonical form")
    return keyset
