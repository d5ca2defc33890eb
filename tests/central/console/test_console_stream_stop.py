"""A server stops at once with Now pages open: their streams (server-sent events) end cleanly
when it begins to stop, instead of holding it for uvicorn's graceful timeout and then ending in
"Exception in ASGI application" (kiosk.central.stopping). Real SSE clients on loopback."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest
from console_client import sign_in
from sqlalchemy import Engine

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, issue_credential
from kiosk.central.server import ServerThread

STREAMS = 10


@pytest.fixture
def server_log() -> Iterator[list[logging.LogRecord]]:
    """What uvicorn logs (it does not propagate to the root logger pytest captures)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append  # type: ignore[method-assign]
    logger = logging.getLogger("uvicorn.error")
    logger.addHandler(handler)
    yield records
    logger.removeHandler(handler)


def test_a_stop_with_ten_open_streams_ends_them_at_once_and_logs_no_error(
    engine: Engine, campaign: CampaignInfo, server_log: list[logging.LogRecord]
) -> None:
    credential = issue_credential(engine)
    server = ServerThread(create_app(engine, tls_pin="ab" * 32)).start()
    with ExitStack() as stack:
        browser = stack.enter_context(httpx.Client(base_url=server.url, timeout=10))
        assert sign_in(browser, credential).status_code == 303
        with browser.stream("GET", "/console/api/now/stream") as left:  # a page that left
            assert next(left.iter_lines()) == "event: now"
        time.sleep(0.3)  # its stream ended on the server (Starlette saw the disconnect)
        pages = []
        for _ in range(STREAMS):  # ten pages of one signed-in coordinator
            page = stack.enter_context(
                httpx.Client(base_url=server.url, cookies=browser.cookies, timeout=10)
            )
            stream = stack.enter_context(page.stream("GET", "/console/api/now/stream"))
            assert stream.status_code == 200
            lines = stream.iter_lines()
            assert next(lines) == "event: now"  # the figures, at once: the stream is open
            pages.append(lines)
        started = time.monotonic()
        server.stop()
        took = time.monotonic() - started
        for lines in pages:  # each stream ends as a complete answer (no RemoteProtocolError)
            assert all(line.startswith(("data: ", ": ")) or line == "" for line in lines)
    assert took < 1.0, f"the stop took {took:.2f} s"
    errors = [r.getMessage() for r in server_log if r.levelno >= logging.WARNING]
    assert errors == []
