"""The batch document's bytes: the envelope's canonical form and the size bounds the closer
cuts batches by."""

from __future__ import annotations

import json
import struct
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.crypto.device_key import DeviceKey
from kiosk.errors import BadSignature, BatchFormatError
from kiosk.protocol.batch import (
    FORMAT,
    GENESIS_HASH,
    MAX_EVENT,
    MAX_RECORDS,
    MAX_SEALED_BYTES,
    Batch,
    BatchRecord,
    envelope_bytes,
    event_field,
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
def test_the_envelope_is_magic_header_records_signature_and_parses_back(
    sealed: list[bytes],
) -> None:
    signed = _batch(sealed).sign(KEY)
    envelope = signed.to_bytes()
    assert envelope.startswith(b"kiosk-batch/2\n")
    (length,) = struct.unpack(">I", envelope[14:18])
    header = json.loads(envelope[18 : 18 + length])
    assert envelope[18 : 18 + length] == json.dumps(
        header, sort_keys=True, separators=(",", ":")
    ).encode("ascii")
    assert header["format"] == FORMAT and header["kind"] == "chain"
    assert [entry[4] for entry in header["records"]] == [len(b) for b in sealed]
    # The sealed bytes follow the header as they are, once, then the signature.
    assert envelope[18 + length : -64] == b"".join(sealed)
    assert envelope[:-64] == signed.body and envelope[-64:] == signed.signature
    back = parse(envelope)
    back.verify(KEY.public_bytes)
    assert back == signed


def test_a_signature_worth_of_bytes_costs_little_more_than_its_seal() -> None:
    """1,000 padded typed signatures (8,304 sealed bytes each): the envelope is within 1.05x of
    the sealed bytes (version 1 took 1.89x)."""
    sealed = [bytes([i % 256]) * 8304 for i in range(MAX_RECORDS)]
    envelope = _batch(sealed).sign(KEY).to_bytes()
    ratio = len(envelope) / sum(map(len, sealed))
    assert ratio <= 1.05, ratio


def test_a_version_1_envelope_is_refused_in_words() -> None:
    old = json.dumps({"body": "e30=", "format": "kiosk-batch/1", "signature": ""}).encode()
    with pytest.raises(BatchFormatError, match=r"version 1 batch .* update the kiosk"):
        parse(old)


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda e: e[:20], "cut short|header's length is impossible"),
        (lambda e: e[:14] + struct.pack(">I", 2**31) + e[18:], "header's length is impossible"),
        (lambda e: e[:-65] + e[-64:], "'records\\[1\\].sealed length' is impossible"),
        (lambda e: e[:-64] + b"\x00" + e[-64:], "do not fill the batch exactly"),
        (lambda e: b"kiosk-batch/3\n" + e[14:], "does not start with 'kiosk-batch/2'"),
        (lambda e: _with_header(e, kind="other"), "'kind' must be one of chain"),
        (lambda e: _with_header(e, seq="1"), "'seq' must be a positive whole number"),
        (lambda e: _with_header(e, batch_id=str(uuid.uuid4()) + "\n"), "'batch_id' is missing"),
        (lambda e: _with_header(e, records=[{"id": 1}]), "'records\\[0\\]' must be a list"),
    ],
)
def test_a_malformed_envelope_is_refused_naming_what_is_wrong(
    damage: Callable[[bytes], bytes], words: str
) -> None:
    envelope = _batch([b"\x01" * 100, b"\x02" * 50]).sign(KEY).to_bytes()
    with pytest.raises(BatchFormatError, match=words):
        parse(damage(envelope))


def test_a_deeply_nested_header_is_refused_not_a_crash() -> None:
    nested = b"[" * 100_000 + b"]" * 100_000
    envelope = b"kiosk-batch/2\n" + struct.pack(">I", len(nested)) + nested + b"\x00" * 64
    with pytest.raises(BatchFormatError):
        parse(envelope)


def _with_header(envelope: bytes, **changes: object) -> bytes:
    """The envelope with fields of its header changed, the length prefix kept right."""
    (length,) = struct.unpack(">I", envelope[14:18])
    header = {**json.loads(envelope[18 : 18 + length]), **changes}
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return envelope[:14] + struct.pack(">I", len(text)) + text + envelope[18 + length :]


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


def test_the_event_is_signed_with_the_batch_and_checked() -> None:
    batch = replace(_batch([b"x" * 10]), event="Piazza Maggiore — sera")
    signed = batch.sign(KEY)
    parsed = parse(signed.to_bytes())
    assert parsed.batch.event == "Piazza Maggiore — sera"
    parsed.verify(KEY.public_bytes)
    # Moved to another event on the way: the signature no longer verifies.
    swapped = signed.to_bytes().replace(b"Piazza", b"Pizzas")
    with pytest.raises(BadSignature):
        parse(swapped).verify(KEY.public_bytes)
    # A batch without an event is the same bytes as before the field existed.
    assert b'"event"' not in _batch([b"x"]).sign(KEY).to_bytes()
    bad = replace(_batch([b"x"]), event="line\nbreak").sign(KEY).to_bytes()
    with pytest.raises(BatchFormatError, match="'event' is missing or malformed"):
        parse(bad)


def test_a_long_or_odd_event_name_is_cut_to_what_the_server_takes() -> None:
    assert event_field("  ") is None
    assert event_field("a\tb") == "ab"
    name = "é" * 500
    assert event_field(name) == "é" * MAX_EVENT
    big = replace(_batch([b"x" * 10] * 3), event="\U0001f600" * MAX_EVENT).sign(KEY)
    assert len(big.to_bytes()) <= envelope_bytes(3 * record_body_bytes(10))
    assert parse(big.to_bytes()).batch.event == "\U0001f600" * MAX_EVENT
