"""The delivery signing key: an Ed25519 key derived from the campaign private key, which signs
the manifest of a delivery pack (kiosk/central/deliver.py) so its count can be audited.

The campaign key is a KEM (ML-KEM-768 + X25519): it opens, it cannot sign. A second key file
would be one more secret to keep and lose, so the signing key is derived from the campaign
private key with HKDF-SHA256 (its two private halves as input, a label of its own as info):
whoever holds the campaign key can make it again, nobody else can, and no key of any other use
(seal, batch, receipt) is ever the same. Its public half goes in every manifest; the campaign
publishes its fingerprint (`kiosk central deliver` prints it) so a target can check who signed.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.errors import BadSignature

MANIFEST_SIGNATURE_CONTEXT = b"kiosk/delivery-manifest/v1\x00"
_DERIVATION_INFO = b"kiosk/delivery-signing-key/v1"


@dataclass(frozen=True)
class DeliveryKey:
    private: ed25519.Ed25519PrivateKey

    @classmethod
    def from_campaign_key(cls, key: CampaignPrivateKey) -> DeliveryKey:
        material = key.x25519.private_bytes_raw() + key.mlkem.private_bytes_raw()
        seed = HKDF(hashes.SHA256(), 32, salt=None, info=_DERIVATION_INFO).derive(material)
        return cls(ed25519.Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def public_b64(self) -> str:
        return base64.b64encode(self.private.public_key().public_bytes_raw()).decode("ascii")

    def sign(self, message: bytes) -> str:
        return base64.b64encode(self.private.sign(MANIFEST_SIGNATURE_CONTEXT + message)).decode()


def fingerprint(public_b64: str) -> str:
    """A short id of a delivery key for people to compare: 5 groups of 4 hex digits."""
    digest = hashlib.sha256(base64.b64decode(public_b64)).hexdigest()[:20]
    return "-".join(digest[i : i + 4] for i in range(0, 20, 4))


def verify_manifest_signature(public_b64: str, message: bytes, signature_b64: str) -> None:
    """Raise BadSignature unless `signature_b64` is the delivery key's over `message`."""
    try:
        public = ed25519.Ed25519PublicKey.from_public_bytes(base64.b64decode(public_b64))
        public.verify(base64.b64decode(signature_b64), MANIFEST_SIGNATURE_CONTEXT + message)
    except (InvalidSignature, ValueError):
        raise BadSignature("the manifest's signature does not verify") from None
