"""schemathesis against the OpenAPI document (the committed one, which test_api keeps equal to
the served one): valid and malformed requests alike get an answer, never a 5xx. Bounded: a
fixed number of examples per operation and mode."""

from __future__ import annotations

import json
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from sqlalchemy import Engine

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo
from kiosk.central.server import ServerThread
from kiosk.protocol import heartbeat
from kiosk.protocol.batch import MAGIC, MEDIA_TYPE


def _framed(parts: tuple[bytes, bytes, bytes]) -> bytes:
    header, records, signature = parts
    return MAGIC + struct.pack(">I", len(header)) + header + records + signature


# Batch bodies are kiosk-batch/2 bytes (kiosk.protocol.batch), which schemathesis cannot make up
# from a schema: framed envelopes with made-up headers, a wrong length prefix, or any bytes.
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=20,
)
schemathesis.openapi.media_type(
    MEDIA_TYPE,
    st.one_of(
        st.tuples(
            st.builds(lambda doc: json.dumps(doc).encode(), _json),
            st.binary(max_size=300),
            st.binary(min_size=64, max_size=64),
        ).map(_framed),
        st.binary(max_size=600).map(lambda rest: MAGIC + rest),
        st.binary(max_size=600),
    ),
)

# Heartbeat bodies: JSON (made up, or a real heartbeat's with one field changed) and 64 bytes of
# signature, or any bytes.
_HEARTBEAT = json.loads(
    b'{"app_version":"0.1.0","appeal":null,"backlog":{"pending_signatures":0,'
    b'"unacknowledged_batches":0},"battery":null,"clock":"2026-12-03T14:05:09+00:00",'
    b'"device_id":"00000000-0000-0000-0000-000000000007","disk_free_bytes":null,"event":"",'
    b'"format":"kiosk-heartbeat/1","seq":1}'
)
schemathesis.openapi.media_type(
    heartbeat.MEDIA_TYPE,
    st.one_of(
        st.tuples(
            st.one_of(
                _json,
                st.builds(
                    lambda key, value: {**_HEARTBEAT, key: value},
                    st.sampled_from(sorted(_HEARTBEAT)),
                    _json | st.text(max_size=40),
                ),
            ).map(lambda doc: json.dumps(doc).encode()),
            st.binary(min_size=64, max_size=64),
        ).map(b"".join),
        st.binary(max_size=600),
    ),
)

SCHEMA = schemathesis.openapi.from_path(Path(__file__).parents[2] / "docs" / "openapi.json")
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
CASES = [  # health and devices take no body or parameter with a malformed form to generate
    ("GET", "/api/v2/health", POSITIVE),
    ("GET", "/api/v2/devices", POSITIVE),
    ("POST", "/api/v2/enrolments", POSITIVE),
    ("POST", "/api/v2/enrolments", NEGATIVE),
    # The batch body is any bytes (the strategy above makes the malformed ones): a binary
    # string has no "negative" form for schemathesis to generate.
    ("PUT", "/api/v2/batches/{batch_id}", POSITIVE),
    ("PUT", "/api/v2/devices/{device_id}/heartbeat", POSITIVE),
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
