"""The campaign's events: their names, goals and counts, one meaning shared by the kiosks and
the console.

A kiosk names the event it collects under (its enrolment's, or the volunteer's on its panel) and
signs that name into every batch. The server never sends a kiosk a new name: renaming an event
here keeps the old name as an alias (table event_alias), so the batches that still arrive under
it count for the renamed event. A name a kiosk uses that no event owns yet is an event of its own
on the Events page, until a coordinator gives it a name (which adopts it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Engine, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.central import tally
from kiosk.central.errors import Conflict, Malformed, words
from kiosk.central.models import (
    Campaign,
    Device,
    DeviceHeartbeat,
    Event,
    EventAlias,
    HourTally,
    StoredBatch,
    utcnow,
)
from kiosk.petition.appeal import parse_appeal
from kiosk.protocol.batch import CHAIN, MAX_EVENT

MAX_GOAL = 10**12


def clean_name(name: str) -> str:
    """An event's name as typed: spaces collapsed; 1 to MAX_EVENT characters, no control."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_EVENT or any(c < " " or c == "\x7f" for c in name):
        raise Malformed(
            words("an event's name is 1 to {limit} characters, on one line", limit=MAX_EVENT)
        )
    return name


def parse_goal(text: str) -> int | None:
    """A goal as typed: empty for none, else a whole number of signatures from 1."""
    text = text.strip().replace(" ", "").replace(",", "").replace(".", "")
    if not text:
        return None
    if not text.isdigit() or not 0 < int(text) <= MAX_GOAL:
        raise Malformed(words("a goal is a whole number of signatures, such as 5000 (or empty)"))
    return int(text)


def create_event(engine: Engine, name: str, goal: int | None = None) -> str:
    name = clean_name(name)
    try:
        with Session(engine) as s, s.begin():
            if s.get(EventAlias, name) is not None:
                raise Conflict(
                    words(
                        "an event is called {name!r} already (or was, before a rename)", name=name
                    )
                )
            event = Event(name=name, goal=goal, created_at=utcnow())
            s.add(event)
            s.flush()
            s.add(EventAlias(name=name, event_id=event.id))
    except IntegrityError:
        raise Conflict(words("an event is called {name!r} already", name=name)) from None
    return name


def rename_event(engine: Engine, current: str, new: str) -> str:
    """Give the event known as `current` the name `new`; its old names still mean it."""
    new = clean_name(new)
    try:
        with Session(engine) as s, s.begin():
            event = _adopt(s, current)
            taken = s.get(EventAlias, new)
            if taken is not None and taken.event_id != event.id:
                raise Conflict(
                    words(
                        "another event is called {name!r} (or was): choose another name", name=new
                    )
                )
            event.name = new
            if taken is None:
                s.add(EventAlias(name=new, event_id=event.id))
    except IntegrityError:
        raise Conflict(
            words("another event is called {name!r}: choose another name", name=new)
        ) from None
    return new


def set_goal(engine: Engine, name: str, goal: int | None) -> None:
    with Session(engine) as s, s.begin():
        _adopt(s, name).goal = goal


def set_campaign_goal(engine: Engine, goal: int | None) -> None:
    """The campaign's goal; None: the appeal file's goal again, if it has one."""
    with Session(engine) as s, s.begin():
        campaign = s.get(Campaign, 1)
        if campaign is None:
            raise Malformed(words("no campaign yet: run 'kiosk central init' first"))
        campaign.goal = goal


def campaign_goal(engine: Engine) -> int | None:
    with Session(engine) as s:
        goal, appeal_toml = s.execute(
            select(Campaign.goal, Campaign.appeal_toml).where(Campaign.id == 1)
        ).one()
    return goal if goal is not None else _appeal_goal(appeal_toml)


@lru_cache(maxsize=4)
def _appeal_goal(appeal_toml: str) -> int | None:
    """The appeal file's goal (parsed once: the live page asks often)."""
    return parse_appeal(appeal_toml.encode("utf-8"), "the campaign").goal


