"""The coordinator's export: open every stored record, check its binding, de-duplicate, write.

Runs on the coordinator's machine with the campaign private key. Plaintext exists only in
memory and in the output the coordinator asked for: nothing is logged, no temp file is made.
De-duplication is by e-mail address, trimmed and casefolded: the earliest signature is kept
and the later ones are counted. Records without an e-mail address are all kept, since nothing
safe identifies their signer. A record is known by its device and its id (ids are unique per
device only, docs/sync-protocol.md): two kiosks' records that share an id are two signatures,
each bound to its own device by its seal.

CSV follows RFC 4180 (CRLF line ends, quotes doubled), in UTF-8 with a byte-order mark so that
spreadsheets pick the right encoding. A cell that a spreadsheet would run as a formula (leading
=, +, -, @, tab or CR) gets a leading apostrophe (OWASP's "CSV injection" advice).

The country is the ISO 3166-1 alpha-2 code the kiosk keeps (`country`, e.g. "DE") and, next to
it, its English name (`country_name`, "Germany"); a record from before kiosks kept codes holds
the name as typed in `country`, and no `country_name`.

XLSX (`export_xlsx`, openpyxl) is for opening in a spreadsheet: every cell is a text cell (type
string, number format "@"), so a postcode keeps its leading zeros ("00100"), nothing is read
as a date or a number, and a value starting with "=" stays text: no formula can exist in the
file, so nothing needs the CSV's apostrophe. CSV stays the format for CRMs and other programs.

A drawn signature is exported whole in JSON, as its strokes of [x, y, t] or [x, y, t, pressure]
points (x and y from 0 to 1 of the pad, t in ms) and the pad's width over its height (aspect).
CSV says only whether there is one ("yes" or "no"): a drawing's path runs to tens of thousands
of characters, past the 32,767 a spreadsheet cell holds, so a CSV carrying it would be cut short.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, BinaryIO, TextIO

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kiosk.central.keyring import Keyring
from kiosk.central.models import Device, StoredBatch, StoredRecord
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.errors import SealBroken
from kiosk.petition.appeal import FIELD_NAMES
from kiosk.petition.countries import english_name
from kiosk.petition.record import SignatureRecord, open_record

log = logging.getLogger("kiosk.central")

FORMATS = ("csv", "json")  # text; XLSX is binary: export_xlsx
COLUMNS = (
    "signature_id",
    "signed_at",
    *FIELD_NAMES[: FIELD_NAMES.index("country") + 1],
    "country_name",
    *FIELD_NAMES[FIELD_NAMES.index("country") + 1 :],
    "language",
    "appeal_id",
    "appeal_version",
    "terms_accepted",
    "terms_sha256",
    "privacy_notice_sha256",
    "updates_opt_in",
    "updates_sha256",
    "drawn_signature",
    "device_id",
    "event",
    "batch_id",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Opened:
    record: SignatureRecord
    event: str
    batch_id: str


@dataclass(frozen=True)
class Unopened:
    """A stored record the export could not open, and why: its key is not among the key files
    given ("key missing"), its key was destroyed ("key destroyed"), or it does not open or
    check out with its key ("does not open")."""

    device_id: str
    signature_id: str
    batch_id: str
    key: str  # "key 2 (fingerprint)", or the fingerprint alone for a key not in the keyset
    reason: str


@dataclass(frozen=True)
class ExportResult:
    written: int
    duplicates_removed: int
    unreadable: int
    unopened: tuple[Unopened, ...] = ()


def _stored(engine: Engine) -> Iterator[tuple[str, bytes, str, str, str, str, str]]:
    query = (
        select(
            StoredRecord.id,
            StoredRecord.sealed,
            StoredRecord.key_fingerprint,
            StoredBatch.device_id,
            StoredBatch.appeal_id,
            Device.event,
            StoredBatch.id,
        )
        .join(
            StoredBatch,
            (StoredRecord.device_id == StoredBatch.device_id)
            & (StoredRecord.batch_id == StoredBatch.id),
        )
        .join(Device, StoredBatch.device_id == Device.id)
        .order_by(StoredRecord.device_id, StoredRecord.device_seq)
    )
    with Session(engine) as s:
        for row in s.execute(query.execution_options(yield_per=1000)):
            yield tuple(row)  # type: ignore[misc]


def open_all(
    engine: Engine, key: CampaignPrivateKey | Keyring, progress: Progress | None = None
) -> tuple[list[Opened], ExportResult]:
    """Every readable signature, de-duplicated and in signing order, with the counts. Each
    record is opened with the key of the keyring it was sealed to; the rest are listed with
    the reason (`ExportResult.unopened`)."""
    keyring = key if isinstance(key, Keyring) else Keyring.of(key)
    with Session(engine) as s:
        total = s.scalar(select(func.count()).select_from(StoredRecord)) or 0
    by_email: dict[str, Opened] = {}
    without_email: list[Opened] = []
    unopened: list[Unopened] = []
    duplicates = done = 0
    for record_id, sealed, fingerprint, device_id, appeal_id, event, batch_id in _stored(engine):
        done += 1
        if progress is not None:
            progress(done, total)
        private = keyring.key_for(fingerprint)
        if private is None:
            why = keyring.why_not(fingerprint)
            unopened.append(
                Unopened(device_id, record_id, batch_id, keyring.describe(fingerprint), why)
            )
            continue
        try:
            record = open_record(
                sealed, private, appeal_id=appeal_id, signature_id=record_id, device_id=device_id
            )
        except (SealBroken, ValueError, KeyError, TypeError, AttributeError):
            unopened.append(
                Unopened(
                    device_id, record_id, batch_id, keyring.describe(fingerprint), "does not open"
                )
            )
            log.warning(
                "record %s of batch %s from device %s does not open or check out",
                record_id,
                batch_id,
                device_id,
            )
            continue
        opened = Opened(record, event, batch_id)
        email = record.fields.get("email", "").strip().casefold()
        if not email:
            without_email.append(opened)
            continue
        kept = by_email.get(email)
        if kept is not None:
            duplicates += 1
            if _order(opened) >= _order(kept):
                continue
        by_email[email] = opened
    rows = sorted([*by_email.values(), *without_email], key=_order)
    return rows, ExportResult(len(rows), duplicates, len(unopened), tuple(unopened))


def _order(opened: Opened) -> tuple[datetime, str, str]:
    """Signing order; a record is named by its id and its device (ids are per device)."""
    signed_at = opened.record.signed_at
    if signed_at.tzinfo is None:  # the kiosk writes UTC
        signed_at = signed_at.replace(tzinfo=UTC)
    return signed_at, opened.record.signature_id, opened.record.device_id


def as_dict(opened: Opened) -> dict[str, Any]:
    r = opened.record
    return {
        "signature_id": r.signature_id,
        "signed_at": r.signed_at.isoformat(),
        **{name: r.fields.get(name, "") for name in FIELD_NAMES},
        "country_name": english_name(r.fields.get("country", "")) or "",
        "language": r.language,
        "appeal_id": r.appeal_id,
        "appeal_version": r.appeal_version,
        "terms_accepted": r.terms_accepted,
        "terms_sha256": r.terms_sha256,
        "privacy_notice_sha256": r.privacy_notice_sha256,
        "updates_opt_in": r.updates_opt_in,
        "updates_sha256": r.updates_sha256,
        "drawn_signature": r.drawing.to_document() if r.drawing else None,
        "device_id": r.device_id,
        "event": opened.event,
        "batch_id": opened.batch_id,
    }


def neutralise(value: Any) -> str:
    """A cell as text, defused if a spreadsheet would evaluate it."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    # Spreadsheets skip leading spaces before they look for a formula: " =1+1" runs too.
    return "'" + text if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _table(rows: list[Opened]) -> Iterator[list[str]]:
    """The header and one row of text per signature, as CSV and XLSX have them."""
    yield list(COLUMNS)
    for opened in rows:
        doc = as_dict(opened)
        doc["drawn_signature"] = "yes" if doc["drawn_signature"] else "no"
        yield [_as_text(doc[c]) for c in COLUMNS]


