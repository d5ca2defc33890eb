"""What the export leaves out after opening a record, in one place: records the erasure ledger
holds (always), records marked invalid or test in review, and records from a kiosk or an event
in test mode (unless the coordinator asks for them: `export --include-invalid`, and then each
row says its mark in the `review` column). A record's event is its batch's (`Opened.event`),
as kiosk.central.counting counts it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.central.counting import DEVICE, INVALID, TEST, test_event_names
from kiosk.central.export import Opened
from kiosk.central.ledger import Ledger
from kiosk.central.models import InTestMode, RecordMark

ERASED = "erased"


@dataclass(frozen=True)
class Exclusions:
    ledger: Ledger | None
    marks: Mapping[tuple[str, str], str]  # (device id, record id): valid, invalid or test
    test_devices: frozenset[str]
    test_events: frozenset[str]
    include_invalid: bool = False

    @property
    def empty(self) -> bool:
        """Nothing to leave out and no mark to show: `judge` keeps every record as it is."""
        ledger = self.ledger
        return (
            (ledger is None or not (ledger.records or (ledger.key is not None and ledger.tags)))
            and not self.marks
            and not self.test_devices
            and not self.test_events
        )

    def mark_of(self, opened: Opened) -> str:
        r = opened.record
        mark = self.marks.get((r.device_id, r.signature_id), "")
        if mark != INVALID and (
            r.device_id in self.test_devices or opened.event in self.test_events
        ):
            return TEST
        return mark

    def judge(self, opened: Opened) -> tuple[str | None, Opened]:
        """(why the record is left out, or None; the record with its review mark)."""
        r = opened.record
        if self.ledger is not None and self.ledger.holds(
            r.device_id, r.signature_id, r.fields.get("email", "")
        ):
            return ERASED, opened
        mark = self.mark_of(opened)
        if mark in (INVALID, TEST) and not self.include_invalid:
            return mark, opened
        return None, opened._replace(review=mark) if mark else opened


def load_exclusions(
    engine: Engine, ledger: Ledger | None, *, include_invalid: bool = False
) -> Exclusions:
    with Session(engine) as s:
        marks = {
            (d, r): m
            for d, r, m in s.execute(
                select(RecordMark.device_id, RecordMark.record_id, RecordMark.mark)
            )
        }
        devices = frozenset(s.scalars(select(InTestMode.name).where(InTestMode.kind == DEVICE)))
        events = frozenset(name for (name,) in s.execute(test_event_names()))
    return Exclusions(ledger, marks, devices, events, include_invalid)
