"""The batch document's bytes: the envelope's canonical form and the size bounds the closer
cuts batches by."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.crypto.device_key import DeviceKey
from kiosk.protocol.batch import (
    FORMAT,
    GENESIS_HASH,
    MAX_SEALED_BYTES,
    Batch,
    BatchRecord,
    envelope_bytes,
    parse,
    record_body_bytes,
)

KEY = DeviceKey.generate()
HOUR = datetime(2026, 3, 1, 9, tzinfo=UTC)


def _batch(sealed: list[bytes], *, seq: int = 1, appeal_id: str = "a") -> Batch:
    return Batch(
        batch_id=str(uuid.uuid4()),
        device_id=str(uuid.uuid4()),
        seq=seq,
        prev_hash=GENESIS_HASH,
        appeal_id=appeal_id,
        appeal_version=2**53 - 1,
        created_at=HOUR,
        records=tuple(
            BatchRecord(str(uuid.uuid4()), 2**53 - 1 - i, HOUR, "f" * 32, blob)
            for i, blob in enumerate(sealed)
        ),
    )


@settings(max_examples=50)
@given(st.lists(st.binary(min_size=1, max_size=3000), min_size=1, max_size=20))
def test_the_envelope_is_the_canonical_json_and_parses_back(sealed: list[bytes]) -> None:
    signed = _batch(sealed).sign(KEY)
    envelope = signed.to_bytes()
    canonical = {
        "format": FORMAT,
        "body": base64.b64encode(signed.body).decode("ascii"),
        "signature": base64.b64encode(signed.signature).decode("ascii"),
    }
    assert envelope == json.dumps(canonical, sort_keys=True).encode("ascii")
    back = parse(envelope)
    back.verify(KEY.public_bytes)
    assert back == signed


@settings(max_examples=50)
@given(
    st.lists(st.integers(min_value=1, max_value=MAX_SEALED_BYTES), min_size=1, max_size=8),
    st.integers(min_value=1, max_value=2**53 - 1),
    st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=62, max_size=62),
)
def test_the_size_bounds_hold_for_the_largest_fields(
    sizes: list[int], seq: int, appeal: str
) -> None:
    """The closer promises an envelope of at most max_bytes from these bounds alone: they must
    hold for the longest values every field may take."""
    batch = _batch([b"\xff" * n for n in sizes], seq=seq, appeal_id="a" + appeal)
    envelope = batch.sign(KEY).to_bytes()
    assert len(envelope) <= envelope_bytes(sum(record_body_bytes(n) for n in sizes))