def _adopt(s: Session, name: str) -> Event:
    """The event a name means; a name only kiosks used so far becomes an event."""
    name = clean_name(name)
    alias = s.get(EventAlias, name)
    if alias is not None:
        event = s.get(Event, alias.event_id)
        assert event is not None  # the foreign key
        return event
    event = Event(name=name, created_at=utcnow())
    s.add(event)
    s.flush()
    s.add(EventAlias(name=name, event_id=event.id))
    return event


@dataclass
class EventRow:
    name: str
    goal: int | None
    registered: bool  # on the Events page (created or renamed there), not only named by kiosks
    aliases: list[str] = field(default_factory=list)  # the other names its kiosks may use
    total: int = 0
    today: int = 0
    kiosks: list[str] = field(default_factory=list)  # device ids collecting under it now


def names_map(s: Session) -> dict[str, tuple[str, int | None]]:
    """Every name an event has or had -> (its name now, its goal)."""
    rows = s.execute(
        select(EventAlias.name, Event.name, Event.goal).join(Event, Event.id == EventAlias.event_id)
    )
    return {alias: (name, goal) for alias, name, goal in rows}


def current_events(s: Session) -> dict[str, str]:
    """Each kiosk not revoked -> the event name its latest heartbeat gave (the freshest: a
    volunteer's new name shows before a batch carries it), else its newest batch's, else its
    enrolment's."""
    newest = (
        select(StoredBatch.device_id, func.max(StoredBatch.seq).label("seq"))
        .where(StoredBatch.kind == CHAIN)
        .group_by(StoredBatch.device_id)
        .subquery()
    )
    said = dict(
        s.execute(
            select(StoredBatch.device_id, StoredBatch.event)
            .join(
                newest,
                (newest.c.device_id == StoredBatch.device_id) & (newest.c.seq == StoredBatch.seq),
            )
            .where(StoredBatch.event.is_not(None))
        ).all()
    )
    beats = dict(s.execute(select(DeviceHeartbeat.device_id, DeviceHeartbeat.event)).all())
    devices = s.execute(
        select(Device.id, Device.event)
        .where(Device.revoked_at.is_(None))
        .order_by(Device.enrolled_at, Device.id)
    )
    return {
        device_id: beats.get(device_id) or said.get(device_id) or event
        for device_id, event in devices
    }


def event_rows(
    engine: Engine, now: datetime | None = None, *, kiosks: bool = True
) -> list[EventRow]:
    """Every event, with its counts (total, and today since 00:00 UTC by the records' hour)
    and (unless `kiosks` is False) its kiosks; the events on the page first, then names only
    kiosks use; by total."""
    now = now or utcnow()
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    with Session(engine) as s:
        names = names_map(s)
        rows: dict[str, EventRow] = {}
        for event in s.scalars(select(Event)):
            rows[event.name] = EventRow(event.name, event.goal, True)
        for alias, (name, _goal) in names.items():
            if alias != name:
                rows[name].aliases.append(alias)
        counts = s.execute(
            select(
                HourTally.event,
                func.sum(HourTally.signatures),
                func.sum(case((HourTally.hour >= midnight, HourTally.signatures), else_=0)),
            )
            .where(tally.counted())
            .group_by(HourTally.event)
        )
        for said, total, today in counts:
            row = _row_for(rows, names, said)
            row.total += int(total or 0)
            row.today += int(today or 0)
        for device_id, said in current_events(s).items() if kiosks else ():
            _row_for(rows, names, said).kiosks.append(device_id)
    for row in rows.values():
        row.aliases.sort()
    return sorted(rows.values(), key=lambda r: (not r.registered, -r.total, r.name))


def _row_for(
    rows: dict[str, EventRow], names: dict[str, tuple[str, int | None]], said: str
) -> EventRow:
    name = names[said][0] if said in names else said
    if name not in rows:
        rows[name] = EventRow(name, None, False)
    return rows[name]


def names_of(engine: Engine, event: str) -> list[str]:
    """Every name that means this event (its name now and before), for counting it."""
    with Session(engine) as s:
        alias = s.get(EventAlias, event)
        if alias is None:
            return [event]
        return list(s.scalars(select(EventAlias.name).where(EventAlias.event_id == alias.event_id)))
