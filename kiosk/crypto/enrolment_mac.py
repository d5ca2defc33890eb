"""The enrolment code as a key: the kiosk proves it knows the code without sending it, and the
server's answer is bound to the code and to this very request.

From the code (140 random bits, read or scanned by the volunteer) HKDF-SHA256 derives two
values: `code_id`, which names the code to the server (the server stores it, as it stored the
code's hash before), and `mac_key`. The kiosk's request carries its device id, device public key
and a fresh nonce, MACed (HMAC-SHA256) under `mac_key`; the answer (campaign key, appeal, event,
receipt key) is MACed under the same key together with the request's nonce and device key. A
proxy between them knows neither the code nor `mac_key`: it can change no field of either
message, even over plain HTTP, without the other side seeing it.
"""

from __future__ import annotations

import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

REQUEST_CONTEXT = b"kiosk/enrol-request/v2\x00"
ANSWER_CONTEXT = b"kiosk/enrol-answer/v2\x00"


@dataclass(frozen=True)
class CodeKeys:
    code_id: str  # hex, 32 characters: how the request names the code
    mac_key: bytes  # 32 bytes

    @classmethod
    def derive(cls, code: str) -> CodeKeys:
        """From a code as typed: spaces, dashes and lower case do not matter."""
        secret = normalise_code(code).encode("utf-8")
        return cls(
            _hkdf(secret, b"kiosk/enrol/v2 code id", 16).hex(),
            _hkdf(secret, b"kiosk/enrol/v2 mac key", 32),
        )

    def mac(self, context: bytes, fields: Mapping[str, object]) -> str:
        message = context + json.dumps(fields, sort_keys=True, separators=(",", ":")).encode()
        return hmac.new(self.mac_key, message, "sha256").hexdigest()

    def verify(self, context: bytes, fields: Mapping[str, object], mac: object) -> bool:
        return isinstance(mac, str) and hmac.compare_digest(self.mac(context, fields), mac)


def normalise_code(code: str) -> str:
    return re.sub(r"[\s-]", "", code).upper()


def _hkdf(secret: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=info).derive(secret)
