"""Rate limits of the central server: token buckets, in this process's memory.

Each limited thing (a client address, an enrolment code, a device) has a bucket that holds up to
`Rate.count` tokens and refills at `count` per `seconds`; a request takes its cost from the
bucket or is refused with the seconds until it could be served (HTTP 429 with `Retry-After`).
A cost larger than the whole bucket (a batch with more records than the hourly quota) is let
through when the bucket is full, leaving it in debt, so that no batch is refused for ever.

The buckets live in this process: a server run as several processes (or restarted) gives each
its own buckets, so the limits there are per process and the effective limit is that many times
higher (docs/deployment.md). They are there to slow floods and stuck loops, not to count
precisely; the record quota only has to keep one device from filling the disk in an hour.

No dependency: the `limits` package offers the same over Redis for several processes, which this
server does not need yet; a bucket here is twenty lines and needs no storage to run.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk.central.errors import RateLimited

MAX_KEYS = 100_000  # buckets kept at most; full ones are dropped first (they mean "no limit hit")
DEFAULT_RECORDS_PER_HOUR = (
    5_000  # a busy kiosk collects a few hundred an hour; a day's backlog fits
)
MAX_RECORDS_PER_HOUR = 1_000_000
# Uploads one process reads and stores at once (kiosk.central.admission): below the database
# pool (10 connections), above the cores that ingest. Here, so the CLI's parser needs no asyncio.
UPLOAD_SLOTS = 8


@dataclass(frozen=True)
class Rate:
    count: float  # tokens a full bucket holds, and how many come back per `seconds`
    seconds: float

    def refill(self, elapsed: float) -> float:
        return elapsed * self.count / self.seconds  # multiplied first: whole tokens stay whole

    def time_for(self, tokens: float) -> float:
        return tokens * self.seconds / self.count


@dataclass
class _Bucket:
    tokens: float
    at: float  # the monotonic time `tokens` was counted


class Buckets:
    """Token buckets by key, for one kind of limit. Thread-safe."""

    def __init__(
        self,
        what: str,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self._what = what  # for the refusal, e.g. "enrolment attempts from this address"
        self._clock = clock
        self._max_keys = max_keys
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def take(self, key: str, rate: Rate, cost: float = 1.0) -> None:
        """Take `cost` tokens from `key`'s bucket, or raise RateLimited with the wait."""
        with self._lock:
            now = self._clock()
            bucket = self._refilled(key, rate, now)
            needed = min(cost, rate.count)
            if bucket.tokens < needed:
                wait = max(1, math.ceil(rate.time_for(needed - bucket.tokens)))
                raise RateLimited(
                    f"too many {self._what}; try again in {wait} seconds", retry_after=wait
                )
            bucket.tokens -= cost
            self._buckets.pop(key, None)  # to the end: the least recently used go first
            self._buckets[key] = bucket
            if len(self._buckets) > self._max_keys:
                self._forget(now, rate)

    def give_back(self, key: str, rate: Rate, cost: float) -> None:
        """Return tokens taken for work that was then not done (a batch already stored)."""
        with self._lock:
            bucket = self._refilled(key, rate, self._clock())
            bucket.tokens = min(rate.count, bucket.tokens + cost)
            self._buckets[key] = bucket

    def _refilled(self, key: str, rate: Rate, now: float) -> _Bucket:
        bucket = self._buckets.get(key)
        if bucket is None:
            return _Bucket(rate.count, now)
        tokens = min(rate.count, bucket.tokens + rate.refill(now - bucket.at))
        return _Bucket(tokens, now)

    def _forget(self, now: float, rate: Rate) -> None:
        """Drop full buckets (nothing to remember), then the oldest, down to the limit."""
        for key in [
            k for k, b in self._buckets.items() if self._refilled(k, rate, now).tokens >= rate.count
        ]:
            del self._buckets[key]
        while len(self._buckets) > self._max_keys:
            del self._buckets[next(iter(self._buckets))]


def address_key(host: str) -> str:
    """The key of a client address for the per-address limits: an IPv4 address as it is, an
    IPv6 address by its /64 (one host, or one home or venue network, is usually given a whole
    /64, so each of its addresses is not a new client); anything else as it is."""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


@dataclass(frozen=True)
class Limits:
    """What the server allows; the record quota comes from the campaign (kiosk central init)."""

    enrolments_per_address: Rate = Rate(20, 600)  # a venue behind one NAT enrols a few kiosks
    enrolments_per_code: Rate = Rate(5, 600)  # one kiosk, and its retries after a lost answer
    uploads_per_device: Rate = Rate(60, 60)  # a backlog goes up two requests at a time
    # Slot requests and batch PUTs together, before anything is read: a kiosk makes at most
    # about two a second (its uploads per minute above, each asked for first, or two asks a
    # second while told to wait), so this is 50 kiosks behind one address at that most, and
    # a venue's 20 kiosks at a rally stay far below it (docs/deployment.md).
    upload_requests_per_address: Rate = Rate(6000, 60)
    # A kiosk sends one with each sync and every 5 minutes, never twice within 10 seconds.
    heartbeats_per_device: Rate = Rate(12, 60)


@dataclass
class Limiter:
    """The buckets of one server process (one per create_app)."""

    limits: Limits = field(default_factory=Limits)
    clock: Callable[[], float] = time.monotonic

    def __post_init__(self) -> None:
        self.by_address = Buckets("enrolment attempts from this address", clock=self.clock)
        self.by_code = Buckets("enrolment attempts with this code", clock=self.clock)
        self.uploads = Buckets("uploads from this kiosk", clock=self.clock)
        self.records = Buckets("signatures from this kiosk this hour", clock=self.clock)
        self.heartbeats = Buckets("heartbeats from this kiosk", clock=self.clock)
        self.upload_requests = Buckets("upload requests from this address", clock=self.clock)

    def enrolment(self, address: str, code_id: str) -> None:
        self.by_address.take(address, self.limits.enrolments_per_address)
        self.by_code.take(code_id, self.limits.enrolments_per_code)

    def upload_request(self, address: str) -> None:
        """A slot request or a batch PUT from this client address (address_key)."""
        self.upload_requests.take(address, self.limits.upload_requests_per_address)

    def upload(self, device_id: str) -> None:
        self.uploads.take(device_id, self.limits.uploads_per_device)

    def heartbeat(self, device_id: str) -> None:
        self.heartbeats.take(device_id, self.limits.heartbeats_per_device)

    def take_records(self, device_id: str, count: int, per_hour: int) -> None:
        self.records.take(device_id, Rate(per_hour, 3600), count)

    def give_back_records(self, device_id: str, count: int, per_hour: int) -> None:
        self.records.give_back(device_id, Rate(per_hour, 3600), count)
