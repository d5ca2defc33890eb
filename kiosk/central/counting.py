"""Which stored records count, for the totals the server shows (status, the kiosks' resting
screen, the console): not those of a kiosk or an event in test mode, nor those the coordinator
marked invalid or test in review (kiosk.central.review). The export applies the same rules
after opening each record (kiosk.central.exclusions)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import InstrumentedAttribute, aliased

from kiosk.central.models import Device, InTestMode, RecordMark, StoredRecord

VALID, INVALID, TEST = "valid", "invalid", "test"  # review marks
DEVICE, EVENT = "device", "event"  # what test mode is set on


def device_counts(
    device_id: ColumnElement[str] | InstrumentedAttribute[str],
) -> ColumnElement[bool]:
    """The device (a column or value) is in test mode neither by itself nor by its event."""
    by_device = exists().where(InTestMode.kind == DEVICE, InTestMode.name == device_id)
    device = aliased(Device)  # not correlated with a Device the outer query joins
    by_event = exists().where(
        device.id == device_id,
        device.event.in_(select(InTestMode.name).where(InTestMode.kind == EVENT)),
    )
    return ~by_device & ~by_event


def marked_out() -> ColumnElement[bool]:
    """A stored record is marked invalid or test in review."""
    return exists().where(
        RecordMark.device_id == StoredRecord.device_id,
        RecordMark.record_id == StoredRecord.id,
        RecordMark.mark.in_((INVALID, TEST)),
    )


def record_counts() -> ColumnElement[bool]:
    """A stored record counts: its device is not in test mode and it is not marked out."""
    return and_(device_counts(StoredRecord.device_id), ~marked_out())
