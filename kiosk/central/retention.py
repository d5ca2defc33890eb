"""Retention: the server deletes ciphertext on a schedule, by the policy set at `kiosk central
init` (the ECI rule by default: 21 months after the hour of collection, or 1 month after the
delivery to the target, whichever comes first). `kiosk central serve` applies it once an hour
(`RetentionSchedule`); `kiosk central retention --dry-run` reports what is due and when the next
deletion is, `--apply` deletes now. Deleted records leave their ids (kiosk.central.deletion) so
a batch file found later does not bring them back.

The delivery rule covers the records collected up to the delivery: signatures that arrive
after it were not in the pack. Months are calendar months; a day the month lacks is its last
(31 January plus one month is 28 or 29 February). Every time here is the caller's `now`, so tests
move the clock.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, false, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from kiosk.central.deletion import RETENTION, delete_records
from kiosk.central.errors import NoCampaign
from kiosk.central.models import Campaign, StoredRecord, utcnow
from kiosk.central.policy import Policy, add_months, check_months

log = logging.getLogger("kiosk.central")

SCHEDULE_INTERVAL = 3600.0  # seconds between two rounds in `serve`


@dataclass(frozen=True)
class Report:
    policy: Policy
    due_by_collection: int  # stored records past their months after collection
    due_by_delivery: int  # of the others, those past the months after delivery
    next_deletion: datetime | None  # when the first record not due yet will be
    deleted: int = 0  # records deleted by this round (0 in a dry run)

    @property
    def due(self) -> int:
        return self.due_by_collection + self.due_by_delivery


def set_policy(engine: Engine, months_after_collection: int, months_after_delivery: int) -> None:
    check_months(months_after_collection, "the months kept after collection")
    check_months(months_after_delivery, "the months kept after delivery")
    with Session(engine) as s, s.begin():
        campaign = _campaign(s)
        campaign.keep_months_after_collection = months_after_collection
        campaign.keep_months_after_delivery = months_after_delivery


def set_delivered(engine: Engine, when: datetime) -> None:
    with Session(engine) as s, s.begin():
        _campaign(s).delivered_at = when


def policy(engine: Engine) -> Policy:
    with Session(engine) as s:
        c = _campaign(s)
        return Policy(c.keep_months_after_collection, c.keep_months_after_delivery, c.delivered_at)


def _campaign(s: Session) -> Campaign:
    campaign = s.get(Campaign, 1)
    if campaign is None:
        raise NoCampaign("no campaign yet: run 'kiosk central init' first")
    return campaign


def _due(p: Policy, now: datetime) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
    """(due by collection, due by delivery and not by collection)."""
    by_collection = StoredRecord.collected_hour <= add_months(now, -p.months_after_collection)
    delivered = (
        p.delivered_at is not None and add_months(p.delivered_at, p.months_after_delivery) <= now
    )
    by_delivery: ColumnElement[bool] = false()
    if delivered:
        by_delivery = (StoredRecord.collected_hour <= p.delivered_at) & ~by_collection
    return by_collection, by_delivery


def report(engine: Engine, now: datetime | None = None, p: Policy | None = None) -> Report:
    """What is due now under the policy (the stored one, or `p` to try another), deleting
    nothing."""
    now = now or utcnow()
    p = p or policy(engine)
    by_collection, by_delivery = _due(p, now)
    with Session(engine) as s:
        count = func.count(StoredRecord.id)
        n_collection = s.scalar(select(count).where(by_collection)) or 0
        n_delivery = s.scalar(select(count).where(by_delivery)) or 0
        kept = ~or_(by_collection, by_delivery)
        oldest = s.scalar(select(func.min(StoredRecord.collected_hour)).where(kept))
        if p.delivered_at is not None:
            delivered_kept = s.scalar(
                select(count).where(kept, StoredRecord.collected_hour <= p.delivered_at)
            )
        else:
            delivered_kept = 0
    candidates = []
    if oldest is not None:
        candidates.append(add_months(oldest, p.months_after_collection))
    if delivered_kept and p.delivered_at is not None:
        candidates.append(add_months(p.delivered_at, p.months_after_delivery))
    return Report(p, n_collection, n_delivery, min(candidates, default=None))


def apply(engine: Engine, now: datetime | None = None) -> Report:
    """Delete every record due now; the report says how many and what comes next."""
    now = now or utcnow()
    p = policy(engine)
    by_collection, by_delivery = _due(p, now)
    with Session(engine) as s:
        keys = [
            (d, i)
            for d, i in s.execute(
                select(StoredRecord.device_id, StoredRecord.id).where(
                    or_(by_collection, by_delivery)
                )
            )
        ]
    before = report(engine, now, p)
    deleted = delete_records(engine, keys, RETENTION, now) if keys else 0
    after = report(engine, now, p)
    if deleted:
        log.info("retention deleted %d stored records (%s)", deleted, p.describe())
    return Report(p, before.due_by_collection, before.due_by_delivery, after.next_deletion, deleted)


class RetentionSchedule:
    """`kiosk central serve`'s periodic task: retention applied now, then every `interval`
    seconds, on a daemon thread until `stop`. A failed round is logged (its type only) and the
    next one tries again."""

    def __init__(
        self,
        engine: Engine,
        interval: float = SCHEDULE_INTERVAL,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self._engine = engine
        self._interval = interval
        self._clock = clock
        self._stop = threading.Event()
        self.rounds = 0
        self._thread = threading.Thread(target=self._run, name="kiosk-retention", daemon=True)

    def start(self) -> RetentionSchedule:
        self._thread.start()
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                apply(self._engine, self._clock())
            except Exception as exc:  # the server keeps serving; the next round tries again
                log.error("retention round failed: %s", type(exc).__name__)
            self.rounds += 1
            self._stop.wait(self._interval)
