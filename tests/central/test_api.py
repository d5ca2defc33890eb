"""The HTTP API on a real server on loopback (uvicorn in a thread), per docs/sync-protocol.md."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from enrolment_requests import enrolment_request
from sqlalchemy import Engine

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, get_campaign, issue_credential
from kiosk.central.db import open_database
from kiosk.central.enrolment import issue_code, revoke
from kiosk.central.server import ServerThread
from kiosk.protocol import receipt

OPENAPI_FILE = Path(__file__).parents[2] / "docs" / "openapi.json"


@pytest.fixture
def client(engine: Engine, campaign: CampaignInfo) -> Iterator[httpx.Client]:
    with (
        ServerThread(create_app(engine, max_body_bytes=256 * 1024)) as server,
        httpx.Client(base_url=server.url, timeout=10) as http,
    ):
        yield http


def put(http: httpx.Client, signed: Any, data: bytes | None = None) -> httpx.Response:
    body = signed.to_bytes() if data is None else data
    return http.put(f"/api/v2/batches/{signed.batch.batch_id}", content=body)


def assert_problem(response: httpx.Response, status: int, detail: str = "") -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    doc = response.json()
    assert doc["status"] == status and doc["title"]
    assert detail in doc["detail"]


def test_health(client: httpx.Client) -> None:
    assert client.get("/api/v2/health").json() == {"status": "ok"}


def test_enrolment_hands_out_key_appeal_and_event(
    client: httpx.Client, engine: Engine, campaign: CampaignInfo, new_kiosk: Any
) -> None:
    kiosk = new_kiosk()
    code = issue_code(engine, "Town hall", timedelta(hours=1)).code
    request = enrolment_request(code, kiosk.device_id, kiosk.public_key_b64)
    response = client.post("/api/v2/enrolments", json=request)
    assert response.status_code == 201
    doc = response.json()
    assert doc["device_id"] == kiosk.device_id and doc["event"] == "Town hall"
    assert doc["campaign_key_fingerprint"] == campaign.key_fingerprint
    assert doc["campaign_public_key"] == campaign.public_key_pem
    assert doc["appeal_toml"] == campaign.appeal_toml
    other = new_kiosk()
    request = enrolment_request(code, other.device_id, other.public_key_b64)
    assert_problem(client.post("/api/v2/enrolments", json=request), 403, "already been used")


def test_enrolment_refusals(
    client: httpx.Client, engine: Engine, enrolled: Any, new_kiosk: Any
) -> None:
    kiosk = new_kiosk()
    request = enrolment_request("NOPE", kiosk.device_id, kiosk.public_key_b64)
    assert_problem(client.post("/api/v2/enrolments", json=request), 403, "unknown")
    assert_problem(client.post("/api/v2/enrolments", json={"code_id": 1}), 422)
    assert_problem(client.post("/api/v2/enrolments", content=b"{"), 422)
    taken = enrolled()
    code = issue_code(engine, "Rally", timedelta(hours=1)).code
    request = enrolment_request(code, taken.device_id, kiosk.public_key_b64)
    assert_problem(client.post("/api/v2/enrolments", json=request), 409, "another key")


def test_upload_gets_a_signed_receipt(client: httpx.Client, engine: Engine, enrolled: Any) -> None:
    signed = enrolled().batch(3)
    response = put(client, signed)
    assert response.status_code == 201
    answer = receipt.parse(response.json())
    answer.verify(get_campaign(engine).receipt_key.public_bytes)  # signed by this server
    assert answer.receipt.confirms(signed.batch.batch_id, signed.hash)
    assert (answer.receipt.seq, answer.receipt.record_count) == (1, 3)
    assert response.json()["receipt"]["received_at"].endswith(":00:00+00:00")  # to the hour


def test_same_batch_50_times_is_stored_once(
    client: httpx.Client, engine: Engine, enrolled: Any, stored_counts: Any
) -> None:
    signed = enrolled().batch(2)
    responses = [put(client, signed) for _ in range(50)]  # the default limit: 60 a minute
    assert [r.status_code for r in responses] == [201] + [200] * 49
    assert len({r.content for r in responses}) == 1
    assert stored_counts() == (1, 2)


def test_two_concurrent_uploads_store_the_batch_once(
    client: httpx.Client, engine: Engine, enrolled: Any, stored_counts: Any
) -> None:
    signed = enrolled().batch(4)
    results: list[httpx.Response] = []
    start = threading.Barrier(2, timeout=10)

    def upload() -> None:
        with httpx.Client(base_url=str(client.base_url), timeout=10) as own:
            start.wait()
            results.append(put(own, signed))

    threads = [threading.Thread(target=upload) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(r.status_code for r in results) == [200, 201]
    assert results[0].json() == results[1].json()
    assert stored_counts() == (1, 4)


def test_changed_batch_under_the_same_id_is_409(client: httpx.Client, enrolled: Any) -> None:
    kiosk = enrolled()
    first = kiosk.batch(1)
    assert put(client, first).status_code == 201
    changed = kiosk.batch(2, seq=2, batch_id=first.batch.batch_id)
    assert_problem(put(client, changed), 409, "different batch")


def test_flipped_byte_forged_unknown_and_revoked_are_refused(
    client: httpx.Client,
    engine: Engine,
    enrolled: Any,
    new_kiosk: Any,
    stored_counts: Any,
    flip_byte: Any,
) -> None:
    kiosk = enrolled()
    signed = kiosk.batch(1)
    assert_problem(put(client, signed, flip_byte(signed.to_bytes())), 401, "does not verify")
    forger = new_kiosk()
    forger.device_id = kiosk.device_id
    assert_problem(put(client, forger.batch(1)), 401, "does not verify")
    assert_problem(put(client, new_kiosk().batch(1)), 401, "not enrolled")
    revoke(engine, kiosk.device_id)
    assert_problem(put(client, signed), 403, "revoked")
    assert stored_counts() == (0, 0)


def test_oversized_body_is_413(client: httpx.Client, enrolled: Any) -> None:
    signed = enrolled().batch(1)
    url = f"/api/v2/batches/{signed.batch.batch_id}"
    assert_problem(client.put(url, content=b" " * (256 * 1024 + 1)), 413, "limit")

    def chunked() -> Iterator[bytes]:  # no Content-Length: refused while streaming
        for _ in range(64):
            yield b" " * 8192

    assert_problem(client.put(url, content=chunked()), 413, "limit")


@pytest.mark.parametrize(
    "body", [b"", b"not json", b"[]", b'{"format": "kiosk-batch/1", "body": "!", "signature": ""}']
)
def test_malformed_batch_is_422_problem(client: httpx.Client, body: bytes) -> None:
    response = client.put("/api/v2/batches/00000000-0000-0000-0000-000000000000", content=body)
    assert_problem(response, 422, "malformed")


def test_path_id_must_match_body_id(client: httpx.Client, enrolled: Any) -> None:
    signed = enrolled().batch(1)
    response = client.put("/api/v2/batches/something-else", content=signed.to_bytes())
    assert_problem(response, 400, signed.batch.batch_id)


def test_unknown_route_is_a_problem_too(client: httpx.Client) -> None:
    assert_problem(client.get("/api/v2/nothing"), 404)
    assert_problem(client.delete("/api/v2/health"), 405)


def test_devices_needs_the_coordinator_credential(
    client: httpx.Client, engine: Engine, enrolled: Any
) -> None:
    kiosk = enrolled()
    put(client, kiosk.batch(2))
    kiosk.batch(1)  # seq 2 stays on the kiosk
    put(client, kiosk.batch(1))
    assert_problem(client.get("/api/v2/devices"), 401, "Bearer")
    assert_problem(client.get("/api/v2/devices", headers={"Authorization": "Bearer x"}), 401)
    credential = issue_credential(engine)
    response = client.get("/api/v2/devices", headers={"Authorization": f"Bearer {credential}"})
    assert response.status_code == 200
    [device] = response.json()
    assert device["device_id"] == kiosk.device_id
    assert (device["batches"], device["signatures"], device["missing_seqs"]) == (2, 3, [[2, 2]])


def test_committed_openapi_document_is_current(engine: Engine) -> None:
    current = create_app(engine).openapi()
    committed = json.loads(OPENAPI_FILE.read_text("utf-8"))
    assert committed == current, "run: python -m kiosk.central.openapi > docs/openapi.json"


def test_two_servers_on_one_database_store_a_batch_once(
    database_url: str, campaign: CampaignInfo, enrolled: Any, stored_counts: Any
) -> None:
    """Two server processes, each with its own engine and pool, racing on one database."""
    signed = enrolled().batch(3)
    results: list[httpx.Response] = []
    start = threading.Barrier(2, timeout=10)
    engines = [open_database(database_url) for _ in range(2)]
    servers = [ServerThread(create_app(e)).start() for e in engines]

    def upload(url: str) -> None:
        with httpx.Client(base_url=url, timeout=10) as http:
            start.wait()
            results.append(put(http, signed))

    try:
        threads = [threading.Thread(target=upload, args=(s.url,)) for s in servers]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        for server, engine in zip(servers, engines, strict=True):
            server.stop()
            engine.dispose()
    assert sorted(r.status_code for r in results) == [200, 201]
    assert results[0].json() == results[1].json()
    assert stored_counts() == (1, 3)
