"""The signature record: the document that is sealed, and the only place that knows its format.

The kiosk builds one per signature; the coordinator's export opens and reads it. Everything
personal is inside; the stored row outside it carries ids and the hour only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.digest import sha256_hex
from kiosk.crypto.seal import open_sealed, record_binding, seal
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import Submission
from kiosk.petition.strokes import Drawing, quantised

RECORD_FORMAT = 1


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
        return json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_bytes(cls, data: bytes) -> SignatureRecord:
        doc = json.loads(data.decode("utf-8"))
        if doc.get("format") != RECORD_FORMAT:
            raise ValueError(f"record format {doc.get('format')!r} is not {RECORD_FORMAT}")
        consent = doc["consent"]
        drawn = doc.get("drawn_signature")
        return cls(
            signature_id=doc["signature_id"],
            device_id=doc["device_id"],
            appeal_id=doc["appeal"]["id"],
            appeal_version=doc["appeal"]["version"],
            language=doc["language"],
            signed_at=datetime.fromisoformat(doc["signed_at"]),
            fields=dict(doc["fields"]),
            terms_accepted=consent["terms"]["accepted"],
            terms_sha256=consent["terms"]["text_sha256"],
            privacy_notice_sha256=consent["privacy_notice"]["text_sha256"],
            updates_opt_in=consent["updates"]["opted_in"],
            updates_sha256=consent["updates"]["text_sha256"],
            drawing=Drawing.from_document(drawn) if drawn is not None else None,
        )

    def seal(self, key: CampaignPublicKey) -> bytes:
        return seal(self.to_bytes(), key, self.binding)


def open_record(
    sealed: bytes, key: CampaignPrivateKey, *, appeal_id: str, signature_id: str, device_id: str
) -> SignatureRecord:
    """Open a sealed record stored under these ids; raises SealBroken if it was moved or altered."""
    plaintext = open_sealed(sealed, key, record_binding(appeal_id, signature_id, device_id))
    record = SignatureRecord.from_bytes(plaintext)
    if (record.appeal_id, record.signature_id, record.device_id) != (
        appeal_id,
        signature_id,
        device_id,
    ):
        raise ValueError("the record's ids differ from the ids it was stored under")
    return record
