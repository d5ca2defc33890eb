"""The Now page's live figures (server-sent events) against a change made just before a page
opens: the page is rendered with the new figures, and its stream's first event must carry them
too, not the shared look's older ones, which the page would then show for UPDATE_GAP_S (10 s)
before the next event may come. The shared look is held back (POLL_MS of a minute) so that the
order is certain."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from console_client import Console
from sqlalchemy import Engine

from kiosk.central.console import routes
from kiosk.central.counting import EVENT
from kiosk.central.ingest import ingest
from kiosk.central.review import set_test_mode


def first_figures(http: httpx.Client) -> dict[str, Any]:
    with http.stream("GET", "/console/api/now/stream") as stream:
        data = next(line for line in stream.iter_lines() if line.startswith("data: "))
    figures: dict[str, Any] = json.loads(data.removeprefix("data: "))
    return figures


def test_a_stream_opened_just_after_a_change_starts_with_the_new_figures(
    console: Console,
    engine: Engine,
    enrolled: Any,
    signed_in: httpx.Client,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(routes, "POLL_MS", 60_000)  # the shared look: not again in this test
    market = enrolled("Market")
    ingest(engine, market.batch(3).to_bytes())
    assert first_figures(signed_in)["campaign"] == 3  # the shared look starts, and waits

    set_test_mode(engine, EVENT, "Market", on=True)
    assert '<span class="value" id="campaign-total">0</span>' in signed_in.get(
        "/console/now"
    ).text.replace("\n", "")
    assert first_figures(signed_in)["campaign"] == 0
    ingest(engine, market.batch(2).to_bytes())  # in test mode too
    set_test_mode(engine, EVENT, "Market", on=False)
    assert first_figures(signed_in)["campaign"] == 5
