"""The coordinator's export: open every stored record, check its binding, de-duplicate, write.

Runs on the coordinator's machine with the campaign private key. Plaintext exists only in
memory and in the output the coordinator asked for: nothing is logged, no temp file is made.
De-duplication is by canonical e-mail address (trimmed, casefolded, and the dots and +tags that
the address's own provider ignores taken out: kiosk.petition.email_rules): the earliest
signature is kept and the later ones are counted. Records without an e-mail address are all
kept, since nothing safe identifies their signer. A record is known by its device and its id
(ids are unique per device only, docs/sync-protocol.md): two kiosks' records that share an id
are two signatures, each bound to its own device by its seal.

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

`open_all(workers=N)` spreads the work over N forked processes, each reading its own share of
the records (device_seq modulo the shares): a worker opens, reads, judges (the exclusions,
kiosk.central.exclusions: erased, invalid, test) and shapes each record (`open_shaped`: for
CSV its finished line, `csv_line`), and the parent only de-duplicates, orders and reports
progress as the chunks come (bench/export.py, docs/performance.md). The writers here, in
kiosk/central/crm.py and kiosk/central/deliver.py take the `Opened` rows it returns, so every
format leaves out the same records.

A drawn signature is exported whole in JSON, as its strokes of [x, y, t] or [x, y, t, pressure]
points (x and y from 0 to 1 of the pad, t in ms) and the pad's width over its height (aspect).
CSV says only whether there is one ("yes" or "no"): a drawing's path runs to tens of thousands
of characters, past the 32,767 a spreadsheet cell holds, so a CSV carrying it would be cut short.
"""

from __future__ import annotations

import gc
import itertools
import json
import logging
import multiprocessing
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, Any, BinaryIO, Generic, NamedTuple, TextIO, TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kiosk.central.db import reading_engine
from kiosk.central.keyring import Keyring
from kiosk.central.models import Device, StoredBatch, StoredRecord
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.errors import SealBroken
from kiosk.petition.appeal import FIELD_NAMES
from kiosk.petition.countries import english_name
from kiosk.petition.email_rules import canonical_email
from kiosk.petition.record import SignatureRecord, open_document, read_document

if TYPE_CHECKING:
    from kiosk.central.exclusions import Exclusions

log = logging.getLogger("kiosk.central")

FORMATS = ("csv", "json")  # text; XLSX is binary: export_xlsx
_BEFORE_COUNTRY_NAME = FIELD_NAMES[: FIELD_NAMES.index("country") + 1]
_AFTER_COUNTRY_NAME = FIELD_NAMES[FIELD_NAMES.index("country") + 1 :]
COLUMNS = (
    "signature_id",
    "signed_at",
    *_BEFORE_COUNTRY_NAME,
    "country_name",
    *_AFTER_COUNTRY_NAME,
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
    "review",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_FIRST = frozenset(FORMULA_STARTS)
Progress = Callable[[int, int], None]


class Opened(NamedTuple):
    """A signature the export opened, with what the server knows of its batch. A named tuple:
    made once per record, at a third of a frozen dataclass's cost."""

    record: SignatureRecord
    event: str
    batch_id: str
    review: str = ""  # the coordinator's mark (kiosk.central.exclusions), if any


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
    erased: int = 0  # left out by the erasure ledger (kiosk.central.ledger)
    invalid: int = 0  # marked invalid in review, left out
    test: int = 0  # marked test, or from a kiosk or event in test mode, left out


_QUERY = (
    select(
        StoredRecord.id,
        StoredRecord.sealed,
        StoredRecord.key_fingerprint,
        StoredBatch.device_id,
        StoredBatch.appeal_id,
        # the event the batch names (signed by the kiosk), else the one it was enrolled for
        func.coalesce(StoredBatch.event, Device.event),
        StoredBatch.id,
    )
    .join(
        StoredBatch,
        (StoredRecord.device_id == StoredBatch.device_id)
        & (StoredRecord.batch_id == StoredBatch.id),
    )
    .join(Device, StoredBatch.device_id == Device.id)
)
CHUNK = 2000  # records a worker opens and hands back at a time
_UNREADABLE = (SealBroken, ValueError, KeyError, TypeError, AttributeError)
DOES_NOT_OPEN = "does not open"

T = TypeVar("T")
# Signing order: microseconds since the Unix epoch (UTC), then the ids. An int, not the
# datetime: a worker's kept records cross to the parent pickled, and an int pickles and
# compares for a fraction of an aware datetime's cost (docs/performance.md).
Order = tuple[int, str, str]
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)
# What the export keeps of one record: its canonical e-mail address ("" for none), its signing
# order and what the format makes of it (the `Opened` itself, or its CSV line).
_Kept = tuple[str, Order, T]


