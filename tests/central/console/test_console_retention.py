"""The Now page shows the day retention next deletes ciphertext, and leaves test kiosks out of
its totals."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import Engine

from kiosk.central.ingest import ingest
from kiosk.central.review import set_test_mode


def test_now_shows_the_next_deletion_day_and_no_test_kiosk(
    engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    assert 'id="next-deletion">none<' in signed_in.get("/console/now").text
    kiosk, trial = enrolled("Piazza"), enrolled("Piazza")
    ingest(engine, kiosk.batch(2).to_bytes())  # collected 2026-03-01 09:00
    ingest(engine, trial.batch(5).to_bytes())
    set_test_mode(engine, "device", trial.device_id, True)
    page = signed_in.get("/console/now").text
    assert 'id="next-deletion">2027-12-01<' in page  # 21 months after collection
    assert 'id="campaign-total">2<' in page
    answer = signed_in.get("/console/api/now").json()
    assert answer["next_deletion"] == "2027-12-01" and answer["campaign"] == 2
    assert answer["per_event"] == [{"event": "Piazza", "signatures": 2}]
    whole = signed_in.get("/console/api/now?span=all").json()["chart_svg"]
    assert "2 signatures, at most 2 in one hour" in whole  # the chart leaves the 5 out too
