"""The erasure ledger's keyed hash: HMAC-SHA256 under a key derived (HKDF-SHA256) from the
campaign private key, so the ledger can say "this address was erased" without holding the
address, and nobody without the private key (and its passphrase) can test an address against it.
A plain hash would not do: e-mail addresses are few enough to guess one by one."""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.crypto.coordinator_key import coordinator_fingerprint
from kiosk.crypto.device_key import DeviceKey

_INFO = b"kiosk/erasure-ledger/v1"
COORDINATOR_OWNER = "coordinator "  # a ledger keyed by the coordinator signing key


class LedgerKey:
    """The key of the erasure ledger of one campaign key."""

    def __init__(self, secret: bytes, fingerprint: str) -> None:
        self._secret = secret
        self.fingerprint = fingerprint  # the key it was derived from, as the ledger names it

    @classmethod
    def of(cls, private: CampaignPrivateKey) -> LedgerKey:
        raw = serialization.Encoding.Raw, serialization.PrivateFormat.Raw
        material = private.mlkem.private_bytes_raw() + private.x25519.private_bytes(
            *raw, serialization.NoEncryption()
        )
        secret = HKDF(hashes.SHA256(), 32, salt=None, info=_INFO).derive(material)
        return cls(secret, private.public_key().fingerprint)

    @classmethod
    def of_coordinator(cls, signing: DeviceKey) -> LedgerKey:
        """Keyed by the coordinator signing key, which no rotation or destruction of a
        campaign key touches: what a campaign made with one uses."""
        material = signing.private.private_bytes_raw()
        secret = HKDF(hashes.SHA256(), 32, salt=None, info=_INFO).derive(material)
        return cls(secret, COORDINATOR_OWNER + coordinator_fingerprint(signing.public_bytes))

    def tag(self, text: str) -> str:
        return hmac.new(self._secret, text.encode("utf-8"), hashlib.sha256).hexdigest()
