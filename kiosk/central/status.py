"""What each kiosk has delivered, and where its chain of batches has gaps or breaks.

A device numbers its batches 1, 2, 3, ... and each names its predecessor's hash. A missing
number is a gap (a batch not yet received, or lost); a batch whose `prev_hash` differs from the
stored predecessor's hash is a break (a batch was altered or replaced on the kiosk).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kiosk.central.campaign import get_campaign
from kiosk.central.counting import (
    batch_event,
    device_in_test_mode,
    record_counts,
    test_event_names,
)
from kiosk.central.events import names_map
from kiosk.central.models import Device, DeviceHeartbeat, StoredBatch, StoredRecord
from kiosk.protocol.batch import CHAIN, GENESIS_HASH, SALVAGE


@dataclass(frozen=True)
class DeviceStatus:
    device_id: str
    # The event its newest batch names, else its enrolment's; by its name now, if renamed
    # (kiosk.central.events).
    event: str
    revoked: bool
    batches: int
    signatures: int
    last_received_at: datetime | None
    missing: tuple[tuple[int, int], ...]  # inclusive ranges of sequence numbers not received
    broken_links: tuple[int, ...]  # seqs whose prev_hash is not the stored predecessor's hash
    enrolled_at: datetime | None = None
    salvage_batches: int = 0  # salvage batches imported (kiosk.central.salvage), not in the chain
    salvaged: int = 0  # signatures that only salvage brought in
    test_mode: bool = False  # the kiosk is in test mode: none of its signatures count
    # Events in test mode among those its batches name (or it collects under now): what it
    # collected there does not count (kiosk.central.counting).
    test_events: tuple[str, ...] = ()
    # The event the kiosk collects under now, from its latest heartbeat (a volunteer may have
    # renamed it on the panel), and when that was; None: no heartbeat yet.
    event_now: str | None = None
    event_seen_at: datetime | None = None

    @property
    def chain_ok(self) -> bool:
        return not self.missing and not self.broken_links

    @property
    def missing_count(self) -> int:
        """How many batches the `missing` ranges hold."""
        return sum(last - first + 1 for first, last in self.missing)

    def silent_since(self, now: datetime, after: timedelta) -> datetime | None:
        """When this kiosk last delivered (or enrolled, if it never did), if that is longer
        ago than `after`: a kiosk to go and look at. None if it is not silent, or revoked."""
        last = self.last_received_at or self.enrolled_at
        if self.revoked or last is None or now - last < after:
            return None
        return last


def device_status(engine: Engine) -> list[DeviceStatus]:
    with Session(engine) as s:
        devices = s.scalars(select(Device).order_by(Device.enrolled_at, Device.id)).all()
        testing = set(s.scalars(select(Device.id).where(device_in_test_mode(Device.id))))
        event = batch_event()
        test_events: dict[str, set[str]] = {}
        for device_id, name in s.execute(
            select(StoredBatch.device_id, event).where(event.in_(test_event_names())).distinct()
        ):
            test_events.setdefault(device_id, set()).add(name)
        in_test = {name for (name,) in s.execute(test_event_names())}
        rows = s.execute(
            select(
                StoredBatch.device_id,
                StoredBatch.seq,
                StoredBatch.hash,
                StoredBatch.prev_hash,
                StoredBatch.record_count,
                StoredBatch.received_at,
                StoredBatch.event,
            )
            .where(StoredBatch.kind == CHAIN)
            .order_by(StoredBatch.device_id, StoredBatch.seq)
        ).all()
        salvage = {
            device_id: (batches, records)
            for device_id, batches, records in s.execute(
                select(
                    StoredBatch.device_id,
                    func.count(func.distinct(StoredBatch.id)),
                    func.count(StoredRecord.id),
                )
                .outerjoin(
                    StoredRecord,
                    (StoredRecord.device_id == StoredBatch.device_id)
                    & (StoredRecord.batch_id == StoredBatch.id),
                )
                .where(StoredBatch.kind == SALVAGE)
                .group_by(StoredBatch.device_id)
            )
        }
        names = names_map(s)
        beats = {
            device_id: (event, seen_at)
            for device_id, event, seen_at in s.execute(
                select(DeviceHeartbeat.device_id, DeviceHeartbeat.event, DeviceHeartbeat.seen_at)
            )
        }
    chains: dict[str, list[tuple[int, str, str, int, datetime, str | None]]] = {}
    for device_id, *rest in rows:
        chains.setdefault(device_id, []).append(tuple(rest))  # type: ignore[arg-type]
    return [
        _status(
            d,
            chains.get(d.id, []),
            salvage.get(d.id, (0, 0)),
            names,
            beats.get(d.id),
            d.id in testing,
            test_events.get(d.id, set()),
            in_test,
        )
        for d in devices
    ]


def _status(
    device: Device,
    chain: list[tuple[int, str, str, int, datetime, str | None]],
    salvage: tuple[int, int] = (0, 0),
    names: dict[str, tuple[str, int | None]] | None = None,
    beat: tuple[str, datetime] | None = None,
    test_mode: bool = False,
    test_events: set[str] | None = None,
    in_test: set[str] | None = None,
) -> DeviceStatus:
    missing: list[tuple[int, int]] = []
    broken: list[int] = []
    previous_seq, previous_hash = 0, GENESIS_HASH
    for seq, body_hash, prev_hash, _count, _received, _event in chain:
        if seq > previous_seq + 1:
            missing.append((previous_seq + 1, seq - 1))
        elif prev_hash != previous_hash:
            broken.append(seq)
        previous_seq, previous_hash = seq, body_hash
    said = [row[5] for row in chain if row[5] is not None]
    event = said[-1] if said else device.event
    testing = set(test_events or ())
    now_under = beat[0] if beat else event
    testing.update(e for e in (event, now_under) if e in (in_test or ()))
    return DeviceStatus(
        device_id=device.id,
        event=(names or {}).get(event, (event,))[0],
        revoked=device.revoked_at is not None,
        batches=len(chain),
        signatures=sum(row[3] for row in chain),
        last_received_at=max((row[4] for row in chain), default=None),
        missing=tuple(missing),
        broken_links=tuple(broken),
        enrolled_at=device.enrolled_at,
        salvage_batches=salvage[0],
        salvaged=salvage[1],
        event_now=(names or {}).get(beat[0], (beat[0],))[0] if beat else None,
        event_seen_at=beat[1] if beat else None,
        test_mode=test_mode,
        test_events=tuple(sorted({(names or {}).get(e, (e,))[0] for e in testing})),
    )


@dataclass(frozen=True)
class CampaignSummary:
    appeal_id: str
    signatures: int  # records received for the campaign's appeal, from every kiosk that counts


def campaign_summary(engine: Engine) -> CampaignSummary:
    """How many signatures the server holds for the campaign's appeal: a count and nothing more,
    for the kiosks' resting screen. Raises NoCampaign before `kiosk central init`.

    Each record is stored once (its id is unique per device), so a batch uploaded twice counts
    once. The same person signing on two kiosks counts twice here; only the export, after
    decryption, can tell. Kiosks and events in test mode, and records marked invalid or test,
    do not count (kiosk.central.counting).
    """
    appeal_id = get_campaign(engine).appeal_id
    with Session(engine) as s:
        count = s.scalar(
            select(func.count())
            .select_from(StoredRecord)
            .join(
                StoredBatch,
                (StoredRecord.device_id == StoredBatch.device_id)
                & (StoredRecord.batch_id == StoredBatch.id),
            )
            .where(StoredBatch.appeal_id == appeal_id, record_counts())
        )
    return CampaignSummary(appeal_id=appeal_id, signatures=count or 0)


def describe_ranges(ranges: tuple[tuple[int, int], ...]) -> str:
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in ranges)
