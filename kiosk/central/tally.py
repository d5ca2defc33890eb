"""The records per device, event name and collected hour (table hour_tally), added to in the
transaction that stores the records (ingest, salvage), so the console's counts and charts read
a few thousand small rows, not a million records. Counts and hours only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from kiosk.central.models import HourTally


def add(conn: Connection, device_id: str, event: str, hours: Iterable[datetime]) -> None:
    """Count records collected in these hours (one hour per record) for a device's event."""
    counted = Counter(hours)
    if not counted:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    upsert = dialect.insert(HourTally)
    conn.execute(
        upsert.on_conflict_do_update(
            index_elements=["device_id", "event", "hour"],
            set_={"signatures": HourTally.signatures + upsert.excluded.signatures},
        ),
        [
            {"device_id": device_id, "event": event, "hour": hour, "signatures": n}
            for hour, n in sorted(counted.items())
        ],
    )


def batch_event(batch_event: str | None, enrolled_for: str) -> str:
    """The event name a batch's records count under: the one the kiosk signed into it, else
    the event its device was enrolled for."""
    return batch_event if batch_event is not None else enrolled_for
