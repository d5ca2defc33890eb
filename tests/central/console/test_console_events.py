"""The Events page and the Now page's choices, on SQLite and PostgreSQL: the event a kiosk signs
into its batches is the one status and the console show; renaming an event keeps its old name
counting; goals (the campaign's, an event's) draw the goal line; the hour tally the console
reads holds what the record table holds; drop-import's JSON endpoint."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from console_client import Console, csrf_of
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kiosk.central.console import counts, routes
from kiosk.central.events import event_rows
from kiosk.central.heartbeat import take_heartbeat
from kiosk.central.ingest import ingest
from kiosk.central.models import HourTally, StoredRecord, utcnow
from kiosk.central.status import device_status


def post(http: httpx.Client, path: str, **data: str) -> httpx.Response:
    csrf = csrf_of(http.get("/console/events").text)
    return http.post(path, data={"csrf": csrf, **data})


def tallied(engine: Engine) -> tuple[int, int]:
    with Session(engine) as s:
        return (
            int(s.scalar(select(func.sum(HourTally.signatures))) or 0),
            int(s.scalar(select(func.count()).select_from(StoredRecord)) or 0),
        )


def test_the_event_a_batch_names_is_the_kiosks_event_in_status_and_console(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk = enrolled("Piazza")
    ingest(engine, kiosk.batch(2).to_bytes())  # an older kiosk: no event in the batch
    assert [d.event for d in device_status(engine)] == ["Piazza"]
    ingest(engine, kiosk.batch(3, event="Evening rally").to_bytes())  # the volunteer's name
    assert [d.event for d in device_status(engine)] == ["Evening rally"]
    rows = {r.name: r for r in event_rows(engine)}
    assert rows["Piazza"].total == 2 and rows["Piazza"].kiosks == []
    assert rows["Evening rally"].total == 3 and rows["Evening rally"].kiosks == [kiosk.device_id]
    page = signed_in.get("/console/events").text
    assert "Evening rally" in page and "named by its kiosks" in page
    now = signed_in.get("/console/api/now").json()
    assert {e["event"]: e["signatures"] for e in now["per_event"]} == {
        "Evening rally": 3,
        "Piazza": 2,
    }
    assert now["campaign"] == 5


def test_a_renamed_event_keeps_counting_what_its_kiosks_send_under_the_old_name(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk = enrolled("Piazza")
    ingest(engine, kiosk.batch(2, event="Piazza").to_bytes())
    response = post(
        signed_in, "/console/events/rename", event="Piazza", name="Piazza Maggiore, 3 Dec"
    )
    assert response.status_code == 303
    page = signed_in.get(response.headers["location"]).text
    assert "Its kiosks keep sending the old name" in page  # the page says what happens
    assert "also sent as: Piazza" in page
    ingest(engine, kiosk.batch(3, event="Piazza").to_bytes())  # the kiosk still says "Piazza"
    [row] = [r for r in event_rows(engine) if r.total]
    assert (row.name, row.total, row.kiosks) == ("Piazza Maggiore, 3 Dec", 5, [kiosk.device_id])
    assert [d.event for d in device_status(engine)] == ["Piazza Maggiore, 3 Dec"]
    assert "Piazza Maggiore, 3 Dec" in signed_in.get("/console/kiosks").text
    # Its chart counts both names.
    chart = signed_in.get(
        "/console/api/now", params={"show": "event:Piazza Maggiore, 3 Dec", "span": "all"}
    ).json()
    assert chart["show"] == "event:Piazza Maggiore, 3 Dec"
    assert "5 signatures" in chart["chart_svg"]
    assert "event-rename" in signed_in.get("/console/audit").text


def test_creating_events_goals_and_refusals(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    created = post(signed_in, "/console/events", name="  Evening   rally ", goal="5,000")
    assert created.status_code == 303
    [row] = event_rows(engine)
    assert (row.name, row.goal, row.registered) == ("Evening rally", 5000, True)
    again = post(signed_in, "/console/events", name="Evening rally", goal="")
    assert again.status_code == 422 and "already" in again.text
    bad_goal = post(signed_in, "/console/events", name="Market", goal="lots")
    assert bad_goal.status_code == 422 and "a goal is a whole number" in bad_goal.text
    assert 'value="Market"' in bad_goal.text  # what was typed stays in the form
    post(signed_in, "/console/events", name="Market")
    clash = post(signed_in, "/console/events/rename", event="Market", name="Evening rally")
    assert clash.status_code == 422 and "choose another name" in clash.text
    # A forged post (no token) changes nothing.
    forged = signed_in.post("/console/events", data={"name": "Forged"})
    assert forged.status_code == 403
    assert sorted(r.name for r in event_rows(engine)) == ["Evening rally", "Market"]
    # The event's goal draws the goal line on its chart.
    kiosk = enrolled("Evening rally")
    ingest(engine, kiosk.batch(4).to_bytes())
    chart = signed_in.get("/console/api/now", params={"show": "event:Evening rally"}).json()
    assert "Goal 5000" in chart["chart_svg"] and "4 of the goal of 5000" in chart["chart_svg"]
    assert 'class="goal"' in chart["chart_svg"] and 'class="total"' in chart["chart_svg"]


def test_the_campaign_goal_and_the_kiosk_chart(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    first, second = enrolled("Piazza"), enrolled("Market")
    ingest(engine, first.batch(2).to_bytes())
    ingest(engine, second.batch(5).to_bytes())
    now = signed_in.get("/console/api/now").json()
    assert now["goal"] is None and 'class="goal"' not in now["chart_svg"]  # the appeal has none
    assert post(signed_in, "/console/events/campaign-goal", goal="10000").status_code == 303
    now = signed_in.get("/console/api/now").json()
    assert now["goal"] == 10000 and "7 of the goal of 10000" in now["chart_svg"]
    kiosk = signed_in.get(
        "/console/api/now", params={"show": f"kiosk:{second.device_id}", "span": "all"}
    )
    assert f"Kiosk {second.device_id}" in kiosk.json()["chart_svg"]
    assert "5 signatures" in kiosk.json()["chart_svg"]
    page = signed_in.get(
        "/console/now", params={"show": f"kiosk:{second.device_id}", "span": "all"}
    ).text
    assert f'value="kiosk:{second.device_id}" selected' in page
    unknown = signed_in.get("/console/api/now", params={"show": "kiosk:nobody"}).json()
    assert unknown["show"] == ""  # an unknown kiosk: the campaign's chart
    assert post(signed_in, "/console/events/campaign-goal", goal="").status_code == 303
    assert signed_in.get("/console/api/now").json()["goal"] is None


def test_the_hour_tally_counts_each_stored_record_once(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled("Piazza")
    envelope = kiosk.batch(3).to_bytes()
    ingest(engine, envelope)
    ingest(engine, envelope)  # the same batch again: stored once, counted once
    kiosk.clock = utcnow()
    ingest(engine, kiosk.batch(4, event="Evening").to_bytes())  # signed today
    assert tallied(engine) == (7, 7)
    totals = counts.totals(engine)
    assert (totals.campaign, totals.today) == (7, 4)
    assert {(r.name, r.total, r.today) for r in totals.per_event} == {
        ("Piazza", 3, 0),
        ("Evening", 4, 4),
    }


def test_dropped_files_go_through_import_one_result_each(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    csrf = csrf_of(signed_in.get("/console/import").text)
    batch = enrolled("Market").batch(2).to_bytes()
    files = [("files", ("a.kbatch", batch)), ("files", ("b.kbatch", b"not a batch"))]
    answer = signed_in.post("/console/api/import", data={"csrf": csrf}, files=files)
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert [(r["file"], r["ok"]) for r in results] == [("a.kbatch", True), ("b.kbatch", False)]
    assert results[0]["result"] == "imported: 2 signatures"
    assert results[1]["result"].startswith("not imported: the batch is malformed")
    forged = signed_in.post("/console/api/import", files=[("files", ("c.kbatch", batch))])
    assert forged.status_code == 403
    assert tallied(engine) == (2, 2)


def test_polling_gets_304_until_a_batch_or_an_event_changes_the_figures(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk = enrolled("Piazza")
    ingest(engine, kiosk.batch(2).to_bytes())
    first = signed_in.get("/console/api/now")
    etag = first.headers["etag"]
    again = signed_in.get("/console/api/now", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other_span = signed_in.get("/console/api/now?span=7d", headers={"If-None-Match": etag})
    assert other_span.status_code == 200  # another chart, another answer
    ingest(engine, kiosk.batch(3).to_bytes())
    changed = signed_in.get("/console/api/now", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.json()["campaign"] == 5
    etag = changed.headers["etag"]
    post(signed_in, "/console/events/goal", event="Piazza", goal="100")
    goal = signed_in.get("/console/api/now", headers={"If-None-Match": etag})
    assert goal.status_code == 200
    assert [e["goal"] for e in goal.json()["per_event"]] == [100]
    italian = signed_in.get(
        "/console/api/now",
        headers={"If-None-Match": goal.headers["etag"], "Accept-Language": "it"},
    )
    assert italian.status_code == 200 and "firme" in italian.json()["chart_svg"]


def test_the_stream_sends_new_figures_when_a_batch_arrives_and_ends_with_the_session(
    console: Console,
    engine: Engine,
    enrolled: Any,
    signed_in: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(routes, "POLL_MS", 100)
    monkeypatch.setattr(routes, "SESSION_CHECK_S", 0.3)
    monkeypatch.setattr(routes, "KEEP_ALIVE_S", 0.5)
    monkeypatch.setattr(routes, "UPDATE_GAP_S", 0.1)
    kiosk = enrolled("Piazza")
    ingest(engine, kiosk.batch(2).to_bytes())
    with httpx.Client(base_url=console.url, timeout=10) as stranger:
        assert stranger.get("/console/api/now/stream").status_code == 401
    with signed_in.stream("GET", "/console/api/now/stream") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = _events(stream.iter_lines())
        assert next(events)[1]["campaign"] == 2  # at once
        ingest(engine, kiosk.batch(3).to_bytes())
        name, data = next(events)
        assert name == "now" and data["campaign"] == 5
        csrf = csrf_of(signed_in.get("/console/now").text)
        signed_in.post("/console/sign-out", data={"csrf": csrf})
        assert next(events)[0] == "signed-out"


def _events(lines: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """(event, data) of each server-sent event; comments are skipped."""
    name = ""
    for line in lines:
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            yield name, json.loads(line[6:])


def test_a_kiosks_heartbeat_names_its_event_before_a_batch_does_and_a_rename_shows(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk = enrolled("Piazza")
    ingest(engine, kiosk.batch(2, event="Piazza").to_bytes())
    # The volunteer typed a new name; the heartbeat says it before any batch does.
    beat = kiosk.heartbeat(event="Evening")
    take_heartbeat(engine, beat.to_bytes(), device_id=kiosk.device_id)
    rows = {r.name: r for r in event_rows(engine)}
    assert rows["Evening"].kiosks == [kiosk.device_id] and rows["Piazza"].kiosks == []
    post(signed_in, "/console/events/rename", event="Evening", name="Evening rally")
    page = signed_in.get("/console/kiosks").text
    assert ">Evening rally<" in page and ">Evening<" not in page  # the name now, not the old
    [row] = [r for r in event_rows(engine) if r.kiosks]
    assert (row.name, row.kiosks) == ("Evening rally", [kiosk.device_id])
