"""What the Kiosks page knows of each kiosk beyond its batches: its latest heartbeat (battery,
disk, backlog, clock, versions), and the rules that say a kiosk needs a volunteer.

Times stay coarse: a kiosk is "seen" to the minute on the server and shown in five-minute steps
(kiosk/central/console/templates/kiosk_tables.html); its clock only as an offset.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.central.events import names_map
from kiosk.central.models import Campaign, DeviceHeartbeat
from kiosk.central.status import DeviceStatus
from kiosk.errors import AppealError
from kiosk.petition.appeal import appeal_digest, parse_appeal

SILENT_AFTER = timedelta(minutes=15)
LOW_BATTERY = 20  # percent, unless the kiosk is on external power
LOW_DISK = 512 * 1024 * 1024  # bytes: room for about 2,000 signatures with a drawing
CLOCK_OFF = timedelta(minutes=5)


@dataclass(frozen=True)
class Beat:
    """A kiosk's latest heartbeat, as the console shows it."""

    seen_at: datetime  # to the minute
    clock_offset_seconds: int
    app_version: str
    appeal_id: str | None
    appeal_version: int | None
    appeal_digest: str | None
    event: str
    pending_signatures: int
    unacknowledged_batches: int
    battery_percent: int | None
    charging: bool | None
    disk_free_bytes: int | None


@dataclass(frozen=True)
class CampaignAppeal:
    id: str
    version: int
    digest: str | None  # None if the campaign's appeal file no longer parses


def latest_beats(s: Session) -> dict[str, Beat]:
    columns = [getattr(DeviceHeartbeat, name) for name in Beat.__dataclass_fields__]
    rows = s.execute(select(DeviceHeartbeat.device_id, *columns))
    beats = {device_id: Beat(*rest) for device_id, *rest in rows}
    # The event by its name now: a renamed event's kiosks still say the old one.
    names = names_map(s)
    return {
        d: replace(b, event=names[b.event][0]) if b.event in names else b for d, b in beats.items()
    }


def campaign_appeal(s: Session) -> CampaignAppeal | None:
    campaign = s.get(Campaign, 1)
    if campaign is None:
        return None
    return CampaignAppeal(
        campaign.appeal_id, campaign.appeal_version, _digest_of(campaign.appeal_toml)
    )


@lru_cache(maxsize=4)
def _digest_of(appeal_toml: str) -> str | None:
    """The campaign appeal's digest, parsed once per text (the page is polled every 10 s)."""
    try:
        return appeal_digest(parse_appeal(appeal_toml.encode("utf-8"), "the campaign's appeal"))
    except AppealError:  # the page still shows the kiosks, compared by id and version only
        return None


def last_seen(status: DeviceStatus, beat: Beat | None) -> datetime | None:
    """When the kiosk was last heard from: its latest heartbeat or batch."""
    times = [t for t in (status.last_received_at, beat.seen_at if beat else None) if t]
    return max(times, default=None)


def needs(
    status: DeviceStatus, beat: Beat | None, appeal: CampaignAppeal | None, now: datetime
) -> tuple[str, ...]:
    """Why this kiosk needs a volunteer, most urgent first: "silent", "battery", "disk",
    "clock", "appeal", "gap", "broken", "nothing" (delivered nothing since enrolment)."""
    if status.revoked:
        return ()
    found = []
    heard = last_seen(status, beat) or status.enrolled_at
    if heard is not None and now - heard >= SILENT_AFTER:
        found.append("silent")
    if beat is not None:
        low = beat.battery_percent is not None and beat.battery_percent < LOW_BATTERY
        if low and not beat.charging:
            found.append("battery")
        if beat.disk_free_bytes is not None and beat.disk_free_bytes < LOW_DISK:
            found.append("disk")
        if abs(beat.clock_offset_seconds) > CLOCK_OFF.total_seconds():
            found.append("clock")
        if appeal is not None and not appeal_matches(beat, appeal):
            found.append("appeal")
    if status.missing:
        found.append("gap")
    if status.broken_links:
        found.append("broken")
    if status.batches == 0:
        found.append("nothing")
    return tuple(found)


def appeal_matches(beat: Beat, appeal: CampaignAppeal) -> bool:
    if beat.appeal_id != appeal.id or beat.appeal_version != appeal.version:
        return False
    return appeal.digest is None or beat.appeal_digest == appeal.digest


def format_size(n: int, lang: str) -> str:
    """Free disk in words a coordinator reads at a glance: "12.3 GB", "850 MB" ("12,3 GB")."""
    if n >= 10**9:
        text = f"{n / 10**9:.1f} GB"
    elif n >= 10**6:
        text = f"{n // 10**6} MB"
    else:
        text = f"{n // 1000} kB"
    return text.replace(".", ",") if lang == "it" else text