@dataclass
class _Chunk(Generic[T]):
    """What a worker hands back of CHUNK stored rows: the records kept, shaped; those that did
    not open, with why; and how many the exclusions left out, by why."""

    kept: list[_Kept[T]] = field(default_factory=list)
    failed: list[Unopened] = field(default_factory=list)
    left_out: dict[str, int] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.kept) + len(self.failed) + sum(self.left_out.values())


@dataclass(frozen=True)
class _Job(Generic[T]):
    """Everything a worker needs: a forked worker inherits it in memory (the unlocked keys
    are never pickled or written)."""

    url: str
    keyring: Keyring
    exclusions: Exclusions | None
    shape: Callable[[Opened], T]


@dataclass(frozen=True)
class _Slice:
    """Every record whose device_seq is `part` modulo `parts`: one worker's share."""

    part: int
    parts: int


def _take(rows: Iterable[Any], job: _Job[T]) -> _Chunk[T]:
    """The stored rows opened, each with the keyring's key it was sealed to, read, judged by
    the exclusions and shaped: everything the export does to one record but de-duplicate
    and order, which need every record. In two passes, all the opening first: the HPKE opens
    push the interpreter's own code and data out of the CPU's caches, and reading a record
    right after each open took a quarter longer than reading them all after (measured,
    docs/performance.md)."""
    keyring, exclusions, shape = job.keyring, job.exclusions, job.shape
    chunk = _Chunk[T]()
    documents = []
    for record_id, sealed, fingerprint, device_id, appeal_id, event, batch_id in rows:
        private = keyring.key_for(fingerprint)
        if private is None:
            why = keyring.why_not(fingerprint)
            chunk.failed.append(
                Unopened(device_id, record_id, batch_id, keyring.describe(fingerprint), why)
            )
            continue
        try:
            document = open_document(
                sealed, private, appeal_id=appeal_id, signature_id=record_id, device_id=device_id
            )
        except _UNREADABLE:
            chunk.failed.append(_not_open(keyring, fingerprint, device_id, record_id, batch_id))
            continue
        documents.append((document, record_id, device_id, appeal_id, event, batch_id, fingerprint))
    for document, record_id, device_id, appeal_id, event, batch_id, fingerprint in documents:
        try:
            record = read_document(
                document, appeal_id=appeal_id, signature_id=record_id, device_id=device_id
            )
        except _UNREADABLE:
            chunk.failed.append(_not_open(keyring, fingerprint, device_id, record_id, batch_id))
            continue
        opened = Opened(record, event, batch_id)
        if exclusions is not None:
            why_out, opened = exclusions.judge(opened)
            if why_out is not None:
                chunk.left_out[why_out] = chunk.left_out.get(why_out, 0) + 1
                continue
        email = record.fields.get("email", "").strip()
        chunk.kept.append((canonical_email(email) if email else "", _order(record), shape(opened)))
    return chunk


def _not_open(
    keyring: Keyring, fingerprint: str, device_id: str, record_id: str, batch_id: str
) -> Unopened:
    return Unopened(device_id, record_id, batch_id, keyring.describe(fingerprint), DOES_NOT_OPEN)


