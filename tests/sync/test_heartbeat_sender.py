"""The kiosk's heartbeat, sent by the sync worker: with every round that delivered and every
five minutes, never twice in ten seconds, never before the server's Retry-After, never in the
way of an upload; its numbers survive a restart; the machine's readings come from
/sys/class/power_supply; and a real round with the real server stores it."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fake_central import FakeCentral  # type: ignore[import-not-found]
from receipts import SERVER_RECEIPT_KEY
from signing import sign, sync_once
from sqlalchemy import select
from sqlalchemy.orm import Session
from sync_types import T0, AddSignatures, Clock  # type: ignore[import-not-found]

from kiosk.central.embedded import start_local_server
from kiosk.central.models import DeviceHeartbeat
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.files import machine
from kiosk.petition.appeal import Appeal, appeal_digest
from kiosk.settings import SyncSettings
from kiosk.sync.client import CentralClient
from kiosk.sync.closer import BatchCloser
from kiosk.sync.enrol import enrol, enrolled
from kiosk.sync.heartbeat import HeartbeatSender
from kiosk.sync.service import heartbeat_for
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault
from kiosk.vault import state as state_row

SETTINGS = SyncSettings(batch_size=5, backoff_base=timedelta(milliseconds=10))


def power_supply(root: Path, *, capacity: str, status: str, mains: str | None) -> Path:
    battery = root / "BAT0"
    battery.mkdir(parents=True)
    (battery / "type").write_text("Battery\n")
    (battery / "capacity").write_text(capacity + "\n")
    (battery / "status").write_text(status + "\n")
    if mains is not None:
        ac = root / "AC"
        ac.mkdir()
        (ac / "type").write_text("Mains\n")
        (ac / "online").write_text(mains + "\n")
    return root


@pytest.fixture
def kiosk(
    vault: Vault,
    device_key: DeviceKey,
    central: tuple[FakeCentral, str],
    data_dir: Path,
    appeal: Appeal,
) -> Iterator[Callable[[Clock], SyncWorker]]:
    """A worker with its heartbeat, on `clock`, whose battery reads 17 % and not charging."""
    workers: list[SyncWorker] = []

    def make(clock: Clock) -> SyncWorker:
        closer = BatchCloser(vault, device_key, batch_size=SETTINGS.batch_size, clock=clock)
        client = CentralClient(central[1], receipt_key=SERVER_RECEIPT_KEY, clock=clock)
        power = power_supply(data_dir / "power", capacity="17", status="Discharging", mains="0")
        sender = HeartbeatSender(
            vault,
            device_key,
            client,
            data_dir,
            appeal=lambda: appeal,
            clock=clock,
            power_supply=power,
        )
        worker = SyncWorker(
            vault, closer, client, SETTINGS, clock=clock, rng=random.Random(3), heartbeat=sender
        )
        workers.append(worker)
        return worker

    yield make
    for worker in workers:
        worker.stop()


def test_sent_with_every_delivery_and_every_five_minutes_with_the_kiosks_status(
    kiosk: Callable[[Clock], SyncWorker],
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
    appeal: Appeal,
) -> None:
    fake, _url = central
    fake.clock_offset_seconds = -420
    clock = Clock()
    worker = kiosk(clock)
    add_signatures(7)
    assert worker.run_once(force=True) is Outcome.DONE
    assert fake.heartbeats is not None and len(fake.heartbeats) == 1
    first = fake.heartbeats[0]
    assert (first.seq, first.pending_signatures, first.unacknowledged_batches) == (1, 0, 0)
    assert first.appeal is not None and first.appeal.digest == appeal_digest(appeal)
    assert first.battery is not None and (first.battery.percent, first.battery.charging) == (
        17,
        False,
    )
    assert first.disk_free_bytes and first.disk_free_bytes > 0
    assert first.clock == T0
    status = worker.board.current
    assert (status.battery_percent, status.charging, status.clock_offset_seconds) == (
        17,
        False,
        -420,
    )

    add_signatures(2)  # pending: the closer's clock has not seen them age
    clock.advance(5)
    worker.run_once()  # nothing delivered, 5 s after the last: no heartbeat
    clock.advance(60)
    worker.run_once()  # nothing delivered, a minute after: still none
    assert len(fake.heartbeats) == 1
    clock.advance(240)
    worker.run_once()  # five minutes since the last
    assert len(fake.heartbeats) == 2
    assert fake.heartbeats[1].seq == 2
    assert (fake.heartbeats[1].seq, fake.heartbeats[1].pending_signatures) == (2, 2)
    clock.advance(11)
    add_signatures(5)
    worker.run_once(force=True)  # delivered again: one more, 11 s after the last
    assert len(fake.heartbeats) == 3
    assert (fake.heartbeats[2].pending_signatures, fake.heartbeats[2].unacknowledged_batches) == (
        0,
        0,
    )


def test_retry_after_holds_heartbeats_and_never_the_uploads(
    kiosk: Callable[[Clock], SyncWorker],
    vault: Vault,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    fake, _url = central
    fake.heartbeat_busy_next, fake.heartbeat_retry_after = 1, "120"
    clock = Clock()
    worker = kiosk(clock)
    add_signatures(5)
    assert worker.run_once(force=True) is Outcome.DONE  # the 429 did not fail the round
    assert worker.board.current.last_error is None and len(fake.records) == 5
    assert fake.heartbeats == []
    for _ in range(3):
        clock.advance(30)
        add_signatures(5)
        assert worker.run_once(force=True) is Outcome.DONE  # delivered, but held back
    assert fake.heartbeats == [] and len(fake.records) == 20
    clock.advance(31)  # 121 s after the 429
    worker.run_once(force=True)
    assert fake.heartbeats is not None and len(fake.heartbeats) == 1


def test_an_older_server_without_heartbeats_still_takes_every_batch(
    kiosk: Callable[[Clock], SyncWorker],
    vault: Vault,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    fake, _url = central
    fake.heartbeats = None  # 404
    clock = Clock()
    worker = kiosk(clock)
    for _ in range(3):
        add_signatures(5)
        assert worker.run_once(force=True) is Outcome.DONE
        clock.advance(400)
    assert len(fake.records) == 15 and worker.board.current.last_error is None
    assert state_row.next_heartbeat_seq(vault) == 2  # tried once, then not again


def test_a_server_that_holds_the_heartbeat_never_holds_up_signing(
    kiosk: Callable[[Clock], SyncWorker],
    vault: Vault,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    fake, _url = central
    fake.heartbeat_gate = threading.Event()
    worker = kiosk(Clock())
    add_signatures(5)
    round_ = threading.Thread(target=worker.run_once, kwargs={"force": True})
    round_.start()
    try:
        assert fake.heartbeat_arrived.wait(10)  # the worker is inside the heartbeat's request
        started = time.monotonic()
        add_signatures(3)  # a supporter signs meanwhile
        assert time.monotonic() - started < 1.0
        assert vault.count() == 8
    finally:
        fake.heartbeat_gate.set()
        round_.join(10)
    assert not round_.is_alive()


def test_numbers_survive_a_restart_and_catch_up_with_the_server(
    vault: Vault, data_dir: Path
) -> None:
    assert [state_row.next_heartbeat_seq(vault) for _ in range(3)] == [1, 2, 3]
    vault.close()
    again = Vault.open(data_dir)
    try:
        assert state_row.next_heartbeat_seq(again) == 4
        assert state_row.next_heartbeat_seq(again, after=40) == 41  # a vault restored from a copy
    finally:
        again.close()


@pytest.mark.parametrize(
    ("capacity", "status", "mains", "expected"),
    [
        ("85", "Discharging", "0", machine.BatteryReading(85, False)),
        ("15", "Charging", None, machine.BatteryReading(15, True)),
        ("100", "Not charging", "1", machine.BatteryReading(100, True)),  # a charge limit
        ("garbage", "Discharging", "0", None),
    ],
)
def test_battery_from_sysfs(
    tmp_path: Path,
    capacity: str,
    status: str,
    mains: str | None,
    expected: machine.BatteryReading | None,
) -> None:
    root = power_supply(tmp_path, capacity=capacity, status=status, mains=mains)
    assert machine.battery(root) == expected


def test_no_battery_is_none(tmp_path: Path) -> None:
    assert machine.battery(tmp_path / "missing") is None
    mouse = tmp_path / "hid-mouse"
    mouse.mkdir()
    (mouse / "type").write_text("Battery\n")
    (mouse / "scope").write_text("Device\n")  # a peripheral's battery is not the kiosk's
    (mouse / "capacity").write_text("50\n")
    assert machine.battery(tmp_path) is None
    assert machine.disk_free(tmp_path) is not None
    assert machine.disk_free(tmp_path / "missing") is None


def test_a_real_round_stores_the_heartbeat_on_the_real_server(
    tmp_path: Path,
    data_dir: Path,
    vault: Vault,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
) -> None:
    with start_local_server(tmp_path / "central", campaign_public_key) as server:
        enrol(vault, data_dir, server.issue_enrolment_code("Town hall"), server.url)
        state = enrolled(vault, data_dir)
        assert state is not None
        sign(vault, appeal, campaign_public_key, ["Ada", "Grace", "Hedy"])
        worker = sync_once(vault, state, appeal=appeal)
        assert worker.board.current.last_error is None
        offset = worker.board.current.clock_offset_seconds
        assert offset is not None and abs(offset) <= 2
        with Session(server.engine) as s:
            row = s.scalars(select(DeviceHeartbeat)).one()
        assert (row.device_id, row.seq, row.event) == (vault.device_id, 1, "Town hall")
        assert (row.pending_signatures, row.unacknowledged_batches) == (0, 0)
        assert row.appeal_digest == appeal_digest(appeal)
        with CentralClient(server.url) as client:
            sender = heartbeat_for(vault, state, client, data_dir, lambda: appeal)
            body = sender.build(worker.board.current, datetime.now(UTC)).body_bytes()
        for personal in (b"Ada", b"Grace", b"Hedy", b"Example", b"example.org", b"Italy"):
            assert personal not in body  # counts, versions and the machine only


def test_a_stopped_kiosk_still_says_it_is_alive_and_a_revoked_one_stops_asking(
    kiosk: Callable[[Clock], SyncWorker],
    vault: Vault,
    add_signatures: AddSignatures,
    central: tuple[FakeCentral, str],
) -> None:
    fake, _url = central
    fake.seqs[(vault.device_id, 1)] = "another batch"  # its first batch: a 409, uploads stop
    clock = Clock()
    worker = kiosk(clock)
    add_signatures(5)
    assert worker.run_once(force=True) is Outcome.STOPPED
    clock.advance(301)
    assert worker.run_once() is Outcome.STOPPED
    assert fake.heartbeats is not None and len(fake.heartbeats) == 2
    assert fake.heartbeats[1].unacknowledged_batches == 1  # the console sees what waits

    fake.revoked.add(vault.device_id)
    clock.advance(301)
    worker.run_once()  # refused: 403
    for _ in range(3):
        clock.advance(301)
        worker.run_once(force=True)
    assert len(fake.heartbeats) == 2
    assert state_row.next_heartbeat_seq(vault) == 4  # three sent, the last refused, then none
