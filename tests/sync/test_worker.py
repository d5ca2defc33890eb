"""The upload client and worker: state machine, errors in words, backoff, the thread."""

from __future__ import annotations

import random
import socket
import sqlite3
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import httpx
import pytest
from fake_central import FakeCentral  # type: ignore[import-not-found]
from receipts import SERVER_RECEIPT_KEY
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sync_types import AddSignatures, receipt_for  # type: ignore[import-not-found]

from kiosk.crypto.device_key import DeviceKey
from kiosk.desks.presence import Presence
from kiosk.protocol.batch import SignedBatch, parse
from kiosk.settings import SyncSettings
from kiosk.sync.backoff import retry_delay
from kiosk.sync.client import CentralClient
from kiosk.sync.closer import BatchCloser
from kiosk.sync.status import SyncStatus
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault
from kiosk.vault.models import BatchState, StoredBatch

FAST = SyncSettings(
    batch_size=5,
    sync_interval=timedelta(seconds=30),
    backoff_base=timedelta(milliseconds=10),
    backoff_max=timedelta(milliseconds=50),
)


def _worker(vault: Vault, key: DeviceKey, client: CentralClient) -> SyncWorker:
    closer = BatchCloser(vault, key, batch_size=FAST.batch_size)
    return SyncWorker(vault, closer, client, FAST, rng=random.Random(7))


def _states(vault: Vault) -> list[str]:
    with Session(vault.engine) as s:
        return list(s.scalars(select(StoredBatch.state).order_by(StoredBatch.seq)))


def test_backoff_is_full_jitter_within_a_growing_bounded_ceiling() -> None:
    rng = random.Random(1)
    for failures in range(1, 40):
        ceiling = min(60.0, 0.5 * 2 ** (failures - 1))
        delays = [retry_delay(failures, base=0.5, cap=60.0, rng=rng) for _ in range(200)]
        assert all(0.0 <= d <= ceiling for d in delays)
        assert max(delays) > 0.8 * ceiling and min(delays) < 0.2 * ceiling  # spread, not fixed
    assert retry_delay(0, base=0.5, cap=60.0, rng=rng) == 0.0
    assert retry_delay(10_000, base=0.5, cap=60.0, rng=rng) <= 60.0


