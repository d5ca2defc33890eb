"""What happened at the table, by the hour: the only way supporters appear in the log.

A line per signature, per form cleared after idle or per review would time one person: an
investigator with the tablet could read "signed at 15:12" next to a sequence number, undoing
the vault's rounding to the hour. So the desks count instead, and the counts of an hour are
logged once, when a later hour's first event arrives or the kiosk closes. Together with the
log's hour-resolution timestamps (kiosk.files.logs), no line says more than "in this hour,
this many".
"""

from __future__ import annotations

import logging
import threading
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum

from kiosk.clock import to_hour, utc_now

log = logging.getLogger("kiosk.activity")


class Event(StrEnum):
    SIGNED = "signatures recorded"
    FORM_CLEARED = "forms cleared after idle"
    CHOICES_RESET = "appeal screen choices reset after idle"


class Activity:
    """Counts events per hour and logs an hour's counts once it is over (or on `flush`)."""

    def __init__(self, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._clock = clock
        self._hour: datetime | None = None
        self._counts: Counter[Event] = Counter()
        self._lock = threading.Lock()  # signatures on the GUI thread, flush from close

    def note(self, event: Event) -> None:
        hour = to_hour(self._clock())
        with self._lock:
            if hour != self._hour:
                self._log_locked()
                self._hour = hour
            self._counts[event] += 1

    def counted(self) -> int:
        """Events counted in the current hour, not yet logged."""
        with self._lock:
            return sum(self._counts.values())

    def flush(self) -> None:
        """Log what the current hour has counted so far (the kiosk is closing)."""
        with self._lock:
            self._log_locked()

    def _log_locked(self) -> None:
        if self._hour is None or not self._counts:
            return
        counts = ", ".join(f"{self._counts[e]} {e}" for e in Event if self._counts[e])
        log.info("in the hour from %s UTC: %s", self._hour.strftime("%Y-%m-%d %H:00"), counts)
        self._counts.clear()
