"""The records per device, event name and collected hour (table hour_tally), added to in the
transaction that stores the records (ingest, salvage), so the console's counts and charts read
a few thousand small rows, not a million records. Counts and hours only.

The tally follows the counting rules (kiosk.central.counting) in this one place: the hours of
records deleted (kiosk.central.deletion) or marked in review (kiosk.central.review) are counted
again from the records still stored and not marked invalid or test (`recount`, in the same
transaction), and whoever reads the tally leaves out kiosks and events in test mode
(`counted`: the kiosk, or the event the batch named), which can be switched on and off at any
time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, delete, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite

from kiosk.central.counting import counts, marked_out
from kiosk.central.models import Device, HourTally, StoredBatch, StoredRecord

_CHUNK = 500


def add(conn: Connection, device_id: str, event: str, hours: Iterable[datetime]) -> None:
    """Count records collected in these hours (one hour per record) for a device's event."""
    counted = Counter(hours)
    if not counted:
        return
    conn.execute(
        _upsert(conn.dialect.name),
        [
            {"device_id": device_id, "event": event, "hour": hour, "signatures": n}
            for hour, n in sorted(counted.items())
        ],
    )


@cache
def _upsert(dialect_name: str) -> Any:
    """The tally's upsert, built once per dialect: building and compiling it again for each
    upload cost about 1.5 ms (SQLAlchemy's cache keys a statement built anew by walking it)."""
    dialect = postgresql if dialect_name == "postgresql" else sqlite
    upsert = dialect.insert(HourTally)
    return upsert.on_conflict_do_update(
        index_elements=["device_id", "event", "hour"],
        set_={"signatures": HourTally.signatures + upsert.excluded.signatures},
    )


def batch_event(batch_event: str | None, enrolled_for: str) -> str:
    """The event name a batch's records count under: the one the kiosk signed into it, else
    the event its device was enrolled for."""
    return batch_event if batch_event is not None else enrolled_for


def recount(conn: Connection, keys: Iterable[tuple[str, datetime]]) -> None:
    """Count these (device id, collected hour) pairs again from the records stored now that are
    not marked invalid or test: after records were deleted or (un)marked."""
    hours_of: dict[str, set[datetime]] = {}
    for device_id, hour in keys:
        hours_of.setdefault(device_id, set()).add(hour)
    for device_id, hours in sorted(hours_of.items()):
        ordered = sorted(hours)
        for start in range(0, len(ordered), _CHUNK):
            chunk = ordered[start : start + _CHUNK]
            conn.execute(
                delete(HourTally).where(HourTally.device_id == device_id, HourTally.hour.in_(chunk))
            )
            event = func.coalesce(StoredBatch.event, Device.event)
            counted_now = (
                select(StoredRecord.device_id, event, StoredRecord.collected_hour, func.count())
                .join(
                    StoredBatch,
                    (StoredBatch.device_id == StoredRecord.device_id)
                    & (StoredBatch.id == StoredRecord.batch_id),
                )
                .join(Device, Device.id == StoredRecord.device_id)
                .where(
                    StoredRecord.device_id == device_id,
                    StoredRecord.collected_hour.in_(chunk),
                    ~marked_out(),
                )
                .group_by(StoredRecord.device_id, event, StoredRecord.collected_hour)
            )
            conn.execute(
                insert(HourTally).from_select(
                    ["device_id", "event", "hour", "signatures"], counted_now
                )
            )


def counted() -> ColumnElement[bool]:
    """The tally's rows that count now: not of a kiosk in test mode, nor of an event in test
    mode (the row's event is the one the batch named, `batch_event`)."""
    return counts(HourTally.device_id, HourTally.event)
