"""The signature record: the document that is sealed, and the only place that knows its format.

The kiosk builds one per signature; the coordinator's export opens and reads it. Everything
personal is inside; the stored row outside it carries ids and the hour only.

What is sealed is the record's JSON padded to one of a few sizes (`PADDED_SIZES`), so that a
sealed record's length says nothing about the person (format 2):

    4-byte big-endian length n | n bytes of record JSON | zero bytes up to the padded size

Every record without a drawing takes the smallest size, whatever the names, script, e-mail or
comment (the largest such record fits in it, and a test builds that record); a drawing moves a
record up to the next size that holds it. Opening checks the size, the length and that every
padding byte is zero. Format 1 records (plain JSON, unpadded, from kiosks before padding) still
open: their plaintext starts with "{", a padded one with a zero byte.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.digest import sha256_hex
from kiosk.crypto.seal import open_sealed, record_binding, seal
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import Submission
from kiosk.petition.strokes import Drawing, quantised

RECORD_FORMAT = 2
READABLE_FORMATS = (1, 2)
# The sizes a record's plaintext is padded to: 7 KiB holds the largest record without a drawing
# (every field at its limit in 4-byte characters: 6.7 kB); each size after it doubles, up to
# one that holds a drawing at the pad's limits (6,000 points with pressure: 180 kB).
PADDED_SIZES = tuple(7 * 1024 * 2**k for k in range(6))  # 7, 14, 28, 56, 112, 224 KiB
_LENGTH = struct.Struct(">I")
_ZEROS = bytes(PADDED_SIZES[-1])


@dataclass(frozen=True)
class SignatureRecord:
    signature_id: str
    device_id: str
    appeal_id: str
    appeal_version: int
    language: str
    signed_at: datetime  # exact, UTC; exists only inside the seal
    fields: dict[str, str]
    terms_accepted: bool
    terms_sha256: str
    privacy_notice_sha256: str
    updates_opt_in: bool
    updates_sha256: str | None  # the opt-in text shown, whether or not it was ticked
    # The signature drawn on the pad, if any. Optional in the document: records from before
    # the pad, and those without a drawing, have no "drawn_signature" key.
    drawing: Drawing | None = None

    @classmethod
    def from_submission(
        cls,
        submission: Submission,
        *,
        appeal: Appeal,
        signature_id: str,
        device_id: str,
        signed_at: datetime,
    ) -> SignatureRecord:
        # The texts the supporter read: those of the language the form was shown in.
        shown = appeal.in_language(submission.language) if submission.language else appeal
        consent = shown.consent
        return cls(
            signature_id=signature_id,
            device_id=device_id,
            appeal_id=appeal.id,
            appeal_version=appeal.version,
            language=shown.language,
            signed_at=signed_at,
            fields=dict(submission.fields),
            terms_accepted=submission.terms_accepted,
            terms_sha256=sha256_hex(consent.terms),
            privacy_notice_sha256=sha256_hex(consent.privacy_notice),
            updates_opt_in=submission.updates_opt_in,
            updates_sha256=sha256_hex(consent.updates) if consent.updates else None,
            # As it reads back from the document: coordinates to the precision kept.
            drawing=quantised(submission.drawing) if submission.drawing else None,
        )

    @property
    def binding(self) -> bytes:
        return record_binding(self.appeal_id, self.signature_id, self.device_id)

    def to_bytes(self) -> bytes:
        """The plaintext that is sealed: the document, padded (see the module's docstring)."""
        return pad(self.document_bytes())

    def document_bytes(self) -> bytes:
        """The record's JSON document, unpadded."""
        doc: dict[str, Any] = {
            "format": RECORD_FORMAT,
            "signature_id": self.signature_id,
            "device_id": self.device_id,
            "appeal": {"id": self.appeal_id, "version": self.appeal_version},
            "language": self.language,
            "signed_at": self.signed_at.isoformat(timespec="milliseconds"),
            "fields": self.fields,
            "consent": {
                "terms": {"accepted": self.terms_accepted, "text_sha256": self.terms_sha256},
                "privacy_notice": {"text_sha256": self.privacy_notice_sha256},
                "updates": {"opted_in": self.updates_opt_in, "text_sha256": self.updates_sha256},
            },
        }
        if self.drawing is not None:
            doc["drawn_signature"] = self.drawing.to_document()
        return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode(
            "utf-8"
        )

    @classmethod
    def from_bytes(cls, data: bytes) -> SignatureRecord:
        """A record from an opened seal's plaintext: padded (format 2) or plain (format 1)."""
        return cls.from_document(unpad(data))

    @classmethod
    def from_document(cls, document: bytes) -> SignatureRecord:
        """A record from its JSON document (`document_bytes`, or the inside of `unpad`). Raises
        ValueError for anything a kiosk does not write: not one JSON object in UTF-8, an
        unknown format, or a value of the wrong type (a kiosk that seals a name as a number
        must not crash the export that reads it). The export reads every record through here,
        so it is written for speed (docs/performance.md)."""
        doc = orjson.loads(document)  # strict UTF-8 and RFC 8259: trailing data is refused
        if type(doc) is not dict:
            raise ValueError("a record is one JSON object")
        if doc.get("format") not in READABLE_FORMATS:
            found = doc.get("format")
            raise ValueError(f"record format {found!r} is not one of {READABLE_FORMATS}")
        try:
            appeal, consent, fields = doc["appeal"], doc["consent"], doc["fields"]
            terms, updates = consent["terms"], consent["updates"]
            values = {
                "signature_id": doc["signature_id"],
                "device_id": doc["device_id"],
                "appeal_id": appeal["id"],
                "appeal_version": appeal["version"],
                "language": doc["language"],
                "signed_at": doc["signed_at"],
                "fields": fields,  # a new dict, this record's own
                "terms_accepted": terms["accepted"],
                "terms_sha256": terms["text_sha256"],
                "privacy_notice_sha256": consent["privacy_notice"]["text_sha256"],
                "updates_opt_in": updates["opted_in"],
                "updates_sha256": updates["text_sha256"],
                "drawing": None,
            }
        except (KeyError, TypeError):
            raise ValueError("a record lacks a part every kiosk writes") from None
        _check_types(values)
        values["signed_at"] = datetime.fromisoformat(values["signed_at"])
        drawn = doc.get("drawn_signature")
        if drawn is not None:
            values["drawing"] = Drawing.from_document(drawn)
        # Made as pickle makes a record: a frozen dataclass's __init__ sets each of its 13
        # fields through object.__setattr__, a quarter of reading a record. The values are
        # all checked above, and a test holds the keys to the class's fields.
        record = object.__new__(cls)
        record.__dict__.update(values)
        return record

    def seal(self, key: CampaignPublicKey) -> bytes:
        return seal(self.to_bytes(), key, self.binding)


_TEXTS = (
    "signature_id",
    "device_id",
    "appeal_id",
    "language",
    "signed_at",
    "terms_sha256",
    "privacy_notice_sha256",
)


def _check_types(values: dict[str, Any]) -> None:
    """Raises ValueError unless each value is of the type a kiosk writes. (A join takes only
    texts: one join checks many values ten times faster than a loop of isinstance.)"""
    fields, hashed = values["fields"], values["updates_sha256"]
    try:
        if type(fields) is not dict:
            raise TypeError
        "".join(fields)
        "".join(fields.values())
        "".join(map(values.__getitem__, _TEXTS))
        if hashed is not None and type(hashed) is not str:
            raise TypeError
    except TypeError:
        raise ValueError("a record holds something other than a text where it has a text") from None
    if (
        type(values["appeal_version"]) is not int
        or type(values["terms_accepted"]) is not bool
        or type(values["updates_opt_in"]) is not bool
    ):
        raise ValueError("a record holds something else where it has a number or true or false")


def sealed_sizes(key: CampaignPublicKey) -> frozenset[int]:
    """Every length a record sealed to `key` can have: a padded size plus the seal's own bytes
    (a constant for a key). What a salvage keeps of a damaged vault (kiosk.vault.salvage)."""
    overhead = len(seal(b"", key, b""))
    return frozenset(size + overhead for size in PADDED_SIZES)


def pad(document: bytes) -> bytes:
    """`document` behind its length, padded with zeros to the smallest size in PADDED_SIZES."""
    needed = _LENGTH.size + len(document)
    size = next((n for n in PADDED_SIZES if n >= needed), None)
    if size is None:  # the form's limits keep every record far below the largest size
        raise ValueError(f"a record of {len(document)} bytes is larger than any padded size")
    return _LENGTH.pack(len(document)) + document + bytes(size - needed)


def unpad(plaintext: bytes) -> bytes:
    """The document inside a padded plaintext; a format 1 plaintext (JSON) is its own document.
    Raises ValueError for a size, length or padding that `pad` does not make."""
    if plaintext[:1] == b"{":
        return plaintext
    if len(plaintext) not in PADDED_SIZES:
        raise ValueError(f"a padded record is never {len(plaintext)} bytes long")
    (length,) = _LENGTH.unpack_from(plaintext)
    end = _LENGTH.size + length
    # endswith compares with memcmp: ten times faster than counting the zeros one by one.
    if end > len(plaintext) or not plaintext.endswith(_ZEROS[: len(plaintext) - end]):
        raise ValueError("the record's padding is not what the kiosk writes")
    return plaintext[_LENGTH.size : end]


def open_document(
    sealed: bytes, key: CampaignPrivateKey, *, appeal_id: str, signature_id: str, device_id: str
) -> bytes:
    """The JSON document of a sealed record stored under these ids (opened and unpadded, not
    yet read); raises SealBroken if it was moved or altered, ValueError for bad padding."""
    return unpad(open_sealed(sealed, key, record_binding(appeal_id, signature_id, device_id)))


def read_document(
    document: bytes, *, appeal_id: str, signature_id: str, device_id: str
) -> SignatureRecord:
    """The record in an opened document, which must carry the ids it was stored under."""
    record = SignatureRecord.from_document(document)
    if (record.appeal_id, record.signature_id, record.device_id) != (
        appeal_id,
        signature_id,
        device_id,
    ):
        raise ValueError("the record's ids differ from the ids it was stored under")
    return record


def open_record(
    sealed: bytes, key: CampaignPrivateKey, *, appeal_id: str, signature_id: str, device_id: str
) -> SignatureRecord:
    """Open a sealed record stored under these ids; raises SealBroken if it was moved or altered."""
    ids = {"appeal_id": appeal_id, "signature_id": signature_id, "device_id": device_id}
    return read_document(open_document(sealed, key, **ids), **ids)
