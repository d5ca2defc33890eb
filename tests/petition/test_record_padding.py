"""A sealed record's length names nobody: records are padded to a few sizes before sealing.

The attack these tests replay: an investigator holding a kiosk (or a USB stick, or a capture of
the upload) knows a target's name, e-mail, postcode and country, predicts the length of the
target's sealed record, and looks for the rows of that length. Unpadded, the prediction matched
one row in 40 and ruled out the other 39.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from record_helpers import SIGNATURE_ID, SIGNED_AT, make_record, open_sealed

from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.seal import seal
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import FIELDS, validate
from kiosk.petition.record import PADDED_SIZES, SignatureRecord, pad, unpad
from kiosk.petition.strokes import MAX_POINTS, Drawing, Point, quantised
from kiosk.protocol.batch import MAX_SEALED_BYTES
from kiosk.vault import Vault
from kiosk.vault.models import StoredSignature

# Any character a supporter can type into a field (every script, emoji, combining marks);
# not the control characters and lone surrogates the form refuses.
typed = st.characters(exclude_categories=("Cc", "Cs"))


@st.composite
def signers(draw: st.DrawFn) -> dict[str, str]:
    """One supporter's entries: every field from 1 character to its limit, comment or not."""
    fields = {}
    for name, spec in FIELDS.items():
        if name == "comment" and draw(st.booleans()):
            continue
        size = draw(st.sampled_from([1, spec.max_length]) | st.integers(1, spec.max_length))
        fields[name] = draw(st.text(typed, min_size=size, max_size=size))
    return fields


@pytest.mark.slow  # a thousand seals
def test_a_thousand_signers_without_a_drawing_seal_to_one_length(
    appeal: Appeal, campaign_public_key: CampaignPublicKey
) -> None:
    lengths: set[int] = set()

    @settings(max_examples=1000, deadline=None, database=None)
    @given(fields=signers(), opt_in=st.booleans())
    def sign(fields: dict[str, str], opt_in: bool) -> None:
        lengths.add(
            len(make_record(appeal, fields, updates_opt_in=opt_in).seal(campaign_public_key))
        )

    sign()
    assert len(lengths) == 1, sorted(lengths)


def test_the_largest_record_without_a_drawing_fits_the_smallest_size(appeal: Appeal) -> None:
    """Every field at its limit in 4-byte characters, under the longest appeal id, language and
    version an appeal may have: what the 7 KiB size is chosen to hold."""
    worst = {name: "\U0001d11e" * spec.max_length for name, spec in FIELDS.items()}
    record = make_record(appeal, worst, updates_opt_in=True)
    record = replace(record, appeal_id="a" * 63, appeal_version=2**53 - 1, language="abc-ABCDEFGH")
    quoted = replace(record, fields={n: '"' * s.max_length for n, s in FIELDS.items()})
    for candidate in (record, quoted):
        assert len(candidate.to_bytes()) == PADDED_SIZES[0]


def test_a_drawing_at_the_pad_limits_fits_the_largest_size_and_a_batch(
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
) -> None:
    worst = {name: "\U0001d11e" * spec.max_length for name, spec in FIELDS.items()}
    points = tuple(Point(0.123456, 0.987654, 119_999, 0.555555) for _ in range(MAX_POINTS))
    drawing = quantised(Drawing((points,), 0.5))
    record = replace(make_record(appeal, worst), drawing=drawing)
    sealed = record.seal(campaign_public_key)
    assert len(record.to_bytes()) == PADDED_SIZES[-1]
    assert len(sealed) <= MAX_SEALED_BYTES
    opened = open_sealed(sealed, campaign_private_key, appeal)
    assert opened == record


def test_drawings_fall_into_the_documented_sizes_only(
    appeal: Appeal, campaign_public_key: CampaignPublicKey
) -> None:
    seen = set()
    for count in (2, 50, 200, 800, 2000, MAX_POINTS):
        stroke = tuple(Point(i / count, 0.5, i * 10, 0.5) for i in range(count))
        record = make_record(appeal, {"first_name": "Ana"})
        record = replace(record, drawing=quantised(Drawing((stroke,), 0.4)))
        seen.add(len(record.to_bytes()))
    assert seen <= set(PADDED_SIZES) and len(seen) >= 3


def test_the_length_oracle_finds_every_row_or_none(
    desk: SignatureDesk,
    vault: Vault,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    open_stored: Callable[[StoredSignature], SignatureRecord],
) -> None:
    """40 supporters sign at the real desk; the investigator predicts the target's sealed
    length from what they know and counts the vault's rows of that length."""
    names = [
        ("Ana", "Li"), ("Maximilian", "Oberhollenzer-Schwarzenbach"), ("Zoë", "Ōkuma"),
        ("Ольга", "Кузнецова"), ("محمد", "الحسيني"), ("李", "小龙"), ("Nguyễn", "Thị Minh Khai"),
        ("Siobhán", "Ní Bhriain"), ("Chidinma", "Okonkwo-Adeyemi"), ("Jo", "Ng"),
    ]  # fmt: skip
    target = None
    for i in range(40):
        first, last = names[i % len(names)]
        entries = {
            "first_name": first,
            "last_name": last + "x" * (i // len(names)),
            "email": f"{'s' * (1 + i % 9)}.{i}@example.org",
            "postcode": ["SW1A 1AA", "10115", "00184", "75001"][i % 4],
            "country": ["Italy", "Germany", "United Kingdom", "Russia"][i % 4],
            "comment": "Stop this now. " * (i % 5),
        }
        result = validate(appeal, entries, terms_accepted=True, updates_opt_in=i % 2 == 0)
        assert result.submission is not None, result.errors
        desk.record(result.submission)
        if i == 17:
            target = result.submission
    assert target is not None
    rows = vault.signatures()
    prediction = SignatureRecord.from_submission(
        target,
        appeal=appeal,
        signature_id=SIGNATURE_ID,
        device_id=vault.device_id,
        signed_at=SIGNED_AT,
    ).seal(campaign_public_key)
    matching = [row for row in rows if len(row.sealed) == len(prediction)]
    assert len(rows) == 40 and len(matching) == 40
    # and the rows still open to what was typed
    assert {open_stored(row).fields["first_name"] for row in rows} >= {"Ana", "Ольга", "李"}


def test_a_record_from_before_padding_still_opens(
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
) -> None:
    """Format 1: the record's JSON sealed as it is, as kiosks before padding wrote it."""
    record = make_record(appeal, {"first_name": "Ana", "email": "ana@example.org"})
    doc = json.loads(record.document_bytes())
    doc["format"] = 1
    legacy = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")
    sealed = seal(legacy, campaign_public_key, record.binding)
    opened = open_sealed(sealed, campaign_private_key, appeal)
    assert opened == record


@pytest.mark.parametrize(
    ("plaintext", "problem"),
    [
        (pad(b"{}")[:-1], "never 7167 bytes"),  # a size pad does not make
        (struct.pack(">I", 7168) + bytes(7164), "padding"),  # a length beyond the end
        (pad(b"{}")[:-1] + b"\x01", "padding"),  # a padding byte that is not zero
    ],
)
def test_padding_that_pad_does_not_make_is_refused(plaintext: bytes, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        unpad(plaintext)
