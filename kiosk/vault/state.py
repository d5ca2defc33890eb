"""The kiosk's own state in the vault: the volunteer's settings, the PIN guard's memory, and the
daily tallies. Nothing here is about a supporter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from kiosk.vault.models import DailyTally, Device, KioskState


def kiosk_state(s: Session) -> KioskState:
    """The single state row, created on first use (inside the caller's transaction)."""
    state = s.get(KioskState, 1)
    if state is None:
        state = KioskState(id=1, pin_failures=0)
        s.add(state)
        s.flush()
    return state


def current_event(s: Session) -> str:
    """The event signatures count towards: the volunteer's name for it, else the enrolment's."""
    chosen = s.scalar(select(KioskState.event_name).where(KioskState.id == 1))
    if chosen:
        return chosen
    return s.scalar(select(Device.event)) or ""


def count_signature(s: Session, day: date, appeal_id: str) -> None:
    """Add one to the day's tally, in the caller's transaction (the one storing the signature)."""
    event = current_event(s)
    s.execute(
        insert(DailyTally)
        .values(day=day, event=event, appeal_id=appeal_id, signatures=1)
        .on_conflict_do_update(
            index_elements=["day", "event", "appeal_id"],
            set_={"signatures": DailyTally.signatures + 1},
        )
    )


@dataclass(frozen=True)
class Counts:
    today: int
    event: int  # under the current event name, every day
    total: int  # every signature this kiosk ever took


def counts(s: Session, today: date) -> Counts:
    event = current_event(s)

    def summed(*conditions: ColumnElement[bool]) -> int:
        query = select(func.coalesce(func.sum(DailyTally.signatures), 0)).where(*conditions)
        return int(s.scalar(query) or 0)

    return Counts(
        today=summed(DailyTally.day == today),
        event=summed(DailyTally.event == event),
        total=summed(),
    )