def _read_share(job: _Job[T], share: _Slice | None) -> Iterator[_Chunk[T]]:
    """The chunks of one share (or of all), CHUNK rows at a time straight off the connection,
    on an engine of its own that only reads: on SQLite an export of a running server's
    database must not hold the write lock (the server's writes would wait) for the seconds it
    takes, nor make its own workers queue for it."""
    query = _QUERY
    if share is not None and share.parts > 1:
        query = query.where(StoredRecord.device_seq % share.parts == share.part)
    engine = reading_engine(job.url)
    try:
        with engine.connect() as conn:
            result = conn.execution_options(yield_per=CHUNK).execute(query)
            for rows in result.partitions():
                yield _take(rows, job)
    finally:
        engine.dispose()


# The job a worker process inherits (fork).
_job: _Job[Any] | None = None


def _worker(share: _Slice) -> list[_Chunk[Any]]:
    assert _job is not None
    return list(_read_share(_job, share))  # none of the parent's connections is used


def _chunks(job: _Job[T], workers: int) -> Iterator[_Chunk[T]]:
    if workers <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        yield from _read_share(job, None)
        return
    global _job
    _job = job
    parts = workers * 4  # several shares each, so a slow one does not hold the rest up
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(workers) as pool:
            for chunks in pool.imap_unordered(_worker, [_Slice(i, parts) for i in range(parts)]):
                yield from chunks
    finally:
        _job = None


