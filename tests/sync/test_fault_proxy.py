"""Exactly once through a hostile network: a bounded run of more than 200 batches from a real
kiosk (vault, desk, closer, worker) through a proxy that cuts, truncates, delays and fails
requests before and after the real central server commits. The verdict comes from the server's
own database: its device status and the coordinator's export, decrypted with the campaign key."""

from __future__ import annotations

import io
import json
import random
import time
from collections import Counter
from pathlib import Path

import pytest
from fault_proxy import FAULTS, FaultProxy  # type: ignore[import-not-found]
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kiosk.central.embedded import start_local_server
from kiosk.central.models import StoredBatch, StoredRecord
from kiosk.central.ratelimit import Limits, Rate
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import validate
from kiosk.settings import SyncSettings
from kiosk.sync.client import CentralClient
from kiosk.sync.enrol import enrol
from kiosk.sync.service import closer_for
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault, outbox

BATCHES = 210
PER_BATCH = 2
MAX_ROUNDS = 3000  # bounded by count ...
MAX_SECONDS = 120  # ... and by time


def _sign(desk: SignatureDesk, appeal: Appeal, n: int) -> dict[str, dict[str, str]]:
    """Record one signature per person, each with its own e-mail (so the export, which
    de-duplicates by e-mail, keeps them all); returns their fields by signature id."""
    signed = {}
    for _ in range(n):
        person = desk.count() + 1
        entries = {
            "first_name": f"Ada{person}",
            "last_name": "Lovelace",
            "email": f"ada{person}@example.org",
            "country": "Italy",
        }
        result = validate(appeal, entries, terms_accepted=True, updates_opt_in=False)
        assert result.submission is not None, result.errors
        receipt = desk.record(result.submission)
        signed[receipt.signature_id] = dict(result.submission.fields)
    return signed


@pytest.mark.slow
def test_every_signature_arrives_exactly_once_through_faults(
    vault: Vault,
    data_dir: Path,
    tmp_path: Path,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = SyncSettings(batch_size=PER_BATCH)
    rng = random.Random(2025)
    desk = SignatureDesk(appeal, vault, campaign_public_key)
    collected: dict[str, dict[str, str]] = {}
    outcomes: Counter[Outcome] = Counter()
    # This loop runs rounds back to back, hundreds of uploads a minute: more than a kiosk's
    # worker, which sleeps between rounds, ever sends (and than the default limit allows).
    hurried = Limits(uploads_per_device=Rate(100_000, 60))
    with start_local_server(tmp_path / "central", campaign_public_key, limits=hurried) as server:
        # Real enrolment, straight to the server: a one-time code cannot survive a proxy that
        # commits it and then cuts the answer (that refusal has its own test).
        state = enrol(vault, data_dir, server.issue_enrolment_code("Rally"), server.url)
        started = time.monotonic()
        with FaultProxy(server.url, fault_rate=0.6, seed=11, max_delay=0.6) as proxy:
            worker = SyncWorker(
                vault,
                closer_for(vault, state, settings),
                CentralClient(proxy.url, receipt_key=state.receipt_key, timeout=0.4),
                settings,
                rng=rng,
            )
            deadline = time.monotonic() + MAX_SECONDS
            rounds = 0
            while rounds < MAX_ROUNDS and time.monotonic() < deadline:
                rounds += 1
                if len(collected) < BATCHES * PER_BATCH:
                    collected |= _sign(desk, appeal, rng.randint(1, 2 * PER_BATCH))
                outcomes[worker.run_once()] += 1
                if (
                    len(collected) >= BATCHES * PER_BATCH
                    and outbox.backlog(vault).waiting_total == 0
                ):
                    break
            worker.stop()
        elapsed = time.monotonic() - started

        with Session(server.engine) as s:
            stored_ids = list(s.scalars(select(StoredRecord.id)))
            stored_batches = s.scalar(select(func.count()).select_from(StoredBatch)) or 0
        (device,) = server.status()
        out = io.StringIO()
        result = server.export(campaign_private_key, "json", out)

    reached = sum(proxy.counts.values()) - proxy.counts["cut_before"] - proxy.counts["error_before"]
    with capsys.disabled():
        print(
            f"\nfault proxy (real server): {rounds} rounds in {elapsed:.1f} s, "
            f"{stored_batches} batches, {len(collected)} signatures, "
            f"{reached} requests reached the server, {proxy.faults} faults injected "
            f"{dict(sorted(proxy.counts.items()))}, outcomes "
            f"{ {o.value: n for o, n in outcomes.items()} }"
        )
    # The kiosk: everything closed into batches, every batch acknowledged with its receipt.
    assert outbox.backlog(vault).waiting_total == 0, "the run ended before everything arrived"
    assert outbox.unacknowledged(vault) == []
    assert outbox.acknowledged_through(vault) == len(collected)
    # The server's status: one unbroken chain of at least 200 batches holding every signature.
    assert device.device_id == vault.device_id
    assert device.batches == stored_batches >= 200
    assert device.signatures == len(collected)
    assert (list(device.missing), list(device.broken_links)) == ([], [])
    # The server's rows: each collected signature once, nothing else.
    assert len(stored_ids) == len(set(stored_ids)) == len(collected)
    assert set(stored_ids) == set(collected)
    # The coordinator's export opens every record, bound to its id, with the fields signed.
    doc = json.loads(out.getvalue())
    assert (result.written, result.duplicates_removed, result.unreadable) == (
        len(collected),
        0,
        0,
    )
    exported = {row["signature_id"]: row for row in doc["signatures"]}
    assert len(exported) == len(doc["signatures"]) == len(collected)
    for signature_id, fields in collected.items():
        row = exported[signature_id]
        assert {name: row[name] for name in fields} == fields
        assert (row["device_id"], row["event"]) == (vault.device_id, "Rally")
    # The run really was hostile: every kind of fault happened, many times.
    assert all(proxy.counts[kind] >= 10 for kind in FAULTS), proxy.counts
