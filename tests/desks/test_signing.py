from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.crypto.digest import sha256_hex
from kiosk.desks.signing import SignatureDesk
from kiosk.errors import SealBroken
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import validate
from kiosk.petition.record import SignatureRecord, open_record
from kiosk.vault import Vault
from kiosk.vault.models import StoredSignature

ENTRIES = {
    "first_name": "Zoë",
    "last_name": "Ōkuma-Lindqvist",
    "email": "Zoe.Okuma@Example.ORG",
    "postcode": "sw1a 1aa",
    "country": "Italy",
    "comment": "Nobody should be persecuted\nfor who they love.",
}


def _submit(desk: SignatureDesk, appeal: Appeal, *, updates: bool = False) -> None:
    result = validate(appeal, ENTRIES, terms_accepted=True, updates_opt_in=updates)
    assert result.submission is not None
    desk.record(result.submission)


def test_recorded_signature_decrypts_to_what_was_entered(
    desk: SignatureDesk,
    vault: Vault,
    appeal: Appeal,
    open_stored: Callable[[StoredSignature], SignatureRecord],
) -> None:
    _submit(desk, appeal, updates=True)
    (row,) = vault.signatures()
    record = open_stored(row)
    assert record.fields == {
        "first_name": "Zoë",
        "last_name": "Ōkuma-Lindqvist",
        "email": "Zoe.Okuma@example.org",
        "postcode": "SW1A 1AA",
        "country": "IT",
        "comment": "Nobody should be persecuted\nfor who they love.",
    }
    assert record.terms_accepted and record.updates_opt_in
    assert record.terms_sha256 == sha256_hex(appeal.consent.terms)
    assert record.updates_sha256 == sha256_hex(appeal.consent.updates or "")
    assert (record.appeal_id, record.appeal_version) == (appeal.id, appeal.version)
    assert record.signature_id == row.id


def test_row_outside_the_seal_holds_only_the_hour(
    appeal: Appeal, vault: Vault, campaign_private_key: CampaignPrivateKey
) -> None:
    moment = datetime(2026, 11, 23, 14, 37, 12, 345000, tzinfo=UTC)
    desk = SignatureDesk(appeal, vault, campaign_private_key.public_key(), clock=lambda: moment)
    _submit(desk, appeal)
    (row,) = vault.signatures()
    assert row.collected_hour == datetime(2026, 11, 23, 14, 0)
    record = open_record(
        row.sealed,
        campaign_private_key,
        appeal_id=row.appeal_id,
        signature_id=row.id,
        device_id=vault.device_id,
    )
    assert record.signed_at == moment


def test_sequence_numbers_count_up_from_one(
    desk: SignatureDesk, vault: Vault, appeal: Appeal
) -> None:
    for _ in range(3):
        _submit(desk, appeal)
    assert [r.device_seq for r in vault.signatures()] == [1, 2, 3]
    assert desk.count() == 3


def test_sealed_record_moved_to_another_row_does_not_open(
    desk: SignatureDesk, vault: Vault, appeal: Appeal, campaign_private_key: CampaignPrivateKey
) -> None:
    _submit(desk, appeal)
    _submit(desk, appeal)
    first, second = vault.signatures()
    with pytest.raises(SealBroken):
        open_record(
            first.sealed,
            campaign_private_key,
            appeal_id=second.appeal_id,
            signature_id=second.id,
            device_id=vault.device_id,
        )
