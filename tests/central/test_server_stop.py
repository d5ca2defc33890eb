"""A stopped ServerThread leaves no socket behind: not the listening one, not a connection a
client kept alive, left idle, never read the answer of, or opened while the server stopped; nor
a start that failed. (uvicorn left the last two kinds open past its event loop, and the garbage
collector closed them during some later test, with a ResourceWarning.)"""

from __future__ import annotations

import gc
import os
import socket
import sys
import threading
import time
import warnings
from contextlib import ExitStack
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.responses import StreamingResponse

from kiosk.central import slow_clients
from kiosk.central.errors import ServerStartError
from kiosk.central.server import LOOPBACK, ServerThread

LARGE = [b"x" * 65536] * 400  # far more than the two sockets' buffers hold


def small_app() -> FastAPI:
    app = FastAPI()

    @app.get("/small")
    def small() -> dict[str, int]:
        return {"answer": 42}

    @app.get("/large")
    def large() -> StreamingResponse:
        return StreamingResponse(iter(LARGE), media_type="application/octet-stream")

    return app


def port_of(server: ServerThread) -> int:
    return int(server.url.rsplit(":", 1)[1])


def sockets_on(port: int) -> int:
    """This process's open sockets whose own port is `port`: the server's side of things."""
    with open("/proc/net/tcp", encoding="ascii") as table:
        rows = [line.split() for line in table.readlines()[1:]]
    inodes = {f"socket:[{row[9]}]" for row in rows if int(row[1].split(":")[1], 16) == port}
    found = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            found += os.readlink(f"/proc/self/fd/{fd}") in inodes
        except OSError:  # the directory's own descriptor, closed by now
            continue
    return found


@pytest.fixture
def unraisable(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """What the garbage collector could not raise (a ResourceWarning in a __del__), kept here
    to be asserted on rather than left to pytest's report of some later test."""
    seen: list[Any] = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    return seen


def collected(unraisable: list[Any]) -> list[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("error", ResourceWarning)
        gc.collect()
    return [f"{u.exc_value!r} ({u.object!r})" for u in unraisable]


def raw_connection(port: int, request: bytes = b"") -> socket.socket:
    connection = socket.create_connection((LOOPBACK, port), timeout=5)
    connection.sendall(request)
    return connection


def test_a_stop_closes_kept_alive_idle_and_half_sent_connections(
    unraisable: list[Any],
) -> None:
    with ExitStack() as clients:
        server = ServerThread(small_app()).start()
        port = port_of(server)
        for _ in range(3):  # kept alive in each client's pool, open when the server stops
            client = clients.enter_context(httpx.Client(base_url=server.url))
            assert client.get("/small").json() == {"answer": 42}
        idle = [clients.enter_context(raw_connection(port)) for _ in range(3)]
        half = clients.enter_context(raw_connection(port, b"GET /small HTTP/1.1\r\nHost: x\r\n"))
        time.sleep(0.2)  # every connection accepted
        assert sockets_on(port) == 1 + 3 + 3 + 1  # listening, kept alive, idle, half sent
        started = time.monotonic()
        server.stop()
        assert time.monotonic() - started < 1.0
        assert sockets_on(port) == 0
        assert all(c.recv(1) == b"" for c in [*idle, half])  # closed by the server
        del server
        assert collected(unraisable) == []


def test_a_stop_closes_a_connection_whose_client_never_reads_the_answer(
    unraisable: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # uvicorn's graceful wait, half a second here rather than the servers' 5 s: the same wait
    # for an answer that cannot be sent, then the same close.
    monkeypatch.setattr(slow_clients, "GRACEFUL_SHUTDOWN_S", 0.5)
    server = ServerThread(small_app()).start()
    port = port_of(server)
    with raw_connection(port) as reader:
        reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        reader.sendall(b"GET /large HTTP/1.1\r\nHost: x\r\n\r\n")
        time.sleep(0.3)  # the server's sending waits for a reader that does not read
        started = time.monotonic()
        server.stop()  # waits out uvicorn's graceful timeout for that answer, then closes
        assert time.monotonic() - started >= 0.5  # the answer really was still being sent
        assert sockets_on(port) == 0
        del server
        assert collected(unraisable) == []


def test_connections_opened_while_the_server_stops_are_closed_at_once(
    unraisable: list[Any],
) -> None:
    server = ServerThread(small_app()).start()
    port = port_of(server)
    opened: list[socket.socket] = []
    refused = threading.Event()

    def knock() -> None:
        while not refused.is_set():
            try:
                opened.append(raw_connection(port))
                time.sleep(0.002)
            except OSError:  # the listening socket is closed
                refused.set()

    knocker = threading.Thread(target=knock)
    knocker.start()
    try:
        while len(opened) < 20:
            time.sleep(0.005)
        started = time.monotonic()
        server.stop()
        took = time.monotonic() - started
        refused.wait(5)
    finally:
        refused.set()
        knocker.join()
        for connection in opened:
            connection.close()
    assert took < 1.0  # not uvicorn's graceful timeout, waiting for connections it forgot
    assert sockets_on(port) == 0
    del server
    assert collected(unraisable) == []


def test_a_failed_start_leaves_no_socket(unraisable: list[Any]) -> None:
    with socket.socket() as taken:
        taken.bind((LOOPBACK, 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = ServerThread(small_app(), port=port)
        with pytest.raises(ServerStartError, match="did not start"):
            server.start()
        assert sockets_on(port) == 1  # only `taken`
    del server
    assert collected(unraisable) == []
    assert sockets_on(port) == 0
