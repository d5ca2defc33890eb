"""The Now page's totals keep kiosks apart even when two of them use the same batch id and record
ids (ids are the kiosk's own, scoped to its device: docs/crypto.md): a record marked invalid or
test, or erased, leaves the count of the other kiosk's record of that id as it was."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import httpx
from console_client import Console
from sqlalchemy import Engine

from kiosk.central.deletion import delete_records
from kiosk.central.ingest import ingest
from kiosk.central.review import apply_marks


def totals(http: httpx.Client) -> tuple[int, dict[str, int]]:
    now = http.get("/console/api/now").json()
    return now["campaign"], {e["event"]: e["signatures"] for e in now["per_event"]}


def test_totals_keep_two_kiosks_with_the_same_ids_apart(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    a, b = enrolled("Piazza"), enrolled("Town hall")
    first = a.batch(3)
    ingest(engine, first.to_bytes())
    ids = [r.id for r in first.batch.records]
    copies = [replace(b.record(), signature_id=i) for i in ids]
    ingest(engine, b.batch(copies, batch_id=first.batch.batch_id).to_bytes())
    assert totals(signed_in) == (6, {"Piazza": 3, "Town hall": 3})
    apply_marks(engine, {(b.device_id, ids[0])}, "invalid", "same pen, same minute")
    assert totals(signed_in) == (5, {"Piazza": 3, "Town hall": 2})
    apply_marks(engine, {(a.device_id, ids[1])}, "test", "the volunteer trying it out")
    assert totals(signed_in) == (4, {"Piazza": 2, "Town hall": 2})
    assert delete_records(engine, {(a.device_id, ids[2])}, "erased") == 1
    assert totals(signed_in) == (3, {"Piazza": 1, "Town hall": 2})
    apply_marks(engine, {(b.device_id, ids[0])}, "valid", "")  # counted again, B's only
    assert totals(signed_in) == (4, {"Piazza": 1, "Town hall": 3})
