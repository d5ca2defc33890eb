"""The sync status follows each recorded signature at once (SyncWorker.refresh, wired to the
desk's on_recorded as `kiosk run` does), without a round, without the network, and without
ever putting back a count that a round has already replaced."""

from __future__ import annotations

import random
import threading

import httpx
import pytest
from receipts import SERVER_RECEIPT_KEY

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import Submission, validate
from kiosk.settings import SyncSettings
from kiosk.sync.client import CentralClient
from kiosk.sync.closer import BatchCloser
from kiosk.sync.status import SyncStatus
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault

SETTINGS = SyncSettings(batch_size=3)


def _submission(appeal: Appeal) -> Submission:
    entries = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.org",
        "country": "Italy",
    }
    result = validate(appeal, entries, terms_accepted=True, updates_opt_in=False)
    assert result.submission is not None, result.errors
    return result.submission


def _worker(
    vault: Vault, device_key: DeviceKey, handler: httpx.MockTransport | None = None
) -> SyncWorker:
    def no_network(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"refresh went to the network: {request.method} {request.url}")

    client = CentralClient(
        "http://127.0.0.1:9",
        receipt_key=SERVER_RECEIPT_KEY,
        transport=handler or httpx.MockTransport(no_network),
    )
    closer = BatchCloser(vault, device_key, batch_size=SETTINGS.batch_size)
    return SyncWorker(vault, closer, client, SETTINGS, rng=random.Random(3))


def test_each_signature_shows_in_the_pending_count_at_once(
    vault: Vault, device_key: DeviceKey, appeal: Appeal, campaign_public_key: CampaignPublicKey
) -> None:
    worker = _worker(vault, device_key)
    seen: list[int] = []
    worker.board.subscribe(lambda status: seen.append(status.waiting))
    desk = SignatureDesk(appeal, vault, campaign_public_key, on_recorded=lambda _: worker.refresh())
    for _ in range(4):
        desk.record(_submission(appeal))
    assert worker.board.current.pending_signatures == 4
    assert seen == [0, 1, 2, 3, 4]  # one report per signature, no round in between
    worker.stop()


def test_a_refresh_during_a_round_is_not_undone_by_it(
    vault: Vault, device_key: DeviceKey, appeal: Appeal, campaign_public_key: CampaignPublicKey
) -> None:
    """A signature recorded while a round waits on the server: the round's own report, made
    after it, still counts that signature, and the refresh does not end the 'syncing' state."""
    in_request, release = threading.Event(), threading.Event()

    def slow_server(request: httpx.Request) -> httpx.Response:
        in_request.set()
        assert release.wait(10)
        return httpx.Response(503)

    worker = _worker(vault, device_key, httpx.MockTransport(slow_server))
    desk = SignatureDesk(appeal, vault, campaign_public_key, on_recorded=lambda _: worker.refresh())
    for _ in range(3):
        desk.record(_submission(appeal))  # one full batch, closed by the round
    outcome: list[Outcome] = []
    round_ = threading.Thread(target=lambda: outcome.append(worker.run_once()))
    round_.start()
    try:
        assert in_request.wait(10)
        desk.record(_submission(appeal))
        during = worker.board.current
        assert (during.syncing, during.unsent_signatures, during.pending_signatures) == (
            True,
            3,
            1,
        )
    finally:
        release.set()
        round_.join(10)
    after = worker.board.current
    assert outcome == [Outcome.RETRY]
    assert (after.syncing, after.waiting, after.pending_signatures) == (False, 4, 1)
    assert after.last_error is not None and "HTTP 503" in after.last_error
    worker.stop()


def test_a_failing_refresh_is_logged_and_the_signature_stands(
    vault: Vault,
    device_key: DeviceKey,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker = _worker(vault, device_key)
    before = worker.board.current

    def broken(status: SyncStatus) -> SyncStatus:
        raise OSError("disk gone")

    worker._snapshot = broken  # type: ignore[method-assign]
    desk = SignatureDesk(appeal, vault, campaign_public_key, on_recorded=lambda _: worker.refresh())
    receipt = desk.record(_submission(appeal))
    assert receipt.sequence == 1 and vault.count() == 1
    assert worker.board.current == before
    assert "sync status refresh failed" in caplog.text
    worker.stop()
