"""The kiosk's own state in the vault: the volunteer's settings, the PIN guard's memory, and the
daily tallies. Nothing here is about a supporter."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Connection, func, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from kiosk.vault.models import DailyTally, Device, KioskState

if TYPE_CHECKING:
    from kiosk.vault.store import Vault


@contextmanager
def edit(vault: Vault) -> Iterator[KioskState]:
    """The state row inside one write transaction, committed when the block ends: a read, a
    decision and a change (the PIN guard's) cannot interleave with another's."""
    with vault.session(write=True) as s:
        yield kiosk_state(s)


def event_name(vault: Vault) -> str:
    """The event signatures count towards now."""
    with vault.session() as s:
        return current_event(s)


def next_heartbeat_seq(vault: Vault, *, after: int = 0) -> int:
    """Take the next heartbeat number (above `after` too: the server's latest, when this vault
    is behind it, e.g. restored from a copy), committed before the heartbeat goes."""
    with edit(vault) as state:
        state.heartbeat_seq = max(state.heartbeat_seq or 0, after) + 1
        return state.heartbeat_seq


def tallies(vault: Vault, today: date) -> Counts:
    """The panel's three counts."""
    with vault.session() as s:
        return counts(s, today)


def kiosk_state(s: Session) -> KioskState:
    """The single state row, created on first use (inside the caller's transaction)."""
    state = s.get(KioskState, 1)
    if state is None:
        state = KioskState(id=1, pin_failures=0)
        s.add(state)
        s.flush()
    return state


# The event signatures count towards: the volunteer's name for it, else the enrolment's, else "".
# One SQL expression, so the tally's upsert reads it inside its own statement.
_CURRENT_EVENT: ColumnElement[str] = func.coalesce(
    func.nullif(select(KioskState.event_name).where(KioskState.id == 1).scalar_subquery(), ""),
    func.nullif(select(Device.event).limit(1).scalar_subquery(), ""),
    "",
)

# Add one to a day's tally: a single upsert, with the event read in the same statement (inline:
# nothing is returned, as nothing is needed back).
_COUNT_SIGNATURE = (
    insert(DailyTally)
    .inline()
    .values(event=_CURRENT_EVENT, signatures=1)
    .on_conflict_do_update(
        index_elements=["day", "event", "appeal_id"],
        set_={"signatures": DailyTally.signatures + 1},
    )
)


def current_event(s: Session) -> str:
    """The event signatures count towards: the volunteer's name for it, else the enrolment's."""
    return s.scalar(select(_CURRENT_EVENT)) or ""


def count_signature(conn: Connection, day: date, appeal_id: str) -> None:
    """Add one to the day's tally, in the caller's transaction (the one storing the signature)."""
    conn.execute(_COUNT_SIGNATURE, {"day": day, "appeal_id": appeal_id})


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
