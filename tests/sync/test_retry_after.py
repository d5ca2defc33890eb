"""A server that asks the kiosk to wait (429 or 503 with Retry-After) is waited for: no upload
before the time, not even on "Sync now", at most an hour, and the panel's words say so. Time
is the worker's injected clock: nothing here sleeps."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from fake_central import FakeCentral  # type: ignore[import-not-found]
from receipts import SERVER_RECEIPT_KEY
from sync_types import T0, AddSignatures, Clock  # type: ignore[import-not-found]

from kiosk.crypto.device_key import DeviceKey
from kiosk.settings import SyncSettings
from kiosk.sync.backoff import MAX_SERVER_WAIT, describe_wait, server_wait
from kiosk.sync.client import CentralClient
from kiosk.sync.closer import BatchCloser
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault, outbox

SETTINGS = SyncSettings(
    batch_size=5, backoff_base=timedelta(milliseconds=10), backoff_max=timedelta(seconds=1)
)


def _worker(vault: Vault, key: DeviceKey, url: str, clock: Clock) -> SyncWorker:
    closer = BatchCloser(vault, key, batch_size=SETTINGS.batch_size, clock=clock)
    client = CentralClient(url, receipt_key=SERVER_RECEIPT_KEY, clock=clock)
    return SyncWorker(vault, closer, client, SETTINGS, clock=clock, rng=random.Random(3))


@pytest.mark.parametrize(
    ("status", "words"),
    [(429, "asked this kiosk to wait 2 minutes"), (503, "unavailable for now (HTTP 503)")],
)
def test_no_upload_before_the_servers_retry_after(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
    status: int,
    words: str,
) -> None:
    fake, url = central
    fake.busy_next, fake.busy_status, fake.busy_retry_after = 1, status, "120"
    add_signatures(3)
    clock = Clock()
    worker = _worker(vault, device_key, url, clock)
    try:
        assert worker.run_once(force=True) is Outcome.RETRY
        assert fake.requests == 1
        shown = worker.board.current
        assert shown.wait_until == T0 + timedelta(seconds=120)
        assert words in (shown.last_error or "") and "Nothing is lost" in (shown.last_error or "")
        assert worker.next_delay(Outcome.RETRY) == 120.0  # the loop sleeps that long at least

        clock.advance(119)
        assert worker.run_once(force=True) is Outcome.RETRY  # "Sync now" a second too early
        assert fake.requests == 1  # no request was made
        assert worker.board.current.wait_until == T0 + timedelta(seconds=120)
        assert words in (worker.board.current.last_error or "")
        assert outbox.backlog(vault).unsent_signatures == 3

        clock.advance(1)
        assert worker.run_once(force=True) is Outcome.DONE
        assert fake.requests == 2
        assert (worker.board.current.wait_until, worker.board.current.last_error) == (None, None)
        assert outbox.unacknowledged(vault) == []
    finally:
        worker.stop()


def test_a_huge_retry_after_holds_the_kiosk_back_an_hour_at_most(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    fake, url = central
    fake.busy_next, fake.busy_retry_after = 1, str(10**12)
    add_signatures(2)
    clock = Clock()
    worker = _worker(vault, device_key, url, clock)
    try:
        assert worker.run_once(force=True) is Outcome.RETRY
        assert worker.board.current.wait_until == T0 + timedelta(hours=1)
        assert "wait 1 hour" in (worker.board.current.last_error or "")
        assert worker.next_delay(Outcome.RETRY) == MAX_SERVER_WAIT
        clock.advance(3600)
        assert worker.run_once(force=True) is Outcome.DONE
        assert fake.requests == 2
    finally:
        worker.stop()


def test_a_429_without_retry_after_is_an_ordinary_backoff(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    fake, url = central
    fake.busy_next = 1
    add_signatures(2)
    worker = _worker(vault, device_key, url, Clock())
    try:
        assert worker.run_once(force=True) is Outcome.RETRY
        assert worker.board.current.wait_until is None
        assert "HTTP 429" in (worker.board.current.last_error or "")
        assert worker.next_delay(Outcome.RETRY) <= 1.0  # the settings' backoff ceiling
        assert worker.run_once(force=True) is Outcome.DONE  # and nothing holds the next try
    finally:
        worker.stop()


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("99999999999999999999", MAX_SERVER_WAIT),
        ("Thu, 03 Dec 2026 15:05:00 GMT", 300.0),
        ("Thu, 03 Dec 2026 14:00:00 GMT", 0.0),  # a date gone by: no wait
        ("Sat, 01 Jan 2050 00:00:00 GMT", MAX_SERVER_WAIT),
        ("-5", None),
        ("1.5", None),
        ("soon", None),
        ("٣", None),  # a digit, but not an ASCII one
        (None, None),
    ],
)
def test_retry_after_forms(header: str | None, seconds: float | None) -> None:
    assert server_wait(header, T0) == seconds


def test_waits_in_words() -> None:
    assert [describe_wait(s) for s in (0.2, 1, 45, 89, 90, 150, 3599, 3600)] == [
        "1 second",
        "1 second",
        "45 seconds",
        "89 seconds",
        "2 minutes",
        "3 minutes",
        "1 hour",
        "1 hour",
    ]
