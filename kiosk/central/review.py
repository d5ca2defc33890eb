"""Review: the coordinator marks records valid, invalid or test, with a reason, one by one or in
bulk, and puts a kiosk or an event in test mode. What the export does with the marks is in
kiosk.central.exclusions.

A bulk selection is every record that meets all the rules given: a device, an event (where the
record was collected: its batch's event, kiosk.central.counting), an hour
of collection (read on the server, from metadata), an e-mail domain, a household rule (more than
N signatures with one e-mail address, by its canonical form). The last two need the records
opened: they are computed on the coordinator's machine, and only record ids and the mark are
written to the server. `preview` counts before anything is written.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, func, select, tuple_
from sqlalchemy.orm import Session

from kiosk.central import tally
from kiosk.central.counting import DEVICE, EVENT, INVALID, TEST, VALID, batch_event
from kiosk.central.deletion import RecordKey
from kiosk.central.errors import Malformed, NotFound, words
from kiosk.central.export import Opened
from kiosk.central.models import (
    Device,
    DeviceHeartbeat,
    EventAlias,
    InTestMode,
    RecordMark,
    StoredBatch,
    StoredRecord,
    utcnow,
)
from kiosk.clock import to_hour
from kiosk.message import Message
from kiosk.petition.email_rules import canonical_email, email_domain

MARKS = (VALID, INVALID, TEST)
MAX_REASON = 200
_CHUNK = 500


@dataclass(frozen=True)
class Selection:
    records: tuple[tuple[str | None, str], ...] = ()  # (device or None, record id)
    device: str | None = None
    event: str | None = None
    hour: datetime | None = None
    domain: str | None = None
    household: int | None = None  # more than this many signatures with one address

    @property
    def needs_opening(self) -> bool:
        return self.domain is not None or self.household is not None

    @property
    def empty(self) -> bool:
        return not (self.records or self.device or self.event or self.hour) and (
            not self.needs_opening
        )


def by_metadata(engine: Engine, sel: Selection) -> set[RecordKey]:
    """The stored records that meet the selection's server-side rules."""
    query = select(StoredRecord.device_id, StoredRecord.id).join(
        StoredBatch,
        (StoredRecord.device_id == StoredBatch.device_id)
        & (StoredRecord.batch_id == StoredBatch.id),
    )
    if sel.device is not None:
        query = query.where(StoredRecord.device_id == sel.device)
    if sel.event is not None:  # where the records were collected: the batch's event
        query = query.where(batch_event() == sel.event)
    if sel.hour is not None:
        query = query.where(StoredRecord.collected_hour == to_hour(sel.hour))
    if sel.records:
        query = query.where(StoredRecord.id.in_(sorted({rid for _dev, rid in sel.records})))
    with Session(engine) as s:
        found: set[RecordKey] = {(d, r) for d, r in s.execute(query)}
    if sel.records:  # an id given with its device matches that device's record only
        devices: dict[str, set[str | None]] = defaultdict(set)
        for dev, rid in sel.records:
            devices[rid].add(dev)
        found = {(d, r) for d, r in found if None in devices[r] or d in devices[r]}
    return found


def by_fields(opened: Iterable[Opened], sel: Selection, among: set[RecordKey]) -> set[RecordKey]:
    """Of `among`, the records whose decrypted fields meet the domain and household rules."""
    domain = sel.domain.strip().casefold().lstrip("@") if sel.domain else None
    per_address: dict[str, list[RecordKey]] = defaultdict(list)
    chosen: set[RecordKey] = set()
    for o in opened:
        key = (o.record.device_id, o.record.signature_id)
        if key not in among:
            continue
        email = o.record.fields.get("email", "").strip()
        if domain is not None:
            found = email_domain(email)
            if not (found == domain or found.endswith("." + domain)):
                continue
        if sel.household is None:
            chosen.add(key)
        elif email:
            per_address[canonical_email(email)].append(key)
    if sel.household is not None:
        for keys in per_address.values():
            if len(keys) > sel.household:
                chosen.update(keys)
    return chosen


