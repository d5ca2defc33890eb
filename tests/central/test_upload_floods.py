"""Attacks on the upload path from one client address, on a real server on loopback (127/8
gives each client an address of its own): a flood of slot requests and slot-less PUTs does not
starve the other kiosks, and a body trickled byte by byte (slow POST) is cut, its slot freed.
Kiosks behind one address (a venue's NAT) are not refused by the per-address limits."""

from __future__ import annotations

import logging
import select
import socket
import threading
import time
from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from kiosk.central.admission import Admission
from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, get_campaign
from kiosk.central.ratelimit import Limiter, Limits, Rate, address_key
from kiosk.central.server import ServerThread
from kiosk.central.slow_clients import BodyPace
from kiosk.errors import SyncError
from kiosk.protocol.batch import MEDIA_TYPE
from kiosk.sync.client import ASK_FIRST_BYTES, CentralClient

FLOODER = "127.0.0.2"
RECORDS = 140  # about 290 kB of envelope: the kiosk asks for a slot first
DEADLINE = 90.0  # seconds for every honest kiosk to be stored


def kiosk_client(url: str, receipt_key: bytes, address: str) -> CentralClient:
    return CentralClient(
        url, receipt_key=receipt_key, transport=httpx.HTTPTransport(local_address=address)
    )


def upload_as_the_kiosk_does(
    client: CentralClient, signed: Any, deadline: float, waits: list[tuple[float, str]]
) -> str | None:
    """PUT the batch until it is stored, waiting out every Retry-After (the sync worker's
    rule); what went wrong, or None."""
    while time.monotonic() < deadline:
        try:
            client.put_batch(signed.batch.batch_id, signed.to_bytes())
            return None
        except SyncError as exc:
            if exc.retry_after is None:
                return str(exc)
            waits.append((exc.retry_after, str(exc)))
            time.sleep(exc.retry_after)
    return "out of time"


def test_a_flood_from_one_address_does_not_starve_the_other_kiosks(
    engine: Engine, campaign: CampaignInfo, enrolled: Any, stored_counts: Any
) -> None:
    # Small limits, so that the flood meets them within the test: 4 slots (2 per address)
    # and 40 upload requests per 10 s per address.
    limits = Limits(upload_requests_per_address=Rate(40, 10))
    app = create_app(engine, max_uploads=4, limiter=Limiter(limits=limits))
    admission: Admission = app.state.admission
    receipt_key = get_campaign(engine).receipt_key.public_bytes
    honest = [(f"127.0.3.{i + 1}", [enrolled().batch(RECORDS) for _ in range(2)]) for i in range(6)]
    for _address, batches in honest:
        assert min(len(b.to_bytes()) for b in batches) > ASK_FIRST_BYTES
    flood_answers: Counter[int] = Counter()
    stop = threading.Event()
    failures: list[str] = []
    waits: list[tuple[float, str]] = []
    finished: list[float] = []

    with ServerThread(app) as server:

        def flood_slots() -> None:  # asks for slots it never uses, as fast as it can
            transport = httpx.HTTPTransport(local_address=FLOODER)
            with httpx.Client(base_url=server.url, timeout=20, transport=transport) as http:
                while not stop.wait(0.02):  # 50 a second a thread: the server's work, not the GIL's
                    flood_answers[http.post("/api/v2/upload-slots").status_code] += 1

        def flood_puts() -> None:  # PUTs without a slot, with a body that is not a batch
            junk = b"x" * (300 * 1024)
            transport = httpx.HTTPTransport(local_address=FLOODER)
            with httpx.Client(base_url=server.url, timeout=20, transport=transport) as http:
                while not stop.wait(0.02):
                    answer = http.put(
                        "/api/v2/batches/00000000-0000-4000-8000-000000000000",
                        content=junk,
                        headers={"Content-Type": MEDIA_TYPE},
                    )
                    flood_answers[answer.status_code] += 1

        def kiosk(address: str, batches: list[Any]) -> None:
            began = time.monotonic()
            with kiosk_client(server.url, receipt_key, address) as client:
                for signed in batches:
                    problem = upload_as_the_kiosk_does(client, signed, began + DEADLINE, waits)
                    if problem:
                        failures.append(problem)
                        return
            finished.append(time.monotonic() - began)

        flooders = [threading.Thread(target=flood_slots) for _ in range(3)]
        flooders += [threading.Thread(target=flood_puts) for _ in range(2)]
        for t in flooders:
            t.start()
        time.sleep(1.0)  # the flood is under way before the kiosks start
        kiosks = [threading.Thread(target=kiosk, args=pair) for pair in honest]
        for t in kiosks:
            t.start()
        for t in kiosks:
            t.join(timeout=DEADLINE + 20)
        stop.set()
        for t in flooders:
            t.join(timeout=30)

    assert failures == []
    assert len(finished) == len(honest) and max(finished) < DEADLINE
    assert stored_counts() == (len(honest) * 2, len(honest) * 2 * RECORDS)  # each exactly once
    assert flood_answers[429] > 0, "the flood never met the per-address limit"
    assert flood_answers[503] > 0, "the flood never met its share of the slots"
    assert flood_answers[201] > 0  # it did get slots, within its share
    assert admission.peak_per_address <= 2  # the flooder never held more than its half


