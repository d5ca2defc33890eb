"""A server stops at once with Now pages open: their streams (server-sent events) end cleanly
when it begins to stop, instead of holding it for uvicorn's graceful timeout and then ending in
"Exception in ASGI application" (kiosk.central.stopping). Real SSE clients on loopback, against
a ServerThread and against `kiosk central serve` (one process, and --workers) stopped by Ctrl-C."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from console_client import sign_in
from sqlalchemy import Engine

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, issue_credential
from kiosk.central.console import counts, routes
from kiosk.central.server import ServerThread

STREAMS = 10
KIOSK = str(Path(sys.executable).with_name("kiosk"))


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
        pages = open_streams(stack, server.url, credential)
        leaving = httpx.Client(base_url=server.url, cookies=pages.cookies, timeout=10)
        with leaving, leaving.stream("GET", "/console/api/now/stream") as left:  # a page left
            assert next(left.iter_lines()) == "event: now"
        time.sleep(0.3)  # its stream ended on the server (Starlette saw the disconnect)
        started = time.monotonic()
        server.stop()
        took = time.monotonic() - started
        for lines in pages.lines:  # each stream ends as a complete answer (no RemoteProtocolError)
            assert all(line.startswith(("data: ", ": ")) or line == "" for line in lines)
    assert took < 1.0, f"the stop took {took:.2f} s"
    errors = [r.getMessage() for r in server_log if r.levelno >= logging.WARNING]
    assert errors == []


def test_the_stop_waits_for_the_shared_look_so_no_connection_outlives_it(
    engine: Engine, campaign: CampaignInfo, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one look for new figures (routes.Changes) goes on for KEEP_ALIVE_S after the last
    page leaves, its query on a worker thread. It belongs to no request, so a stop that did not
    wait for it left that query running with a connection checked out: the caller then disposed
    of the engine, the connection came back to the old pool, and psycopg warned when the
    garbage collector found it ("... was deleted while still open"), in some later test."""
    monkeypatch.setattr(routes, "POLL_MS", 50)
    real_version = counts.version
    slow = threading.Event()  # set once the page has left: the look's own queries
    in_query = threading.Event()

    def version(e: Engine) -> str:
        if slow.is_set():
            with e.connect():  # holds a connection for as long as a slow query would
                in_query.set()
                time.sleep(0.5)
        return real_version(e)

    monkeypatch.setattr(counts, "version", version)
    credential = issue_credential(engine)
    server = ServerThread(create_app(engine, tls_pin="ab" * 32)).start()
    with httpx.Client(base_url=server.url, timeout=10) as page:
        assert sign_in(page, credential).status_code == 303
        with page.stream("GET", "/console/api/now/stream") as stream:
            assert next(stream.iter_lines()) == "event: now"
    slow.set()
    assert in_query.wait(5), "the look did not go on after the page left"
    server.stop()
    assert engine.pool.checkedout() == 0, "a console query outlived the server's stop"


@dataclass
class Pages:
    cookies: httpx.Cookies  # the coordinator's session
    lines: list[Iterator[str]]  # each page's stream, its first event read


def open_streams(stack: ExitStack, url: str, credential: str) -> Pages:
    """STREAMS Now pages of one signed-in coordinator, each with its stream open."""
    browser = stack.enter_context(httpx.Client(base_url=url, timeout=10))
    assert sign_in(browser, credential).status_code == 303
    lines = []
    for _ in range(STREAMS):
        page = stack.enter_context(httpx.Client(base_url=url, cookies=browser.cookies, timeout=10))
        stream = stack.enter_context(page.stream("GET", "/console/api/now/stream"))
        assert stream.status_code == 200
        events = stream.iter_lines()
        assert next(events) == "event: now"  # the figures, at once: the stream is open
        lines.append(events)
    return Pages(browser.cookies, lines)


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def _wait_for(url: str, log: Path, deadline: float) -> None:
    while True:
        try:
            if httpx.get(url + "/console/sign-in", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"the server did not start:\n{log.read_text()}"
        time.sleep(0.1)


@pytest.mark.parametrize(
    ("database_url", "workers"),
    [
        ("sqlite", 1),
        pytest.param("postgresql", 1, marks=pytest.mark.postgres),
        pytest.param("postgresql", 2, marks=pytest.mark.postgres),  # each worker ends its own
    ],
    indirect=["database_url"],
)
def test_ctrl_c_stops_kiosk_central_serve_at_once_with_open_streams(
    database_url: str, workers: int, engine: Engine, campaign: CampaignInfo, tmp_path: Path
) -> None:
    credential = issue_credential(engine)
    port = _free_port()
    log = tmp_path / "serve.log"
    argv = [KIOSK, "central", "serve", "--data-dir", str(tmp_path / "server")]
    argv += ["--database-url", database_url, "--port", str(port), "--insecure-http"]
    if workers > 1:
        argv += ["--workers", str(workers)]
    with log.open("w") as out:
        server = subprocess.Popen(
            argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, log, time.monotonic() + 60)
        with ExitStack() as stack:
            pages = open_streams(stack, url, credential)
            started = time.monotonic()
            os.killpg(server.pid, signal.SIGINT)  # Ctrl-C at the terminal: the whole group
            server.wait(timeout=30)
            took = time.monotonic() - started
            for lines in pages.lines:  # each ends complete (no RemoteProtocolError)
                assert all(line.startswith(("data: ", ": ")) or line == "" for line in lines)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)
    said = log.read_text()
    assert server.returncode == 0, said
    assert took < 2.0, f"the stop took {took:.2f} s:\n{said}"
    assert "Exception in ASGI application" not in said and "Cancel" not in said, said
