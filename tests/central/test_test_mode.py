"""Test mode follows where signatures were collected, and keeps working for what arrives later.

An event in test mode leaves out the signatures whose batch names that event (the kiosk signs
its event into every batch, c0011), whatever event the kiosk was enrolled for; a kiosk or an
event in test mode also leaves out signatures stored after it was switched on, by an upload,
a USB import or a salvage import. SQLite and PostgreSQL (CI=true)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo
from kiosk.central.console.counts import totals
from kiosk.central.events import event_rows, rename_event
from kiosk.central.export import open_all
from kiosk.central.ingest import ingest
from kiosk.central.server import ServerThread
from kiosk.central.status import campaign_summary, device_status
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.protocol.batch import GENESIS_HASH, SALVAGE


@pytest.fixture
def client(engine: Engine, campaign: CampaignInfo) -> Iterator[httpx.Client]:
    with (
        ServerThread(create_app(engine)) as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        yield http


def _exported(central: Any, tmp_path: Path, capsys: Any) -> tuple[set[str], str]:
    out = tmp_path / "export.csv"
    capsys.readouterr()
    assert central("export", "--out", out) == 0
    note = capsys.readouterr().err
    with out.open(encoding="utf-8-sig", newline="") as f:
        return {r["signature_id"] for r in csv.DictReader(f)}, note


def test_test_mode_on_an_event_leaves_out_what_was_collected_there_not_the_enrolment_event(
    central: Any,
    enrolled: Any,
    engine: Engine,
    campaign_private_key: CampaignPrivateKey,
    tmp_path: Path,
    capsys: Any,
) -> None:
    mover = enrolled("Festival A")  # enrolled at A, later taken to B
    at_a = [mover.record(email=f"a{i}@example.org") for i in range(3)]
    at_b = [mover.record(email=f"b{i}@example.org") for i in range(2)]
    ingest(engine, mover.batch(at_a, event="Festival A").to_bytes())
    ingest(engine, mover.batch(at_b, event="Festival B").to_bytes())
    other = enrolled("Festival B")  # enrolled at B, its batches name B too
    at_b_too = other.record(email="other@example.org")
    ingest(engine, other.batch([at_b_too], event="Festival B").to_bytes())
    assert campaign_summary(engine).signatures == 6
    # the export (and the pack) name each signature's event as its batch does
    events = {o.record.signature_id: o.event for o in open_all(engine, campaign_private_key)[0]}
    assert {events[r.signature_id] for r in at_a} == {"Festival A"}
    assert {events[r.signature_id] for r in [*at_b, at_b_too]} == {"Festival B"}

    assert central("test-mode", "--event", "Festival B") == 0
    assert campaign_summary(engine).signatures == 3
    rows, note = _exported(central, tmp_path, capsys)
    assert rows == {r.signature_id for r in at_a}
    assert "left out 3 test signatures" in note
    console = totals(engine)
    assert console.campaign == 3
    assert [(e.name, e.total) for e in console.per_event] == [("Festival A", 3)]
    assert {r.name: r.total for r in event_rows(engine)}.get("Festival B", 0) == 0
    status = {s.device_id: s for s in device_status(engine)}
    assert not status[mover.device_id].test_mode  # the kiosk itself still counts elsewhere
    assert status[mover.device_id].test_events == ("Festival B",)
    capsys.readouterr()
    assert central("status") == 0
    assert "event 'Festival B' is in test mode" in capsys.readouterr().out

    # test mode on A, the kiosk's enrolment event, leaves out A's records only
    assert central("test-mode", "--event", "Festival B", "--off") == 0
    assert central("test-mode", "--event", "Festival A") == 0
    rows, _ = _exported(central, tmp_path, capsys)
    assert rows == {r.signature_id for r in [*at_b, at_b_too]}
    assert campaign_summary(engine).signatures == 3

    # a bulk review mark by event follows the batch's event as well
    capsys.readouterr()
    assert central("review", "--mark", "test", "--reason", "trial", "--event", "Festival B",
                   "--dry-run") == 0  # fmt: skip
    assert "would mark 3 signatures test" in capsys.readouterr().out


def test_an_event_known_only_from_a_batch_can_be_put_in_test_mode(
    central: Any, enrolled: Any, engine: Engine, capsys: Any
) -> None:
    kiosk = enrolled("Enrolled here")
    ingest(engine, kiosk.batch(2, event="Renamed on the panel").to_bytes())
    assert central("test-mode", "--event", "Renamed on the panel") == 0
    assert campaign_summary(engine).signatures == 0
    assert central("test-mode", "--event", "Nowhere") == 2
    assert "no event is called 'Nowhere'" in capsys.readouterr().err


@pytest.mark.parametrize("on", ["device", "event"])
def test_signatures_stored_after_test_mode_was_switched_on_stay_out(
    on: str,
    central: Any,
    enrolled: Any,
    engine: Engine,
    client: httpx.Client,
    tmp_path: Path,
    capsys: Any,
) -> None:
    trial = enrolled("Rehearsal")
    real = enrolled("Rally")
    kept = real.record(email="real@example.org")
    ingest(engine, real.batch([kept], event="Rally").to_bytes())
    which = ["--device", trial.device_id] if on == "device" else ["--event", "Rehearsal"]

    def signers(n: int, where: str) -> list[Any]:  # distinct addresses: none is a duplicate
        return [trial.record(email=f"{where}{i}@example.org") for i in range(n)]

    ingest(engine, trial.batch(signers(1, "before"), event="Rehearsal").to_bytes())
    assert central("test-mode", *which) == 0
    assert campaign_summary(engine).signatures == 1

    # 1. a later upload, over HTTP as a kiosk sends it
    uploaded = trial.batch(signers(2, "uploaded"), event="Rehearsal")
    response = client.put(f"/api/v2/batches/{uploaded.batch.batch_id}", content=uploaded.to_bytes())
    assert response.status_code in (200, 201), response.text
    # 2. a batch file from a USB stick
    stick = tmp_path / "stick"
    stick.mkdir()
    usb = stick / "batch.kiosk-batch"
    usb.write_bytes(trial.batch(signers(3, "usb"), event="Rehearsal").to_bytes())
    assert central("import", usb) == 0
    # 3. a salvage file read back from the kiosk's damaged vault
    salvage = trial.batch(
        signers(4, "salvaged"), seq=0, prev_hash=GENESIS_HASH, kind=SALVAGE, event="Rehearsal"
    )
    salvage_file = stick / "salvage.kiosk-batch"
    salvage_file.write_bytes(salvage.to_bytes())
    assert central("import", salvage_file) == 0

    assert campaign_summary(engine).signatures == 1
    console = totals(engine)
    assert console.campaign == 1 and [(e.name, e.total) for e in console.per_event] == [
        ("Rally", 1)
    ]
    rows, note = _exported(central, tmp_path, capsys)
    assert rows == {kept.signature_id}
    assert "left out 10 test signatures" in note  # 1 + 2 + 3 + 4

    # switched off, every one of them counts
    assert central("test-mode", *which, "--off") == 0
    assert campaign_summary(engine).signatures == 11
    rows, _ = _exported(central, tmp_path, capsys)
    assert len(rows) == 11


def test_test_mode_on_a_renamed_event_covers_its_old_name_too(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    kiosk = enrolled("Rehearsal")
    ingest(engine, kiosk.batch(kiosk_records(kiosk, "old", 2), event="Rehearsal").to_bytes())
    rename_event(engine, "Rehearsal", "Dress rehearsal")  # on the console's Events page
    ingest(engine, kiosk.batch(kiosk_records(kiosk, "new", 1), event="Dress rehearsal").to_bytes())
    elsewhere = enrolled("Rally")
    kept = elsewhere.record(email="kept@example.org")
    ingest(engine, elsewhere.batch([kept], event="Rally").to_bytes())
    assert central("test-mode", "--event", "Dress rehearsal") == 0
    assert campaign_summary(engine).signatures == 1
    rows, note = _exported(central, tmp_path, capsys)
    assert rows == {kept.signature_id} and "left out 3 test signatures" in note
    # the event stays on the Events page (it is registered), counting none
    assert {e.name: e.total for e in totals(engine).per_event} == {"Dress rehearsal": 0, "Rally": 1}
    status = {s.device_id: s for s in device_status(engine)}
    assert status[kiosk.device_id].test_events == ("Dress rehearsal",)


def kiosk_records(kiosk: Any, prefix: str, n: int) -> list[Any]:
    return [kiosk.record(email=f"{prefix}{i}@example.org") for i in range(n)]
