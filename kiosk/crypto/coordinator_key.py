"""The coordinator's signing key: an Ed25519 key made by `kiosk central init`, kept with the
campaign private keys on the coordinator's machine, never on the server.

It signs the campaign keyset (kiosk.protocol.keyset) that tells kiosks which campaign key to
seal to. Kiosks pin its public half at enrolment, so the server, which only passes the signed
keyset on, cannot make them seal to a key of its own (docs/crypto.md, "Keys that can change").

On disk it is one PKCS#8 block encrypted like the campaign private key (scrypt-stretched
passphrase, kiosk.crypto.campaign_key), under a header that names its fingerprint.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519

from kiosk.crypto.campaign_key import scrypt_parameters, stretch
from kiosk.crypto.device_key import DeviceKey
from kiosk.crypto.pem import read_armour
from kiosk.errors import DamagedKeyFile, WrongKindOfKey, WrongPassphrase

_HEADER = re.compile(rb"^Kiosk coordinator signing key ([0-9a-f]{32})[ \t\r]*$", re.M)
_SCRYPT_N = 2**17
_SCRYPT_R, _SCRYPT_P = 8, 1


def coordinator_fingerprint(public_bytes: bytes) -> str:
    """The first 128 bits of the SHA-256 of the raw public key, in hex: what the enrolment
    link names and what the panel and `key list` show."""
    return hashlib.sha256(public_bytes).hexdigest()[:32]


def coordinator_key_to_pem(key: DeviceKey, passphrase: str, *, scrypt_n: int = _SCRYPT_N) -> bytes:
    salt = secrets.token_bytes(16)
    secret = stretch(passphrase, salt, scrypt_n)
    block = key.private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret),
    )
    header = (
        f"Kiosk coordinator signing key {coordinator_fingerprint(key.public_bytes)}\n"
        "Keep it with the campaign private keys. It tells kiosks which key to seal to.\n"
        f"scrypt-salt: {base64.b64encode(salt).decode()}\n"
        f"scrypt-n: {scrypt_n}\nscrypt-r: {_SCRYPT_R}\nscrypt-p: {_SCRYPT_P}\n"
    )
    return header.encode() + block


def coordinator_key_from_pem(data: bytes, passphrase: str, source: str) -> DeviceKey:
    stated = _HEADER.search(data)
    blocks = read_armour(data).labelled("ENCRYPTED PRIVATE KEY")
    if stated is None or len(blocks) != 1 or blocks[0].der is None:
        raise DamagedKeyFile(
            f"{source} is not a whole coordinator signing key (made by 'kiosk central init'): "
            "restore it from the backup of the coordinator's directory."
        )
    salt, n = scrypt_parameters(data, source)
    try:
        key = serialization.load_der_private_key(blocks[0].der, stretch(passphrase, salt, n))
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise WrongPassphrase(
            f"The passphrase does not open {source}: it is the passphrase of the campaign "
            "private key made with it. Check it and try again."
        ) from None
    if not isinstance(key, ed25519.Ed25519PrivateKey):
        raise WrongKindOfKey(f"{source} does not hold an Ed25519 coordinator signing key.")
    signing = DeviceKey(key)
    if coordinator_fingerprint(signing.public_bytes) != stated.group(1).decode():
        raise DamagedKeyFile(
            f"{source} is damaged: its key does not match the fingerprint written in it."
        )
    return signing
