"""The campaign summary: the count every kiosk's resting screen shows, and nothing more."""

from __future__ import annotations

import sqlite3
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from kiosk.central import api
from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo
from kiosk.central.errors import NoCampaign
from kiosk.central.ingest import ingest
from kiosk.central.server import ServerThread
from kiosk.central.status import campaign_summary


def test_counts_every_kiosks_records_once(
    engine: Engine, campaign: CampaignInfo, enrolled: Any
) -> None:
    assert campaign_summary(engine).signatures == 0
    first, second = enrolled("Rally"), enrolled("Market")
    batch = first.batch(3).to_bytes()
    ingest(engine, batch)
    ingest(engine, batch)  # the same batch again: stored, and counted, once
    ingest(engine, second.batch(2).to_bytes())
    ingest(engine, first.batch(1).to_bytes())
    summary = campaign_summary(engine)
    assert summary.appeal_id == first.appeal.id
    assert summary.signatures == 6


def test_no_campaign_yet(engine: Engine) -> None:
    with pytest.raises(NoCampaign):
        campaign_summary(engine)


def test_the_api_gives_the_count_and_nothing_personal(
    engine: Engine, campaign: CampaignInfo, enrolled: Any
) -> None:
    kiosk = enrolled()
    ingest(engine, kiosk.batch(4).to_bytes())
    with (
        ServerThread(create_app(engine)) as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        response = http.get("/api/v2/campaign/summary")
    assert response.status_code == 200
    assert response.json() == {"appeal_id": kiosk.appeal.id, "signatures": 4}


def test_the_api_answers_503_without_a_campaign(engine: Engine) -> None:
    with (
        ServerThread(create_app(engine)) as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        response = http.get("/api/v2/campaign/summary")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "kiosk central init" in response.json()["detail"]


def test_a_full_disk_is_named_in_the_503(
    engine: Engine, campaign: CampaignInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(_engine: Engine) -> None:
        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = sqlite3.SQLITE_FULL
        raise OperationalError("UPDATE", {}, error)

    monkeypatch.setattr(api, "campaign_summary", full)
    with (
        ServerThread(create_app(engine)) as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        response = http.get("/api/v2/campaign/summary")
    assert response.status_code == 503
    assert response.json()["title"] == "Disk full"
    assert response.json()["detail"].startswith("the server's disk is full")


def test_a_version_1_kiosk_is_told_to_update(engine: Engine) -> None:
    with (
        ServerThread(create_app(engine)) as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        upload = http.put("/api/v1/batches/b", content=b'{"format": "kiosk-batch/1"}')
        enrol = http.post("/api/v1/enrolments", json={})
    for response in (upload, enrol):
        assert response.status_code == 410
        assert "speaks kiosk protocol version 2; update the kiosk" in response.json()["detail"]
