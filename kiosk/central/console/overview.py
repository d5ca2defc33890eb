"""The console's queries: the kiosks and which need a volunteer, the unused enrolment codes
(the Now page's counts are in kiosk.central.console.counts). Metadata only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from kiosk.central.console import fleet
from kiosk.central.console.tables import DeviceLabel
from kiosk.central.errors import Malformed, NotFound, words
from kiosk.central.models import Device, EnrolmentCode, utcnow
from kiosk.central.status import DeviceStatus, device_status

MAX_LABEL = 80


@dataclass(frozen=True)
class KioskRow:
    status: DeviceStatus
    label: str
    problems: tuple[str, ...]  # why it needs a volunteer (kiosk.central.console.fleet.needs)
    beat: fleet.Beat | None = None  # its latest heartbeat
    last_seen: datetime | None = None  # its latest heartbeat or batch
    appeal_ok: bool = True  # on the campaign's appeal (or not reported yet)

    @property
    def event(self) -> str:
        """The event it is at now: its latest heartbeat's, else its latest batch's (by the
        event's name now), else the one it was enrolled for."""
        return self.beat.event if self.beat and self.beat.event else self.status.event


def labels(engine: Engine) -> dict[str, str]:
    """Each named kiosk's name (device id -> label)."""
    with Session(engine) as s:
        return dict(s.execute(select(DeviceLabel.device_id, DeviceLabel.label)).all())


def kiosk_rows(engine: Engine, now: datetime | None = None) -> list[KioskRow]:
    """Every device, those that need attention first (then in enrolment order)."""
    now = now or utcnow()
    with Session(engine) as s:
        labels = dict(s.execute(select(DeviceLabel.device_id, DeviceLabel.label)).all())
        beats = fleet.latest_beats(s)
        appeal = fleet.campaign_appeal(s)
    rows = []
    for d in device_status(engine):
        beat = beats.get(d.device_id)
        rows.append(
            KioskRow(
                d,
                labels.get(d.device_id, ""),
                fleet.needs(d, beat, appeal, now),
                beat,
                fleet.last_seen(d, beat),
                beat is None or appeal is None or fleet.appeal_matches(beat, appeal),
            )
        )
    return sorted(rows, key=lambda r: not r.problems)  # stable: enrolment order within


def kiosk_row(engine: Engine, device_id: str, now: datetime | None = None) -> KioskRow:
    """One kiosk's row, as the Kiosks page shows it."""
    for row in kiosk_rows(engine, now):
        if row.status.device_id == device_id:
            return row
    raise NotFound(words("no device {device} is enrolled", device=device_id))


def set_label(engine: Engine, device_id: str, label: str) -> None:
    """Name a kiosk; an empty label removes its name."""
    label = " ".join(label.split())
    if len(label) > MAX_LABEL:
        raise Malformed(words("a kiosk's name is at most {limit} characters", limit=MAX_LABEL))
    with Session(engine) as s, s.begin():
        if s.get(Device, device_id) is None:
            raise NotFound(words("no device {device} is enrolled", device=device_id))
        row = s.get(DeviceLabel, device_id)
        if not label:
            if row is not None:
                s.delete(row)
        elif row is None:
            s.add(DeviceLabel(device_id=device_id, label=label))
        else:
            row.label = label


@dataclass(frozen=True)
class OpenCode:
    id: int
    event: str
    expires_at: datetime


def open_codes(engine: Engine, now: datetime | None = None) -> list[OpenCode]:
    """Enrolment codes neither used nor expired."""
    now = now or utcnow()
    with Session(engine) as s:
        rows = s.execute(
            select(EnrolmentCode.id, EnrolmentCode.event, EnrolmentCode.expires_at)
            .where(EnrolmentCode.used_at.is_(None), EnrolmentCode.expires_at > now)
            .order_by(EnrolmentCode.expires_at)
        )
        return [OpenCode(*row) for row in rows]


def cancel_code(engine: Engine, code_id: int) -> str:
    """Delete an unused enrolment code; returns its event."""
    with Session(engine) as s, s.begin():
        event = s.execute(
            delete(EnrolmentCode)
            .where(EnrolmentCode.id == code_id, EnrolmentCode.used_at.is_(None))
            .returning(EnrolmentCode.event)
        ).scalar()
    if event is None:
        raise NotFound(words("this enrolment code was used or cancelled already"))
    return event
