"""On SQLite, one writer at a time, in arrival order: simultaneous uploads wait their turn
instead of racing for the file's write lock until `busy_timeout` runs out (HTTP 503 and a
re-sent body, which is what 50 kiosks at once used to get).

The queue lives in the event loop (an asyncio.Lock, which wakes waiters first in, first out),
so a waiting upload holds no worker thread; only the one writing runs in the thread pool. It
keeps a running mean of how long a write takes; an upload that would wait longer than
`max_wait` seconds (close to the kiosk's 20 s request timeout) is not queued but answered at
once with 503 and a `Retry-After` of about that wait, which the kiosk honours, so it comes back
when the queue has drained instead of timing out and sending its body twice.

One process only: SQLite is refused with `--workers` above 1 (PostgreSQL takes concurrent
writers, and needs no queue).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Callable
from typing import TypeVar

from starlette.concurrency import run_in_threadpool

from kiosk.central.errors import Overloaded, words

T = TypeVar("T")
MAX_WAIT = 15.0  # seconds; the kiosk waits 20 s for an answer
FIRST_GUESS = 0.2  # seconds a write takes, until one has been measured
SMOOTHING = 0.2


class WriteQueue:
    def __init__(self, *, max_wait: float = MAX_WAIT) -> None:
        self.max_wait = max_wait
        self._lock = asyncio.Lock()
        self._waiting = 0
        self.mean_write = FIRST_GUESS
        self.shed = 0  # uploads answered 503 since start

    def expected_wait(self) -> float:
        return (self._waiting + (1 if self._lock.locked() else 0)) * self.mean_write

    async def run(self, write: Callable[[], T]) -> T:
        """Run `write` in the thread pool once every earlier write has finished."""
        wait = self.expected_wait()
        if wait > self.max_wait:
            self.shed += 1
            seconds = max(1, math.ceil(wait))
            raise Overloaded(
                words(
                    "the server is busy with {waiting} uploads; send this batch again in "
                    "{seconds} s",
                    waiting=self._waiting,
                    seconds=seconds,
                ),
                retry_after=seconds,
            )
        self._waiting += 1
        try:
            await self._lock.acquire()
        finally:
            self._waiting -= 1
        try:
            started = time.monotonic()
            result = await run_in_threadpool(write)
            took = time.monotonic() - started
            self.mean_write += SMOOTHING * (took - self.mean_write)
            return result
        finally:
            self._lock.release()


async def run_write(queue: WriteQueue | None, write: Callable[[], T]) -> T:
    """Through the queue on SQLite; straight to the thread pool on PostgreSQL (queue None)."""
    if queue is None:
        return await run_in_threadpool(write)
    return await queue.run(write)
