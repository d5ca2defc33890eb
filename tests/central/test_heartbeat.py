"""PUT /api/v2/devices/{id}/heartbeat on a real server on loopback, on SQLite and PostgreSQL:
a kiosk's signed status kept as its latest, and the attacks on it: another enrolled kiosk's
key, a forged or replayed heartbeat, a revoked or unknown kiosk, a flood."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo
from kiosk.central.enrolment import revoke
from kiosk.central.models import DeviceHeartbeat
from kiosk.central.ratelimit import Limiter
from kiosk.central.server import ServerThread
from kiosk.protocol.heartbeat import Battery

NOON = datetime(2026, 12, 3, 12, 7, 41, tzinfo=UTC)


@dataclass
class ServerClock:
    now: datetime = NOON

    def __call__(self) -> datetime:
        return self.now


class Monotonic:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def server_clock() -> ServerClock:
    return ServerClock()


@pytest.fixture
def http(engine: Engine, campaign: CampaignInfo, server_clock: ServerClock) -> Iterator[Any]:
    app = create_app(engine, clock=server_clock, limiter=Limiter(clock=Monotonic()))
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def send(http: httpx.Client, signed: Any, *, device: str | None = None) -> httpx.Response:
    device = device or signed.heartbeat.device_id
    return http.put(
        f"/api/v2/devices/{device}/heartbeat",
        content=signed.to_bytes(),
        headers={"Content-Type": "application/vnd.kiosk.heartbeat"},
    )


def stored(engine: Engine) -> dict[str, DeviceHeartbeat]:
    with Session(engine, expire_on_commit=False) as s:
        return {h.device_id: h for h in s.scalars(select(DeviceHeartbeat))}


def test_a_heartbeat_is_kept_as_the_kiosks_latest_status(
    http: httpx.Client, engine: Engine, enrolled: Any
) -> None:
    kiosk = enrolled()
    signed = kiosk.heartbeat(
        clock=NOON + timedelta(minutes=7, seconds=3),
        event="Piazza Maggiore",
        pending_signatures=3,
        unacknowledged_batches=1,
        battery=Battery(15, True),
        disk_free_bytes=300_000_000,
    )
    response = send(http, signed)
    assert response.status_code == 200, response.text
    assert response.json() == {
        "device_id": kiosk.device_id,
        "latest_seq": 1,
        "clock_offset_seconds": 7 * 60 + 3,
    }
    row = stored(engine)[kiosk.device_id]
    assert (row.event, row.pending_signatures, row.unacknowledged_batches) == (
        "Piazza Maggiore",
        3,
        1,
    )
    assert (row.battery_percent, row.charging, row.disk_free_bytes) == (15, True, 300_000_000)
    assert row.seen_at == NOON.replace(second=0)  # to the minute
    assert row.clock_offset_seconds == 423
    # Nothing kept holds a time to the second: not the kiosk's clock, not the signed bytes.
    with Session(engine) as s:
        (raw,) = s.execute(select(DeviceHeartbeat.__table__)).all()
    sent = signed.heartbeat.clock
    for value in raw:
        assert not isinstance(value, bytes | datetime) or (
            isinstance(value, datetime) and value.second == 0
        ), value
        assert sent.isoformat()[:19] not in str(value)


def test_newer_replaces_the_same_again_is_the_same_and_a_replay_changes_nothing(
    http: httpx.Client, engine: Engine, enrolled: Any, server_clock: ServerClock
) -> None:
    kiosk = enrolled()
    first = kiosk.heartbeat(pending_signatures=5)
    second = kiosk.heartbeat(pending_signatures=0)
    assert send(http, first).json()["latest_seq"] == 1
    assert send(http, second).json()["latest_seq"] == 2
    again = send(http, second)
    assert again.status_code == 200 and again.json()["latest_seq"] == 2
    server_clock.now += timedelta(hours=1)
    replayed = send(http, first)  # an attacker on the network sends the old one again
    assert replayed.status_code == 200 and replayed.json()["latest_seq"] == 2
    row = stored(engine)[kiosk.device_id]
    assert (row.seq, row.pending_signatures) == (2, 0)
    assert row.seen_at == NOON.replace(second=0)  # not even "seen" moved


def test_a_different_heartbeat_under_a_used_number_is_a_conflict(
    http: httpx.Client, engine: Engine, enrolled: Any
) -> None:
    kiosk = enrolled()
    assert send(http, kiosk.heartbeat(seq=4, pending_signatures=1)).status_code == 200
    response = send(http, kiosk.heartbeat(seq=4, pending_signatures=9))
    assert response.status_code == 409
    assert stored(engine)[kiosk.device_id].pending_signatures == 1


def test_another_enrolled_kiosks_key_cannot_speak_for_a_kiosk(
    http: httpx.Client, engine: Engine, enrolled: Any
) -> None:
    honest, other = enrolled(), enrolled()
    assert send(http, honest.heartbeat(battery=Battery(90, True))).status_code == 200
    # The other kiosk signs a status claiming to be the honest one, with its own key.
    forged = honest.heartbeat(battery=Battery(3, False))
    forged = type(forged)(forged.heartbeat, forged.body, other.device_key.sign(forged.body))
    response = send(http, forged)
    assert response.status_code == 401
    assert "does not verify" in response.json()["detail"]
    # ... nor under its own URL: the body names the honest kiosk.
    assert send(http, forged, device=other.device_id).status_code == 400
    row = stored(engine)[honest.device_id]
    assert (row.seq, row.battery_percent) == (1, 90)
    assert other.device_id not in stored(engine)


def test_a_forged_byte_changes_nothing(http: httpx.Client, engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled()
    signed = kiosk.heartbeat(pending_signatures=2)
    tampered = signed.to_bytes().replace(b'"pending_signatures":2', b'"pending_signatures":0')
    response = http.put(f"/api/v2/devices/{kiosk.device_id}/heartbeat", content=tampered)
    assert response.status_code == 401
    assert stored(engine) == {}


def test_revoked_and_unknown_kiosks_are_refused(
    http: httpx.Client, engine: Engine, enrolled: Any, new_kiosk: Any
) -> None:
    kiosk = enrolled()
    assert send(http, kiosk.heartbeat(pending_signatures=1)).status_code == 200
    revoke(engine, kiosk.device_id)
    response = send(http, kiosk.heartbeat(pending_signatures=7))
    assert response.status_code == 403 and "revoked" in response.json()["detail"]
    assert stored(engine)[kiosk.device_id].pending_signatures == 1
    stranger = new_kiosk()
    assert send(http, stranger.heartbeat()).status_code == 401


def test_malformed_and_oversized_heartbeats_are_refused_in_words(
    http: httpx.Client, enrolled: Any
) -> None:
    kiosk = enrolled()
    url = f"/api/v2/devices/{kiosk.device_id}/heartbeat"
    response = http.put(url, content=b'{"format":"kiosk-heartbeat/1"}' + bytes(64))
    assert response.status_code == 422 and "'device_id'" in response.json()["detail"]
    assert http.put(url, content=b"x" * 5000).status_code == 413


def test_heartbeats_are_rate_limited_per_kiosk(http: httpx.Client, enrolled: Any) -> None:
    kiosk, neighbour = enrolled(), enrolled()
    for _ in range(12):
        assert send(http, kiosk.heartbeat()).status_code == 200
    response = send(http, kiosk.heartbeat())
    assert response.status_code == 429
    assert response.headers["retry-after"] == "5"
    assert "heartbeats from this kiosk" in response.json()["detail"]
    assert send(http, neighbour.heartbeat()).status_code == 200  # its own allowance


def test_concurrent_heartbeats_leave_the_newest(
    http: httpx.Client, engine: Engine, enrolled: Any
) -> None:
    """Several heartbeats of one kiosk at once (a retry racing the next): every one is answered,
    and the highest number stays, on PostgreSQL's concurrent writers too."""
    for _round in range(5):
        kiosk = enrolled()
        beats = [kiosk.heartbeat(pending_signatures=n) for n in range(1, 5)]
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda b: send(http, b), reversed(beats)))
        assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
        row = stored(engine)[kiosk.device_id]
        assert (row.seq, row.pending_signatures) == (4, 4)
