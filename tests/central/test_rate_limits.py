"""Rate limits of the real app on a real server on loopback: enrolment attempts per address and
per code, uploads per device, the hourly record quota, slow clients. Each refusal is a 429
problem with Retry-After. The limiter's clock is injected, so refills happen when a test says."""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterator
from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import httpx
import pytest
from coordinator import fast_key_files
from enrolment_requests import enrol_with, enrolment_request
from sqlalchemy import Engine

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, create_campaign, get_campaign
from kiosk.central.db import open_database
from kiosk.central.enrolment import issue_code
from kiosk.central.ratelimit import Limiter
from kiosk.central.server import ServerThread
from kiosk.cli.main import main
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.errors import SyncError
from kiosk.petition.appeal import DEFAULT_APPEAL
from kiosk.sync.client import CentralClient


class Monotonic:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Monotonic:
    return Monotonic()


def serve(engine: Engine, clock: Monotonic) -> Any:
    return ServerThread(create_app(engine, limiter=Limiter(clock=clock)))


@pytest.fixture
def http(engine: Engine, campaign: CampaignInfo, clock: Monotonic) -> Iterator[httpx.Client]:
    with serve(engine, clock) as server, httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def assert_limited(response: httpx.Response, retry_after: int, words: str) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == str(retry_after)
    doc = response.json()
    assert (doc["status"], doc["title"]) == (429, "Too many requests")
    assert words in doc["detail"] and f"try again in {retry_after} seconds" in doc["detail"]


def put(http: httpx.Client, signed: Any) -> httpx.Response:
    return http.put(f"/api/v2/batches/{signed.batch.batch_id}", content=signed.to_bytes())


def test_enrolment_attempts_per_address(
    http: httpx.Client, new_kiosk: Any, clock: Monotonic
) -> None:
    kiosk = new_kiosk()

    def attempt() -> httpx.Response:  # each with another made-up code: the address is the key
        request = enrolment_request(secrets.token_hex(8), kiosk.device_id, kiosk.public_key_b64)
        return http.post("/api/v2/enrolments", json=request)

    assert [attempt().status_code for _ in range(20)] == [403] * 20  # 20 per 10 minutes
    assert_limited(attempt(), 30, "enrolment attempts from this address")
    clock.now += 29
    assert attempt().status_code == 429
    clock.now += 1  # one attempt's worth back
    assert attempt().status_code == 403
    assert attempt().status_code == 429


def test_enrolment_attempts_per_code(
    http: httpx.Client, engine: Engine, new_kiosk: Any, clock: Monotonic
) -> None:
    kiosk = new_kiosk()
    code = issue_code(engine, "Rally", timedelta(hours=1)).code
    forged = enrolment_request(code, kiosk.device_id, kiosk.public_key_b64)
    forged["mac"] = "00" * 32  # someone who saw the code's id, without the code
    for _ in range(5):  # 5 per 10 minutes for one code
        response = http.post("/api/v2/enrolments", json=forged)
        assert response.status_code == 403 and "not authenticated" in response.json()["detail"]
    honest = enrolment_request(code, kiosk.device_id, kiosk.public_key_b64)
    assert_limited(http.post("/api/v2/enrolments", json=honest), 120, "with this code")
    other = issue_code(engine, "Rally", timedelta(hours=1)).code
    other_kiosk = new_kiosk()
    request = enrolment_request(other, other_kiosk.device_id, other_kiosk.public_key_b64)
    assert http.post("/api/v2/enrolments", json=request).status_code == 201  # its own limit
    clock.now += 120
    assert http.post("/api/v2/enrolments", json=honest).status_code == 201


def test_uploads_per_device(http: httpx.Client, enrolled: Any, clock: Monotonic) -> None:
    kiosk, other = enrolled(), enrolled()
    signed = kiosk.batch(1)
    codes = [put(http, signed).status_code for _ in range(60)]  # 60 a minute
    assert codes == [201] + [200] * 59
    assert_limited(put(http, signed), 1, "uploads from this kiosk")
    assert put(http, other.batch(1)).status_code == 201  # another device is not held back
    clock.now += 1
    assert put(http, signed).status_code == 200


