"""The erasure ledger, on the coordinator's machine next to the campaign private key: what was
erased, so that every later export and every later import (a USB stick found later) leaves it
out. It holds no address: for each erased address its keyed hash (kiosk.crypto.keyed_hash,
under a key derived from the campaign private key) of the canonical form
(kiosk.petition.email_rules), and the ids of records erased by id. Nobody who finds the file
can test an address against it without the private key and its passphrase; the tags are kept
sorted, so their order does not tell which request came first.

The file is written whole or not at all (kiosk.files.atomic), readable by its owner only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.crypto.keyed_hash import LedgerKey
from kiosk.errors import UsageError
from kiosk.files.atomic import write_atomic
from kiosk.petition.email_rules import canonical_email

LEDGER_FILE = "erasure-ledger.json"
FORMAT = "kiosk-erasure-ledger/1"
RecordKey = tuple[str, str]  # (device id, record id)


@dataclass
class Ledger:
    """`key` is None when the key the ledger was made with is destroyed: its record ids still
    apply, its address tags can no longer be checked."""

    path: Path
    key: LedgerKey | None
    tags: set[str] = field(default_factory=set)
    records: set[RecordKey] = field(default_factory=set)
    owner: str = ""  # the fingerprint of the campaign key it is keyed by

    def tag(self, address: str) -> str:
        if self.key is None:
            raise UsageError(
                f"the erasure ledger {self.path} is keyed by campaign key {self.owner}, which "
                "is destroyed: nothing more can be added to it"
            )
        return self.key.tag(canonical_email(address))

    def holds_address(self, address: str) -> bool:
        # An empty ledger costs the export nothing; otherwise one HMAC per record.
        if self.key is None or not self.tags or not address.strip():
            return False
        return self.tag(address) in self.tags

    def holds(self, device_id: str, record_id: str, address: str) -> bool:
        return (device_id, record_id) in self.records or self.holds_address(address)

    def save(self) -> None:
        doc = {
            "format": FORMAT,
            "campaign_key": self.owner,
            "tags": sorted(self.tags),
            "records": sorted([d, r] for d, r in self.records),
        }
        data = (json.dumps(doc, indent=1) + "\n").encode("ascii")
        try:
            write_atomic(self.path, data, mode=0o600)
        except OSError as exc:
            raise UsageError(
                f"cannot write the erasure ledger {self.path} ({exc.strerror or exc}); nothing "
                "was erased. Give a writable place with --ledger FILE."
            ) from None


def ledger_owner(path: Path) -> str | None:
    """The fingerprint of the campaign key the ledger at `path` is keyed by; None: no ledger."""
    return _read(path)[0] if path.exists() else None


def new_ledger(path: Path, key: LedgerKey) -> Ledger:
    return Ledger(path, key, owner=key.fingerprint)


def open_ledger(path: Path, key: LedgerKey | None, owner: str) -> Ledger:
    """The ledger at `path`, keyed by campaign key `owner` (`key` is None: that key is
    destroyed, and only the ledger's record ids apply)."""
    found, tags, records = _read(path)
    if found != owner or (key is not None and key.fingerprint != owner):
        raise UsageError(
            f"the erasure ledger {path} belongs to campaign key {found}, not {owner}; "
            "give this campaign's ledger with --ledger"
        )
    return Ledger(path, key, tags, records, owner)


def _read(path: Path) -> tuple[str, set[str], set[RecordKey]]:
    try:
        text = path.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"cannot read the erasure ledger {path} ({exc}); restore it from the backup of the "
            "campaign key"
        ) from None
    try:
        doc = json.loads(text)
        if doc.get("format") != FORMAT:
            raise ValueError("not an erasure ledger")
        tags = {str(t) for t in doc["tags"]}
        records = {(str(d), str(r)) for d, r in doc["records"]}
        return str(doc["campaign_key"]), tags, records
    except (ValueError, KeyError, TypeError, AttributeError):
        raise UsageError(
            f"{path} is not a readable erasure ledger (damaged?); restore it from the backup of "
            "the campaign key, or the erased signatures would come back"
        ) from None
