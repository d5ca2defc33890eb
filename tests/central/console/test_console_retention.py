"""The Now page shows the day retention next deletes ciphertext; its totals, its chart and the
Events page (all read from the hour tally, kiosk.central.tally) leave out test kiosks and
events, signatures marked invalid or test, and signatures erased or deleted by retention."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kiosk.central import retention
from kiosk.central.counting import record_counts
from kiosk.central.deletion import ERASED, delete_records
from kiosk.central.events import event_rows
from kiosk.central.imports import import_envelope
from kiosk.central.ingest import ingest
from kiosk.central.models import HourTally, StoredRecord
from kiosk.central.review import apply_marks, set_test_mode
from kiosk.protocol.batch import GENESIS_HASH, SALVAGE


def test_now_shows_the_next_deletion_day_and_no_test_kiosk(
    engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    assert 'id="next-deletion">none due<' in signed_in.get("/console/now").text
    kiosk, trial = enrolled("Piazza"), enrolled("Piazza")
    ingest(engine, kiosk.batch(2).to_bytes())  # collected 2026-03-01 09:00
    ingest(engine, trial.batch(5).to_bytes())
    set_test_mode(engine, "device", trial.device_id, True)
    page = signed_in.get("/console/now").text
    assert 'id="next-deletion">2027-12-01<' in page  # 21 months after collection
    assert 'id="campaign-total">2<' in page
    answer = signed_in.get("/console/api/now").json()
    assert answer["next_deletion"] == "2027-12-01" and answer["campaign"] == 2
    assert [(e["event"], e["signatures"]) for e in answer["per_event"]] == [("Piazza", 2)]
    whole = signed_in.get("/console/api/now?span=all").json()["chart_svg"]
    assert "2 signatures, at most 2 in one hour" in whole  # the chart leaves the 5 out too


def figures(http: httpx.Client, engine: Engine) -> tuple[int, int, str, dict[str, int]]:
    """(the Now page's campaign total, its per-event sum, its whole-campaign chart's summary,
    the Events page's totals); the tally must also match a count of the records that count."""
    now = http.get("/console/api/now?span=all").json()
    with Session(engine) as s:
        counting = s.scalar(select(func.count()).select_from(StoredRecord).where(record_counts()))
        tallied = s.scalar(select(func.sum(HourTally.signatures)).select_from(HourTally))
    assert now["campaign"] == counting, "the console's total is not the records that count"
    assert (tallied or 0) >= now["campaign"]  # the tally also holds test kiosks' rows
    summary = now["chart_svg"].split("Whole campaign: ", 1)[1].split(" signatures", 1)[0]
    events = {r.name: r.total for r in event_rows(engine) if r.total}
    return now["campaign"], sum(e["signatures"] for e in now["per_event"]), summary, events


def test_erased_deleted_and_marked_signatures_leave_the_totals_and_the_chart(
    engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk = enrolled("Piazza")
    records = [kiosk.record(email=f"p{i}@example.org") for i in range(6)]
    ingest(engine, kiosk.batch(records[:4], event="Evening").to_bytes())
    ingest(engine, kiosk.batch(records[4:]).to_bytes())  # under its enrolment's event
    assert figures(signed_in, engine) == (6, 6, "6", {"Evening": 4, "Piazza": 2})

    # An erasure leaves the tally in the same transaction (the cached answer changes too).
    delete_records(engine, [(kiosk.device_id, records[0].signature_id)], ERASED)
    assert figures(signed_in, engine) == (5, 5, "5", {"Evening": 3, "Piazza": 2})

    # Invalid and test marks take signatures out; a later valid mark brings one back.
    keys = [(kiosk.device_id, r.signature_id) for r in records[1:3]]
    apply_marks(engine, keys[:1], "invalid", "same pen, same minute")
    apply_marks(engine, keys[1:], "test", "a volunteer's trial")
    assert figures(signed_in, engine) == (3, 3, "3", {"Evening": 1, "Piazza": 2})
    apply_marks(engine, keys[1:], "valid", "")
    assert figures(signed_in, engine) == (4, 4, "4", {"Evening": 2, "Piazza": 2})

    # An event in test mode (the signatures collected there: the batches that name it, or
    # name none and come from a kiosk enrolled for it), then out of it again.
    set_test_mode(engine, "event", "Piazza", True)
    assert figures(signed_in, engine) == (2, 2, "2", {"Evening": 2})
    set_test_mode(engine, "event", "Piazza", False)
    assert figures(signed_in, engine) == (4, 4, "4", {"Evening": 2, "Piazza": 2})

    # Retention deletes everything collected 21 months before; the same batch found later
    # on a stick (salvage) brings nothing back into the tally.
    retention.apply(engine, datetime(2028, 1, 1, tzinfo=UTC))
    assert figures(signed_in, engine) == (0, 0, "0", {})
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(HourTally)) == 0
    found = kiosk.batch(records[4:], seq=0, prev_hash=GENESIS_HASH, kind=SALVAGE)
    import_envelope(engine, found.to_bytes())
    assert figures(signed_in, engine) == (0, 0, "0", {})
