"""Running the ASGI app with uvicorn: in the foreground (`kiosk central serve`) or in a
background thread on an ephemeral loopback port (the demo and the tests)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import threading
import time
from contextlib import suppress

import uvicorn
from fastapi import FastAPI
from uvicorn.config import STARTUP_FAILURE

from kiosk.central import stopping
from kiosk.central.app_factory import IMPORT_STRING, environment_for
from kiosk.central.errors import ServerStartError
from kiosk.central.ratelimit import UPLOAD_SLOTS
from kiosk.central.slow_clients import HEADER_TIMEOUT, uvicorn_options
from kiosk.central.tls import TlsFiles

LOOPBACK = "127.0.0.1"
START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
CLOSE_TURNS = 10  # event loop turns for the aborted connections' sockets to close


class Server(uvicorn.Server):
    """uvicorn's server, which announces its stop before it waits for open requests (the
    console's streams end at once: kiosk.central.stopping) and closes every connection still
    open after its graceful wait before its event loop closes.

    uvicorn itself leaves those connections open: one whose client does not read the answer
    (its transport waits to send the rest), or one accepted while the server stopped. Their
    sockets outlived the loop and were closed by the garbage collector later, with a
    ResourceWarning ("unclosed transport", "unclosed <socket.socket ...>")."""

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        stopping.announce()
        try:
            await super().shutdown(sockets)
        finally:
            for connection in list(self.server_state.connections):
                connection.transport.abort()  # drops unsent data; the socket closes soon
            for _ in range(CLOSE_TURNS):
                if not self.server_state.connections:
                    break
                await asyncio.sleep(0)  # each connection_lost runs, and closes its socket


class ServerThread:
    """uvicorn serving `app` on 127.0.0.1 from a daemon thread; `url` once started. With `tls`
    it serves HTTPS with that certificate."""

    def __init__(
        self,
        app: FastAPI,
        *,
        port: int = 0,
        tls: TlsFiles | None = None,
        header_timeout: float = HEADER_TIMEOUT,
    ) -> None:
        config = uvicorn.Config(
            app,
            host=LOOPBACK,
            port=port,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ssl_certfile=_cert(tls),
            ssl_keyfile=_key(tls),
            **uvicorn_options(header_timeout),  # slow clients are cut (slow_clients.py)
        )
        self._scheme = "https" if tls else "http"
        self._server = Server(config)
        self._thread = threading.Thread(target=self._run, name="kiosk-central", daemon=True)
        self.url = ""

    def start(self) -> ServerThread:
        self._thread.start()
        deadline = time.monotonic() + START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise ServerStartError("the central server did not start on 127.0.0.1")
            time.sleep(0.01)
        port = self._server.servers[0].sockets[0].getsockname()[1]
        self.url = f"{self._scheme}://{LOOPBACK}:{port}"
        return self

    def _run(self) -> None:
        with suppress(SystemExit):  # uvicorn's exit when it cannot start (start() raises)
            self._server.run()

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread.is_alive():
            self._thread.join(timeout=STOP_TIMEOUT)

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve(
    app: FastAPI,
    *,
    host: str = LOOPBACK,
    port: int = 8080,
    tls: TlsFiles | None = None,
) -> None:
    """Serve in the foreground until interrupted (Ctrl-C); HTTPS with `tls`. Raises SystemExit
    with uvicorn's STARTUP_FAILURE when it cannot start (having logged why), as uvicorn.run."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level="info",
        ssl_certfile=_cert(tls),
        ssl_keyfile=_key(tls),
        **uvicorn_options(),  # slow clients are cut (slow_clients.py)
    )
    server = Server(config)
    with suppress(KeyboardInterrupt):  # Ctrl-C: uvicorn raises it again once it has stopped
        server.run()
    if not server.started:
        sys.exit(STARTUP_FAILURE)


def serve_workers(
    database_url: str,
    workers: int,
    *,
    host: str = LOOPBACK,
    port: int = 8080,
    tls: TlsFiles | None = None,
    tls_pin: str | None = None,
    max_uploads: int = UPLOAD_SLOTS,
) -> None:
    """Serve with `workers` processes sharing the listening socket, each with its own app and
    database pool (kiosk.central.app_factory); for PostgreSQL."""
    os.environ.update(environment_for(database_url, tls_pin, max_uploads))
    uvicorn.run(
        IMPORT_STRING,
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        ssl_certfile=_cert(tls),
        ssl_keyfile=_key(tls),
        **uvicorn_options(),  # slow clients are cut (slow_clients.py)
    )


def _cert(tls: TlsFiles | None) -> str | None:
    return None if tls is None else str(tls.cert)


def _key(tls: TlsFiles | None) -> str | None:
    return None if tls is None else str(tls.key)
