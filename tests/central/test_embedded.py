"""The in-process server that `kiosk demo` starts: enrol over HTTP, upload, export."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import httpx
import pytest
from enrolment_requests import enrolment_request

from kiosk.central import errors
from kiosk.central.embedded import start_local_server
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey


def test_local_server_round_trip(
    tmp_path: Path,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
    new_kiosk: Any,
) -> None:
    kiosk = new_kiosk()
    with start_local_server(tmp_path / "central", campaign_public_key) as server:
        assert server.url.startswith("http://127.0.0.1:")
        code = server.issue_enrolment_code("Demo")
        request = enrolment_request(code, kiosk.device_id, kiosk.public_key_b64)
        with httpx.Client(base_url=server.url, timeout=10) as http:
            assert http.post("/api/v2/enrolments", json=request).status_code == 201
            signed = kiosk.batch(2)
            put = http.put(f"/api/v2/batches/{signed.batch.batch_id}", content=signed.to_bytes())
            assert put.status_code == 201
        assert server.status()[0].signatures == 2
        out = io.StringIO()
        assert server.export(campaign_private_key, "csv", out).written == 2
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/api/v2/health", timeout=2)
    with start_local_server(tmp_path / "central", campaign_public_key) as again:  # reuses it
        assert again.status()[0].batches == 1


def test_local_server_refuses_another_campaigns_directory(
    tmp_path: Path, campaign_public_key: CampaignPublicKey
) -> None:
    start_local_server(tmp_path / "central", campaign_public_key).stop()
    other = CampaignPrivateKey.generate().public_key()
    with pytest.raises(errors.Conflict, match="holds the central database"):
        start_local_server(tmp_path / "central", other)
