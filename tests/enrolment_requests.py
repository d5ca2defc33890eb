"""Enrolment requests as a v2 kiosk makes them: the code named by its id, the request MACed
with its key (kiosk.crypto.enrolment_mac), for tests that talk to the server directly."""

from __future__ import annotations

import secrets

from sqlalchemy import Engine

from kiosk.central.enrolment import Enrolment, enrol
from kiosk.crypto.enrolment_mac import REQUEST_CONTEXT, CodeKeys


def enrolment_request(code: str, device_id: str, public_key_b64: str) -> dict[str, object]:
    """The JSON body of POST /api/v2/enrolments."""
    keys = CodeKeys.derive(code)
    fields: dict[str, object] = {
        "code_id": keys.code_id,
        "device_id": device_id,
        "device_public_key": public_key_b64,
        "nonce": secrets.token_hex(16),
    }
    return {**fields, "mac": keys.mac(REQUEST_CONTEXT, fields)}


def enrol_with(engine: Engine, code: str, device_id: str, public_key_b64: str) -> Enrolment:
    request = enrolment_request(code, device_id, public_key_b64)
    mac = request.pop("mac")
    assert isinstance(mac, str)
    return enrol(engine, request, mac)[0]
