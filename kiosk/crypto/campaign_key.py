"""The campaign key pair, and the errors that tell a key file's problems apart.

The campaign key pair is the ML-KEM-768 and X25519 key pairs that form the hybrid key. On disk the
private halves are PKCS#8 PEM, encrypted under a secret stretched from the passphrase with scrypt
(docs/crypto.md says why), the public halves are SubjectPublicKeyInfo PEM.

Every `cryptography` primitive of the kiosk lives in this package: sealing (seal.py), device
signatures (device_key.py), the PIN hash (pin_hash.py), digests (digest.py), key files (here).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import re
import secrets
from dataclasses import dataclass

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric import mlkem, x25519
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from kiosk.crypto.pem import Armour, encrypted_private_key_problem, read_armour
from kiosk.errors import (
    DamagedKeyFile,
    KeyFileError,
    WrongKindOfKey,
    WrongPassphrase,
)

_SCRYPT_N = 2**17  # 128 MiB, about half a second: the passphrase is the key's last defence
_SCRYPT_N_MAX = 2**20  # 1 GiB: a larger n in a key file is damage, not caution
_SCRYPT_R = 8
_SCRYPT_P = 1

_PUBLIC_HEADER = re.compile(rb"^Kiosk campaign public key ([0-9a-f-]+)[ \t\r]*$", re.M)
_PRIVATE_HEADER = re.compile(rb"^Kiosk campaign private key ([0-9a-f-]+)[ \t\r]*$", re.M)
_MADE_BY = "made by 'kiosk keygen' or 'kiosk central init'"
_USE_BACKUP = "Use your backup copy of the campaign private key."
_ASK_AGAIN = "Ask your coordinator for a fresh copy of the campaign public key."


@dataclass(frozen=True)
class CampaignPublicKey:
    mlkem: mlkem.MLKEM768PublicKey
    x25519: x25519.X25519PublicKey

    @property
    def hpke_key(self) -> hpke.MLKEM768X25519PublicKey:
        return hpke.MLKEM768X25519PublicKey(self.mlkem, self.x25519)

    @property
    def fingerprint(self) -> str:
        """A short id for people to compare, e.g. when a coordinator hands out the key."""
        raw = self.mlkem.public_bytes_raw() + self.x25519.public_bytes_raw()
        digest = hashlib.sha256(raw).hexdigest()[:20]
        return "-".join(digest[i : i + 4] for i in range(0, 20, 4))

    def to_pem(self) -> bytes:
        spki = serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        return (
            f"Kiosk campaign public key {self.fingerprint}\n".encode()
            + self.mlkem.public_bytes(*spki)
            + self.x25519.public_bytes(*spki)
        )

    @classmethod
    def from_pem(cls, data: bytes, source: str) -> CampaignPublicKey:
        armour = read_armour(data)
        _refuse_private_key_as_public(armour, data, source)
        stated = _PUBLIC_HEADER.search(data)
        public = armour.labelled("PUBLIC KEY")
        if len(public) != 2 or armour.unfinished:
            raise _public_key_shape_error(armour, len(public), stated is not None, source)
        ders = []
        for number, block in enumerate(public, 1):
            if block.der is None:
                raise DamagedKeyFile(
                    f"{source} is damaged: part {number} of the key is not valid base64 "
                    f"(a character was changed or lost). {_ASK_AGAIN}"
                )
            ders.append(block.der)
        try:
            m = serialization.load_der_public_key(ders[0])
            x = serialization.load_der_public_key(ders[1])
        except (ValueError, UnsupportedAlgorithm):
            raise DamagedKeyFile(
                f"{source} is damaged: its key blocks do not read as keys. {_ASK_AGAIN}"
            ) from None
        if not isinstance(m, mlkem.MLKEM768PublicKey) or not isinstance(x, x25519.X25519PublicKey):
            raise WrongKindOfKey(
                f"{source} holds keys of the wrong kind; a campaign key is ML-KEM-768 + X25519 "
                f"({_MADE_BY}). Ask your coordinator for the campaign public key."
            )
        key = cls(m, x)
        # Any 32 bytes are a valid X25519 key, so damage to the key material would otherwise
        # load silently as another key; the fingerprint written beside it catches that.
        if stated and stated.group(1).decode() != key.fingerprint:
            raise DamagedKeyFile(
                f"{source} is damaged: its keys do not match the fingerprint written in it "
                f"({stated.group(1).decode()}). {_ASK_AGAIN}"
            )
        return key


def _refuse_private_key_as_public(armour: Armour, data: bytes, source: str) -> None:
    if armour.labelled("ENCRYPTED PRIVATE KEY") or _PRIVATE_HEADER.search(data):
        raise WrongKindOfKey(
            f"{source} is not a campaign public key but the campaign's private key, which must "
            "never be copied to a kiosk. Give the kiosk the public key file made with it "
            f"({_MADE_BY})."
        )


def _public_key_shape_error(
    armour: Armour, found: int, has_header: bool, source: str
) -> KeyFileError:
    if has_header or armour.unfinished or found > 2:
        cut = ", and it ends in the middle of one" if armour.unfinished else ""
        return DamagedKeyFile(
            f"{source} is damaged: it holds {found} complete key blocks where a campaign public "
            f"key has 2{cut}. {_ASK_AGAIN}"
        )
    if not armour.labels:
        holds = "holds no PEM key at all"
    else:
        holds = f"holds {', '.join(sorted(armour.labels))} blocks"
    return WrongKindOfKey(
        f"{source} is not a campaign public key: it {holds}. Ask your coordinator for the "
        f"campaign public key ({_MADE_BY})."
    )


@dataclass(frozen=True)
class CampaignPrivateKey:
    mlkem: mlkem.MLKEM768PrivateKey
    x25519: x25519.X25519PrivateKey

    @classmethod
    def generate(cls) -> CampaignPrivateKey:
        return cls(mlkem.MLKEM768PrivateKey.generate(), x25519.X25519PrivateKey.generate())

    def public_key(self) -> CampaignPublicKey:
        return CampaignPublicKey(self.mlkem.public_key(), self.x25519.public_key())

    @functools.cached_property  # made once: the export opens every record with it
    def hpke_key(self) -> hpke.MLKEM768X25519PrivateKey:
        return hpke.MLKEM768X25519PrivateKey(self.mlkem, self.x25519)

    def to_pem(self, passphrase: str, *, scrypt_n: int = _SCRYPT_N) -> bytes:
        if not passphrase:
            raise KeyFileError("The passphrase is empty; choose a long passphrase.")
        salt = secrets.token_bytes(16)
        secret = stretch(passphrase, salt, scrypt_n)
        enc = serialization.BestAvailableEncryption(secret)
        pkcs8 = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, enc
        header = (
            f"Kiosk campaign private key {self.public_key().fingerprint}\n"
            "Keep it offline. Whoever has it and the passphrase can read every signature.\n"
            f"scrypt-salt: {base64.b64encode(salt).decode()}\n"
            f"scrypt-n: {scrypt_n}\nscrypt-r: {_SCRYPT_R}\nscrypt-p: {_SCRYPT_P}\n"
        )
        return (
            header.encode() + self.mlkem.private_bytes(*pkcs8) + self.x25519.private_bytes(*pkcs8)
        )

    @classmethod
    def from_pem(cls, data: bytes, passphrase: str, source: str) -> CampaignPrivateKey:
        return LockedCampaignKey.read(data, source).unlock(passphrase)


@dataclass(frozen=True)
class LockedCampaignKey:
    """A campaign private key file, read and checked as far as it can be without the passphrase.

    Reading it first tells a damaged or wrong file apart from a wrong passphrase, and gives the
    fingerprint written in it, so a key of another campaign is refused before anyone types.
    """

    source: str
    fingerprint: str  # as written in the file's first line
    salt: bytes
    scrypt_n: int
    blocks: tuple[bytes, bytes]  # DER EncryptedPrivateKeyInfo: ML-KEM-768, then X25519

    @classmethod
    def read(cls, data: bytes, source: str) -> LockedCampaignKey:
        armour = read_armour(data)
        encrypted = armour.labelled("ENCRYPTED PRIVATE KEY")
        stated = _PRIVATE_HEADER.search(data)
        if not encrypted and "ENCRYPTED PRIVATE KEY" not in armour.unfinished:
            raise _not_a_private_key(armour, data, stated is not None, source)
        if len(encrypted) != 2 or armour.unfinished:
            cut = ", and it ends in the middle of one" if armour.unfinished else ""
            raise DamagedKeyFile(
                f"{source} is damaged: it holds {len(encrypted)} complete key blocks where a "
                f"campaign private key has 2{cut}. {_USE_BACKUP}"
            )
        if stated is None:
            raise DamagedKeyFile(
                f"{source} is damaged, or was not {_MADE_BY}: its first line, 'Kiosk campaign "
                f"private key' and the key's fingerprint, is missing. {_USE_BACKUP}"
            )
        ders = []
        for number, block in enumerate(encrypted, 1):
            if block.der is None:
                raise DamagedKeyFile(
                    f"{source} is damaged: key block {number} is not valid base64 "
                    f"(a character was changed or lost). {_USE_BACKUP}"
                )
            problem = encrypted_private_key_problem(block.der)
            if problem is not None:
                raise DamagedKeyFile(
                    f"{source} is damaged: key block {number} is not a well-formed encrypted "
                    f"key ({problem}). {_USE_BACKUP}"
                )
            ders.append(block.der)
        salt, n = scrypt_parameters(data, source)
        return cls(source, stated.group(1).decode(), salt, n, (ders[0], ders[1]))

    def unlock(self, passphrase: str) -> CampaignPrivateKey:
        secret = stretch(passphrase, self.salt, self.scrypt_n)
        opened: list[PrivateKeyTypes | None] = []
        for der in self.blocks:
            try:
                opened.append(serialization.load_der_private_key(der, secret))
            # A changed ciphertext byte can also decrypt to a key of an unknown type.
            except (ValueError, TypeError, UnsupportedAlgorithm):
                opened.append(None)
        m, x = opened
        if m is None and x is None:
            # Both blocks refuse the passphrase: a wrong passphrase, unless the salt written
            # above them is damaged, which nothing short of the right passphrase can show.
            raise WrongPassphrase(
                f"The passphrase does not open {self.source}: it is probably mistyped. Check "
                "it (capital letters, spaces) and try again. If you are sure it is right, this "
                "copy of the key file may be damaged: try your backup copy of the campaign "
                "private key."
            )
        if m is None or x is None:
            # The same passphrase opens one block and not the other: it is right.
            good, bad = (2, 1) if m is None else (1, 2)
            raise DamagedKeyFile(
                f"{self.source} is damaged: the passphrase is right (it opens key block {good}) "
                f"but key block {bad} does not open. {_USE_BACKUP}"
            )
        if not isinstance(m, mlkem.MLKEM768PrivateKey) or not isinstance(
            x, x25519.X25519PrivateKey
        ):
            raise WrongKindOfKey(
                f"{self.source} holds keys of the wrong kind; a campaign key is ML-KEM-768 + "
                f"X25519 ({_MADE_BY})."
            )
        key = CampaignPrivateKey(m, x)
        if key.public_key().fingerprint != self.fingerprint:
            raise DamagedKeyFile(
                f"{self.source} is damaged: its keys do not match the fingerprint written in it "
                f"({self.fingerprint}). {_USE_BACKUP}"
            )
        return key


def _not_a_private_key(armour: Armour, data: bytes, has_header: bool, source: str) -> KeyFileError:
    which = f"Use the campaign private key file, {_MADE_BY}."
    if has_header:
        return DamagedKeyFile(
            f"{source} is damaged: its key blocks are missing (the file may have been cut "
            f"short). {_USE_BACKUP}"
        )
    if armour.labelled("PUBLIC KEY") or _PUBLIC_HEADER.search(data):
        return WrongKindOfKey(
            f"{source} is not a campaign private key: it is a public key. {which}"
        )
    if "PRIVATE KEY" in armour.labels:
        return WrongKindOfKey(
            f"{source} is not a campaign private key: it holds an unencrypted private key "
            f"(a kiosk's device key?). {which}"
        )
    if armour.labels:
        holds = f"holds {', '.join(sorted(armour.labels))} blocks"
    else:
        holds = "holds no PEM key at all"
    return WrongKindOfKey(f"{source} is not a campaign private key: it {holds}. {which}")


def scrypt_parameters(data: bytes, source: str) -> tuple[bytes, int]:
    params = dict(re.findall(rb"^(scrypt-[nrps]\w*): *(\S+)[ \t\r]*$", data, re.M))
    try:
        salt = base64.b64decode(params[b"scrypt-salt"], validate=True)
        n = int(params[b"scrypt-n"])
        # A damaged header must not reach Scrypt: it rejects n that is not a power of two
        # (ValueError) and would try to allocate absurd memory for a huge one.
        if len(salt) < 16 or not 2**14 <= n <= _SCRYPT_N_MAX or n & (n - 1):
            raise ValueError
        if int(params[b"scrypt-r"]) != _SCRYPT_R or int(params[b"scrypt-p"]) != _SCRYPT_P:
            raise ValueError
    except (KeyError, ValueError):
        raise DamagedKeyFile(
            f"{source} is damaged: its scrypt lines (salt and work factor, above the key "
            f"blocks) are missing or altered. {_USE_BACKUP}"
        ) from None
    return salt, n


def stretch(passphrase: str, salt: bytes, n: int) -> bytes:
    kdf = Scrypt(salt=salt, length=32, n=n, r=_SCRYPT_R, p=_SCRYPT_P)
    return base64.b64encode(kdf.derive(passphrase.encode("utf-8")))
