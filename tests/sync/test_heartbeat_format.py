"""The heartbeat document: round trip, strict parsing, and a signature bound to its device key
and to its purpose (a batch signature never passes for a heartbeat's)."""

from __future__ import annotations

import json
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.crypto.device_key import DeviceKey
from kiosk.errors import BadSignature, HeartbeatFormatError
from kiosk.petition.appeal import appeal_digest, load_bundled_appeal
from kiosk.protocol import heartbeat as hb
from kiosk.protocol.heartbeat import AppealInUse, Battery, Heartbeat

KEY = DeviceKey.generate()


def beat(**changes: object) -> Heartbeat:
    fields: dict[str, object] = {
        "device_id": str(uuid.UUID(int=7)),
        "seq": 3,
        "clock": datetime(2026, 12, 3, 14, 5, 9, tzinfo=UTC),
        "app_version": "0.1.0",
        "appeal": AppealInUse("clean-air", 2, "ab" * 16),
        "event": "Piazza Maggiore",
        "pending_signatures": 4,
        "unacknowledged_batches": 1,
        "battery": Battery(18, False),
        "disk_free_bytes": 12_000_000_000,
    }
    fields.update(changes)
    return Heartbeat(**fields)  # type: ignore[arg-type]


def test_round_trip_and_signature() -> None:
    signed = beat().sign(KEY)
    parsed = hb.parse(signed.to_bytes())
    assert parsed.heartbeat == beat()
    parsed.verify(KEY.public_bytes)
    with pytest.raises(BadSignature):
        parsed.verify(DeviceKey.generate().public_bytes)


def test_a_batch_signature_over_the_same_bytes_is_not_a_heartbeat_signature() -> None:
    body = beat().body_bytes()
    forged = body + KEY.sign(body)  # the batch context
    with pytest.raises(BadSignature):
        hb.parse(forged).verify(KEY.public_bytes)


def test_the_clock_travels_to_the_second_in_utc() -> None:
    rome = timezone(timedelta(hours=1))
    signed = beat(clock=datetime(2026, 12, 3, 15, 5, 9, tzinfo=rome)).sign(KEY)
    assert b'"clock":"2026-12-03T14:05:09+00:00"' in signed.body
    assert hb.parse(signed.to_bytes()).heartbeat.clock == beat().clock


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (b'"seq":3', "'seq' must be a positive"),
        (b'"percent":18', "'battery.percent' must be 0 to 100"),
        (b'"pending_signatures":4', "'backlog.pending_signatures'"),
        (b'"format":"kiosk-heartbeat/1"', "'format' must be"),
    ],
)
def test_bad_fields_are_named(change: bytes, words: str) -> None:
    body = beat().body_bytes()
    replacement = {
        b'"seq":3': b'"seq":0',
        b'"percent":18': b'"percent":180',
        b'"pending_signatures":4': b'"pending_signatures":-1',
        b'"format":"kiosk-heartbeat/1"': b'"format":"kiosk-heartbeat/9"',
    }[change]
    with pytest.raises(HeartbeatFormatError, match=words):
        hb.parse(body.replace(change, replacement) + bytes(64))


def test_a_clock_outside_the_calendar_is_refused_in_words() -> None:
    body = beat().body_bytes().replace(b"2026-12-03T14:05:09+00:00", b"0001-01-01T00:00:00+01:00")
    with pytest.raises(HeartbeatFormatError, match="outside the years"):
        hb.parse(body + bytes(64))


def test_only_the_canonical_form_is_taken() -> None:
    body = beat().body_bytes().replace(b'"seq":3', b'"seq": 3')
    with pytest.raises(HeartbeatFormatError, match="canonical"):
        hb.parse(body + KEY.sign(body))


def test_size_and_shape_limits() -> None:
    with pytest.raises(HeartbeatFormatError, match="over 4096"):
        hb.parse(b"{" * 5000)
    with pytest.raises(HeartbeatFormatError, match="cut short"):
        hb.parse(b"{}")
    with pytest.raises(HeartbeatFormatError, match="not JSON"):
        hb.parse(b"x" * 100)


def test_nothing_about_a_supporter_and_no_other_time_is_in_it() -> None:
    keys = set(json.loads(beat().body_bytes()))
    assert keys == {
        "format",
        "device_id",
        "seq",
        "clock",
        "app_version",
        "appeal",
        "event",
        "backlog",
        "battery",
        "disk_free_bytes",
    }


def test_appeal_digest_follows_the_texts() -> None:
    appeal = load_bundled_appeal()
    assert appeal_digest(appeal) == appeal_digest(load_bundled_appeal())
    assert appeal_digest(replace(appeal, title=appeal.title + "!")) != appeal_digest(appeal)


@given(
    seq=st.integers(1, 2**53 - 1),
    event=st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), max_size=255),
    pending=st.integers(0, 10**9),
    percent=st.none() | st.integers(0, 100),
    disk=st.none() | st.integers(0, 2**53 - 1),
)
def test_any_heartbeat_round_trips(
    seq: int, event: str, pending: int, percent: int | None, disk: int | None
) -> None:
    if not event.isprintable():
        event = ""
    original = beat(
        seq=seq,
        event=event,
        pending_signatures=pending,
        battery=None if percent is None else Battery(percent, True),
        disk_free_bytes=disk,
        appeal=None,
    )
    assert hb.parse(original.sign(KEY).to_bytes()).heartbeat == original