def test_the_limit_counts_only_a_devices_own_signed_uploads(
    http: httpx.Client, enrolled: Any, new_kiosk: Any, flip_byte: Any
) -> None:
    kiosk = enrolled()
    forger = new_kiosk()
    forger.device_id = kiosk.device_id  # claims the kiosk's id, signs with its own key
    for _ in range(70):
        assert put(http, forger.batch(1)).status_code == 401
    assert put(http, kiosk.batch(1)).status_code == 201


def test_hourly_record_quota(
    engine: Engine,
    campaign_public_key: CampaignPublicKey,
    new_kiosk: Any,
    clock: Monotonic,
) -> None:
    create_campaign(engine, campaign_public_key, _appeal(), records_per_hour=5)
    kiosks = []
    for _ in range(2):
        kiosk = new_kiosk()
        code = issue_code(engine, "Rally", timedelta(hours=1)).code
        enrol_with(engine, code, kiosk.device_id, kiosk.public_key_b64)
        kiosks.append(kiosk)
    kiosk, other = kiosks
    receipt_key = get_campaign(engine).receipt_key.public_bytes
    with serve(engine, clock) as server, httpx.Client(base_url=server.url) as http:
        first = kiosk.batch(3)
        assert put(http, first).status_code == 201
        assert put(http, kiosk.batch(2)).status_code == 201  # 5 in the hour
        one = kiosk.batch(1)
        assert_limited(put(http, one), 720, "signatures from this kiosk this hour")  # 3600/5
        again = put(http, first)  # a lost receipt is still given back
        assert again.status_code == 200 and again.json()["receipt"]["record_count"] == 3
        assert put(http, other.batch(5)).status_code == 201  # a quota per device

        # The kiosk's own client reads the wait from the real server's answer.
        with (
            CentralClient(server.url, receipt_key=receipt_key) as client,
            pytest.raises(SyncError, match="asked this kiosk to wait 12 minutes") as refused,
        ):
            client.put_batch(one.batch.batch_id, one.to_bytes())
        assert (refused.value.retry_after, refused.value.permanent) == (720.0, False)

        clock.now += 720
        assert put(http, one).status_code == 201
        # A batch larger than the whole quota goes up once the allowance is full again.
        clock.now += 3600
        assert put(http, kiosk.batch(7)).status_code == 201
        assert_limited(put(http, kiosk.batch(1)), 2160, "this hour")  # 2 in debt, then 1


def _appeal() -> str:
    return files("kiosk.resources").joinpath("appeals", DEFAULT_APPEAL).read_text("utf-8")


def test_init_sets_the_record_quota(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", "correct horse battery staple")
    fast_key_files(monkeypatch)  # the quota is what is checked here, not the key files
    key_dir = tmp_path / "coordinator"
    args = ["--data-dir", str(tmp_path / "c"), "--database-url", database_url]
    args += ["--key-out", str(key_dir)]
    assert main(["central", "init", *args, "--records-per-hour", "0"]) == 2
    assert "--records-per-hour must be 1 to 1000000, not 0" in capsys.readouterr().err
    assert not key_dir.exists()  # refused before any key was made
    assert main(["central", "init", *args, "--records-per-hour", "1200"]) == 0
    assert "up to 1200 signatures per kiosk and hour" in capsys.readouterr().out
    engine = open_database(database_url)
    try:
        assert get_campaign(engine).records_per_hour == 1200
    finally:
        engine.dispose()


def test_a_slow_client_is_cut_after_the_header_timeout(
    engine: Engine, campaign: CampaignInfo
) -> None:
    with ServerThread(create_app(engine), header_timeout=0.5) as server:
        host, port = server.url.removeprefix("http://").split(":")
        with socket.create_connection((host, int(port)), timeout=10) as slow:
            slow.sendall(b"GET /api/v2/health HTTP/1.1\r\nHost: kiosk\r\n")  # never finished
            assert slow.recv(1024) == b""  # closed by the server, without an answer
        with socket.create_connection((host, int(port)), timeout=10) as prompt:
            prompt.sendall(b"GET /api/v2/health HTTP/1.1\r\nHost: kiosk\r\n\r\n")
            assert prompt.recv(1024).startswith(b"HTTP/1.1 200")
