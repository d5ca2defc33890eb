"""schemathesis against the OpenAPI document (the committed one, which test_api keeps equal to
the served one): valid and malformed requests alike get an answer, never a 5xx. Bounded: a
fixed number of examples per operation and mode."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from sqlalchemy import Engine

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo
from kiosk.central.server import ServerThread

SCHEMA = schemathesis.openapi.from_path(Path(__file__).parents[2] / "docs" / "openapi.json")
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
CASES = [  # health and devices take no body or parameter with a malformed form to generate
    ("GET", "/api/v1/health", POSITIVE),
    ("GET", "/api/v1/devices", POSITIVE),
    ("POST", "/api/v1/enrolments", POSITIVE),
    ("POST", "/api/v1/enrolments", NEGATIVE),
    ("PUT", "/api/v1/batches/{batch_id}", POSITIVE),
    ("PUT", "/api/v1/batches/{batch_id}", NEGATIVE),
]


@pytest.fixture
def server_url(engine: Engine, campaign: CampaignInfo) -> Iterator[str]:
    with ServerThread(create_app(engine, max_body_bytes=64 * 1024)) as server:
        yield server.url


@pytest.mark.parametrize(("method", "path", "mode"), CASES)
def test_no_server_error(server_url: str, method: str, path: str, mode: GenerationMode) -> None:
    @given(case=SCHEMA[path][method].as_strategy(generation_mode=mode))
    @settings(
        max_examples=25,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    def no_5xx(case: Any) -> None:
        response = case.call(base_url=server_url, timeout=10)
        case.validate_response(response, checks=[not_a_server_error])

    no_5xx()
