"""Enrolment codes: single use, limited time, only their hash stored; revocation."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from enrolment_requests import enrol_with
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.central import errors
from kiosk.central.campaign import CampaignInfo, credential_is_valid, issue_credential
from kiosk.central.enrolment import issue_code, revoke
from kiosk.central.models import Device, EnrolmentCode, utcnow


def test_code_enrols_a_device_and_hands_out_the_campaign(
    engine: Engine, campaign: CampaignInfo, new_kiosk: Any
) -> None:
    kiosk = new_kiosk()
    issued = issue_code(engine, "Rally", timedelta(hours=1))
    result = enrol_with(engine, issued.code.lower(), kiosk.device_id, kiosk.public_key_b64)
    assert (result.device_id, result.event) == (kiosk.device_id, "Rally")
    assert result.campaign.key_fingerprint == campaign.key_fingerprint
    with Session(engine) as s:
        stored = s.scalars(select(EnrolmentCode.code_hash)).one()
        device = s.get(Device, kiosk.device_id)
    assert issued.code.replace("-", "") not in stored and len(stored) == 32  # the HKDF id
    assert device is not None and device.public_key == kiosk.device_key.public_bytes


def test_used_code_is_refused_but_the_same_kiosk_may_retry(
    engine: Engine, campaign: CampaignInfo, new_kiosk: Any
) -> None:
    first, second = new_kiosk(), new_kiosk()
    code = issue_code(engine, "Rally", timedelta(hours=1)).code
    enrol_with(engine, code, first.device_id, first.public_key_b64)
    assert enrol_with(engine, code, first.device_id, first.public_key_b64).event == "Rally"
    with pytest.raises(errors.EnrolmentRefused, match="already been used"):
        enrol_with(engine, code, second.device_id, second.public_key_b64)


def test_expired_and_unknown_codes_are_refused(
    engine: Engine, campaign: CampaignInfo, new_kiosk: Any
) -> None:
    kiosk = new_kiosk()
    code = issue_code(engine, "Rally", timedelta(hours=1)).code
    with Session(engine) as s, s.begin():
        s.scalars(select(EnrolmentCode)).one().expires_at = utcnow() - timedelta(seconds=1)
    with pytest.raises(errors.EnrolmentRefused, match="expired"):
        enrol_with(engine, code, kiosk.device_id, kiosk.public_key_b64)
    with pytest.raises(errors.EnrolmentRefused, match="unknown"):
        enrol_with(engine, "AAAA-BBBB", kiosk.device_id, kiosk.public_key_b64)


def test_device_id_with_another_key_is_a_conflict_and_keeps_the_code(
    engine: Engine, campaign: CampaignInfo, new_kiosk: Any
) -> None:
    kiosk, impostor = new_kiosk(), new_kiosk()
    enrol_with(
        engine,
        issue_code(engine, "A", timedelta(hours=1)).code,
        kiosk.device_id,
        kiosk.public_key_b64,
    )
    code = issue_code(engine, "B", timedelta(hours=1)).code
    with pytest.raises(errors.Conflict, match="another key"):
        enrol_with(engine, code, kiosk.device_id, impostor.public_key_b64)
    assert enrol_with(engine, code, impostor.device_id, impostor.public_key_b64).event == "B"


@pytest.mark.parametrize(
    ("device_id", "key", "message"),
    [
        ("not-a-uuid", "A" * 43 + "=", "device_id"),
        ("00000000-0000-0000-0000-000000000000", "!!", "base64"),
        ("00000000-0000-0000-0000-000000000000", "AAAA", "32-byte"),
    ],
)
def test_malformed_enrolment_is_refused(
    engine: Engine, campaign: CampaignInfo, device_id: str, key: str, message: str
) -> None:
    code = issue_code(engine, "Rally", timedelta(hours=1)).code
    with pytest.raises(errors.Malformed, match=message):
        enrol_with(engine, code, device_id, key)


def test_code_validity_is_bounded(engine: Engine, campaign: CampaignInfo) -> None:
    with pytest.raises(errors.Malformed):
        issue_code(engine, "Rally", timedelta(days=31))
    with pytest.raises(errors.Malformed):
        issue_code(engine, " ", timedelta(hours=1))


def test_revoke(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled()
    assert revoke(engine, kiosk.device_id) is True
    assert revoke(engine, kiosk.device_id) is False
    with pytest.raises(errors.NotFound):
        revoke(engine, "00000000-0000-0000-0000-000000000000")


def test_credential_is_checked_by_hash(engine: Engine, campaign: CampaignInfo) -> None:
    credential = issue_credential(engine)
    assert credential_is_valid(engine, credential)
    assert not credential_is_valid(engine, credential + "x")
