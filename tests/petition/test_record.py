"""The sealed signature record: whatever a supporter typed comes back out exactly."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from record_helpers import open_sealed

from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.digest import sha256_hex
from kiosk.crypto.seal import seal
from kiosk.errors import SealBroken
from kiosk.petition.appeal import FIELD_NAMES, Appeal
from kiosk.petition.form import Submission
from kiosk.petition.record import RECORD_FORMAT, SignatureRecord, open_record
from kiosk.petition.strokes import Drawing, Point, quantised

SIGNATURE_ID = "0b7e8a52-1f0c-4d52-9a44-6a1f1a3c2d10"
DEVICE_ID = "6c1d2e3f-0000-4000-8000-00000000d001"

field_values = st.dictionaries(st.sampled_from(FIELD_NAMES), st.text(max_size=300))
moments = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
).map(lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000))


def _record(appeal: Appeal, fields: dict[str, str], **changes: object) -> SignatureRecord:
    record = SignatureRecord.from_submission(
        Submission(fields, terms_accepted=True, updates_opt_in=False),
        appeal=appeal,
        signature_id=SIGNATURE_ID,
        device_id=DEVICE_ID,
        signed_at=datetime(2026, 11, 23, 14, 37, 12, 345000, tzinfo=UTC),
    )
    return replace(record, **changes)  # type: ignore[arg-type]


@given(fields=field_values, opt_in=st.booleans(), signed_at=moments)
def test_record_round_trip_through_the_seal(
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
    fields: dict[str, str],
    opt_in: bool,
    signed_at: datetime,
) -> None:
    record = _record(appeal, fields, updates_opt_in=opt_in, signed_at=signed_at)
    sealed = record.seal(campaign_public_key)
    opened = open_sealed(sealed, campaign_private_key, appeal)
    assert opened == record


def test_record_carries_the_consent_shown(appeal: Appeal) -> None:
    record = _record(appeal, {"email": "a@example.org"})
    doc = json.loads(record.document_bytes())
    assert doc["format"] == RECORD_FORMAT
    assert doc["appeal"] == {"id": appeal.id, "version": appeal.version}
    assert doc["consent"]["terms"] == {
        "accepted": True,
        "text_sha256": sha256_hex(appeal.consent.terms),
    }
    assert doc["consent"]["privacy_notice"]["text_sha256"] == sha256_hex(
        appeal.consent.privacy_notice
    )
    assert doc["consent"]["updates"]["text_sha256"] == sha256_hex(appeal.consent.updates or "")
    assert doc["signed_at"] == "2026-11-23T14:37:12.345+00:00"


def test_record_without_an_updates_offer(appeal: Appeal) -> None:
    no_offer = replace(appeal, consent=replace(appeal.consent, updates=None))
    record = _record(no_offer, {"email": "a@example.org"})
    assert record.updates_sha256 is None
    assert SignatureRecord.from_bytes(record.to_bytes()) == record


def test_unknown_record_format_is_refused(appeal: Appeal) -> None:
    doc = json.loads(_record(appeal, {}).document_bytes())
    doc["format"] = RECORD_FORMAT + 1
    with pytest.raises(ValueError, match=r"record format 3 is not one of \(1, 2\)"):
        SignatureRecord.from_bytes(json.dumps(doc).encode())


def test_record_stored_under_other_ids_is_refused(
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
) -> None:
    record = _record(appeal, {"email": "a@example.org"})
    other = replace(record, signature_id="ffffffff-1f0c-4d52-9a44-6a1f1a3c2d10")
    # Sealed with the right binding for `other`, but the document inside names `record`.
    sealed = seal(record.to_bytes(), campaign_public_key, other.binding)
    with pytest.raises(ValueError, match="ids differ"):
        open_record(
            sealed,
            campaign_private_key,
            appeal_id=other.appeal_id,
            signature_id=other.signature_id,
            device_id=other.device_id,
        )
    with pytest.raises(SealBroken):
        open_record(
            sealed,
            campaign_private_key,
            appeal_id=record.appeal_id,
            signature_id=record.signature_id,
            device_id=record.device_id,
        )


def test_a_signature_given_in_italian_seals_the_italian_consent_texts(appeal: Appeal) -> None:
    italian = appeal.in_language("it")
    record = SignatureRecord.from_submission(
        Submission({"email": "a@example.org"}, True, True, language="it"),
        appeal=appeal,
        signature_id=SIGNATURE_ID,
        device_id=DEVICE_ID,
        signed_at=datetime(2026, 11, 23, 14, 37, tzinfo=UTC),
    )
    assert record.language == "it"
    assert record.terms_sha256 == sha256_hex(italian.consent.terms)
    assert record.terms_sha256 != sha256_hex(appeal.consent.terms)
    assert record.privacy_notice_sha256 == sha256_hex(italian.consent.privacy_notice)
    assert record.updates_sha256 == sha256_hex(italian.consent.updates or "")
    assert (record.appeal_id, record.appeal_version) == (appeal.id, appeal.version)


def test_a_signature_without_a_language_seals_the_appeal_s_own_texts(appeal: Appeal) -> None:
    record = _record(appeal, {"email": "a@example.org"})
    assert record.language == appeal.language == "en"
    assert record.terms_sha256 == sha256_hex(appeal.consent.terms)


# --- the drawn signature -----------------------------------------------------------------------

_unit = st.floats(min_value=0, max_value=1, allow_nan=False)
_drawings = st.lists(
    st.lists(
        st.builds(Point, _unit, _unit, st.integers(0, 120_000), st.one_of(st.none(), _unit)),
        min_size=1,
        max_size=30,
    ).map(tuple),
    min_size=1,
    max_size=6,
).map(lambda s: Drawing(tuple(s)))


@given(drawing=_drawings)
def test_drawn_strokes_round_trip_through_the_seal(
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
    drawing: Drawing,
) -> None:
    record = SignatureRecord.from_submission(
        Submission({"email": "a@example.org"}, True, False, drawing=drawing),
        appeal=appeal,
        signature_id=SIGNATURE_ID,
        device_id=DEVICE_ID,
        signed_at=datetime(2026, 11, 23, 14, 37, tzinfo=UTC),
    )
    assert record.drawing == quantised(drawing)
    sealed = record.seal(campaign_public_key)
    # Nothing of the strokes shows through the seal.
    assert b"strokes" not in sealed and b"drawn_signature" not in sealed
    opened = open_sealed(sealed, campaign_private_key, appeal)
    assert opened == record
    assert opened.drawing is not None
    assert [len(s) for s in opened.drawing.strokes] == [len(s) for s in drawing.strokes]
    assert [p.t for s in opened.drawing.strokes for p in s] == [
        p.t for s in drawing.strokes for p in s
    ]


def test_drawn_strokes_are_kept_as_points_in_the_document(appeal: Appeal) -> None:
    drawing = Drawing(((Point(0.1, 0.2, 0), Point(0.30004, 0.4, 16, 0.5)),), aspect=880 / 220)
    record = replace(_record(appeal, {"email": "a@example.org"}), drawing=drawing)
    doc = json.loads(record.document_bytes())
    assert doc["drawn_signature"] == {
        "strokes": [[[0.1, 0.2, 0], [0.3, 0.4, 16, 0.5]]],
        "aspect": 4.0,
    }


def test_a_record_without_a_drawing_has_no_drawing_key(appeal: Appeal) -> None:
    record = _record(appeal, {"email": "a@example.org"})
    assert record.drawing is None
    assert "drawn_signature" not in json.loads(record.document_bytes())
    # A document written before the pad existed still reads.
    assert SignatureRecord.from_bytes(record.to_bytes()) == record


def test_damaged_strokes_in_a_record_are_refused(appeal: Appeal) -> None:
    doc = json.loads(_record(appeal, {}).document_bytes())
    doc["drawn_signature"] = {"strokes": [[["x", 0.2, 0]]]}
    with pytest.raises(ValueError):
        SignatureRecord.from_bytes(json.dumps(doc).encode())
