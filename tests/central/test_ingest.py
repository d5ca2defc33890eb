"""Ingest: a batch is stored whole, once; anything else is refused with a reason."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kiosk.central import errors
from kiosk.central.campaign import CampaignInfo
from kiosk.central.enrolment import revoke
from kiosk.central.ingest import ingest
from kiosk.central.models import CampaignKey
from kiosk.crypto.campaign_key import CampaignPrivateKey


def test_batch_is_stored_with_its_records(
    engine: Engine, enrolled: Any, stored_counts: Any
) -> None:
    kiosk = enrolled()
    signed = kiosk.batch(3)
    receipt, created = ingest(engine, signed.to_bytes())
    assert created
    assert (receipt.batch_id, receipt.seq, receipt.hash, receipt.record_count) == (
        signed.batch.batch_id,
        1,
        signed.hash,
        3,
    )
    assert stored_counts() == (1, 3)


def test_same_batch_again_gets_the_same_receipt(
    engine: Engine, enrolled: Any, stored_counts: Any
) -> None:
    data = enrolled().batch(2).to_bytes()
    first, created = ingest(engine, data)
    again, created_again = ingest(engine, data)
    assert created and not created_again
    assert again == first
    assert stored_counts() == (1, 2)


def test_concurrent_ingest_of_one_batch_stores_it_once(
    engine: Engine, enrolled: Any, stored_counts: Any
) -> None:
    data = enrolled().batch(5).to_bytes()
    results: list[Any] = []
    start = threading.Barrier(4, timeout=10)

    def upload() -> None:
        start.wait()
        results.append(ingest(engine, data))

    threads = [threading.Thread(target=upload) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(results) == 4
    assert sorted(created for _, created in results) == [False, False, False, True]
    assert len({receipt for receipt, _ in results}) == 1
    assert stored_counts() == (1, 5)


def test_different_batch_under_a_known_id_is_a_conflict(
    engine: Engine, enrolled: Any, stored_counts: Any
) -> None:
    kiosk = enrolled()
    first = kiosk.batch(1)
    ingest(engine, first.to_bytes())
    other = kiosk.batch(1, seq=2, batch_id=first.batch.batch_id)
    with pytest.raises(errors.Conflict, match="different batch"):
        ingest(engine, other.to_bytes())
    assert stored_counts() == (1, 1)


def test_seq_used_twice_is_a_conflict(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled()
    ingest(engine, kiosk.batch(1).to_bytes())
    with pytest.raises(errors.Conflict, match="as number 1"):
        ingest(engine, kiosk.batch(1, seq=1).to_bytes())


def test_record_in_two_batches_is_a_conflict_and_nothing_is_stored(
    engine: Engine, enrolled: Any, stored_counts: Any
) -> None:
    kiosk = enrolled()
    shared = kiosk.record(email="a@example.org")
    ingest(engine, kiosk.batch([shared]).to_bytes())
    with pytest.raises(errors.Conflict, match=shared.signature_id):
        ingest(engine, kiosk.batch([kiosk.record(), shared]).to_bytes())
    assert stored_counts() == (1, 1)


def test_flipped_byte_and_forged_signature_are_refused(
    engine: Engine, enrolled: Any, new_kiosk: Any, stored_counts: Any, flip_byte: Any
) -> None:
    kiosk = enrolled()
    with pytest.raises(errors.BadSignature):
        ingest(engine, flip_byte(kiosk.batch(1).to_bytes()))
    forger = new_kiosk()
    forger.device_id = kiosk.device_id  # claims to be the kiosk, signs with its own key
    with pytest.raises(errors.BadSignature):
        ingest(engine, forger.batch(1).to_bytes())
    assert stored_counts() == (0, 0)


def test_unknown_and_revoked_devices_are_refused(
    engine: Engine, enrolled: Any, new_kiosk: Any, campaign: CampaignInfo, stored_counts: Any
) -> None:
    with pytest.raises(errors.UnknownDevice):
        ingest(engine, new_kiosk().batch(1).to_bytes())
    kiosk = enrolled()
    revoke(engine, kiosk.device_id)
    with pytest.raises(errors.RevokedDevice):
        ingest(engine, kiosk.batch(1).to_bytes())
    assert stored_counts() == (0, 0)


def test_other_appeal_or_campaign_key_is_refused(
    engine: Engine, enrolled: Any, stored_counts: Any
) -> None:
    kiosk = enrolled()
    with pytest.raises(errors.Unacceptable, match="appeal"):
        ingest(engine, kiosk.batch(1, appeal_id="another-appeal").to_bytes())
    kiosk.campaign_key = CampaignPrivateKey.generate().public_key()  # another campaign's key
    with pytest.raises(
        errors.Unacceptable, match=f"sealed to key {kiosk.campaign_key.fingerprint}"
    ):
        ingest(engine, kiosk.batch(1).to_bytes())
    assert stored_counts() == (0, 0)


@pytest.mark.parametrize("state", ["active", "retired", "destroyed"])
def test_records_sealed_to_any_key_of_the_keyset_are_stored(
    engine: Engine, enrolled: Any, stored_counts: Any, state: str
) -> None:
    """A kiosk that has not followed the latest keyset yet still delivers what it sealed (a
    destroyed key's records stay unreadable, but the kiosk's chain is not stuck)."""
    kiosk = enrolled()
    second = CampaignPrivateKey.generate().public_key()
    now = datetime.now(UTC)
    with Session(engine) as s, s.begin():
        s.add(
            CampaignKey(
                id=2,
                fingerprint=second.fingerprint,
                public_key_pem=second.to_pem().decode(),
                state=state,
                created_at=now,
                changed_at=now,
            )
        )
    kiosk.campaign_key = second
    ingest(engine, kiosk.batch(2).to_bytes())
    assert stored_counts() == (1, 2)


@pytest.mark.parametrize("data", [b"", b"{", b"[]", b'{"format": "kiosk-batch/1"}', b"\xff" * 10])
def test_malformed_is_refused(engine: Engine, campaign: CampaignInfo, data: bytes) -> None:
    with pytest.raises(errors.Malformed):
        ingest(engine, data)


def test_url_id_must_match_body_id(engine: Engine, enrolled: Any) -> None:
    with pytest.raises(errors.IdMismatch):
        ingest(
            engine,
            enrolled().batch(1).to_bytes(),
            expected_id="00000000-0000-0000-0000-000000000000",
        )
