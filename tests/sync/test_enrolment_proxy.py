"""The enrolment hijack, tried with a real proxy on loopback between a kiosk and the real server.

The proxy rewrites one field of the enrolment in turn: the device key in the request (to enrol
its own key), or the campaign key, appeal, event or receipt key in the answer (to read, swap or
fake everything later), or the coordinator key and keyset (to pick the key kiosks seal to
later). Each time the kiosk keeps nothing and says why; with no rewriting, the
same proxy passes an enrolment that works.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fake_central import serve  # type: ignore[import-not-found]
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from kiosk.central.embedded import LocalServer, start_local_server
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.errors import EnrolmentError
from kiosk.files import keys
from kiosk.sync.enrol import APPEAL_FILE, enrol, enrolled
from kiosk.vault import Vault
from kiosk.vault.keyset import followed

ATTACKER_CAMPAIGN = CampaignPrivateKey.generate().public_key()
ATTACKER_DEVICE = DeviceKey.generate()
Rewrite = Callable[[dict[str, Any]], dict[str, Any]]


def _proxy(upstream: str, *, request: Rewrite | None, answer: Rewrite | None) -> Starlette:
    async def forward(incoming: Request) -> Response:
        doc = json.loads(await incoming.body())
        if request is not None:
            doc = request(doc)
        async with httpx.AsyncClient(base_url=upstream, timeout=10) as http:
            reply = await http.post("/api/v2/enrolments", json=doc)
        body = reply.content
        if answer is not None and reply.status_code == 201:
            body = json.dumps(answer(reply.json())).encode()
        return Response(body, status_code=reply.status_code, media_type="application/json")

    return Starlette(routes=[Route("/api/v2/enrolments", forward, methods=["POST"])])


def _set(field: str, value: str) -> Rewrite:
    return lambda doc: {**doc, field: value}


ATTACKS: dict[str, tuple[Rewrite | None, Rewrite | None, str]] = {
    "the device key in the request": (
        _set("device_public_key", base64.b64encode(ATTACKER_DEVICE.public_bytes).decode()),
        None,
        "not authenticated by this code",
    ),
    "the campaign key in the answer": (
        None,
        lambda doc: {
            **doc,
            "campaign_public_key": ATTACKER_CAMPAIGN.to_pem().decode(),
            "campaign_key_fingerprint": ATTACKER_CAMPAIGN.fingerprint,
        },
        "not authenticated by the code",
    ),
    "the appeal in the answer": (
        None,
        lambda doc: {**doc, "appeal_toml": doc["appeal_toml"].replace("Chechnya", "Nowhere")},
        "not authenticated by the code",
    ),
    "the event in the answer": (None, _set("event", "Elsewhere"), "not authenticated"),
    "the receipt key in the answer": (
        None,
        _set("receipt_public_key", base64.b64encode(ATTACKER_DEVICE.public_bytes).decode()),
        "not authenticated by the code",
    ),
    "the coordinator key in the answer": (
        None,
        _set("coordinator_key", base64.b64encode(ATTACKER_DEVICE.public_bytes).decode()),
        "not authenticated by the code",
    ),
    "the coordinator key and keyset left out of the answer": (
        None,
        lambda doc: {**doc, "coordinator_key": None, "keyset": None},
        "not authenticated by the code",
    ),
    "the answer's MAC removed": (None, lambda d: {k: v for k, v in d.items() if k != "mac"}, "not"),
}


@pytest.fixture
def server(tmp_path: Path, campaign_public_key: CampaignPublicKey) -> Iterator[LocalServer]:
    coordinator = DeviceKey.generate()
    with start_local_server(
        tmp_path / "central", campaign_public_key, coordinator=coordinator
    ) as running:
        yield running


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_proxy_that_rewrites_the_enrolment_is_caught(
    attack: str, server: LocalServer, vault: Vault, data_dir: Path
) -> None:
    request, answer, words = ATTACKS[attack]
    code = server.issue_enrolment_code("Rally")
    with (
        serve(_proxy(server.url, request=request, answer=answer)) as proxy,
        pytest.raises(EnrolmentError, match=words),
    ):
        enrol(vault, data_dir, code, proxy)
    assert enrolled(vault, data_dir) is None
    assert not (data_dir / APPEAL_FILE).exists()
    assert not (data_dir / keys.PUBLIC_KEY_FILE).exists()


def test_the_same_proxy_passing_everything_on_enrols(
    server: LocalServer, vault: Vault, data_dir: Path, campaign_public_key: CampaignPublicKey
) -> None:
    code = server.issue_enrolment_code("Rally")
    with serve(_proxy(server.url, request=None, answer=None)) as proxy:
        done = enrol(vault, data_dir, code, proxy)
    assert done.campaign_key_fingerprint == campaign_public_key.fingerprint
    assert done.event == "Rally"
    assert done.coordinator_key is not None  # pinned, with the keyset it signed
    kept = followed(vault)
    assert kept is not None and kept.version == 1
    assert kept.primary_entry.fingerprint == campaign_public_key.fingerprint
