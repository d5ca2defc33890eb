"""Cutting slow clients: a connection must finish its request headers in time.

uvicorn closes an idle kept-alive connection after `timeout_keep_alive` seconds and refuses
headers over `h11_max_incomplete_event_size` bytes, but it has no timeout for the headers
themselves: a client that opens a connection and then sends one header byte every few seconds
(slowloris) holds it for as long as it likes, and enough of them hold every connection. Its h11
protocol is subclassed here to close a connection whose request headers are not complete
`header_timeout` seconds after it opened, or after its previous response.

The same protocol, being the one every server uses (worker processes too), tells the app when
the server begins to stop (kiosk.central.stopping) and closes a connection accepted while it
stops, which uvicorn's shutdown, having already asked the open ones to finish, would miss.
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from kiosk.central import stopping

HEADER_TIMEOUT = 10.0  # seconds from connection (or the last response) to complete headers
KEEP_ALIVE_TIMEOUT = 5  # seconds an idle kept-alive connection stays open (uvicorn's default)
MAX_HEADER_BYTES = 16 * 1024  # h11's buffer for an incomplete request line and headers


class HeaderTimeoutProtocol(H11Protocol):
    header_timeout = HEADER_TIMEOUT
    _header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_timer()
        if stopping.announced():  # accepted just before the listening socket closed
            self.shutdown()

    def shutdown(self) -> None:
        stopping.announce()  # the app's endless answers finish (stopping.ends)
        super().shutdown()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_timer()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_header_timer()

    def _arm_header_timer(self) -> None:
        self._disarm_header_timer()
        self._header_timer = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_too_slow(self) -> None:
        self._header_timer = None
        # IDLE: h11 has not seen a whole request line and headers since the timer started.
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


GRACEFUL_SHUTDOWN_S = 5


def uvicorn_options(header_timeout: float = HEADER_TIMEOUT) -> dict[str, Any]:
    """The uvicorn.Config arguments that cut slow clients."""
    protocol: type[HeaderTimeoutProtocol] = HeaderTimeoutProtocol
    if header_timeout != HEADER_TIMEOUT:  # the tests' short timeouts, in one process only
        # (worker processes get the config pickled, and only a named class pickles)
        protocol = type(
            "ShortHeaderTimeoutProtocol",
            (HeaderTimeoutProtocol,),
            {"header_timeout": header_timeout},
        )
    return {
        "http": protocol,
        "timeout_keep_alive": KEEP_ALIVE_TIMEOUT,
        "h11_max_incomplete_event_size": MAX_HEADER_BYTES,
        # An open console page holds a stream (the Now page's live figures): a stop or a
        # restart closes it after this long instead of waiting for the browser to leave.
        "timeout_graceful_shutdown": GRACEFUL_SHUTDOWN_S,
    }
