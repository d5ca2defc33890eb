"""`kiosk vault salvage DIR`: every sealed record that still reads from a damaged vault and its
preserved copies (kiosk.vault.salvage), sealed to this kiosk's campaign key, written to DIR as
signed salvage batches (kind "salvage" in kiosk.protocol.batch) for `kiosk central import`.

Salvage batches stand outside the device's chain (seq 0): the server stores the records it does
not hold yet, skips those it does, and its chain report lists the salvaged batches apart, so a
gap the salvage fills shows as filled by salvage. The records were sealed and signed once
already; a salvage batch is signed again with the device key, which says "this kiosk read these
back", no more: the records' own seals are what the coordinator's export opens.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from kiosk.clock import to_hour, utc_now
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.errors import VaultError
from kiosk.files.atomic import write_atomic
from kiosk.petition.record import sealed_sizes
from kiosk.protocol.batch import (
    GENESIS_HASH,
    MAX_RECORDS,
    SALVAGE,
    Batch,
    BatchRecord,
    envelope_bytes,
    record_body_bytes,
)
from kiosk.sync.batch_files import SUFFIX
from kiosk.sync.closer import MAX_BATCH_BYTES
from kiosk.vault.salvage import SalvagedRecord, salvage

log = logging.getLogger("kiosk.sync")


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class SalvageResult:
    files: list[Path]
    records: int  # written to the files
    other_campaign: int  # read, but sealed to another campaign's key: left out
    unreadable_rows: int
    malformed_rows: int
    sources: list[Path]
    missing: list[tuple[int, int]]  # device sequence ranges no file holds (lost pages)


def write_salvage(
    data_dir: Path,
    key: DeviceKey,
    campaign: CampaignPublicKey,
    out_dir: Path,
    *,
    reading: Progress | None = None,
    writing: Progress | None = None,
) -> SalvageResult:
    """Read every record the vault still holds and write it to signed salvage batch files.
    `reading(done, total)` hears of each vault file read, `writing` of the records written."""
    found = salvage(data_dir, sealed_lengths=sealed_sizes(campaign), progress=reading)
    if len(found.device_ids) != 1:
        raise VaultError(
            "The vault's files do not say which kiosk they belong to "
            f"({len(found.device_ids)} device ids found), so no salvage batch can be signed: "
            "give the data directory to the coordinator as it is."
        )
    (device_id,) = found.device_ids
    ours = [r for r in found.records if r.key_fingerprint == campaign.fingerprint]
    created = to_hour(utc_now())
    files = []
    written = 0
    for appeal, chunk in _chunks(ours):
        batch = Batch(
            kind=SALVAGE,
            batch_id=str(uuid.uuid4()),
            device_id=device_id,
            seq=0,
            prev_hash=GENESIS_HASH,
            appeal_id=appeal[0],
            appeal_version=appeal[1],
            created_at=created,
            records=tuple(
                BatchRecord(r.id, r.device_seq, r.collected_hour, r.key_fingerprint, r.sealed)
                for r in chunk
            ),
        )
        path = out_dir / f"salvage-{batch.batch_id}{SUFFIX}"
        write_atomic(path, batch.sign(key).to_bytes(), mode=0o600, mtime=created)
        files.append(path)
        written += len(chunk)
        if writing is not None:
            writing(written, len(ours))
    log.info("salvage wrote %d records in %d files", len(ours), len(files))
    return SalvageResult(
        files,
        len(ours),
        len(found.records) - len(ours),
        found.unreadable_rows,
        found.malformed_rows,
        found.sources,
        found.missing,
    )


def _chunks(
    records: Sequence[SalvagedRecord],
) -> Iterator[tuple[tuple[str, int], list[SalvagedRecord]]]:
    """Per appeal, runs of records that fit a batch (count and bytes)."""
    by_appeal: dict[tuple[str, int], list[SalvagedRecord]] = {}
    for r in records:
        by_appeal.setdefault((r.appeal_id, r.appeal_version), []).append(r)
    for appeal, rows in by_appeal.items():
        chunk: list[SalvagedRecord] = []
        size = 0
        for row in rows:
            cost = record_body_bytes(len(row.sealed))
            if chunk and (
                len(chunk) == MAX_RECORDS or envelope_bytes(size + cost) > MAX_BATCH_BYTES
            ):
                yield appeal, chunk
                chunk, size = [], 0
            chunk.append(row)
            size += cost
        if chunk:
            yield appeal, chunk
