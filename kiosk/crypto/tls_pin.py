"""The server's TLS key, pinned: the SHA-256 of its certificate's SubjectPublicKeyInfo.

A kiosk enrolled with a server that serves its own (self-signed) certificate trusts that key
and no other: not the system's certificate authorities, not the name in the certificate. The pin
is the key's, not the certificate's, so a certificate renewed with the same key still passes.

The enrolment link carries the first 128 bits (32 hex digits), short enough to read aloud; the
kiosk compares it with the certificate the server presents before it sends anything, and keeps
the whole 256-bit pin for every later connection.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

LINK_PIN_LENGTH = 32  # hex digits: 128 bits
PIN_LENGTH = 64  # hex digits: the whole SHA-256
_PIN = re.compile(r"[0-9a-f]{32}|[0-9a-f]{64}")


def spki_pin(certificate_der: bytes) -> str:
    """The full pin (64 hex digits) of a DER certificate."""
    certificate = x509.load_der_x509_certificate(certificate_der)
    spki = certificate.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(spki).hexdigest()


def link_pin(pin: str) -> str:
    """The part of a full pin an enrolment link carries."""
    return pin[:LINK_PIN_LENGTH]


def is_pin(text: str) -> bool:
    """A full pin or a link's shortened one, in lower-case hex."""
    return _PIN.fullmatch(text) is not None


def matches(presented: str, pinned: str) -> bool:
    """Whether the full pin of a presented certificate is the pinned one (full or shortened)."""
    if not is_pin(pinned) or len(presented) != PIN_LENGTH:
        return False
    return hmac.compare_digest(presented[: len(pinned)], pinned)
