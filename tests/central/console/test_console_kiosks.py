"""The Kiosks page over the kiosks' heartbeats, with the server's clock moved by the test: each
kiosk's status, coarse times, and the kiosks that need a volunteer listed first, in words
(English and Italian), in the page and in its JSON."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from console_client import sign_in
from sqlalchemy import Engine

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, issue_credential
from kiosk.central.heartbeat import take_heartbeat
from kiosk.central.ingest import ingest
from kiosk.central.server import ServerThread
from kiosk.protocol.heartbeat import AppealInUse, Battery


@dataclass
class ServerClock:
    """The server's time, moved by the test; it starts at the real time, which stamps the
    batches ingested here."""

    start: datetime = field(default_factory=lambda: datetime.now(UTC))
    now: datetime = field(init=False)

    def __post_init__(self) -> None:
        self.now = self.start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def server_clock() -> ServerClock:
    return ServerClock()


@pytest.fixture
def http(engine: Engine, campaign: CampaignInfo, server_clock: ServerClock) -> Iterator[Any]:
    credential = issue_credential(engine)
    with (
        ServerThread(create_app(engine, clock=server_clock)) as server,
        httpx.Client(base_url=server.url, timeout=10) as client,
    ):
        assert sign_in(client, credential).status_code == 303
        yield client


def beat(engine: Engine, kiosk: Any, server: ServerClock, **status: Any) -> None:
    """The kiosk's heartbeat, its clock the server's unless `clock` is given."""
    status.setdefault("clock", server.now.replace(microsecond=0))
    signed = kiosk.heartbeat(**status)
    take_heartbeat(engine, signed.to_bytes(), device_id=kiosk.device_id, clock=server)


def sections(page: str) -> tuple[str, str]:
    attention, _, calm = page.partition('id="calm"')
    return attention, calm


def test_kiosks_that_need_a_volunteer_come_first_and_say_why(
    http: httpx.Client, engine: Engine, enrolled: Any, server_clock: ServerClock
) -> None:
    healthy, low, full, late, stray = (enrolled(f"Stand {n}") for n in range(5))
    for kiosk in (healthy, low, full, late, stray):
        ingest(engine, kiosk.batch(2).to_bytes())
    beat(engine, healthy, server_clock, event="Piazza", battery=Battery(15, True))
    beat(engine, low, server_clock, battery=Battery(12, False))
    beat(engine, full, server_clock, disk_free_bytes=300_000_000)
    beat(engine, late, server_clock, clock=server_clock.now - timedelta(minutes=9, seconds=5))
    beat(engine, stray, server_clock, appeal=AppealInUse("other-appeal", 1, "cd" * 16))
    page = http.get("/console/kiosks").text
    attention, calm = sections(page)
    assert healthy.device_id in calm and "Piazza" in calm and "15 %, charging" in calm
    assert "Needs a volunteer:" in attention and "Needs a volunteer:" not in calm
    for kiosk, words in (
        (low, "battery low (12 %)"),
        (full, "disk nearly full (300 MB free)"),
        (late, "clock off: 9 min behind"),
        (stray, "not on the campaign&#39;s appeal"),
    ):
        assert kiosk.device_id in attention and kiosk.device_id not in calm
        assert words in attention, words
    answer = http.get("/console/api/kiosks").json()
    needs = {k["device_id"]: k["needs"] for k in answer["kiosks"]}
    assert needs == {
        low.device_id: ["battery"],
        full.device_id: ["disk"],
        late.device_id: ["clock"],
        stray.device_id: ["appeal"],
        healthy.device_id: [],
    }
    assert [k["device_id"] for k in answer["kiosks"]][-1] == healthy.device_id
    it = http.get("/console/kiosks", headers={"Accept-Language": "it"}).text
    assert "Serve un volontario:" in it and "batteria scarica (12 %)" in it
    assert "orologio sbagliato: 9 min indietro" in it


def test_a_kiosk_silent_for_15_minutes_is_flagged_by_the_servers_clock(
    http: httpx.Client, engine: Engine, enrolled: Any, server_clock: ServerClock
) -> None:
    kiosk = enrolled("Market")
    ingest(engine, kiosk.batch(2).to_bytes())
    beat(engine, kiosk, server_clock)
    seen = [
        (timedelta(minutes=3), "under 5 min ago", []),
        (timedelta(minutes=12), "10 min ago", []),
        (timedelta(minutes=16), "15 min ago", ["silent"]),
        (timedelta(hours=3, minutes=1), "3 h ago", ["silent"]),
    ]
    for later, words, needs in seen:
        server_clock.now = server_clock.start + later
        page = http.get("/console/kiosks").text
        assert words in page, words
        (state,) = http.get("/console/api/kiosks").json()["kiosks"]
        assert state["needs"] == needs
        minutes = int(later.total_seconds() // 60)  # its batch came a moment after the start
        assert state["seen_minutes_ago"] in (minutes - 1, minutes)
    attention, _calm = sections(page)
    assert kiosk.device_id in attention and "silent for over 15 min" in attention
    beat(engine, kiosk, server_clock)  # it speaks again
    assert http.get("/console/api/kiosks").json()["kiosks"][0]["needs"] == []


def test_the_kiosks_json_needs_a_session(http: httpx.Client, engine: Engine, enrolled: Any) -> None:
    enrolled()
    assert http.get("/console/api/kiosks").status_code == 200
    http.cookies.clear()
    assert http.get("/console/api/kiosks").status_code == 401
