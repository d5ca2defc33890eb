"""SQLite's one writer, in order (kiosk.central.write_queue): simultaneous uploads wait their
turn instead of failing with 503, and when the queue would outlast the kiosk's timeout the
server says at once when to come back (503 with Retry-After)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo
from kiosk.central.errors import Overloaded
from kiosk.central.server import ServerThread
from kiosk.central.write_queue import WriteQueue

KIOSKS = 30


def test_writes_run_one_at_a_time_in_arrival_order() -> None:
    async def scenario() -> tuple[list[int], int]:
        queue = WriteQueue()
        order: list[int] = []
        running = 0
        most = 0

        def write(n: int) -> int:
            nonlocal running, most
            running += 1
            most = max(most, running)
            time.sleep(0.005)
            order.append(n)
            running -= 1
            return n

        async def submit(n: int) -> int:
            return await queue.run(lambda: write(n))

        tasks = []
        for n in range(20):
            tasks.append(asyncio.create_task(submit(n)))
            await asyncio.sleep(0)  # each task reaches the queue before the next is made
        assert await asyncio.gather(*tasks) == list(range(20))
        return order, most

    order, most = asyncio.run(scenario())
    assert order == list(range(20))
    assert most == 1


def test_a_write_that_would_wait_too_long_is_turned_away_with_when_to_return() -> None:
    async def scenario() -> Overloaded:
        queue = WriteQueue(max_wait=1.0)
        queue.mean_write = 0.4  # as measured on a slow disk

        first = asyncio.create_task(queue.run(lambda: time.sleep(0.3)))
        waiting = [asyncio.create_task(queue.run(lambda: None)) for _ in range(2)]
        await asyncio.sleep(0.05)  # the first writes, two wait: 3 x 0.4 s > 1 s
        with pytest.raises(Overloaded) as turned_away:
            await queue.run(lambda: None)
        await asyncio.gather(first, *waiting)
        assert queue.shed == 1
        return turned_away.value

    refused = asyncio.run(scenario())
    assert refused.retry_after == 2  # ceil(3 x 0.4)
    assert "send this batch again in 2 s" in str(refused)


# The queue is SQLite's; PostgreSQL takes concurrent writers (tests/central/test_api.py).
sqlite_only = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def sqlite_server(engine: Engine, campaign: CampaignInfo) -> Iterator[tuple[str, Any]]:
    assert engine.dialect.name == "sqlite"
    app = create_app(engine)
    with ServerThread(app) as server:
        yield server.url, app


@sqlite_only
@pytest.mark.slow
def test_thirty_kiosks_uploading_at_once_all_get_receipts_on_sqlite(
    sqlite_server: tuple[str, Any], enrolled: Any, stored_counts: Any
) -> None:
    url, app = sqlite_server
    batches = [enrolled().batch(20) for _ in range(KIOSKS)]
    statuses: list[int] = []
    start = threading.Barrier(KIOSKS, timeout=30)

    def upload(signed: Any) -> None:
        with httpx.Client(base_url=url, timeout=20) as http:
            start.wait()
            response = http.put(
                f"/api/v2/batches/{signed.batch.batch_id}", content=signed.to_bytes()
            )
            statuses.append(response.status_code)

    threads = [threading.Thread(target=upload, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [201] * KIOSKS
    assert stored_counts() == (KIOSKS, KIOSKS * 20)
    assert app.state.write_queue.shed == 0


@sqlite_only
def test_an_overloaded_sqlite_server_answers_503_with_retry_after(
    sqlite_server: tuple[str, Any], enrolled: Any, stored_counts: Any
) -> None:
    url, app = sqlite_server
    queue: WriteQueue = app.state.write_queue
    queue.max_wait = -1.0  # as if the queue were long: every new upload is turned away
    signed = enrolled().batch(2)
    with httpx.Client(base_url=url, timeout=10) as http:
        response = http.put(f"/api/v2/batches/{signed.batch.batch_id}", content=signed.to_bytes())
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["title"] == "Server busy"
    assert stored_counts() == (0, 0)
