"""Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"),
and the wait a server asks for (`Retry-After`, RFC 9110 section 10.2.3).

Full jitter spreads the retries of many kiosks that lost the network at the same moment, so
they do not all return to the server in step. A server that answers 429 or 503 with
Retry-After is waited for at least that long, but never more than MAX_SERVER_WAIT: a wrong or
hostile header must not silence a kiosk for days.
"""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from kiosk.message import QT_TRANSLATE_NOOP, Message

MAX_SERVER_WAIT = 3600.0  # seconds: the longest a Retry-After holds the kiosk back


def server_wait(header: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for (delay-seconds or an HTTP date), at most
    MAX_SERVER_WAIT; None when there is none or it is not one of the two forms."""
    if header is None:
        return None
    text = header.strip()
    if text.isascii() and text.isdigit():
        return min(float(int(text)), MAX_SERVER_WAIT)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    seconds = (when - now).total_seconds()
    if not math.isfinite(seconds):
        return None
    return min(max(seconds, 0.0), MAX_SERVER_WAIT)


def describe_wait(seconds: float) -> Message:
    """A wait in words for the panel: "45 seconds", "3 minutes", "1 hour"."""
    if seconds < 90:
        whole = max(1, math.ceil(seconds))
        if whole == 1:
            return Message(QT_TRANSLATE_NOOP("sync", "1 second"))
        return Message(QT_TRANSLATE_NOOP("sync", "{seconds} seconds"), seconds=whole)
    minutes = math.ceil(seconds / 60)
    if minutes < 60:
        return Message(QT_TRANSLATE_NOOP("sync", "{minutes} minutes"), minutes=minutes)
    return Message(QT_TRANSLATE_NOOP("sync", "1 hour"))


def retry_delay(failures: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to wait after `failures` consecutive failures (1, 2, ...): uniform in
    [0, min(cap, base * 2 ** (failures - 1))]."""
    if failures <= 0:
        return 0.0
    ceiling = min(cap, base * 2.0 ** min(failures - 1, 62))
    return rng.uniform(0.0, ceiling)
