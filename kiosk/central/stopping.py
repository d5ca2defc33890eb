"""The server's stop, as the app's long answers see it.

uvicorn stops in this order: it closes its listening sockets, asks each connection to finish
(`H11Protocol.shutdown`), waits up to `timeout_graceful_shutdown` seconds for them, cancels what
still runs, and only then sends the app the lifespan shutdown. An answer that never ends by
itself, such as the console's server-sent events, would hold every stop for the whole wait and
then end in "Exception in ASGI application". So the server announces its stop before it waits
(`announce`, from kiosk.central.server.Server and from each connection's shutdown, which also
covers `--workers` processes), and such an answer is wrapped in `ends`, which finishes it
cleanly at once when the stop is announced.

The announcement belongs to the event loop the server runs on: each server has its own (each
ServerThread, each worker process), so one server's stop ends only its own streams.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import suppress
from weakref import WeakKeyDictionary

_stops: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Event] = WeakKeyDictionary()


def _stop() -> asyncio.Event:
    loop = asyncio.get_running_loop()
    stop = _stops.get(loop)
    if stop is None:
        stop = _stops[loop] = asyncio.Event()
    return stop


def announce() -> None:
    """The server on this event loop is stopping: answers wrapped in `ends` finish."""
    _stop().set()


def announced() -> bool:
    """Whether the server on this event loop has begun to stop."""
    return _stop().is_set()


async def ends(stream: AsyncGenerator[bytes, None]) -> AsyncIterator[bytes]:
    """`stream`'s chunks until it ends, or until the server stops: then `stream` is closed
    where it waits and this ends, so the response is complete and the connection closes."""
    stop = asyncio.ensure_future(_stop().wait())
    step: asyncio.Future[bytes] | None = None
    try:
        while True:
            step = asyncio.ensure_future(anext(stream))
            await asyncio.wait((step, stop), return_when=asyncio.FIRST_COMPLETED)
            if not step.done():
                return  # the server stops (finally: `stream` is closed where it waits)
            try:
                chunk = step.result()
            except StopAsyncIteration:
                return
            yield chunk
    finally:
        stop.cancel()
        if step is not None and not step.done():
            step.cancel()
            with suppress(asyncio.CancelledError):
                await step
        await stream.aclose()
