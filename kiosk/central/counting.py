"""Which stored records count, for the totals the server shows (status, the kiosks' resting
screen, the console): not those of a kiosk in test mode, nor those collected at an event in
test mode, nor those the coordinator marked invalid or test in review (kiosk.central.review).
The export applies the same rules after opening each record (kiosk.central.exclusions).

A record's event is the one its batch names (the kiosk signs it into every batch, c0011: a
volunteer may have renamed it on the panel, or moved the kiosk to another event), else the
event its kiosk was enrolled for. Test mode on an event covers every name of that event (its
aliases on the Events page, kiosk.central.events). Test mode and marks are read when the
records are counted, never copied onto them, so records stored after test mode was switched
on (a later upload, a USB import, a salvage) are left out as well.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, CompoundSelect, and_, exists, func, select, union
from sqlalchemy.orm import InstrumentedAttribute, aliased

from kiosk.central.models import (
    Device,
    EventAlias,
    InTestMode,
    RecordMark,
    StoredBatch,
    StoredRecord,
)

VALID, INVALID, TEST = "valid", "invalid", "test"  # review marks
DEVICE, EVENT = "device", "event"  # what test mode is set on


def batch_event() -> ColumnElement[str]:
    """The event a stored batch's records were collected at: the one the batch names, else its
    device's enrolment event. For a query that has StoredBatch in its FROM."""
    device = aliased(Device)  # not correlated with a Device the outer query joins
    enrolled = select(device.event).where(device.id == StoredBatch.device_id).scalar_subquery()
    return func.coalesce(StoredBatch.event, enrolled)


def record_event() -> ColumnElement[str]:
    """`batch_event` of a stored record's batch, for a query over StoredRecord (its batch
    joined or not)."""
    batch, device = aliased(StoredBatch), aliased(Device)
    return (
        select(func.coalesce(batch.event, device.event))
        .join(device, device.id == batch.device_id)
        .where(batch.device_id == StoredRecord.device_id, batch.id == StoredRecord.batch_id)
        .scalar_subquery()
    )


def test_event_names() -> CompoundSelect[Any]:
    """Every name of the events in test mode: the name it was switched on under, and each
    alias of the same event."""
    named = select(InTestMode.name).where(InTestMode.kind == EVENT)
    alias, other = aliased(EventAlias), aliased(EventAlias)
    aliases = (
        select(other.name)
        .join(alias, alias.event_id == other.event_id)
        .where(alias.name.in_(named))
    )
    return union(named, aliases)


def device_in_test_mode(
    device_id: ColumnElement[str] | InstrumentedAttribute[str],
) -> ColumnElement[bool]:
    return exists().where(InTestMode.kind == DEVICE, InTestMode.name == device_id)


def counts(
    device_id: ColumnElement[str] | InstrumentedAttribute[str],
    event: ColumnElement[str] | InstrumentedAttribute[str],
) -> ColumnElement[bool]:
    """Records of this device (a column or value) collected at this event count: neither is
    in test mode."""
    return ~device_in_test_mode(device_id) & ~event.in_(test_event_names())


def marked_out() -> ColumnElement[bool]:
    """A stored record is marked invalid or test in review."""
    return exists().where(
        RecordMark.device_id == StoredRecord.device_id,
        RecordMark.record_id == StoredRecord.id,
        RecordMark.mark.in_((INVALID, TEST)),
    )


def record_counts() -> ColumnElement[bool]:
    """A stored record counts: neither its device nor its batch's event is in test mode, and
    it is not marked out."""
    return and_(counts(StoredRecord.device_id, record_event()), ~marked_out())
