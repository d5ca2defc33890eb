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

One client address holds at most `per_address` of the slots (half, by default), reserved and
in use together, so that a client flooding slot requests (each held `hold` seconds, two
requests a second would hold eight) or PUTs cannot take every slot: the other addresses
always have the rest. Its next request is answered 503 with a `Retry-After` as when the
process is busy. Kiosks behind one address (a venue's NAT) share its half; the request rates
per address are limited apart (kiosk.central.ratelimit, docs/deployment.md).
"""

from __future__ import annotations

import asyncio
import math
import random
import secrets
import time
from collections import Counter, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from kiosk.central.errors import Overloaded
from kiosk.central.ratelimit import UPLOAD_SLOTS

MAX_WAIT = 5.0  # seconds an upload may wait for a slot (no body read yet) before it is sent away
SLOT_HOLD = 5.0  # seconds a reserved slot waits for its PUT (sent right after the answer)
FIRST_GUESS = 0.5  # seconds an upload takes, until one has been measured
SMOOTHING = 0.2


def address_share(limit: int) -> int:
    """The slots one client address may hold of `limit`: half, at least one."""
    return max(1, limit // 2)


class Admission:
    def __init__(
        self,
        limit: int = UPLOAD_SLOTS,
        *,
        per_address: int | None = None,
        max_wait: float = MAX_WAIT,
        hold: float = SLOT_HOLD,
        rng: random.Random | None = None,
    ) -> None:
        if limit < 1:
            raise ValueError("at least one upload slot")
        self.limit = limit
        self.per_address = address_share(limit) if per_address is None else per_address
        if not 1 <= self.per_address <= limit:
            raise ValueError("an address may hold 1 to `limit` slots")
        self.max_wait = max_wait
        self.hold = hold
        self._held: Counter[str] = Counter()  # slots taken, by client address
        self._waiting: deque[tuple[str, asyncio.Future[None]]] = deque()  # in arrival order
        self._reserved: dict[str, tuple[str, asyncio.TimerHandle]] = {}
        self._rng = rng or random.Random()
        self.mean_upload = FIRST_GUESS
        self.shed = 0  # requests answered 503 since start
        self.active = 0  # slots taken (uploads in progress and reservations)
        self.peak = 0
        self.peak_per_address = 0

    def held_by(self, address: str) -> int:
        return self._held[address]

    async def reserve(self, address: str = "") -> str:
        """A slot for the upload about to come from `address`, held `hold` seconds; Overloaded
        when none is free now, or the address holds its share (a reservation does not wait:
        it is the cheap question)."""
        self._check_share(address)
        if self.active >= self.limit:
            raise self._overloaded()
        self._take(address)
        token = secrets.token_urlsafe(16)
        loop = asyncio.get_running_loop()
        self._reserved[token] = (address, loop.call_later(self.hold, self._expire, token))
        return token

    @asynccontextmanager
    async def upload(self, token: str | None, address: str = "") -> AsyncIterator[None]:
        """Hold a slot while the body is read and ingested: the reserved one, or one free
        within `max_wait` seconds; Overloaded (503) before anything is read otherwise."""
        reserved = self._reserved.pop(token, None) if token else None
        if reserved is not None:
            holder, timer = reserved
            timer.cancel()
        else:
            holder = address
            await self._wait_for_slot(address)
        started = time.monotonic()
        try:
            yield
        finally:
            self.mean_upload += SMOOTHING * (time.monotonic() - started - self.mean_upload)
            self._give_back(holder)

    async def _wait_for_slot(self, address: str) -> None:
        if self.active < self.limit and self._held[address] < self.per_address:
            # Every free slot is handed to the first waiter below its share (_hand_on), so a
            # free slot now has nobody ahead who could take it.
            self._take(address)
            return
        entry = (address, asyncio.get_running_loop().create_future())
        self._waiting.append(entry)
        try:
            async with asyncio.timeout(self.max_wait):
                await entry[1]
        except TimeoutError:
            if _handed(entry[1]):
                return  # handed over just as the wait ran out: the slot is this upload's
            if self._held[address] >= self.per_address:
                raise self._over_share(address) from None
            raise self._overloaded() from None
        except BaseException:
            if _handed(entry[1]):
                self._give_back(address)  # cancelled after the hand-over: not kept
            raise
        finally:
            if entry in self._waiting:
                self._waiting.remove(entry)

    def _check_share(self, address: str) -> None:
        if self._held[address] >= self.per_address:
            raise self._over_share(address)

    def _over_share(self, address: str) -> Overloaded:
        return self._overloaded(
            f"this server takes in at most {self.per_address} uploads at once from one "
            f"address, and yours has {self._held[address]} under way"
        )

    def _overloaded(self, why: str | None = None) -> Overloaded:
        self.shed += 1
        ahead = (self.active + len(self._waiting)) / self.limit * self.mean_upload
        # Spread over [1, 2] times the wait, so the shed kiosks come back in turn.
        seconds = max(1, math.ceil(ahead * (1.0 + self._rng.random())))
        reason = why or f"the server is taking in {self.active} uploads"
        return Overloaded(f"{reason}; send this batch in {seconds} s", retry_after=seconds)

    def _take(self, address: str) -> None:
        self.active += 1
        self._held[address] += 1
        self.peak = max(self.peak, self.active)
        self.peak_per_address = max(self.peak_per_address, self._held[address])

    def _give_back(self, address: str) -> None:
        self.active -= 1
        self._held[address] -= 1
        if self._held[address] <= 0:
            del self._held[address]
        self._hand_on()

    def _hand_on(self) -> None:
        """Free slots to the waiting uploads in arrival order, skipping an address that holds
        its share (it is served when one of its own uploads ends)."""
        while self.active < self.limit:
            entry = next(
                (
                    e
                    for e in self._waiting
                    if not e[1].done() and self._held[e[0]] < self.per_address
                ),
                None,
            )
            if entry is None:
                return
            self._waiting.remove(entry)
            self._take(entry[0])
            entry[1].set_result(None)

    def _expire(self, token: str) -> None:
        reserved = self._reserved.pop(token, None)
        if reserved is not None:
            self._give_back(reserved[0])


def _handed(future: asyncio.Future[None]) -> bool:
    return future.done() and not future.cancelled()