def test_a_429_to_a_slot_request_is_a_wait_for_the_kiosk_and_no_body_is_sent(
    engine: Engine, campaign: CampaignInfo, enrolled: Any, stored_counts: Any
) -> None:
    class Counted(httpx.HTTPTransport):
        sent = 0

        def handle_request(self, request: httpx.Request) -> httpx.Response:
            Counted.sent += len(request.content)
            return super().handle_request(request)

    limits = Limits(upload_requests_per_address=Rate(2, 60))
    receipt_key = get_campaign(engine).receipt_key.public_bytes
    signed = [enrolled().batch(RECORDS) for _ in range(2)]
    app = create_app(engine, limiter=Limiter(limits=limits))
    with ServerThread(app) as server:
        transport = Counted(local_address="127.0.0.4")
        with CentralClient(server.url, receipt_key=receipt_key, transport=transport) as client:
            client.put_batch(signed[0].batch.batch_id, signed[0].to_bytes())  # ask + PUT: 2
            sent_before = Counted.sent
            with pytest.raises(SyncError) as refused:
                client.put_batch(signed[1].batch.batch_id, signed[1].to_bytes())
        assert refused.value.retry_after == 30  # the next of 2 tokens a minute
        assert not refused.value.permanent
        assert "asked this kiosk to wait 30 seconds" in str(refused.value)
        assert Counted.sent == sent_before  # the body stayed on the kiosk
        # Another address is not held back by this one's limit.
        with kiosk_client(server.url, receipt_key, "127.0.0.5") as other:
            other.put_batch(signed[1].batch.batch_id, signed[1].to_bytes())
    assert stored_counts() == (2, 2 * RECORDS)


def test_twenty_kiosks_behind_one_address_stay_under_the_default_limits(
    engine: Engine, campaign: CampaignInfo, enrolled: Any, stored_counts: Any
) -> None:
    """A venue's 20 kiosks behind one NAT, each sending a backlog two batches at a time (as
    the sync worker does), against the default limits: never a 429."""
    receipt_key = get_campaign(engine).receipt_key.public_bytes
    venue = "127.0.4.1"
    kiosks = [[k.batch(3) for _ in range(4)] for k in (enrolled() for _ in range(20))]
    refusals: list[str] = []
    waits: list[tuple[float, str]] = []
    with ServerThread(create_app(engine)) as server:

        def kiosk(batches: list[Any]) -> None:
            with kiosk_client(server.url, receipt_key, venue) as client:
                for pair in (batches[:2], batches[2:]):
                    senders = [
                        threading.Thread(
                            target=lambda b=b: refusals.append(
                                upload_as_the_kiosk_does(client, b, time.monotonic() + 60, waits)
                                or ""
                            )
                        )
                        for b in pair
                    ]
                    for s in senders:
                        s.start()
                    for s in senders:
                        s.join()

        threads = [threading.Thread(target=kiosk, args=(b,)) for b in kiosks]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert [r for r in refusals if r] == []
    # Never told to wait by a per-address rate limit (a 503 for a busy moment may happen).
    assert [words for _s, words in waits if "429" in words] == []
    assert stored_counts() == (80, 240)


# --- slow POST ----------------------------------------------------------------------------

PACE = BodyPace(grace=0.5, min_rate=2000, idle=1.0)


def trickling_put(url: str, declared: int, piece: bytes, every: float) -> socket.socket:
    host, port = url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=10, source_address=(FLOODER, 0))
    sock.sendall(
        b"PUT /api/v2/batches/00000000-0000-4000-8000-000000000000 HTTP/1.1\r\nHost: kiosk\r\n"
        + f"Content-Type: {MEDIA_TYPE}\r\nContent-Length: {declared}\r\n\r\n".encode()
    )

    def trickle() -> None:
        sent = 0
        try:
            while sent < declared:
                readable, _, _ = select.select([sock], [], [], every)
                if readable:  # the server answered (or closed): stop sending
                    return
                sock.send(piece[: declared - sent])
                sent += len(piece)
        except OSError:
            return

    threading.Thread(target=trickle, daemon=True).start()
    return sock


def answer_and_close(sock: socket.socket, bound: float) -> tuple[bytes, float]:
    """Everything the server sends until it closes the connection, and when it closed."""
    began, received = time.monotonic(), b""
    sock.settimeout(bound)
    while True:
        chunk = sock.recv(65536)
        if not chunk:
            return received, time.monotonic() - began
        received += chunk


