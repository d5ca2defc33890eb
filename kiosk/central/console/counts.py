"""The Now page's figures, from the hour tally (kiosk.central.tally): the campaign's total and
today's, per event, and signatures per hour for the campaign, one event or one kiosk. Counts and
hours only: no record is read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from kiosk.central.console.overview import labels
from kiosk.central.errors import Malformed
from kiosk.central.events import (
    EventRow,
    campaign_goal,
    event_rows,
    names_map,
    names_of,
)
from kiosk.central.models import (
    Campaign,
    Device,
    Event,
    EventAlias,
    HourTally,
    StoredBatch,
    utcnow,
)

RANGES = {"24h": timedelta(hours=24), "7d": timedelta(days=7), "all": None}
MAX_BARS = 24 * 400  # at most 400 days of bars


@dataclass(frozen=True)
class Totals:
    campaign: int
    today: int  # signed since 00:00 UTC today, by the records' hour
    per_event: tuple[EventRow, ...]


def totals(engine: Engine, now: datetime | None = None) -> Totals:
    rows = tuple(r for r in event_rows(engine, now, kiosks=False) if r.total or r.registered)
    return Totals(sum(r.total for r in rows), sum(r.today for r in rows), rows)


@dataclass(frozen=True)
class Hours:
    bars: list[tuple[datetime, int]]  # consecutive hours and their signatures
    before: int  # signatures collected before the first bar (for the running total)


def per_hour(
    engine: Engine,
    span: str,
    *,
    events: list[str] | None = None,
    device_id: str | None = None,
    now: datetime | None = None,
) -> Hours:
    """Signatures per collected hour over the span ('24h', '7d', 'all'), empty hours as 0: of
    the whole campaign, or of the event with these names, or of one kiosk."""
    if span not in RANGES:
        raise Malformed("the chart shows 24h, 7d or all")
    now = (now or utcnow()).replace(minute=0, second=0, microsecond=0)
    length = RANGES[span]
    first = now - length + timedelta(hours=1) if length is not None else None
    where: list[ColumnElement[bool]] = []
    if events is not None:
        where.append(HourTally.event.in_(events))
    if device_id is not None:
        where.append(HourTally.device_id == device_id)
    query = (
        select(HourTally.hour, func.sum(HourTally.signatures))
        .where(*where)
        .group_by(HourTally.hour)
    )
    before = 0
    with Session(engine) as s:
        if first is not None:
            query = query.where(HourTally.hour >= first)
            earlier = select(func.sum(HourTally.signatures)).where(*where, HourTally.hour < first)
            before = int(s.scalar(earlier) or 0)
        counts = {hour: int(n) for hour, n in s.execute(query)}
    if not counts and first is None:
        return Hours([], 0)
    hour = first if first is not None else min(counts)
    last = max([now, *counts])
    bars: list[tuple[datetime, int]] = []
    while hour <= last and len(bars) < MAX_BARS:
        bars.append((hour, counts.get(hour, 0)))
        hour += timedelta(hours=1)
    return Hours(bars, before)


@dataclass(frozen=True)
class Chart:
    show: str  # what was asked for, normalised: "", "event:NAME" or "kiosk:DEVICE"
    kind: str  # "campaign", "event" or "kiosk"
    name: str  # the event's name or the kiosk's id ("" for the campaign)
    goal: int | None  # the campaign's or the event's goal; none for a kiosk
    hours: Hours


def chart(engine: Engine, span: str, show: str = "", now: datetime | None = None) -> Chart:
    """The chart the Now page shows: the campaign's, an event's ("event:NAME") or a kiosk's
    ("kiosk:DEVICE"); anything else is the campaign's."""
    kind, _, name = show.partition(":")
    if kind == "event" and name:
        names = names_of(engine, name)
        with Session(engine) as s:
            mapped = names_map(s).get(name)
        goal = mapped[1] if mapped else None
        name = mapped[0] if mapped else name
        hours = per_hour(engine, span, events=names, now=now)
        return Chart(f"event:{name}", "event", name, goal, hours)
    if kind == "kiosk" and name:
        with Session(engine) as s:
            known = s.get(Device, name) is not None
        if known:
            return Chart(show, "kiosk", name, None, per_hour(engine, span, device_id=name, now=now))
    goal = campaign_goal(engine)
    return Chart("", "campaign", "", goal, per_hour(engine, span, now=now))


def kiosk_choices(engine: Engine) -> list[tuple[str, str]]:
    """(device id, its name on the Kiosks page or its id) of every kiosk not revoked."""
    named = labels(engine)
    with Session(engine) as s:
        devices = s.scalars(
            select(Device.id)
            .where(Device.revoked_at.is_(None))
            .order_by(Device.enrolled_at, Device.id)
        ).all()
    return [(d, named.get(d, d)) for d in devices]


def version(engine: Engine, now: datetime | None = None) -> str:
    """A short digest of everything the Now page's figures depend on: the batches stored (how
    many, the newest), the kiosks in service, the events with their names and goals, the
    campaign's goal, and the hour (the 24 h window and today move with it). Two cheap queries:
    the live page asks this, and only recomputes its figures when it changes."""
    hour = (now or utcnow()).replace(minute=0, second=0, microsecond=0)
    with Session(engine) as s:
        stored = s.execute(
            select(
                select(func.count()).select_from(StoredBatch).scalar_subquery(),
                select(func.max(StoredBatch.received_at)).scalar_subquery(),
                select(func.count())
                .select_from(Device)
                .where(Device.revoked_at.is_(None))
                .scalar_subquery(),
                select(func.count()).select_from(EventAlias).scalar_subquery(),
                select(Campaign.goal).where(Campaign.id == 1).scalar_subquery(),
            )
        ).one()
        named = s.execute(select(Event.id, Event.name, Event.goal).order_by(Event.id)).all()
    text = repr((hour.isoformat(), tuple(stored), [tuple(e) for e in named]))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
