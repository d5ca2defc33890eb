"""Batch files brought on a USB stick: `kiosk central import` (and the console's import page).
A chain batch goes through the same ingest as an upload; a salvage batch through
kiosk.central.salvage. One place that tells them apart."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from kiosk.central import errors
from kiosk.central.ingest import ingest, malformed
from kiosk.central.salvage import ingest_salvage
from kiosk.errors import BatchFormatError
from kiosk.protocol import batch as batch_format
from kiosk.protocol.receipt import Receipt


@dataclass(frozen=True)
class Imported:
    receipt: Receipt
    created: bool  # False: the file was imported (or uploaded) before
    salvage: bool
    new_records: int  # records stored by this import


def import_envelope(engine: Engine, envelope: bytes) -> Imported:
    try:
        signed = batch_format.parse(envelope)
    except BatchFormatError as exc:
        raise errors.Malformed(malformed(exc)) from None
    if signed.batch.kind == batch_format.SALVAGE:
        done = ingest_salvage(engine, signed, envelope)
        return Imported(done.receipt, done.created, True, done.new_records)
    receipt, created = ingest(engine, envelope)
    return Imported(receipt, created, False, receipt.record_count if created else 0)
