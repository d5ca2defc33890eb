"""Sign-in attempts, limited in this process: after MAX_FAILURES failed attempts within WINDOW
from one address, or against one account, further attempts are refused until the oldest ages
out. Memory is bounded: at most MAX_KEYS addresses and accounts are remembered."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW = 15 * 60.0
MAX_FAILURES = 5
MAX_KEYS = 10_000


class SignInLimiter:
    def __init__(
        self,
        max_failures: int = MAX_FAILURES,
        window: float = WINDOW,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, *keys: str) -> int:
        """Seconds until any of `keys` may try again; 0 if all may now."""
        now = self._clock()
        wait = 0.0
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) >= self.max_failures:
                    wait = max(wait, times[0] + self.window - now)
        return math.ceil(wait)

    def failed(self, *keys: str) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) >= MAX_KEYS:
                self._failures.clear()  # a flood of addresses: start over rather than grow
            for key in keys:
                self._recent(key, now).append(now)

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque(maxlen=self.max_failures))
        while times and times[0] <= now - self.window:
            times.popleft()
        return times
