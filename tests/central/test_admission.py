"""Admission control (kiosk.central.admission): a process reads and stores at most
`max_uploads` uploads at once; the others are told when to come back before their body is
sent (the kiosk asks for a slot first) or, without a slot, before it is read."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from kiosk.central.admission import Admission
from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, get_campaign
from kiosk.central.errors import Overloaded
from kiosk.central.server import ServerThread
from kiosk.errors import SyncError
from kiosk.protocol.batch import UPLOAD_SLOT_HEADER
from kiosk.sync.client import ASK_FIRST_BYTES, CentralClient

KIOSKS = 12
RECORDS = 140  # about 290 kB of envelope: above ASK_FIRST_BYTES, so the kiosk asks first
LIMIT = 2
DEADLINE = 120.0  # seconds for every kiosk to be stored


class BodyCounter:
    """ASGI middleware noting, per request, the body bytes the app read and its status."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.state = app.state
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        entry: dict[str, Any] = {"method": scope["method"], "path": scope["path"], "read": 0}
        # Noted before the app runs: the client has its answer before the app returns, so an
        # entry added afterwards may not be there yet when the test looks.
        with self._lock:
            self.requests.append(entry)

        async def counted() -> Any:
            message = await receive()
            if message["type"] == "http.request":
                entry["read"] += len(message.get("body", b""))
            return message

        async def noted(message: Any) -> None:
            if message["type"] == "http.response.start":
                entry["status"] = message["status"]
                entry["retry_after"] = dict(message.get("headers", [])).get(b"retry-after")
            await send(message)

        await self.app(scope, counted, noted)


class SentBytes(httpx.HTTPTransport):
    """The kiosk's transport, counting the request body bytes it hands to the network; from a
    loopback address of its own (`address`), as kiosks at different venues are."""

    def __init__(self, address: str = "127.0.0.1") -> None:
        super().__init__(local_address=address)
        self.sent = 0
        self._lock = threading.Lock()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.sent += len(request.content)
        return super().handle_request(request)


@pytest.fixture
def counted_server(engine: Engine, campaign: CampaignInfo) -> Iterator[tuple[str, BodyCounter]]:
    counter = BodyCounter(create_app(engine, max_uploads=LIMIT))
    with ServerThread(counter) as server:  # type: ignore[arg-type]
        yield server.url, counter


