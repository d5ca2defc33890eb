"""A signature record for the record tests, and opening one as the coordinator does."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import Submission
from kiosk.petition.record import SignatureRecord, open_record

SIGNATURE_ID = "0b7e8a52-1f0c-4d52-9a44-6a1f1a3c2d10"
DEVICE_ID = "6c1d2e3f-0000-4000-8000-00000000d001"
SIGNED_AT = datetime(2026, 11, 23, 14, 37, 12, 345000, tzinfo=UTC)


def make_record(appeal: Appeal, fields: dict[str, str], **changes: object) -> SignatureRecord:
    """The record of these entries, with `changes` made to it (updates_opt_in=..., ...)."""
    record = SignatureRecord.from_submission(
        Submission(fields, terms_accepted=True, updates_opt_in=False),
        appeal=appeal,
        signature_id=SIGNATURE_ID,
        device_id=DEVICE_ID,
        signed_at=SIGNED_AT,
    )
    return replace(record, **changes)  # type: ignore[arg-type]


def open_sealed(sealed: bytes, key: CampaignPrivateKey, appeal: Appeal) -> SignatureRecord:
    """Open a sealed record made by make_record, checking its binding."""
    return open_record(
        sealed, key, appeal_id=appeal.id, signature_id=SIGNATURE_ID, device_id=DEVICE_ID
    )
