"""Console fixtures: the central server on loopback with a campaign and its coordinator
credential, and an httpx client that signs in the way a browser does."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from console_client import Console, sign_in  # type: ignore[import-not-found]
from sqlalchemy import Engine

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, issue_credential
from kiosk.central.server import ServerThread


@pytest.fixture
def console(engine: Engine, campaign: CampaignInfo) -> Iterator[Console]:
    credential = issue_credential(engine)
    with ServerThread(create_app(engine, tls_pin="ab" * 32)) as server:
        yield Console(server.url, engine, credential)


@pytest.fixture
def http(console: Console) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=console.url, timeout=10) as client:
        yield client


@pytest.fixture
def signed_in(http: httpx.Client, console: Console) -> httpx.Client:
    response = sign_in(http, console.credential)
    assert response.status_code == 303, response.text
    return http