def test_a_trickled_body_is_cut_its_slot_freed_and_honest_uploads_go_on(
    engine: Engine,
    campaign: CampaignInfo,
    enrolled: Any,
    stored_counts: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    app = create_app(engine, max_uploads=1, body_pace=PACE)  # the trickler takes the one slot
    admission: Admission = app.state.admission
    receipt_key = get_campaign(engine).receipt_key.public_bytes
    honest = enrolled().batch(RECORDS)
    caplog.set_level(logging.WARNING, logger="kiosk.central")
    waits: list[tuple[float, str]] = []
    with ServerThread(app) as server:
        sock = trickling_put(server.url, 200_000, b"x" * 10, 0.1)  # 100 bytes a second
        with sock:
            deadline = time.monotonic() + 5
            while admission.active == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert admission.active == 1  # the slow body holds the only slot
            began = time.monotonic()
            answer, closed_after = answer_and_close(sock, bound=10)
        assert answer.startswith(b"HTTP/1.1 408 ")
        assert b"connection: close" in answer.lower()
        assert b"arrived too slowly" in answer
        # Cut once it fell behind: 0.5 s of grace and a few bytes' worth, well within 3 s.
        assert closed_after < 3.0
        assert time.monotonic() - began < 3.0
        assert admission.active == 0  # the slot is free again
        with kiosk_client(server.url, receipt_key, "127.0.0.6") as client:
            assert upload_as_the_kiosk_does(client, honest, time.monotonic() + 30, waits) is None
    assert stored_counts() == (1, RECORDS)
    cuts = [r for r in caplog.records if "too slowly" in r.getMessage()]
    assert len(cuts) == 1
    logged = cuts[0].getMessage()
    assert "PUT" in logged and "of 200000 bytes" in logged
    assert FLOODER not in logged and "127.0." not in logged  # no client address in the log


def test_an_honest_upload_waits_while_a_trickler_holds_the_slot_and_is_then_stored(
    engine: Engine, campaign: CampaignInfo, enrolled: Any, stored_counts: Any
) -> None:
    app = create_app(engine, max_uploads=1, body_pace=PACE)
    admission: Admission = app.state.admission
    receipt_key = get_campaign(engine).receipt_key.public_bytes
    honest = enrolled().batch(RECORDS)
    waits: list[tuple[float, str]] = []
    with ServerThread(app) as server:
        sock = trickling_put(server.url, 200_000, b"x" * 10, 0.1)
        with sock:
            deadline = time.monotonic() + 5
            while admission.active == 0 and time.monotonic() < deadline:
                time.sleep(0.01)
            assert admission.active == 1  # the trickler has the slot
            began = time.monotonic()
            with kiosk_client(server.url, receipt_key, "127.0.0.7") as client:
                problem = upload_as_the_kiosk_does(client, honest, began + 30, waits)
            took = time.monotonic() - began
    assert problem is None
    assert waits, "the honest kiosk never met the held slot: the test proves nothing"
    assert took < 15
    assert stored_counts() == (1, RECORDS)


def test_a_body_that_keeps_the_pace_is_not_cut(
    engine: Engine, campaign: CampaignInfo, caplog: pytest.LogCaptureFixture
) -> None:
    """12,000 bytes at 8,000 a second (four times the minimum) over 1.5 s, longer than the
    grace: read whole, and refused for what it is (not a batch), not for its pace."""
    caplog.set_level(logging.WARNING, logger="kiosk.central")
    with (
        ServerThread(create_app(engine, body_pace=PACE)) as server,
        trickling_put(server.url, 12_000, b"x" * 800, 0.1) as sock,
    ):
        sock.settimeout(10)
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 422 "), answer[:200]
    assert not [r for r in caplog.records if "too slowly" in r.getMessage()]


def test_the_pace_rule() -> None:
    pace = BodyPace(grace=10, min_rate=1000, idle=20)
    assert pace.time_left(elapsed=0, since_last=0, received=0) == 10
    assert pace.time_left(elapsed=5, since_last=5, received=0) == 5
    # 20,000 bytes buy 20 s after the grace, but no pause may pass 20 s
    assert pace.time_left(elapsed=12, since_last=1, received=20_000) == 18
    assert pace.time_left(elapsed=12, since_last=12, received=30_000) == 8
    assert pace.time_left(elapsed=40, since_last=0, received=20_000) == -10


def test_an_address_is_keyed_as_one_client() -> None:
    assert address_key("203.0.113.7") == "203.0.113.7"
    # IPv6: one client (a host, a home or a venue) is usually given a whole /64
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:bbbb::9")
    assert address_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:198.51.100.4") == "198.51.100.4"  # IPv4 through a v6 socket
    assert address_key("") == "" and address_key("testclient") == "testclient"
