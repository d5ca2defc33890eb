"""The revoke confirmation names the kiosk as the Kiosks page does now: its name, the event it
is at (its heartbeat's, else its latest batch's), when it was last seen; not the event it was
enrolled for."""

from __future__ import annotations

import re
from typing import Any

import httpx
from console_client import Console, csrf_of
from sqlalchemy import Engine

from kiosk.central.heartbeat import take_heartbeat
from kiosk.central.ingest import ingest


def what(page: str) -> str:
    match = re.search(r'<p id="revoke-what">(.*?)</p>', page, re.S)
    assert match, "no revoke-what paragraph"
    return match.group(1)


def test_the_confirmation_names_the_kiosk_as_it_is_now(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk, other = enrolled("Piazza"), enrolled("Piazza")
    confirm = f"/console/kiosks/{kiosk.device_id}/revoke"
    assert what(signed_in.get(confirm).text) == (
        f"Kiosk {kiosk.device_id} at event Piazza (not heard from yet) will have every further "
        "batch refused. The batches already received stay. To use this tablet again, enrol it "
        "with a new link."
    )
    ingest(engine, kiosk.batch(2, event="Evening rally").to_bytes())
    assert "at event Evening rally (last seen under 5 min ago) will" in what(
        signed_in.get(confirm).text
    )
    take_heartbeat(engine, kiosk.heartbeat(event="Town hall").to_bytes(), device_id=kiosk.device_id)
    csrf = csrf_of(signed_in.get("/console/kiosks").text)
    signed_in.post(
        f"/console/kiosks/{kiosk.device_id}/label", data={"csrf": csrf, "label": "Tab 3"}
    )
    text = what(signed_in.get(confirm).text)
    assert text.startswith(f"Kiosk Tab 3 ({kiosk.device_id}) at event Town hall (last seen under")
    assert "Piazza" not in text and other.device_id not in text
    italian = signed_in.get(confirm, headers={"Accept-Language": "it"}).text
    assert "del chiosco Tab 3" in what(italian) and "meno di 5 min fa" in what(italian)
    assert signed_in.get("/console/kiosks/no-such-kiosk/revoke").status_code == 404
