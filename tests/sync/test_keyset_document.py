"""The campaign keyset document (kiosk.protocol.keyset) and the coordinator key file: a changed
byte anywhere is refused, a keyset is read back only in its canonical form, its primary key
must be the key its fingerprint names, and the coordinator key file opens with its passphrase
only."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.clock import utc_now
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.crypto.coordinator_key import coordinator_key_from_pem, coordinator_key_to_pem
from kiosk.crypto.device_key import DeviceKey
from kiosk.errors import BadSignature, DamagedKeyFile, KeysetFormatError, WrongPassphrase
from kiosk.protocol.keyset import KeyEntry, Keyset, SignedKeyset, parse_body

KEY = CampaignPrivateKey.generate().public_key()
OTHER = CampaignPrivateKey.generate().public_key()
SIGNING = DeviceKey.generate()


def keyset(**changes: object) -> Keyset:
    made = Keyset(
        campaign=OTHER.fingerprint,
        version=2,
        primary=2,
        keys=(KeyEntry(1, OTHER.fingerprint, "retired"), KeyEntry(2, KEY.fingerprint, "active")),
        primary_public_key=KEY.to_pem().decode(),
        issued_at=utc_now(),
    )
    return replace(made, **changes)  # type: ignore[arg-type]


def test_a_signed_keyset_round_trips_through_its_json() -> None:
    made = keyset()
    again = SignedKeyset.from_json(json.loads(json.dumps(made.sign(SIGNING).to_json())))
    parsed = again.verify(SIGNING.public_bytes)
    assert parsed.body() == made.body() and parsed.keys == made.keys
    assert parsed.public_key() == KEY


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_any_changed_byte_is_refused(data: st.DataObject) -> None:
    signed = keyset().sign(SIGNING)
    blob = signed.body + signed.signature
    at = data.draw(st.integers(0, len(blob) - 1))
    flip = data.draw(st.integers(1, 255))
    changed = bytearray(blob)
    changed[at] ^= flip
    body, signature = bytes(changed[: len(signed.body)]), bytes(changed[len(signed.body) :])
    with pytest.raises(BadSignature):
        SignedKeyset(body, signature).verify(SIGNING.public_bytes)


def test_another_key_and_another_context_do_not_verify() -> None:
    signed = keyset().sign(SIGNING)
    with pytest.raises(BadSignature):
        signed.verify(DeviceKey.generate().public_bytes)
    # The same key's signature of the same bytes as a batch or a receipt is not a keyset's.
    batch_signature = SIGNING.sign(signed.body)
    with pytest.raises(BadSignature):
        SignedKeyset(signed.body, batch_signature).verify(SIGNING.public_bytes)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"primary": 3}, "primary key is not among its keys"),
        ({"primary_public_key": OTHER.to_pem().decode()}, "not the key its fingerprint names"),
        ({"primary_public_key": "not a key"}, "does not read as a key"),
        ({"keys": ()}, "'keys' must be a list"),
        (
            {
                "keys": (
                    KeyEntry(2, KEY.fingerprint, "active"),
                    KeyEntry(2, KEY.fingerprint, "active"),
                )
            },
            "share an id",
        ),
        ({"keys": (KeyEntry(2, KEY.fingerprint, "lost"),)}, "state' must be one of"),
    ],
)
def test_a_keyset_that_does_not_hold_together_is_refused(
    change: dict[str, object], words: str
) -> None:
    with pytest.raises(KeysetFormatError, match=words):
        parse_body(keyset(**change).body())


def test_only_the_canonical_form_is_read() -> None:
    body = keyset().body()
    spaced = json.dumps(json.loads(body), indent=1).encode()
    with pytest.raises(KeysetFormatError, match="canonical"):
        parse_body(spaced)


def test_the_coordinator_key_file_opens_with_its_passphrase_only() -> None:
    pem = coordinator_key_to_pem(SIGNING, "a long passphrase here", scrypt_n=2**14)
    assert b"PRIVATE KEY" in pem and SIGNING.to_pem() not in pem
    opened = coordinator_key_from_pem(pem, "a long passphrase here", "coordinator-signing.pem")
    assert opened.public_bytes == SIGNING.public_bytes
    with pytest.raises(WrongPassphrase):
        coordinator_key_from_pem(pem, "another passphrase", "coordinator-signing.pem")
    with pytest.raises(DamagedKeyFile):
        coordinator_key_from_pem(pem.replace(b"signing key ", b"signing key 0"), "x", "f")


def test_the_coordinator_key_file_is_stretched_strongly_by_default() -> None:
    pem = coordinator_key_to_pem(SIGNING, "a long passphrase here")
    assert b"\nscrypt-n: 131072\n" in pem  # 2**17, as the campaign key files
