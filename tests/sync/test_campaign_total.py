"""The campaign total on the resting screen: fetched by the worker after a clean round, carried
in the status, and added to this kiosk's signatures without counting any twice."""

from __future__ import annotations

import random
from datetime import timedelta

import httpx
import pytest
from fake_central import FakeCentral  # type: ignore[import-not-found]
from receipts import SERVER_RECEIPT_KEY
from sync_types import AddSignatures  # type: ignore[import-not-found]

from kiosk.crypto.device_key import DeviceKey
from kiosk.desks.signing import SignatureDesk
from kiosk.desks.tally import Tally, tally
from kiosk.errors import SyncError
from kiosk.settings import SyncSettings
from kiosk.sync.client import CampaignTotal, CentralClient
from kiosk.sync.closer import BatchCloser
from kiosk.sync.status import SyncStatus
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault

SETTINGS = SyncSettings(batch_size=5, backoff_base=timedelta(milliseconds=10))


def _worker(vault: Vault, key: DeviceKey, url: str) -> SyncWorker:
    closer = BatchCloser(vault, key, batch_size=SETTINGS.batch_size)
    return SyncWorker(
        vault,
        closer,
        CentralClient(url, receipt_key=SERVER_RECEIPT_KEY),
        SETTINGS,
        rng=random.Random(3),
    )


def test_the_total_plus_what_the_server_has_not_counted_yet(
    vault: Vault,
    device_key: DeviceKey,
    desk: SignatureDesk,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    fake, url = central
    fake.summary_appeal_id = desk.appeal.id
    fake.other_kiosks_signatures = 40
    worker = _worker(vault, device_key, url)
    # Before any total: this kiosk's own count.
    add_signatures(7, appeal_id=desk.appeal.id)
    assert tally(desk, worker.board.current) == Tally(7, campaign_wide=False)

    assert worker.run_once(force=True) is Outcome.DONE
    status = worker.board.current
    assert (status.campaign_appeal_id, status.campaign_total) == (desk.appeal.id, 47)
    assert status.counted_through_seq == 7
    assert tally(desk, status) == Tally(47, campaign_wide=True)

    # Signed here since: added on top, once each, before and after they reach the server.
    add_signatures(3, appeal_id=desk.appeal.id)
    assert tally(desk, status) == Tally(50, campaign_wide=True)
    fake.other_kiosks_signatures = 45
    assert worker.run_once() is Outcome.DONE  # 3 pending: not due, nothing uploaded
    # A clean round with nothing due still asks: 7 + 45 counted, 3 on top.
    assert tally(desk, worker.board.current) == Tally(52 + 3, campaign_wide=True)
    assert worker.run_once(force=True) is Outcome.DONE
    assert worker.board.current.counted_through_seq == 10
    assert tally(desk, worker.board.current) == Tally(55, campaign_wide=True)
    worker.stop()


def test_a_failed_round_keeps_the_last_total(
    vault: Vault,
    device_key: DeviceKey,
    desk: SignatureDesk,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    fake, url = central
    fake.summary_appeal_id = desk.appeal.id
    worker = _worker(vault, device_key, url)
    add_signatures(5, appeal_id=desk.appeal.id)
    assert worker.run_once(force=True) is Outcome.DONE
    assert worker.board.current.campaign_total == 5

    # The next batch fails: its signatures are not on the server, and the total is not asked
    # for (it could not say which of this kiosk's signatures it holds).
    add_signatures(5, appeal_id=desk.appeal.id)
    fake.fail_next = 1
    fake.other_kiosks_signatures = 100
    assert worker.run_once(force=True) is Outcome.RETRY
    status = worker.board.current
    assert (status.campaign_total, status.counted_through_seq) == (5, 5)
    assert tally(desk, status) == Tally(10, campaign_wide=True)
    worker.stop()


def test_a_server_without_the_summary_leaves_the_kiosk_count(
    vault: Vault,
    device_key: DeviceKey,
    desk: SignatureDesk,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    _fake, url = central  # summary_appeal_id None: 404
    worker = _worker(vault, device_key, url)
    add_signatures(5, appeal_id=desk.appeal.id)
    assert worker.run_once(force=True) is Outcome.DONE
    status = worker.board.current
    assert status.campaign_total is None and status.last_error is None
    assert tally(desk, status) == Tally(5, campaign_wide=False)
    worker.stop()


def test_another_appeals_total_is_not_shown(
    desk: SignatureDesk, add_signatures: AddSignatures
) -> None:
    add_signatures(2, appeal_id=desk.appeal.id)
    other = SyncStatus(campaign_appeal_id="another-appeal", campaign_total=900)
    assert tally(desk, other) == Tally(2, campaign_wide=False)
    assert tally(desk, None) == Tally(2, campaign_wide=False)


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        ({"appeal_id": "a", "signatures": "12"}, 200),
        ({"appeal_id": "a", "signatures": -1}, 200),
        ({"appeal_id": "a", "signatures": True}, 200),
        ({"signatures": 3}, 200),
        ([1, 2], 200),
        ({"title": "no", "detail": "no campaign"}, 404),
    ],
)
def test_a_malformed_or_missing_summary_is_a_sync_error(answer: object, status: int) -> None:
    transport = httpx.MockTransport(lambda _request: httpx.Response(status, json=answer))
    with (
        CentralClient(
            "http://127.0.0.1:9", receipt_key=SERVER_RECEIPT_KEY, transport=transport
        ) as client,
        pytest.raises(SyncError),
    ):
        client.campaign_summary()


def test_the_client_reads_the_summary() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        assert (request.method, request.url.path) == ("GET", "/api/v2/campaign/summary")
        return httpx.Response(200, json={"appeal_id": "a", "signatures": 12})

    with CentralClient(
        "http://127.0.0.1:9", receipt_key=SERVER_RECEIPT_KEY, transport=httpx.MockTransport(answer)
    ) as client:
        assert client.campaign_summary() == CampaignTotal("a", 12)