def household_counts(opened: Iterable[Opened], more_than: int) -> tuple[int, int]:
    """(addresses with more than `more_than` signatures, the signatures they hold)."""
    per_address: dict[str, int] = defaultdict(int)
    for o in opened:
        email = o.record.fields.get("email", "").strip()
        if email:
            per_address[canonical_email(email)] += 1
    over = [n for n in per_address.values() if n > more_than]
    return len(over), sum(over)


_AN_ADDRESS = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def check_selection(engine: Engine, sel: Selection) -> None:
    """NotFound for a device or an event the selection names that the server does not know:
    a typing mistake would otherwise select nothing, silently."""
    with Session(engine) as s:
        if sel.device is not None and s.get(Device, sel.device) is None:
            raise NotFound(_no_such_device(sel.device))
        if sel.event is not None and not _event_known(s, sel.event):
            raise NotFound(_no_such_event(sel.event))


def check_mark(mark: str, reason: str) -> str:
    if mark not in MARKS:
        raise Malformed(
            words("a mark is {marks}, not {typed}", marks=", ".join(MARKS), typed=repr(mark))
        )
    reason = " ".join(reason.split())
    if len(reason) > MAX_REASON:
        raise Malformed(words("a reason is at most {limit} characters", limit=MAX_REASON))
    if mark != VALID and not reason:
        raise Malformed(words("say why with --reason (for example 'same pen, same minute')"))
    if _AN_ADDRESS.search(reason):
        # The reason is stored on the server, which holds no plaintext of a supporter's.
        raise Malformed(
            words(
                "a reason is kept on the server, which holds no personal data: leave the "
                "e-mail address out of it (say 'same address as another signature', for "
                "example)"
            )
        )
    return reason


def apply_marks(
    engine: Engine, keys: Iterable[RecordKey], mark: str, reason: str, now: datetime | None = None
) -> int:
    """Mark these records (a new mark replaces an older one). Returns how many."""
    reason = check_mark(mark, reason)
    hour = to_hour(now or utcnow())
    wanted = sorted(set(keys))
    with Session(engine) as s, s.begin():
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start : start + _CHUNK]
            s.execute(
                delete(RecordMark).where(
                    tuple_(RecordMark.device_id, RecordMark.record_id).in_(chunk)
                )
            )
            s.add_all(
                RecordMark(device_id=d, record_id=r, mark=mark, reason=reason, marked_hour=hour)
                for d, r in chunk
            )
            s.flush()
            hours = s.execute(
                select(StoredRecord.device_id, StoredRecord.collected_hour).where(
                    tuple_(StoredRecord.device_id, StoredRecord.id).in_(chunk)
                )
            )
            tally.recount(s.connection(), {(d, h) for d, h in hours})
    return len(wanted)


def marks_count(engine: Engine) -> dict[str, int]:
    with Session(engine) as s:
        query = select(RecordMark.mark, func.count()).group_by(RecordMark.mark)
        found = {m: int(n) for m, n in s.execute(query)}
    return {m: int(found.get(m, 0)) for m in MARKS}


@dataclass(frozen=True)
class MarkGroup:
    mark: str
    reason: str
    records: int
    last_hour: datetime  # when the newest of these marks was given


def mark_groups(engine: Engine) -> list[MarkGroup]:
    """The marks given, by mark and reason, with how many records hold each: invalid first,
    then test, then valid."""
    query = select(
        RecordMark.mark, RecordMark.reason, func.count(), func.max(RecordMark.marked_hour)
    ).group_by(RecordMark.mark, RecordMark.reason)
    with Session(engine) as s:
        rows = [MarkGroup(m, r, int(n), h) for m, r, n, h in s.execute(query)]
    order = {INVALID: 0, TEST: 1, VALID: 2}
    return sorted(rows, key=lambda g: (order.get(g.mark, 3), g.reason))