def test_uploads_every_batch_and_acknowledges_on_the_receipt(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    fake, url = central
    added = add_signatures(12)
    worker = _worker(vault, device_key, CentralClient(url, receipt_key=SERVER_RECEIPT_KEY))
    seen: list[SyncStatus] = []
    worker.board.subscribe(seen.append)
    assert worker.run_once(force=True) is Outcome.DONE
    assert _states(vault) == [BatchState.ACKNOWLEDGED] * 3
    assert set(fake.records) == {a.id for a in added}
    status = worker.board.current
    assert (status.pending_signatures, status.unsent_batches, status.waiting) == (0, 0, 0)
    assert status.last_success is not None and status.last_error is None
    assert status.server_reachable is True
    assert any(s.syncing for s in seen) and not seen[-1].syncing
    # Again: nothing left to send, nothing sent.
    requests = fake.requests
    assert worker.run_once(force=True) is Outcome.DONE
    assert fake.requests == requests
    worker.stop()


def test_a_batch_is_marked_sent_before_its_request(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    add_signatures(2)
    states_during_request: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        states_during_request.append(_states(vault))
        return httpx.Response(503)

    client = CentralClient(
        "http://127.0.0.1:9", receipt_key=SERVER_RECEIPT_KEY, transport=httpx.MockTransport(handler)
    )
    worker = _worker(vault, device_key, client)
    assert worker.run_once(force=True) is Outcome.RETRY
    assert states_during_request == [[BatchState.SENT]]
    assert _states(vault) == [BatchState.SENT]
    assert "HTTP 503" in (worker.board.current.last_error or "")
    assert worker.board.current.server_reachable is True


def test_a_backlog_uploads_two_at_a_time_and_each_batch_is_marked_sent_before_its_request(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    """Two requests in flight; a batch is marked sent (in the commit that records the receipt
    two batches before it) before its request, and receipts are recorded in chain order."""

    add_signatures(30)  # six batches of five
    seen: dict[int, list[str]] = {}
    lock = threading.Lock()
    in_flight = [0]
    most_in_flight = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method != "PUT":  # the campaign total, after the round
            return httpx.Response(404)
        doc = parse(request.content)
        with lock:
            in_flight[0] += 1
            most_in_flight[0] = max(most_in_flight[0], in_flight[0])
        seen[doc.batch.seq] = _states(vault)
        time.sleep(0.05)  # long enough for the other request to start
        with lock:
            in_flight[0] -= 1
        return httpx.Response(201, json=receipt_for(doc))

    client = CentralClient(
        "http://127.0.0.1:9", receipt_key=SERVER_RECEIPT_KEY, transport=httpx.MockTransport(handler)
    )
    worker = _worker(vault, device_key, client)
    assert worker.run_once(force=True) is Outcome.DONE
    sent, pending, done = BatchState.SENT, BatchState.PENDING, BatchState.ACKNOWLEDGED
    assert sorted(seen) == [1, 2, 3, 4, 5, 6] and most_in_flight[0] == 2
    for seq, states in seen.items():
        k = seq - 1
        assert states[k] == sent
        assert set(states[: max(k - 1, 0)]) <= {done}  # two back: recorded before this left
        assert set(states[k + 2 :]) <= {pending}  # two ahead: waits for this one's receipt
    assert _states(vault) == [done] * 6
    with Session(vault.engine) as s:
        attempts = list(s.scalars(select(StoredBatch.attempts).order_by(StoredBatch.seq)))
    assert attempts == [1] * 6


def test_after_a_failed_batch_no_later_receipt_is_recorded(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    """Batch 2 fails while batch 3 gets through: 3 stays unacknowledged (receipts are recorded
    in chain order only) and batch 4 is never sent; the next round sends 2, 3 and 4."""

    add_signatures(20)
    requested: list[int] = []
    answers = {2: 503}

    def handler(request: httpx.Request) -> httpx.Response:
        if request.method != "PUT":
            return httpx.Response(404)
        doc = parse(request.content)
        requested.append(doc.batch.seq)
        if answers.get(doc.batch.seq):
            return httpx.Response(answers[doc.batch.seq])
        return httpx.Response(201, json=receipt_for(doc))

    client = CentralClient(
        "http://127.0.0.1:9", receipt_key=SERVER_RECEIPT_KEY, transport=httpx.MockTransport(handler)
    )
    worker = _worker(vault, device_key, client)
    assert worker.run_once(force=True) is Outcome.RETRY
    assert sorted(requested) == [1, 2, 3]
    sent, pending, done = BatchState.SENT, BatchState.PENDING, BatchState.ACKNOWLEDGED
    assert _states(vault) == [done, sent, sent, pending]
    answers.clear()
    requested.clear()
    assert worker.run_once(force=True) is Outcome.DONE
    assert sorted(requested) == [2, 3, 4] and _states(vault) == [done] * 4


OTHER_BATCH = "00000000-0000-4000-8000-000000000000"
Answer = Callable[[SignedBatch], httpx.Response]


def _ok(**receipt: object) -> httpx.Response:
    return httpx.Response(201, json=receipt)


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        (lambda _: httpx.Response(201, content=b'{"batch_id": "x", "ha'), Outcome.RETRY),  # cut
        (lambda b: httpx.Response(200, json=receipt_for(b, batch_id=OTHER_BATCH)), Outcome.STOPPED),
        (lambda b: httpx.Response(200, json=receipt_for(b, hash="0" * 64)), Outcome.STOPPED),
        # A receipt that is not whole proves nothing, even when its id and hash match.
        (
            lambda b: httpx.Response(201, json={"batch_id": b.batch.batch_id, "hash": b.hash}),
            Outcome.RETRY,
        ),
        (lambda b: httpx.Response(201, json=receipt_for(b, seq=0)), Outcome.RETRY),
        (
            lambda b: httpx.Response(201, json=receipt_for(b, received_at="2026-12-02T15:00:01")),
            Outcome.RETRY,
        ),
        (lambda _: httpx.Response(502, text="bad gateway"), Outcome.RETRY),
    ],
)
def test_only_a_2xx_with_a_whole_receipt_of_this_batch_acknowledges(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    answer: Answer,
    outcome: Outcome,
) -> None:
    add_signatures(1)
    transport = httpx.MockTransport(lambda request: answer(parse(request.content)))
    client = CentralClient(
        "http://127.0.0.1:9", receipt_key=SERVER_RECEIPT_KEY, transport=transport
    )
    worker = _worker(vault, device_key, client)
    assert worker.run_once(force=True) is outcome
    assert _states(vault) == [BatchState.SENT]
    assert worker.board.current.unsent_batches == 1


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (403, "revoked by the coordinator"),
        (401, "does not accept this kiosk"),
        (409, "different batch"),
    ],
)
def test_permanent_refusals_stop_uploads_until_sync_now(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    status: int,
    words: str,
) -> None:
    add_signatures(1)
    calls: list[int] = []
    answers = {"status": status}

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        if answers["status"] != 200:
            return httpx.Response(answers["status"], json={"title": "no", "detail": "refused"})
        assert request.content.startswith(b"kiosk-batch/2\n")
        assert request.headers["content-type"] == "application/vnd.kiosk.batch"

        doc = parse(request.content)
        return httpx.Response(200, json=receipt_for(doc))

    client = CentralClient(
        "http://127.0.0.1:9", receipt_key=SERVER_RECEIPT_KEY, transport=httpx.MockTransport(handler)
    )
    worker = _worker(vault, device_key, client)
    assert worker.run_once(force=True) is Outcome.STOPPED
    assert words in (worker.board.current.last_error or "")
    assert worker.run_once() is Outcome.STOPPED  # the timer does not hammer the server
    assert len(calls) == 1
    answers["status"] = 200
    assert worker.run_once(force=True) is Outcome.DONE  # "Sync now" tries again
    assert _states(vault) == [BatchState.ACKNOWLEDGED]


