"""Where the kiosk's time comes from: `utc_now`, the one clock that desks and sync default to,
and `to_hour`, the resolution of every time the kiosk keeps outside the seal.

Each of them takes a `clock` argument instead of calling this directly, so tests can move time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime


def utc_now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def local_day(moment: datetime) -> date:
    """The calendar day `moment` falls on where the kiosk stands (the system's time zone): the
    panel's "Today" starts at the local midnight, not at UTC's (naive is taken as UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone().date()


def to_hour(moment: datetime) -> datetime:
    """The start of `moment`'s hour, in UTC (aware in, aware out; naive is taken as UTC).

    What the kiosk stores or logs in the clear (collection hours, batch times, log lines) is
    rounded by this, so that nothing it keeps can time one signature."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def parse_hour(text: str) -> datetime:
    """An hour in UTC as the coordinator types it: 2026-12-03T14 (or 2026-12-03 14, or with
    :00). ValueError for anything else, minutes other than :00 included."""
    cleaned = text.strip().replace(" ", "T", 1)
    if cleaned.endswith(":00") and cleaned.count(":") == 1:
        cleaned = cleaned[:-3]
    try:
        return datetime.strptime(cleaned, "%Y-%m-%dT%H").replace(tzinfo=UTC)
    except ValueError:
        raise ValueError(f"{text.strip()!r} is not an hour like 2026-12-03T14") from None
