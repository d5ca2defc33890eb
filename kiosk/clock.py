"""Where the kiosk's time comes from: `utc_now`, the one clock that desks and sync default to.

Each of them takes a `clock` argument instead of calling this directly, so tests can move time.
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
