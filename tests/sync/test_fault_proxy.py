"""Exactly once through a hostile network: a bounded run of more than 200 batches through a
proxy that cuts, truncates, delays and fails requests before and after the server commits."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator

import pytest
from fake_central import FakeCentral, serve  # type: ignore[import-not-found]
from fault_proxy import FAULTS, FaultProxy  # type: ignore[import-not-found]
from sync_types import AddSignatures  # type: ignore[import-not-found]

from kiosk.crypto import DeviceKey
from kiosk.settings import SyncSettings
from kiosk.sync import outbox
from kiosk.sync.client import CentralClient
from kiosk.sync.closer import BatchCloser
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault

BATCHES = 210
PER_BATCH = 2
MAX_ROUNDS = 3000  # bounded by count ...
MAX_SECONDS = 240  # ... and by time


@pytest.fixture
def central(vault: Vault, device_key: DeviceKey) -> Iterator[tuple[FakeCentral, str]]:
    fake = FakeCentral()
    fake.devices[vault.device_id] = device_key.public_bytes
    with serve(fake.app()) as url:
        yield fake, url


@pytest.mark.slow
def test_every_signature_arrives_exactly_once_through_faults(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
    capsys: pytest.CaptureFixture[str],
) -> None:
    fake, url = central
    settings = SyncSettings(batch_size=PER_BATCH)
    rng = random.Random(2025)
    with FaultProxy(url, fault_rate=0.6, seed=11, max_delay=0.6) as proxy:
        client = CentralClient(proxy.url, timeout=0.4)
        closer = BatchCloser(vault, device_key, batch_size=PER_BATCH)
        worker = SyncWorker(vault, closer, client, settings, rng=rng)
        collected: list[str] = []
        outcomes: Counter[Outcome] = Counter()
        deadline = time.monotonic() + MAX_SECONDS
        rounds = 0
        while rounds < MAX_ROUNDS and time.monotonic() < deadline:
            rounds += 1
            if len(collected) < BATCHES * PER_BATCH:
                collected += [s.id for s in add_signatures(rng.randint(1, 2 * PER_BATCH))]
            outcomes[worker.run_once()] += 1
            backlog = outbox.backlog(vault)
            if len(collected) >= BATCHES * PER_BATCH and backlog.waiting_total == 0:
                break
        worker.stop()

    with capsys.disabled():
        print(
            f"\nfault proxy: {rounds} rounds, {len(fake.receipts)} batches, "
            f"{len(collected)} signatures, {fake.requests} requests reached the server, "
            f"{proxy.faults} faults injected {dict(proxy.counts)}, outcomes "
            f"{ {o.value: n for o, n in outcomes.items()} }"
        )
    assert outbox.backlog(vault).waiting_total == 0, "the run ended before everything arrived"
    assert outbox.unacknowledged(vault) == []
    assert len(fake.receipts) >= 200
    # Exactly once: every collected signature on the server, nothing else, nothing twice.
    assert sorted(fake.records) == sorted(collected)
    assert sum(r["record_count"] for r in fake.receipts.values()) == len(collected)
    assert sorted(seq for _, seq in fake.seqs) == list(range(1, len(fake.receipts) + 1))
    # The run really was hostile: every kind of fault happened, many times.
    assert all(proxy.counts[kind] >= 10 for kind in FAULTS), proxy.counts
