"""Ed25519 signing keys: each kiosk signs its batches with its own device key (the server holds
its public half), and the server signs its receipts with its receipt key (every kiosk gets its
public half in the enrolment answer) and the releases that let a kiosk move to another
campaign; a kiosk also signs its heartbeat (its status) with its device key. Each use has its
own context prefix, so a signature made for one can never pass for another."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk.errors import BadSignature, KeyFileError

BATCH_SIGNATURE_CONTEXT = b"kiosk/batch-signature/v2\x00"
RECEIPT_SIGNATURE_CONTEXT = b"kiosk/receipt-signature/v2\x00"
RELEASE_SIGNATURE_CONTEXT = b"kiosk/release/v2\x00"  # the server's release of one kiosk
HEARTBEAT_SIGNATURE_CONTEXT = b"kiosk/heartbeat-signature/v1\x00"  # a kiosk's status
# The coordinator's campaign keyset (kiosk.protocol.keyset), signed on the coordinator's machine.
KEYSET_SIGNATURE_CONTEXT = b"kiosk/keyset/v1\x00"
# A delivery pack's manifest (kiosk.central.deliver), signed by the same coordinator key; v1
# was signed by a key derived from the campaign key.
MANIFEST_SIGNATURE_CONTEXT = b"kiosk/delivery-manifest/v2\x00"


@dataclass(frozen=True)
class DeviceKey:
    """A kiosk's Ed25519 batch-signing key. Holds no personal data; it proves which kiosk spoke."""

    private: ed25519.Ed25519PrivateKey

    @classmethod
    def generate(cls) -> DeviceKey:
        return cls(ed25519.Ed25519PrivateKey.generate())

    @property
    def public_bytes(self) -> bytes:
        return self.private.public_key().public_bytes_raw()

    def sign(self, message: bytes, *, context: bytes = BATCH_SIGNATURE_CONTEXT) -> bytes:
        return self.private.sign(context + message)

    def to_pem(self) -> bytes:
        return self.private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    @classmethod
    def from_pem(cls, data: bytes, source: str) -> DeviceKey:
        try:
            key = serialization.load_pem_private_key(data, None)
        except (ValueError, TypeError):
            raise KeyFileError(f"{source} is not a readable device key.") from None
        if not isinstance(key, ed25519.Ed25519PrivateKey):
            raise KeyFileError(f"{source} is not an Ed25519 device key.")
        return cls(key)


def verify_device_signature(
    public_bytes: bytes,
    message: bytes,
    signature: bytes,
    *,
    context: bytes = BATCH_SIGNATURE_CONTEXT,
    what: str = "the batch signature does not verify for this device",
) -> None:
    """Raise BadSignature (saying `what`) unless `signature` is the key's over `message`."""
    try:
        public = ed25519.Ed25519PublicKey.from_public_bytes(public_bytes)
        public.verify(signature, context + message)
    except (InvalidSignature, ValueError):
        raise BadSignature(what) from None
