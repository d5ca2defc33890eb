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

from kiosk.central.deletion import ERASED, RecordKey, delete_records
from kiosk.central.export import Progress, Unopened, each_opened
from kiosk.central.keyring import Keyring
from kiosk.central.ledger import Ledger
from kiosk.central.models import StoredRecord
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
            f"an address given to erase is not an e-mail address ({exc}); give the bare "
            "address, name@domain, without a name or angle brackets"
        ) from None


def parse_record_ref(text: str) -> tuple[str | None, str]:
    """'ID' or 'DEVICE:ID' (record ids are unique per device only)."""
    device, colon, record = text.strip().rpartition(":")
    if not record:
        raise UsageError(f"{text!r} is not a record id; give ID or DEVICE:ID as export shows them")
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
    found: dict[RecordKey, Found] = {}
    if refs:
        with Session(engine) as s:
            for device, record in refs:
                query = select(StoredRecord.device_id).where(StoredRecord.id == record)
                if device is not None:
                    query = query.where(StoredRecord.device_id == device)
                devices = list(s.scalars(query))
                if device is None and not devices:
                    # Nothing stored has it (its kiosk may not have synced yet): nothing would
                    # go into the ledger, and the later upload would be stored and exported.
                    raise UsageError(
                        f"no stored signature has the id {record}; give it as DEVICE:ID (the "
                        "kiosk's device id, as status shows it) so that the ledger keeps it and "
                        "a later upload or import of it is dropped"
                    )
                for device_id in devices:
                    found[(device_id, record)] = Found(device_id, record, "id")
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


def erase(
    engine: Engine,
    ledger: Ledger,
    addresses: list[str],
    record_refs: list[str],
    found: list[Found],
) -> int:
    """Into the ledger (saved first), then off the server. Returns the records deleted."""
    keys = {(f.device_id, f.record_id) for f in found}
    for device, record in map(parse_record_ref, record_refs):
        if device is not None:  # an id not (yet) stored here: a later import drops it too
            keys.add((device, record))
    ledger.tags.update(ledger.tag(requested_address(a)) for a in addresses)
    ledger.records.update(keys)
    ledger.save()
    return delete_records(engine, keys, ERASED)
