"""Honouring an erasure request, on the coordinator's machine: `kiosk central erase`.

The records are found after decryption (by canonical e-mail address) or by id; their ciphertext
is deleted from the server by record id (kiosk.central.deletion: the server never learns the
address), and the ledger (kiosk.central.ledger) keeps the address's keyed hash and the ids, so
every later export leaves them out, and a later import of the same records is dropped. The
ledger is written before the server is touched: if the deletion fails half-way, the export
already leaves the records out, and running the command again finishes it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.central.deletion import ERASED, ERASED_BY_ID, RecordKey, delete_records
from kiosk.central.errors import Malformed, NotFound, words
from kiosk.central.export import Progress, Unopened, each_opened
from kiosk.central.keyring import Keyring
from kiosk.central.ledger import Ledger
from kiosk.central.models import DeletedRecord, Device, StoredRecord
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.errors import UsageError
from kiosk.petition.email_rules import canonical_email


@dataclass(frozen=True)
class Found:
    device_id: str
    record_id: str
    how: str  # "e-mail" or "id"


@dataclass(frozen=True)
class Search:
    found: list[Found]
    unreadable: int  # stored records that did not open, so could not be checked by address


def requested_address(address: str) -> str:
    """An address as an erasure request gives it, in the form a kiosk's form stores addresses
    (kiosk.petition.form: NFC, trimmed, email-validator's normal form, so a domain written in
    IDNA (xn--) is the Unicode one the kiosk kept). An address no kiosk could have stored (a
    name in brackets, a trailing dot, two @) is refused rather than filed as a keyed hash that
    never matches: the coordinator would believe the request honoured."""
    from email_validator import EmailNotValidError, validate_email

    text = unicodedata.normalize("NFC", address).strip()
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise UsageError(
            words(
                "an address given to erase is not an e-mail address ({why}); give the bare "
                "address, name@domain, without a name or angle brackets",
                why=str(exc),
            )
        ) from None


def parse_record_ref(text: str) -> tuple[str | None, str]:
    """A signature_id, or device_id:signature_id, as the export's columns name them (record
    ids are unique per device only)."""
    device, colon, record = text.strip().rpartition(":")
    if not record:
        raise UsageError(
            words(
                "{typed} is not a record id: give a signature_id, or device_id:signature_id, "
                "as the export's columns show them",
                typed=repr(text),
            )
        )
    return (device if colon else None), record


def find(
    engine: Engine,
    key: CampaignPrivateKey | Keyring,
    addresses: list[str],
    record_refs: list[str],
    progress: Progress | None = None,
    sweep: Ledger | None = None,
) -> Search:
    """The stored records of these addresses (after decryption) and of these ids; with
    `sweep`, also those the ledger holds already (stored since: a stick found later)."""
    wanted = {canonical_email(requested_address(a)) for a in addresses}
    refs = [parse_record_ref(r) for r in record_refs]
    found = {(f.device_id, f.record_id): f for f in _stored(engine, refs)}
    unreadable = 0
    if wanted or sweep is not None:
        for opened in each_opened(engine, key, progress):
            if isinstance(opened, Unopened):
                unreadable += 1
                continue
            r = opened.record
            email = r.fields.get("email", "").strip()
            if email and canonical_email(email) in wanted:
                how = "e-mail"
            elif sweep is not None and sweep.holds(r.device_id, r.signature_id, email):
                how = "the ledger"
            else:
                continue
            found.setdefault((r.device_id, r.signature_id), Found(r.device_id, r.signature_id, how))
    return Search(sorted(found.values(), key=lambda f: (f.device_id, f.record_id)), unreadable)


def stored_refs(engine: Engine, record_refs: list[str]) -> list[Found]:
    """The stored records these ids (`ID` or `DEVICE:ID`) name, checked as `find` checks them:
    before any key is opened, so a mistyped id costs no passphrase."""
    return _stored(engine, [parse_record_ref(r) for r in record_refs])


def _stored(engine: Engine, refs: list[tuple[str | None, str]]) -> list[Found]:
    """The stored records these ids name (an id without its device: on any device). NotFound
    for an id without its device that nothing stored has: its kiosk may not have synced yet,
    and without the device nothing could keep a later upload or import of it out."""
    found: list[Found] = []
    with Session(engine) as s:
        for device, record in refs:
            query = select(StoredRecord.device_id).where(StoredRecord.id == record)
            if device is not None:
                query = query.where(StoredRecord.device_id == device)
            devices = list(s.scalars(query.order_by(StoredRecord.device_id)))
            if device is None and not devices:
                raise NotFound(
                    words(
                        "no stored signature has id {record}: check it, or give "
                        "device_id:signature_id to keep a later upload of it out",
                        record=record,
                    )
                )
            found.extend(Found(d, record, "id") for d in devices)
    return found


def _to_delete(record_refs: list[str], found: list[Found]) -> set[RecordKey]:
    """The records found, and every DEVICE:ID given: an id not (yet) stored here is kept too,
    so a later upload or import of it is dropped."""
    keys = {(f.device_id, f.record_id) for f in found}
    for device, record in map(parse_record_ref, record_refs):
        if device is not None:
            keys.add((device, record))
    return keys


MAX_IDS = 100  # record ids one erasure by id on the server takes


@dataclass(frozen=True)
class ByIdPlan:
    """What an erasure by record id on the server (no key, no address) would do."""

    refs: tuple[str, ...]  # as given, one per id
    found: list[Found]  # stored records it deletes
    not_stored: list[RecordKey]  # DEVICE:ID not stored: the id is kept, a later upload dropped
    deleted_before: list[RecordKey]  # DEVICE:ID deleted already: nothing more to do


def plan_by_id(engine: Engine, text: str) -> ByIdPlan:
    """The erasure of the record ids in `text` (ID or DEVICE:ID, separated by spaces, commas or
    lines), worked out on the server from ids alone. Malformed for no id or too many, NotFound
    for an ID stored nowhere or a device not enrolled."""
    refs = tuple(dict.fromkeys(text.replace(",", " ").split()))
    if not refs:
        raise Malformed(
            words(
                "give at least one record id (a signature_id, or device_id:signature_id, as "
                "the export's columns show them)"
            )
        )
    if len(refs) > MAX_IDS:
        raise Malformed(
            words("at most {limit} record ids at once, not {count}", limit=MAX_IDS, count=len(refs))
        )
    parsed = [parse_record_ref(r) for r in refs]
    found = _stored(engine, parsed)
    not_stored: list[RecordKey] = []
    deleted_before: list[RecordKey] = []
    with Session(engine) as s:
        for device, record in parsed:
            if device is None:  # stored: _stored refused one that is not
                continue
            if s.get(Device, device) is None:
                raise NotFound(
                    words(
                        "no device {device} is enrolled (in {device}:{record})",
                        device=device,
                        record=record,
                    )
                )
            if (device, record) in {(f.device_id, f.record_id) for f in found}:
                continue
            if s.get(DeletedRecord, (device, record)) is not None:
                deleted_before.append((device, record))
            else:
                not_stored.append((device, record))
    return ByIdPlan(refs, found, not_stored, deleted_before)


def erase_by_id(engine: Engine, plan: ByIdPlan) -> int:
    """Delete the plan's records from the server, keeping their ids (kiosk.central.deletion),
    as `erase` does for records given by id; no ledger is written (it is on the coordinator's
    machine, and there is no address). Returns the records deleted."""
    keys = _to_delete(list(plan.refs), plan.found)
    return delete_records(engine, keys, ERASED_BY_ID)


def erase(
    engine: Engine,
    ledger: Ledger,
    addresses: list[str],
    record_refs: list[str],
    found: list[Found],
) -> int:
    """Into the ledger (saved first), then off the server. Returns the records deleted."""
    keys = _to_delete(record_refs, found)
    ledger.tags.update(ledger.tag(requested_address(a)) for a in addresses)
    ledger.records.update(keys)
    ledger.save()
    return delete_records(engine, keys, ERASED)