def _opened_chunks(
    engine: Engine,
    key: CampaignPrivateKey | Keyring,
    shape: Callable[[Opened], T],
    progress: Progress | None,
    exclusions: Exclusions | None,
    workers: int,
) -> Iterator[_Chunk[T]]:
    """Every stored record's chunk, in storage order with one worker, as the shares arrive
    with more; each record that does not open is logged (by its ids only) and listed."""
    keyring = key if isinstance(key, Keyring) else Keyring.of(key)
    with Session(engine) as s:
        total = s.scalar(select(func.count()).select_from(StoredRecord)) or 0
    workers = min(workers, max(1, total // CHUNK))  # a few thousand records: one process
    if exclusions is not None and exclusions.empty:
        exclusions = None  # nothing to judge: a call a record saved
    job = _Job(engine.url.render_as_string(hide_password=False), keyring, exclusions, shape)
    done = 0
    for chunk in _chunks(job, workers):
        for failure in chunk.failed:
            if failure.reason == DOES_NOT_OPEN:
                log.warning(
                    "record %s of batch %s from device %s does not open or check out",
                    failure.signature_id,
                    failure.batch_id,
                    failure.device_id,
                )
        yield chunk
        if progress is not None:
            done += chunk.size
            progress(done, total)


def _as_opened(opened: Opened) -> Opened:
    return opened


def each_opened(
    engine: Engine,
    key: CampaignPrivateKey | Keyring,
    progress: Progress | None = None,
    *,
    workers: int = 1,
) -> Iterator[Opened | Unopened]:
    """Every stored record, opened with the key of the keyring it was sealed to, or an
    `Unopened` saying why not; in storage order with one worker, as the shares arrive with
    more. With `workers` > 1, that many processes each read and open their own share of the
    records (by device_seq modulo the shares)."""
    for chunk in _opened_chunks(engine, key, _as_opened, progress, None, workers):
        for _, _, opened in chunk.kept:
            yield opened
        yield from chunk.failed


def open_all(
    engine: Engine,
    key: CampaignPrivateKey | Keyring,
    progress: Progress | None = None,
    exclusions: Exclusions | None = None,
    *,
    workers: int = 1,
) -> tuple[list[Opened], ExportResult]:
    """Every readable signature, de-duplicated and in signing order, with the counts. Each
    record is opened with the key of the keyring it was sealed to; the rest are listed with
    the reason (`ExportResult.unopened`). With `exclusions`, what the erasure ledger and the
    review leave out is counted, not returned, so every format and the delivery pack leave
    out the same records. `workers`: `each_opened`."""
    return open_shaped(engine, key, _as_opened, progress, exclusions, workers=workers)


def open_shaped(
    engine: Engine,
    key: CampaignPrivateKey | Keyring,
    shape: Callable[[Opened], T],
    progress: Progress | None = None,
    exclusions: Exclusions | None = None,
    *,
    workers: int = 1,
) -> tuple[list[T], ExportResult]:
    """`open_all`, with each kept record as `shape` makes it, made where it was opened: in
    the worker processes, so that the parent only de-duplicates and orders (a CSV line
    crosses between processes for a fraction of what a parsed record costs)."""
    with _no_cycle_collection():
        return _kept(_opened_chunks(engine, key, shape, progress, exclusions, workers))


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Records hold no reference cycles, but each is a few dicts and objects, and the cycle
    collector would walk the whole growing heap again and again as they pile up (about a
    tenth of the export's time at 10,000, more at 100,000): off while they are made."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _kept(chunks: Iterable[_Chunk[T]]) -> tuple[list[T], ExportResult]:
    """The kept records de-duplicated by canonical e-mail address (the earliest kept; every
    record without one kept) and in signing order, with the counts."""
    by_email: dict[str, tuple[Order, T]] = {}
    without_email: list[tuple[Order, T]] = []
    unopened: list[Unopened] = []
    duplicates = 0
    left_out = {"erased": 0, "invalid": 0, "test": 0}
    for chunk in chunks:
        unopened.extend(chunk.failed)
        for why, n in chunk.left_out.items():
            left_out[why] += n
        for email, order, item in chunk.kept:
            if not email:
                without_email.append((order, item))
                continue
            kept = by_email.get(email)
            if kept is not None:
                duplicates += 1
                if order >= kept[0]:
                    continue
            by_email[email] = (order, item)
    ordered = sorted([*by_email.values(), *without_email], key=itemgetter(0))
    rows = [item for _, item in ordered]
    result = ExportResult(len(rows), duplicates, len(unopened), tuple(unopened), **left_out)
    return rows, result


def _order(record: SignatureRecord) -> Order:
    """Signing order; a record is named by its id and its device (ids are per device)."""
    signed_at = record.signed_at
    if signed_at.tzinfo is None:  # the kiosk writes UTC
        signed_at = signed_at.replace(tzinfo=UTC)
    return (signed_at - _EPOCH) // _MICROSECOND, record.signature_id, record.device_id


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
        "review": opened.review,
    }


def neutralise(value: Any) -> str:
    """A cell as text, defused if a spreadsheet would evaluate it."""
    text = value if isinstance(value, str) else _as_text(value)
    return _defused(text)


def _defused(text: str) -> str:
    # Spreadsheets skip leading spaces before they look for a formula: " =1+1" runs too.
    # The first character decides; only a cell starting with a space needs the strip.
    if not text:
        return text
    first = text[0] if text[0] != " " else text.lstrip(" ")[:1]
    return "'" + text if first in _FORMULA_FIRST else text


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _row(opened: Opened) -> list[str]:
    """One signature as the CSV and XLSX row of text under COLUMNS (`as_dict`, as text, with
    "yes" or "no" for a drawn signature), made directly: the export makes one per record."""
    r = opened.record
    fields = r.fields
    row = list(map(fields.get, _BEFORE_COUNTRY_NAME, _BLANKS))
    row.append(english_name(fields.get("country", "")) or "")
    row.extend(map(fields.get, _AFTER_COUNTRY_NAME, _BLANKS))
    return [
        r.signature_id,
        r.signed_at.isoformat(),
        *row,
        r.language,
        r.appeal_id,
        str(r.appeal_version),
        "true" if r.terms_accepted else "false",
        r.terms_sha256,
        r.privacy_notice_sha256,
        "true" if r.updates_opt_in else "false",
        r.updates_sha256 or "",
        "yes" if r.drawing else "no",
        r.device_id,
        opened.event,
        opened.batch_id,
        opened.review,
    ]


_BLANKS = itertools.repeat("")  # the text of a field the record does not have


def _table(rows: list[Opened]) -> Iterator[list[str]]:
    """The header and one row of text per signature, as CSV and XLSX have them."""
    yield list(COLUMNS)
    for opened in rows:
        yield _row(opened)


# Cells that cannot start a formula, so the CSV skips checking them: ids the server validated
# as UUIDs and open_record matched to the sealed record's (signature, device, batch, appeal),
# a time written by datetime.isoformat, words the export writes itself. Every other cell, the
# supporter's fields and anything else read from inside a seal, is checked.
_SAFE_COLUMNS = frozenset(
    {
        "signature_id",
        "signed_at",
        "country_name",
        "appeal_id",
        "terms_accepted",
        "updates_opt_in",
        "drawn_signature",
        "device_id",
        "batch_id",
    }
)
_CHECKED = tuple(i for i, c in enumerate(COLUMNS) if c not in _SAFE_COLUMNS)


_HEADER = ",".join(COLUMNS) + "\r\n"
_COMMAS = len(COLUMNS) - 1
# A cell after the first (an id, never defused) that starts with a space or a formula's first
# character: the line takes the careful path. (Timed: a scan for a comma and the character
# after it is twenty times faster than one for a cell start that alternates with "^".)
_RISKY_START = re.compile(r",[ =+\-@\t]")


def csv_line(opened: Opened) -> str:
    """One signature as a CSV line with its CRLF (RFC 4180, what csv.writer's excel dialect
    writes): every cell that can hold someone's text defused, and a cell quoted where it
    holds a comma, a quote or a line break. Most lines need neither, which one join, one
    count and a few scans tell; they are written as joined (a third of csv.writer's time, a
    test compares the two on any text)."""
    row = _row(opened)
    line = ",".join(row)
    if (
        line.count(",") == _COMMAS  # no cell holds a comma
        and '"' not in line
        and "\r" not in line
        and "\n" not in line
        and _RISKY_START.search(line) is None
    ):
        return line + "\r\n"
    for i in _CHECKED:
        row[i] = _defused(row[i])
    return ",".join([_quoted(cell) for cell in row]) + "\r\n"


def _quoted(cell: str) -> str:
    if '"' in cell or "," in cell or "\n" in cell or "\r" in cell:
        return '"' + cell.replace('"', '""') + '"'
    return cell


def write_csv(rows: list[Opened], out: TextIO) -> None:
    write_csv_lines([csv_line(opened) for opened in rows], out)


def write_csv_lines(lines: list[str], out: TextIO) -> None:
    """The header, then `lines` (each a `csv_line`)."""
    out.write(_HEADER)
    out.writelines(lines)


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
        "erased": result.erased,
        "invalid_left_out": result.invalid,
        "test_left_out": result.test,
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


def export_csv(
    engine: Engine,
    key: CampaignPrivateKey | Keyring,
    out: TextIO,
    progress: Progress | None = None,
    exclusions: Exclusions | None = None,
    *,
    workers: int = 1,
) -> ExportResult:
    """`export` as CSV, each line made where its record was opened (`open_shaped`)."""
    lines, result = open_shaped(engine, key, csv_line, progress, exclusions, workers=workers)
    write_csv_lines(lines, out)
    return result


def export(
    engine: Engine,
    key: CampaignPrivateKey | Keyring,
    fmt: str,
    out: TextIO,
    progress: Progress | None = None,
    exclusions: Exclusions | None = None,
) -> ExportResult:
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    if fmt == "csv":
        return export_csv(engine, key, out, progress, exclusions)
    rows, result = open_all(engine, key, progress, exclusions)
    write_json(rows, result, out)
    return result


def export_xlsx(
    engine: Engine,
    key: CampaignPrivateKey | Keyring,
    out: BinaryIO,
    progress: Progress | None = None,
    exclusions: Exclusions | None = None,
) -> ExportResult:
    """The same signatures as `export`, as a spreadsheet of text cells."""
    rows, result = open_all(engine, key, progress, exclusions)
    write_xlsx(rows, out)
    return result
