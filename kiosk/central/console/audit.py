"""The audit log of console actions: who (the account name), what (an action and its target:
a device id, an event name, a file count), and when, to the hour. Nothing about a signer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.central.console.tables import AuditEntry
from kiosk.central.models import utcnow

SHOWN = 500  # the newest entries the audit page lists


@dataclass(frozen=True)
class Entry:
    hour: datetime
    account: str
    action: str
    target: str | None


def hour_of(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def record(engine: Engine, account: str, action: str, target: str | None = None) -> None:
    with Session(engine) as s, s.begin():
        s.add(AuditEntry(hour=hour_of(utcnow()), account=account, action=action, target=target))


def newest(engine: Engine, limit: int = SHOWN) -> list[Entry]:
    with Session(engine) as s:
        rows = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)).all()
        return [Entry(r.hour, r.account, r.action, r.target) for r in rows]
