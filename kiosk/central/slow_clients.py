"""Cutting slow clients: a connection must finish its request headers in time, and a request
body must arrive at a minimum pace.

uvicorn closes an idle kept-alive connection after `timeout_keep_alive` seconds and refuses
headers over `h11_max_incomplete_event_size` bytes, but it has no timeout for the headers
themselves: a client that opens a connection and then sends one header byte every few seconds
(slowloris) holds it for as long as it likes, and enough of them hold every connection. Its h11
protocol is subclassed here to close a connection whose request headers are not complete
`header_timeout` seconds after it opened, or after its previous response.

The same protocol, being the one every server uses (worker processes too), tells the app when
the server begins to stop (kiosk.central.stopping) and closes a connection accepted while it
stops, which uvicorn's shutdown, having already asked the open ones to finish, would miss.

A body sent very slowly (slow POST) would hold what its request holds, an upload slot above
all (kiosk.central.admission), for as long as the client likes. The app reads the bodies of
uploads and heartbeats at a pace (`BodyPace`): after a grace period the bytes received must
keep up with a minimum rate, and no gap between two pieces may be longer than `idle`; a body
that falls behind is cut (HTTP 408, the connection closed), its slot freed, and the cut
logged with sizes and times only. The pace is counted from when the app starts reading, not
while an upload waits for its slot (then uvicorn stops reading the socket itself).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
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


@dataclass(frozen=True)
class BodyPace:
    """How fast a request body must arrive once the app reads it. The defaults let a 4 MiB
    batch (the kiosk's largest) take 4.5 minutes, at 128 kbit/s, a poor mobile link's pace."""

    grace: float = 10.0  # seconds before the rate counts
    min_rate: float = 16 * 1024  # bytes a second on average, after the grace
    idle: float = 20.0  # seconds without a byte (the kiosk's own request timeout)

    def time_left(self, elapsed: float, since_last: float, received: int) -> float:
        """Seconds until the body falls behind if no more of it arrives: `elapsed` since the
        reading began, `since_last` since the last piece arrived, `received` bytes so far."""
        behind_at = self.grace + received / self.min_rate
        return min(behind_at - elapsed, self.idle - since_last)


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
