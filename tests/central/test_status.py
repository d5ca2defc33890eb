"""Status: per device counts, and the gaps and breaks in its chain of batches."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from kiosk.central.enrolment import revoke
from kiosk.central.ingest import ingest
from kiosk.central.status import describe_ranges, device_status


def test_complete_chain(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled("Rally")
    ingest(engine, kiosk.batch(2).to_bytes())
    ingest(engine, kiosk.batch(3).to_bytes())
    [status] = device_status(engine)
    assert (status.event, status.batches, status.signatures) == ("Rally", 2, 5)
    assert status.chain_ok and status.last_received_at is not None and not status.revoked


def test_gaps_and_breaks_are_found(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled()
    ingest(engine, kiosk.batch(1).to_bytes())  # 1
    kiosk.batch(1)  # 2 never arrives
    kiosk.batch(1)  # 3 never arrives
    ingest(engine, kiosk.batch(1).to_bytes())  # 4
    kiosk.prev_hash = "f" * 64
    ingest(engine, kiosk.batch(1).to_bytes())  # 5, naming a predecessor that is not 4
    ingest(engine, kiosk.batch(1, seq=7).to_bytes())  # 6 missing
    [status] = device_status(engine)
    assert status.missing == ((2, 3), (6, 6))
    assert status.broken_links == (5,)
    assert describe_ranges(status.missing) == "2-3, 6"
    assert not status.chain_ok


def test_first_batch_must_start_from_genesis(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled()
    kiosk.prev_hash = "a" * 64
    ingest(engine, kiosk.batch(1).to_bytes())
    assert device_status(engine)[0].broken_links == (1,)


def test_devices_without_batches_and_revoked_are_listed(engine: Engine, enrolled: Any) -> None:
    quiet, gone = enrolled("A"), enrolled("B")
    revoke(engine, gone.device_id)
    statuses = {s.device_id: s for s in device_status(engine)}
    assert statuses[quiet.device_id].batches == 0 and not statuses[quiet.device_id].revoked
    assert statuses[gone.device_id].revoked
    assert statuses[quiet.device_id].last_received_at is None
