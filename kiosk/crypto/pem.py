"""The PEM armour of a key file and the DER inside it, read without any key or passphrase.

A flipped byte in a passphrase-encrypted key usually makes decryption fail exactly as a wrong
passphrase does. Reading the armour and the DER structure first finds most damage (a cut-short
file, a character that is not base64, a broken length or algorithm identifier) before a
passphrase is asked for, so the two can be told apart wherever the file itself allows.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field

_BEGIN = re.compile(r"^-----BEGIN ([A-Z0-9 ]+)-----$")
_END = re.compile(r"^-----END ([A-Z0-9 ]+)-----$")

# PKCS#5 PBES2 (RFC 8018), the scheme `cryptography` uses for encrypted PKCS#8 keys.
_PBES2_OID = bytes.fromhex("06092a864886f70d01050d")
_SEQUENCE, _OCTET_STRING = 0x30, 0x04


@dataclass(frozen=True)
class Block:
    label: str  # e.g. "PUBLIC KEY", "ENCRYPTED PRIVATE KEY"
    der: bytes | None  # None: the text between the armour lines is not base64


@dataclass(frozen=True)
class Armour:
    blocks: tuple[Block, ...]
    unfinished: tuple[str, ...] = field(default=())  # labels of BEGIN lines with no END

    def labelled(self, label: str) -> list[Block]:
        return [b for b in self.blocks if b.label == label]

    @property
    def labels(self) -> set[str]:
        return {b.label for b in self.blocks} | set(self.unfinished)


def read_armour(data: bytes) -> Armour:
    """Every BEGIN/END block in `data`, decoded strictly; text outside the blocks is ignored."""
    text = data.decode("ascii", errors="replace")
    blocks: list[Block] = []
    unfinished: list[str] = []
    label: str | None = None
    body: list[str] = []
    for line in text.splitlines():
        line = line.strip()
        begin = _BEGIN.match(line)
        if begin:
            if label is not None:
                unfinished.append(label)
            label, body = begin.group(1), []
            continue
        end = _END.match(line)
        if end and label is not None:
            if end.group(1) == label:
                blocks.append(Block(label, _decode("".join(body))))
            else:
                unfinished.append(label)
            label = None
            continue
        if label is not None:
            body.append(line)
    if label is not None:
        unfinished.append(label)
    return Armour(tuple(blocks), tuple(unfinished))


def _decode(body: str) -> bytes | None:
    if not body:
        return None
    try:
        return base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        return None


def encrypted_private_key_problem(der: bytes) -> str | None:
    """What is wrong with the shape of a PKCS#8 EncryptedPrivateKeyInfo, or None.

    Checks that the DER is well formed throughout (definite lengths that add up exactly) and is
    a SEQUENCE of a PBES2 algorithm identifier and an OCTET STRING of whole AES blocks. What it
    cannot see is damage inside the salt, the IV or the ciphertext: only decryption finds that.
    """
    try:
        outer = _children(der, 0, len(der))
        if len(outer) != 1 or outer[0][0] != _SEQUENCE:
            return "it is not one DER SEQUENCE"
        _, start, end = outer[0]
        inner = _children(der, start, end)
        if [tag for tag, _, _ in inner] != [_SEQUENCE, _OCTET_STRING]:
            return "it is not an algorithm and an encrypted key"
        _, alg_start, alg_end = inner[0]
        _walk(der, alg_start, alg_end)
        if not der[alg_start:alg_end].startswith(_PBES2_OID):
            return "its encryption algorithm is not PBES2"
        _, data_start, data_end = inner[1]
        if data_end == data_start or (data_end - data_start) % 16:
            return "its encrypted key is not a whole number of AES blocks"
    except ValueError as exc:
        return str(exc)
    return None


def _walk(der: bytes, start: int, end: int) -> None:
    """Raise ValueError unless [start, end) is a sequence of well-formed TLVs, recursively."""
    for tag, content_start, content_end in _children(der, start, end):
        if tag & 0x20:  # constructed: its content is TLVs too
            _walk(der, content_start, content_end)


def _children(der: bytes, start: int, end: int) -> list[tuple[int, int, int]]:
    found = []
    pos = start
    while pos < end:
        tag, content_start, content_end = _tlv(der, pos, end)
        found.append((tag, content_start, content_end))
        pos = content_end
    return found


def _tlv(der: bytes, pos: int, end: int) -> tuple[int, int, int]:
    if pos + 2 > end:
        raise ValueError("a DER element is cut short")
    tag, first = der[pos], der[pos + 1]
    if tag & 0x1F == 0x1F:
        raise ValueError("a DER tag is of a kind key files never use")
    if first < 0x80:
        length, header = first, 2
    else:
        size = first & 0x7F
        if size == 0 or size > 4 or pos + 2 + size > end:
            raise ValueError("a DER length is malformed")
        length = int.from_bytes(der[pos + 2 : pos + 2 + size], "big")
        header = 2 + size
    if pos + header + length > end:
        raise ValueError("a DER length runs past its container")
    return tag, pos + header, pos + header + length