def write_csv(rows: list[Opened], out: TextIO) -> None:
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n")  # RFC 4180
    for index, row in enumerate(_table(rows)):
        writer.writerow(row if index == 0 else [neutralise(cell) for cell in row])


def write_xlsx(rows: list[Opened], out: BinaryIO) -> None:
    """One sheet of text cells: nothing in it is a number, a date or a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("signatures")
    for row in _table(rows):
        cells = []
        for text in row:
            # XML cannot hold C0 controls; the kiosk's form refuses them, so none is expected.
            cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", text))
            cell.data_type = "s"  # a string, even when it starts with "=": never a formula
            cell.number_format = "@"  # and text when someone edits it
            cells.append(cell)
        sheet.append(cells)
    book.save(out)


def write_json(rows: list[Opened], result: ExportResult, out: TextIO) -> None:
    doc = {
        "format": "kiosk-export/1",
        "duplicates_removed": result.duplicates_removed,
        "unreadable": result.unreadable,
        "unopened": [
            {
                "device_id": u.device_id,
                "signature_id": u.signature_id,
                "batch_id": u.batch_id,
                "key": u.key,
                "reason": u.reason,
            }
            for u in result.unopened
        ],
        "signatures": [as_dict(o) for o in rows],
    }
    json.dump(doc, out, ensure_ascii=False, indent=1)
    out.write("\n")


def export(
    engine: Engine,
    key: CampaignPrivateKey | Keyring,
    fmt: str,
    out: TextIO,
    progress: Progress | None = None,
) -> ExportResult:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    rows, result = open_all(engine, key, progress)
    if fmt == "csv":
        write_csv(rows, out)
    else:
        write_json(rows, result, out)
    return result


def export_xlsx(
    engine: Engine,
    key: CampaignPrivateKey | Keyring,
    out: BinaryIO,
    progress: Progress | None = None,
) -> ExportResult:
    """The same signatures as `export`, as a spreadsheet of text cells."""
    rows, result = open_all(engine, key, progress)
    write_xlsx(rows, out)
    return result
