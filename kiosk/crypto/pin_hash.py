"""The volunteer PIN is kept only as an Argon2id hash (RFC 9106) with its own salt and the
parameters it was made with, in the PHC string format, and checked in constant time.
"""

from __future__ import annotations

import base64
import hmac
import re
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from kiosk.errors import PinHashError


@dataclass(frozen=True)
class PinHashParams:
    """Argon2id cost. The default is OWASP's minimum for Argon2id (46 MiB, one pass, one lane):
    about 0.1 s on a laptop, so a volunteer barely waits while each guess at a stolen vault costs
    that much memory and time. Tests pass cheaper parameters."""

    memory_kib: int = 47_104
    iterations: int = 1
    lanes: int = 1


# A damaged or hostile hash string must not make the kiosk allocate absurd memory.
_PIN_MEMORY_MAX_KIB = 1 << 20  # 1 GiB


_PIN_ITERATIONS_MAX = 16


_PIN_LANES_MAX = 16


_PIN_HASH_RE = re.compile(
    r"^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$"
)


def hash_pin(pin: str, params: PinHashParams = PinHashParams()) -> str:
    """The PHC string `$argon2id$v=19$m=..,t=..,p=..$salt$hash`, with a fresh 16-byte salt."""
    salt = secrets.token_bytes(16)
    digest = _argon2id(pin, salt, params)
    return (
        f"$argon2id$v=19$m={params.memory_kib},t={params.iterations},p={params.lanes}"
        f"${_b64(salt)}${_b64(digest)}"
    )


def pin_hash_params(stored: str) -> PinHashParams:
    """The parameters a stored PIN hash was made with."""
    return _parse_pin_hash(stored)[0]


def verify_pin(pin: str, stored: str) -> bool:
    """Whether `pin` is the PIN behind `stored`, compared in constant time."""
    params, salt, expected = _parse_pin_hash(stored)
    return hmac.compare_digest(_argon2id(pin, salt, params, len(expected)), expected)


def _argon2id(pin: str, salt: bytes, params: PinHashParams, length: int = 32) -> bytes:
    kdf = Argon2id(
        salt=salt,
        length=length,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(pin.encode("utf-8"))


def _parse_pin_hash(stored: str) -> tuple[PinHashParams, bytes, bytes]:
    match = _PIN_HASH_RE.match(stored)
    if match is None:
        raise PinHashError("the stored PIN hash is not an Argon2id hash made by this kiosk")
    memory, iterations, lanes = (int(match.group(i)) for i in (1, 2, 3))
    try:
        salt = base64.b64decode(_unpad(match.group(4)), validate=True)
        digest = base64.b64decode(_unpad(match.group(5)), validate=True)
    except ValueError:
        raise PinHashError("the stored PIN hash is damaged") from None
    if not (
        1 <= lanes <= _PIN_LANES_MAX
        and 8 * lanes <= memory <= _PIN_MEMORY_MAX_KIB
        and 1 <= iterations <= _PIN_ITERATIONS_MAX
        and len(salt) >= 8
        and len(digest) >= 16
    ):
        raise PinHashError("the stored PIN hash has parameters this kiosk does not accept")
    return PinHashParams(memory, iterations, lanes), salt, digest


def _b64(data: bytes) -> str:
    # The PHC format's base64: standard alphabet, no padding.
    return base64.b64encode(data).decode("ascii").rstrip("=")


def _unpad(text: str) -> str:
    return text + "=" * (-len(text) % 4)