def test_a_408_for_a_body_too_slow_is_retried_not_a_stop(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    """The server cuts a body that arrives too slowly (kiosk.central.slow_clients): that is
    the network's doing, so the batch waits for the next round, not for "Sync now"."""
    add_signatures(1)
    answers = {"status": 408}

    def handler(request: httpx.Request) -> httpx.Response:
        if answers["status"] != 200:
            return httpx.Response(
                answers["status"],
                json={"title": "Request body too slow", "detail": "the body arrived too slowly"},
                headers={"Connection": "close"},
            )
        return httpx.Response(200, json=receipt_for(parse(request.content)))

    client = CentralClient(
        "http://127.0.0.1:9", receipt_key=SERVER_RECEIPT_KEY, transport=httpx.MockTransport(handler)
    )
    worker = _worker(vault, device_key, client)
    assert worker.run_once(force=True) is Outcome.RETRY
    assert "too slow" in (worker.board.current.last_error or "")
    answers["status"] = 200
    assert worker.run_once() is Outcome.DONE  # the next round, no "Sync now" needed
    assert _states(vault) == [BatchState.ACKNOWLEDGED]


def test_an_unreachable_server_is_retried_and_reported(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    with socket.socket() as s:  # a port with nothing listening
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    add_signatures(1)
    worker = _worker(
        vault,
        device_key,
        CentralClient(f"http://127.0.0.1:{port}", receipt_key=SERVER_RECEIPT_KEY, timeout=2),
    )
    assert worker.run_once(force=True) is Outcome.RETRY
    status = worker.board.current
    assert status.server_reachable is False
    assert "cannot be reached" in (status.last_error or "")
    assert status.unsent_batches == 1
    worker.stop()


def test_the_thread_backs_off_then_delivers_and_sync_now_never_blocks(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    fake, url = central
    fake.fail_next = 3
    add_signatures(7)
    worker = _worker(vault, device_key, CentralClient(url, receipt_key=SERVER_RECEIPT_KEY))
    delivered = threading.Event()
    worker.board.subscribe(lambda s: s.last_success and s.waiting == 0 and delivered.set())
    worker.start()
    started = time.monotonic()
    worker.sync_now()
    assert time.monotonic() - started < 0.05
    assert delivered.wait(10)
    assert len(fake.records) == 7 and fake.requests == 3 + 2
    started = time.monotonic()
    worker.stop()
    assert time.monotonic() - started < 2


class _Monotonic:
    def __init__(self) -> None:
        self.now = 500.0

    def __call__(self) -> float:
        return self.now


def test_a_round_closes_early_only_while_the_table_is_quiet_and_the_server_answers(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    fake, url = central
    clock = _Monotonic()
    presence = Presence()
    closer = BatchCloser(
        vault,
        device_key,
        batch_size=FAST.batch_size,
        min_age=timedelta(seconds=30),
        monotonic=clock,
    )
    client = CentralClient(url, receipt_key=SERVER_RECEIPT_KEY)
    worker = SyncWorker(vault, closer, client, FAST, rng=random.Random(7), quiet=presence.quiet)
    (added,) = add_signatures(1)
    assert worker.run_once() is Outcome.DONE  # the signature is seen; too young to go
    clock.now += 30
    presence.set_at_form(True)  # the next supporter is typing
    assert worker.run_once() is Outcome.DONE
    assert fake.records == {} and worker.board.current.pending_signatures == 1
    presence.set_at_form(False)
    assert worker.run_once() is Outcome.DONE
    assert set(fake.records) == {added.id}
    assert worker.board.current.waiting == 0
    worker.stop()


def test_a_batch_waits_for_an_unreachable_server_to_answer_before_closing_early(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    answering = False

    def handler(request: httpx.Request) -> httpx.Response:
        if not answering:
            raise httpx.ConnectError("refused", request=request)
        return httpx.Response(503)

    clock = _Monotonic()
    closer = BatchCloser(vault, device_key, min_age=timedelta(seconds=30), monotonic=clock)
    client = CentralClient(
        "http://127.0.0.1:9", receipt_key=SERVER_RECEIPT_KEY, transport=httpx.MockTransport(handler)
    )
    worker = SyncWorker(vault, closer, client, FAST, rng=random.Random(7))
    add_signatures(1)
    worker.run_once()
    assert worker.board.current.server_reachable is False
    clock.now += 60
    worker.run_once()
    assert worker.board.current.pending_signatures == 1  # kept to gather more, until max_age
    answering = True
    worker.run_once()  # the campaign total's request now reaches a server: it answers
    assert worker.board.current.server_reachable is True
    worker.run_once()
    assert worker.board.current.pending_signatures == 0 and _states(vault) == [BatchState.SENT]
    worker.stop()


def test_the_thread_delivers_a_lone_signature_at_min_age_without_sync_now(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    """The interval (30 s) is longer than the wait allowed: the worker wakes at the batch's
    minimum age by itself."""
    fake, url = central
    closer = BatchCloser(vault, device_key, min_age=timedelta(milliseconds=200))
    client = CentralClient(url, receipt_key=SERVER_RECEIPT_KEY)
    worker = SyncWorker(vault, closer, client, FAST, rng=random.Random(7))
    delivered = threading.Event()
    worker.board.subscribe(lambda s: s.last_success and s.waiting == 0 and delivered.set())
    worker.start()
    (added,) = add_signatures(1)
    worker.wake()  # as the kiosk does once a signature is recorded
    assert delivered.wait(10)
    assert set(fake.records) == {added.id}
    worker.stop()


def test_a_full_disk_is_named_in_the_sync_status(
    vault: Vault, device_key: DeviceKey, add_signatures: AddSignatures
) -> None:
    # SQLite's own SQLITE_FULL: no page can be added past max_page_count, as on a full disk.
    add_signatures(200)  # an envelope of about 30 KB: more than the pages' free space
    raw = sqlite3.connect(str(vault.engine.url.database), isolation_level=None)
    try:
        raw.execute("VACUUM")  # no free page left to reuse
        (pages,) = raw.execute("PRAGMA page_count").fetchone()
        assert raw.execute("PRAGMA freelist_count").fetchone() == (0,)
    finally:
        raw.close()

    @event.listens_for(vault.engine, "connect")
    def _full(dbapi_connection: sqlite3.Connection, _: object) -> None:
        dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

    vault.engine.dispose()  # every connection from now on is on the full disk
    try:
        client = CentralClient("http://127.0.0.1:9", receipt_key=SERVER_RECEIPT_KEY)
        worker = _worker(vault, device_key, client)
        assert worker.run_once(force=True) is Outcome.RETRY  # closing the batch needs pages
        error = worker.board.current.last_error
        assert error is not None and "the disk is full" in error, error
        assert "OperationalError" not in error and "VaultError" not in error
        assert vault.count() == 200  # nothing already saved is affected
        worker.stop()
    finally:
        event.remove(vault.engine, "connect", _full)
        vault.engine.dispose()