def test_many_large_uploads_through_a_small_limit_are_all_stored_once_and_none_sent_twice(
    counted_server: tuple[str, BodyCounter], engine: Engine, enrolled: Any, stored_counts: Any
) -> None:
    url, counter = counted_server
    receipt_key = get_campaign(engine).receipt_key.public_bytes
    batches = [enrolled().batch(RECORDS) for _ in range(KIOSKS)]
    envelopes = [b.to_bytes() for b in batches]
    assert min(len(e) for e in envelopes) > ASK_FIRST_BYTES
    transports = [SentBytes(f"127.0.1.{i + 1}") for i in range(KIOSKS)]
    waits: list[float] = []
    failures: list[str] = []
    start = threading.Barrier(KIOSKS, timeout=30)
    deadline = time.monotonic() + DEADLINE

    def kiosk(signed: Any, envelope: bytes, transport: SentBytes) -> None:
        with CentralClient(url, receipt_key=receipt_key, transport=transport) as client:
            start.wait()
            while time.monotonic() < deadline:
                try:
                    client.put_batch(signed.batch.batch_id, envelope)
                    return
                except SyncError as exc:
                    if exc.retry_after is None:
                        failures.append(str(exc))
                        return
                    waits.append(exc.retry_after)
                    time.sleep(exc.retry_after)
            failures.append("out of time")

    threads = [
        threading.Thread(target=kiosk, args=three)
        for three in zip(batches, envelopes, transports, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=DEADLINE + 10)
    assert failures == []
    assert stored_counts() == (KIOSKS, KIOSKS * RECORDS)
    admission: Admission = counter.state.admission
    assert admission.peak <= LIMIT  # never more bodies in hand than the limit
    assert admission.shed > 0 and waits, "the limit was never reached: the test proves nothing"
    assert all(w >= 1 for w in waits)
    puts = [r for r in counter.requests if r["method"] == "PUT"]
    asks = [r for r in counter.requests if r["path"] == "/api/v2/upload-slots"]
    assert [r["status"] for r in puts] == [201] * KIOSKS  # every body sent once, and stored
    assert sorted(r["read"] for r in puts) == sorted(len(e) for e in envelopes)
    assert {r["status"] for r in asks} == {201, 503}
    assert all(r["retry_after"] for r in asks if r["status"] == 503)
    # On the wire too: the shed kiosks sent nothing but their question.
    assert sum(t.sent for t in transports) == sum(len(e) for e in envelopes)


def test_a_put_without_a_slot_while_all_are_taken_is_refused_before_its_body_is_read(
    counted_server: tuple[str, BodyCounter], enrolled: Any, stored_counts: Any
) -> None:
    url, counter = counted_server
    # A PUT waits a moment for a slot to free: shorter here than the slots are held.
    counter.state.admission.max_wait = 0.5
    signed = enrolled().batch(RECORDS)
    path = f"/api/v2/batches/{signed.batch.batch_id}"
    # Every slot taken, each by another address (one address may hold only half of them).
    takers = [
        httpx.Client(base_url=url, timeout=20, transport=SentBytes(f"127.0.2.{i + 1}"))
        for i in range(LIMIT)
    ]
    slots = [taker.post("/api/v2/upload-slots") for taker in takers]
    for taker in takers:
        taker.close()
    assert [s.status_code for s in slots] == [201] * LIMIT
    with httpx.Client(base_url=url, timeout=20) as http:
        asked_again = http.post("/api/v2/upload-slots")
        refused = http.put(path, content=signed.to_bytes())
        with_slot = http.put(
            path, content=signed.to_bytes(), headers={UPLOAD_SLOT_HEADER: slots[0].json()["slot"]}
        )
    assert asked_again.status_code == 503
    assert int(asked_again.headers["retry-after"]) >= 1
    assert refused.status_code == 503
    assert refused.json()["title"] == "Server busy"
    assert int(refused.headers["retry-after"]) >= 1
    refused_put, stored_put = [r for r in counter.requests if r["method"] == "PUT"]
    assert refused_put["status"] == 503 and refused_put["read"] == 0
    assert stored_put["status"] == 201 and stored_put["read"] == len(signed.to_bytes())
    assert with_slot.status_code == 201
    assert stored_counts() == (1, RECORDS)


def test_a_reserved_slot_that_no_upload_claims_is_given_back() -> None:
    async def scenario() -> tuple[int, str]:
        admission = Admission(1, max_wait=0.01, hold=0.05)
        await admission.reserve()
        with pytest.raises(Overloaded):
            await admission.reserve()
        await asyncio.sleep(0.1)  # the hold runs out
        async with admission.upload(None):
            busy = admission.active
        token = await admission.reserve()
        return busy, token

    busy, token = asyncio.run(scenario())
    assert busy == 1
    assert token


def test_an_upload_waits_a_moment_for_a_slot_before_it_is_turned_away() -> None:
    async def scenario() -> tuple[bool, Overloaded]:
        admission = Admission(1, max_wait=0.5)
        release = asyncio.Event()

        async def first() -> None:
            async with admission.upload(None):
                await release.wait()

        holder = asyncio.create_task(first())
        await asyncio.sleep(0.01)
        asyncio.get_running_loop().call_later(0.1, release.set)
        async with admission.upload(None):  # the slot frees within the wait: admitted
            admitted = True
        release.clear()
        admission.mean_upload = 3.0  # as measured: an upload takes 3 s here
        holder = asyncio.create_task(first())
        await asyncio.sleep(0.01)
        with pytest.raises(Overloaded) as turned_away:
            async with admission.upload(None):
                pass
        release.set()
        await holder
        return admitted, turned_away.value

    admitted, refused = asyncio.run(scenario())
    assert admitted
    # One upload in hand and one waiting, 3 s each, one slot: 6 s, spread over 6-12 s.
    assert refused.retry_after is not None and 6 <= refused.retry_after <= 12


def test_one_address_holds_at_most_its_share_and_the_others_get_the_rest() -> None:
    async def scenario() -> tuple[list[str], int, int]:
        admission = Admission(4, max_wait=0.3)  # half each: 2
        events: list[str] = []
        flood = [await admission.reserve("10.0.0.1") for _ in range(2)]
        with pytest.raises(Overloaded) as over_share:
            await admission.reserve("10.0.0.1")
        assert "at most 2 uploads at once from one address" in str(over_share.value)
        assert over_share.value.retry_after is not None and over_share.value.retry_after >= 1
        honest = await admission.reserve("10.0.0.2")  # the flood did not take it
        async with admission.upload(honest, "10.0.0.2"):
            events.append("honest stored")
        # A PUT without a slot from the flooding address waits for one of its own to end,
        # while another address's PUT that arrives after it is served first.
        release = asyncio.Event()

        async def flooder_put() -> None:
            try:
                async with admission.upload(None, "10.0.0.1"):
                    events.append("flooder put")
            except Overloaded:
                events.append("flooder put turned away")

        async def later_put() -> None:
            async with admission.upload(None, "10.0.0.3"):
                events.append("later put from another address")
                await release.wait()

        waiting = asyncio.create_task(flooder_put())
        await asyncio.sleep(0.01)
        later = asyncio.create_task(later_put())
        await asyncio.sleep(0.01)
        await waiting
        release.set()
        await later
        del flood
        return events, admission.peak_per_address, admission.active

    events, peak_per_address, active = asyncio.run(scenario())
    assert events == [
        "honest stored",
        "later put from another address",
        "flooder put turned away",  # its two reservations were still held when its wait ran out
    ]
    assert peak_per_address == 2
    assert active == 2  # the two reservations, until their hold runs out


def test_a_waiting_upload_gets_the_slot_its_own_address_frees() -> None:
    async def scenario() -> list[str]:
        admission = Admission(2, max_wait=2.0)  # one each
        events: list[str] = []
        release = asyncio.Event()

        async def first() -> None:
            async with admission.upload(None, "10.0.0.1"):
                await release.wait()
                events.append("first done")

        async def second() -> None:
            async with admission.upload(None, "10.0.0.1"):
                events.append("second admitted")

        holder = asyncio.create_task(first())
        await asyncio.sleep(0.01)
        waiter = asyncio.create_task(second())
        await asyncio.sleep(0.05)
        assert admission.active == 1  # a slot is free, but not for this address yet
        release.set()
        await asyncio.gather(holder, waiter)
        assert admission.active == 0
        return events

    assert asyncio.run(scenario()) == ["first done", "second admitted"]