def marked(engine: Engine, mark: str, reason: str) -> set[RecordKey]:
    """The records holding this mark with this reason (a group of `mark_groups`)."""
    query = select(RecordMark.device_id, RecordMark.record_id).where(
        RecordMark.mark == mark, RecordMark.reason == reason
    )
    with Session(engine) as s:
        return {(d, r) for d, r in s.execute(query)}


def undo_marks(engine: Engine, mark: str, reason: str, now: datetime | None = None) -> int:
    """Mark valid again every record of a group of invalid or test marks. Returns how many."""
    if mark not in (INVALID, TEST):
        raise Malformed(
            words(
                "only {invalid} and {test} marks are undone, not {typed}",
                invalid=INVALID,
                test=TEST,
                typed=repr(mark),
            )
        )
    keys = marked(engine, mark, " ".join(reason.split()))
    if not keys:
        raise NotFound(
            words(
                "no signature is marked {mark} with that reason (undone already?)",
                mark=words(mark),  # the mark's own word (the console has it in Italian)
            )
        )
    return apply_marks(engine, keys, VALID, "", now)


@dataclass(frozen=True)
class InTest:
    kind: str  # device or event
    name: str
    since_hour: datetime


def in_test_mode(engine: Engine) -> list[InTest]:
    """The kiosks and events in test mode, kiosks first."""
    query = select(InTestMode).order_by(InTestMode.kind, InTestMode.name)
    with Session(engine) as s:
        return [InTest(m.kind, m.name, m.since_hour) for m in s.scalars(query)]


def _event_known(s: Session, name: str) -> bool:
    """An event name a kiosk was enrolled for, collected under (a batch or its heartbeat says
    so), or that the Events page knows."""
    return any(
        s.scalar(select(column).where(column == name).limit(1)) is not None
        for column in (Device.event, StoredBatch.event, DeviceHeartbeat.event, EventAlias.name)
    )


def _no_such_event(name: str) -> Message:
    return words(
        "no event is called {name}: no kiosk was enrolled for it or collected under it, and "
        "the Events page has no such name (check the spelling in 'kiosk central status')",
        name=repr(name),
    )


def _no_such_device(device: str) -> Message:
    return words("no device {device} is enrolled", device=device)


def set_test_mode(
    engine: Engine, kind: str, name: str, on: bool, now: datetime | None = None
) -> bool:
    """Put a device or an event in test mode (or out of it). Returns whether anything changed.
    An event in test mode leaves out the records collected there (their batch's event), by
    whichever kiosk, and those that arrive later too (kiosk.central.counting)."""
    if kind not in (DEVICE, EVENT):
        raise Malformed(
            words("test mode is for a {device} or an {event}", device=DEVICE, event=EVENT)
        )
    with Session(engine) as s, s.begin():
        if kind == DEVICE and s.get(Device, name) is None:
            raise NotFound(_no_such_device(name))
        if kind == EVENT and not _event_known(s, name):
            raise NotFound(_no_such_event(name))
        row = s.get(InTestMode, (kind, name))
        if on and row is None:
            s.add(InTestMode(kind=kind, name=name, since_hour=to_hour(now or utcnow())))
            return True
        if not on and row is not None:
            s.delete(row)
            return True
    return False


def enrolled_devices(engine: Engine) -> list[str]:
    """Every device enrolled (revoked ones too: their records can be reviewed), oldest first."""
    with Session(engine) as s:
        return list(s.scalars(select(Device.id).order_by(Device.enrolled_at, Device.id)))


def known_events(engine: Engine) -> list[str]:
    """Every event name `_event_known` knows, in order: what a selection or test mode by event
    can name (a selection by event means the records collected there)."""
    with Session(engine) as s:
        names: set[str] = set()
        for column in (Device.event, StoredBatch.event, DeviceHeartbeat.event, EventAlias.name):
            names.update(n for n in s.scalars(select(column).distinct()) if n)
    return sorted(names)
