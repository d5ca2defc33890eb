"""The retention policy (kiosk.central.retention applies it): how many months the server keeps a
signature's ciphertext after its collection, and after the delivery to the target. Plain
Python, so the command line can show its defaults without loading the database libraries."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from kiosk.central.errors import Malformed

DEFAULT_MONTHS_AFTER_COLLECTION = 21
DEFAULT_MONTHS_AFTER_DELIVERY = 1
MAX_MONTHS = 1200


def add_months(moment: datetime, months: int) -> datetime:
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


@dataclass(frozen=True)
class Policy:
    months_after_collection: int
    months_after_delivery: int
    delivered_at: datetime | None

    def describe(self) -> str:
        text = (
            f"ciphertext is deleted {months(self.months_after_collection)} after collection or "
            f"{months(self.months_after_delivery)} after delivery"
        )
        if self.delivered_at is None:
            return text + " (not delivered yet)"
        return text + f" (delivered {self.delivered_at:%Y-%m-%d})"


def months(count: int) -> str:
    """'1 month', '21 months' (the command line's English)."""
    return f"{count} month" if count == 1 else f"{count} months"


def check_months(months: int, what: str) -> None:
    if not 0 <= months <= MAX_MONTHS:
        raise Malformed(f"{what} is a number of months from 0 to {MAX_MONTHS}, not {months}")
