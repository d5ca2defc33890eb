"""Admission control: at most `limit` uploads are read and ingested at once in this process,
on PostgreSQL as on SQLite, so memory stays bounded however many kiosks upload together.

Without it, 200 kiosks each sending a 4 MB batch at once had 200 bodies read into memory and
ingested side by side in the thread pool (5 GB resident): each took longer than the kiosk's
20 s timeout, every kiosk sent its body again, and the abandoned ingests raced the copies.

An upload takes a slot before its body is read. A slot free within `max_wait` seconds is
taken; otherwise the upload is answered 503 with a `Retry-After` (about how long the uploads
ahead of it will take, spread so that the shed kiosks do not all come back at once) and its
body is never read by the app. uvicorn and httpx have no `Expect: 100-continue`, so a client
that has started sending a body sends all of it even when the answer comes first: the kiosk
therefore asks first (`POST /api/v2/upload-slots`, a few bytes) before a large body, and the
answer reserves a slot for it for `hold` seconds on this process, named by a token the PUT
carries in `Kiosk-Upload-Slot`. A PUT whose token this process does not know (another process
behind a load balancer, or an expired one) goes through the same admission as any other.
"""

from __future__ import annotations

import asyncio
import math
import random
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from kiosk.central.errors import Overloaded
from kiosk.central.ratelimit import UPLOAD_SLOTS

MAX_WAIT = 5.0  # seconds an upload may wait for a slot (no body read yet) before it is sent away
SLOT_HOLD = 5.0  # seconds a reserved slot waits for its PUT (sent right after the answer)
FIRST_GUESS = 0.5  # seconds an upload takes, until one has been measured
SMOOTHING = 0.2


class Admission:
    def __init__(
        self,
        limit: int = UPLOAD_SLOTS,
        *,
        max_wait: float = MAX_WAIT,
        hold: float = SLOT_HOLD,
        rng: random.Random | None = None,
    ) -> None:
        if limit < 1:
            raise ValueError("at least one upload slot")
        self.limit = limit
        self.max_wait = max_wait
        self.hold = hold
        self._slots = asyncio.Semaphore(limit)
        self._waiting = 0
        self._reserved: dict[str, asyncio.TimerHandle] = {}
        self._rng = rng or random.Random()
        self.mean_upload = FIRST_GUESS
        self.shed = 0  # requests answered 503 since start
        self.active = 0  # slots taken (uploads in progress and reservations)
        self.peak = 0

    async def reserve(self) -> str:
        """A slot for the upload about to come, held `hold` seconds; Overloaded when none is
        free now (a reservation does not wait: it is the cheap question)."""
        if self._slots.locked():
            raise self._overloaded()
        await self._slots.acquire()  # free and nobody waiting: taken without a wait
        self._took()
        token = secrets.token_urlsafe(16)
        loop = asyncio.get_running_loop()
        self._reserved[token] = loop.call_later(self.hold, self._expire, token)
        return token

    @asynccontextmanager
    async def upload(self, token: str | None) -> AsyncIterator[None]:
        """Hold a slot while the body is read and ingested: the reserved one, or one free
        within `max_wait` seconds; Overloaded (503) before anything is read otherwise."""
        timer = self._reserved.pop(token, None) if token else None
        if timer is not None:
            timer.cancel()
        else:
            self._waiting += 1
            try:
                await asyncio.wait_for(self._slots.acquire(), self.max_wait)
            except TimeoutError:
                raise self._overloaded() from None
            finally:
                self._waiting -= 1
            self._took()
        started = time.monotonic()
        try:
            yield
        finally:
            self.mean_upload += SMOOTHING * (time.monotonic() - started - self.mean_upload)
            self._give_back()

    def _overloaded(self) -> Overloaded:
        self.shed += 1
        ahead = (self.active + self._waiting) / self.limit * self.mean_upload
        # Spread over [1, 2] times the wait, so the shed kiosks come back in turn.
        seconds = max(1, math.ceil(ahead * (1.0 + self._rng.random())))
        return Overloaded(
            f"the server is taking in {self.active} uploads; send this batch in {seconds} s",
            retry_after=seconds,
        )

    def _took(self) -> None:
        self.active += 1
        self.peak = max(self.peak, self.active)

    def _give_back(self) -> None:
        self.active -= 1
        self._slots.release()

    def _expire(self, token: str) -> None:
        if self._reserved.pop(token, None) is not None:
            self._give_back()
