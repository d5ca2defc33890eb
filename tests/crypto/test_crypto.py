"""Sealing and the campaign key files: round trips, and every kind of damage is refused."""

from __future__ import annotations

import base64
import json
import re

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.crypto import campaign_key, device_key
from kiosk.crypto import seal as sealing
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey, LockedCampaignKey
from kiosk.crypto.seal import open_sealed, record_binding, seal
from kiosk.errors import DamagedKeyFile, KeyFileError, SealBroken, WrongKindOfKey, WrongPassphrase

PASSPHRASE = "correct horse battery staple"
FAST_N = 2**14  # the smallest work factor from_pem accepts; keeps the tests quick
BINDING = record_binding("save-the-park", "4f7c0a52-0000-4000-8000-000000000001", "device-1")


@pytest.fixture(scope="module")
def other_private_key() -> CampaignPrivateKey:
    return CampaignPrivateKey.generate()


@pytest.fixture(scope="module")
def private_pem(campaign_private_key: CampaignPrivateKey) -> bytes:
    return campaign_private_key.to_pem(PASSPHRASE, scrypt_n=FAST_N)


@pytest.fixture(scope="module")
def sealed_example(campaign_public_key: CampaignPublicKey) -> bytes:
    return seal(b'{"first_name": "Amira"}', campaign_public_key, BINDING)


# --- sealing ----------------------------------------------------------------------------------


@given(plaintext=st.binary(max_size=4096), binding=st.binary(max_size=256))
def test_seal_open_round_trip(
    campaign_private_key: CampaignPrivateKey,
    campaign_public_key: CampaignPublicKey,
    plaintext: bytes,
    binding: bytes,
) -> None:
    sealed = seal(plaintext, campaign_public_key, binding)
    if len(plaintext) >= 16:
        assert plaintext not in sealed
    assert open_sealed(sealed, campaign_private_key, binding) == plaintext


def test_every_seal_is_fresh(campaign_public_key: CampaignPublicKey) -> None:
    # A fresh encapsulation (and so a fresh key and nonce) every time, even for the same record.
    a, b = (seal(b"same", campaign_public_key, BINDING) for _ in range(2))
    assert a != b
    assert a[:32] != b[:32] and a[-16:] != b[-16:]


def test_flipping_any_byte_of_a_sealed_blob_is_detected(
    campaign_private_key: CampaignPrivateKey, sealed_example: bytes
) -> None:
    assert open_sealed(sealed_example, campaign_private_key, BINDING)
    opened = []
    for index in range(len(sealed_example)):
        damaged = bytearray(sealed_example)
        damaged[index] ^= 1 << (index % 8)
        try:
            open_sealed(bytes(damaged), campaign_private_key, BINDING)
        except SealBroken:
            continue
        opened.append(index)
    assert opened == []


@given(data=st.data())
@settings(max_examples=50)
def test_truncated_or_extended_blobs_are_rejected(
    campaign_private_key: CampaignPrivateKey, sealed_example: bytes, data: st.DataObject
) -> None:
    cut = data.draw(st.integers(min_value=0, max_value=len(sealed_example) - 1))
    with pytest.raises(SealBroken):
        open_sealed(sealed_example[:cut], campaign_private_key, BINDING)
    extra = data.draw(st.binary(min_size=1, max_size=64))
    with pytest.raises(SealBroken):
        open_sealed(sealed_example + extra, campaign_private_key, BINDING)


@pytest.mark.parametrize(
    "binding",
    [
        record_binding("other-appeal", "4f7c0a52-0000-4000-8000-000000000001", "device-1"),
        record_binding("save-the-park", "4f7c0a52-0000-4000-8000-000000000002", "device-1"),
        record_binding("save-the-park", "4f7c0a52-0000-4000-8000-000000000001", "device-2"),
        b"",
        BINDING + b" ",
    ],
)
def test_wrong_binding_is_rejected(
    campaign_private_key: CampaignPrivateKey, sealed_example: bytes, binding: bytes
) -> None:
    with pytest.raises(SealBroken):
        open_sealed(sealed_example, campaign_private_key, binding)


def test_another_campaigns_key_cannot_open(
    other_private_key: CampaignPrivateKey, sealed_example: bytes
) -> None:
    with pytest.raises(SealBroken):
        open_sealed(sealed_example, other_private_key, BINDING)


ids = st.text(max_size=40)


@given(a=st.tuples(ids, ids, ids), b=st.tuples(ids, ids, ids))
def test_record_binding_is_unambiguous(a: tuple[str, str, str], b: tuple[str, str, str]) -> None:
    # No choice of ids may produce another record's binding (e.g. by moving a separator).
    assert (record_binding(*a) == record_binding(*b)) == (a == b)


def test_record_binding_names_its_purpose() -> None:
    assert BINDING.startswith(sealing.SEAL_CONTEXT + b"\x00")


# --- campaign key files -----------------------------------------------------------------------


def test_private_key_pem_round_trip(
    campaign_private_key: CampaignPrivateKey, private_pem: bytes, sealed_example: bytes
) -> None:
    loaded = CampaignPrivateKey.from_pem(private_pem, PASSPHRASE, "campaign-private.pem")
    assert loaded.public_key().fingerprint == campaign_private_key.public_key().fingerprint
    assert open_sealed(sealed_example, loaded, BINDING) == b'{"first_name": "Amira"}'
    assert private_pem.startswith(
        f"Kiosk campaign private key {loaded.public_key().fingerprint}\n".encode()
    )
    assert private_pem.count(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") == 2
    assert b"PRIVATE KEY-----" in private_pem and b"BEGIN PRIVATE KEY" not in private_pem


def test_default_work_factor_is_strong(campaign_private_key: CampaignPrivateKey) -> None:
    pem = campaign_private_key.to_pem(PASSPHRASE)
    assert _header(pem, "scrypt-n") == str(2**17).encode()
    loaded = CampaignPrivateKey.from_pem(pem, PASSPHRASE, "k.pem")
    assert loaded.public_key().fingerprint == campaign_private_key.public_key().fingerprint


def test_public_key_pem_round_trip(
    campaign_private_key: CampaignPrivateKey, campaign_public_key: CampaignPublicKey
) -> None:
    pem = campaign_public_key.to_pem()
    loaded = CampaignPublicKey.from_pem(pem, "campaign-public.pem")
    assert loaded.fingerprint == campaign_public_key.fingerprint
    assert re.fullmatch(r"([0-9a-f]{4}-){4}[0-9a-f]{4}", loaded.fingerprint)
    sealed = seal(b"x", loaded, BINDING)
    assert open_sealed(sealed, campaign_private_key, BINDING) == b"x"


def test_private_keys_use_a_fresh_salt(campaign_private_key: CampaignPrivateKey) -> None:
    a = campaign_private_key.to_pem(PASSPHRASE, scrypt_n=FAST_N)
    b = campaign_private_key.to_pem(PASSPHRASE, scrypt_n=FAST_N)
    assert _header(a, "scrypt-salt") != _header(b, "scrypt-salt")


@pytest.mark.parametrize("passphrase", ["", "correct horse battery stapl", PASSPHRASE.upper()])
def test_wrong_passphrase(private_pem: bytes, passphrase: str) -> None:
    with pytest.raises(WrongPassphrase) as info:
        CampaignPrivateKey.from_pem(private_pem, passphrase, "k.pem")
    assert str(info.value) == (
        "The passphrase does not open k.pem: it is probably mistyped. Check it (capital letters,"
        " spaces) and try again. If you are sure it is right, this copy of the key file may be"
        " damaged: try your backup copy of the campaign private key."
    )


def test_empty_passphrase_is_refused(campaign_private_key: CampaignPrivateKey) -> None:
    with pytest.raises(KeyFileError, match="passphrase is empty"):
        campaign_private_key.to_pem("")


def _header(pem: bytes, name: str) -> bytes:
    match = re.search(rb"^" + name.encode() + rb": (\S+)$", pem, re.M)
    assert match is not None
    return match.group(1)


def _block_starts(pem: bytes) -> list[int]:
    return [m.end() for m in re.finditer(rb"-----BEGIN [A-Z ]+-----\n", pem)]


def _damage_base64(pem: bytes, block: int, offset: int = 5) -> bytes:
    """Change one base64 character of a PEM block; at the default offset, its DER structure."""
    at = _block_starts(pem)[block] + offset
    replacement = b"A" if pem[at : at + 1] != b"A" else b"B"
    return pem[:at] + replacement + pem[at + 1 :]


def _base64_positions(pem: bytes) -> list[int]:
    """Where each base64 character of every block is (armour lines and newlines left out)."""
    positions = []
    for start in _block_starts(pem):
        end = pem.index(b"-----END", start)
        positions += [i for i in range(start, end) if pem[i : i + 1] != b"\n"]
    return positions


def _last_ciphertext_char(pem: bytes, block: int) -> int:
    """The last base64 character of a block before its padding: inside the encrypted key."""
    end = pem.index(b"-----END", _block_starts(pem)[block])
    at = end - 1
    while pem[at : at + 1] in (b"\n", b"="):
        at -= 1
    return at - 2


def _replace_at(pem: bytes, at: int, char: bytes = b"") -> bytes:
    char = char or (b"A" if pem[at : at + 1] != b"A" else b"B")
    return pem[:at] + char + pem[at + 1 :]


def _private_damage(pem: bytes) -> dict[str, tuple[bytes, type[KeyFileError], str]]:
    """Each kind of damage, the error it must give, and what its message must say."""
    header_end = pem.index(b"-----BEGIN")
    cut = "complete key blocks where a campaign private key has 2, and it ends in the middle"
    scrypt = "its scrypt lines (salt and work factor, above the key blocks) are missing or altered"
    second = _block_starts(pem)[1]
    return {
        "empty": (b"", WrongKindOfKey, "is not a campaign private key: it holds no PEM key"),
        "truncated in the first line": (pem[:40], DamagedKeyFile, "its key blocks are missing"),
        "truncated after the header": (
            pem[: header_end - 1],
            DamagedKeyFile,
            "its key blocks are missing (the file may have been cut short)",
        ),
        "truncated in the first block": (pem[: header_end + 100], DamagedKeyFile, f"0 {cut}"),
        "truncated in the second block": (pem[: len(pem) - 60], DamagedKeyFile, f"1 {cut}"),
        "one block only": (
            pem[: pem.index(b"-----END ENCRYPTED PRIVATE KEY-----") + 36],
            DamagedKeyFile,
            "it holds 1 complete key blocks where a campaign private key has 2.",
        ),
        "no header": (pem[header_end:], DamagedKeyFile, "its first line"),
        "salt not base64": (
            re.sub(rb"scrypt-salt: \S+", b"scrypt-salt: %%%", pem),
            DamagedKeyFile,
            scrypt,
        ),
        "no salt": (re.sub(rb"scrypt-salt: \S+\n", b"", pem), DamagedKeyFile, scrypt),
        "work factor not a number": (
            re.sub(rb"scrypt-n: \d+", b"scrypt-n: lots", pem),
            DamagedKeyFile,
            scrypt,
        ),
        "work factor too small": (
            re.sub(rb"scrypt-n: \d+", b"scrypt-n: 1024", pem),
            DamagedKeyFile,
            scrypt,
        ),
        "work factor not a power of two": (
            re.sub(rb"scrypt-n: \d+", b"scrypt-n: 16385", pem),
            DamagedKeyFile,
            scrypt,
        ),
        "work factor absurd": (
            re.sub(rb"scrypt-n: \d+", b"scrypt-n: 1099511627776", pem),
            DamagedKeyFile,
            scrypt,
        ),
        "other block size": (
            re.sub(rb"scrypt-r: \d+", b"scrypt-r: 1", pem),
            DamagedKeyFile,
            scrypt,
        ),
        "binary junk": (bytes(range(256)) * 8, WrongKindOfKey, "holds no PEM key at all"),
        "damaged first block": (
            _damage_base64(pem, 0),
            DamagedKeyFile,
            "key block 1 is not a well-formed encrypted key",
        ),
        "damaged second block": (
            _damage_base64(pem, 1),
            DamagedKeyFile,
            "key block 2 is not a well-formed encrypted key",
        ),
        "not base64 in the second block": (
            _replace_at(pem, second + 10, b"!"),
            DamagedKeyFile,
            "key block 2 is not valid base64 (a character was changed or lost)",
        ),
        "a character lost from the first block": (
            _replace_at(pem, _block_starts(pem)[0] + 70, b"\n"),
            DamagedKeyFile,
            "key block 1 is not valid base64",
        ),
        "flipped inside the first encrypted key": (
            _replace_at(pem, _last_ciphertext_char(pem, 0)),
            DamagedKeyFile,
            "the passphrase is right (it opens key block 2) but key block 1 does not open",
        ),
        "flipped inside the second encrypted key": (
            _replace_at(pem, _last_ciphertext_char(pem, 1)),
            DamagedKeyFile,
            "the passphrase is right (it opens key block 1) but key block 2 does not open",
        ),
    }


def test_damaged_private_key_files(private_pem: bytes) -> None:
    for what, (data, kind, message) in _private_damage(private_pem).items():
        with pytest.raises(KeyFileError) as info:
            CampaignPrivateKey.from_pem(data, PASSPHRASE, "damaged.pem")
        assert type(info.value) is kind, (what, info.value)
        assert str(info.value).startswith("damaged.pem "), (what, info.value)
        assert message in str(info.value), (what, info.value)
        if kind is DamagedKeyFile:
            assert str(info.value).endswith("Use your backup copy of the campaign private key.")


def test_no_single_changed_character_reads_as_a_wrong_passphrase(private_pem: bytes) -> None:
    """Wherever one base64 character of the key blocks changes, the right passphrase is told
    the file is damaged: structure finds most of it, the other block's opening the rest."""
    fingerprint = LockedCampaignKey.read(private_pem, "k.pem").fingerprint
    for at in _base64_positions(private_pem)[::7]:
        try:
            key = CampaignPrivateKey.from_pem(_replace_at(private_pem, at), PASSPHRASE, "k.pem")
        except KeyFileError as exc:
            assert type(exc) is DamagedKeyFile, (at, exc)
        else:
            # Only the unused low bits of a block's last character: the same bytes decode.
            assert key.public_key().fingerprint == fingerprint, at


def test_a_damaged_salt_cannot_be_told_from_a_wrong_passphrase(private_pem: bytes) -> None:
    salt = _header(private_pem, "scrypt-salt")
    other = (b"B" if salt[:1] != b"B" else b"C") + salt[1:]
    data = private_pem.replace(salt, other)
    with pytest.raises(WrongPassphrase) as info:
        CampaignPrivateKey.from_pem(data, PASSPHRASE, "k.pem")
    assert str(info.value).endswith(
        "If you are sure it is right, this copy of the key file may be damaged: try your backup"
        " copy of the campaign private key."
    )
    assert "scrypt" not in str(info.value) and "salt" not in str(info.value)


def test_a_changed_fingerprint_line_is_damage(private_pem: bytes) -> None:
    stated = private_pem.split(b"\n", 1)[0].rsplit(b" ", 1)[1]
    data = private_pem.replace(stated, b"0000-0000-0000-0000-0000", 1)
    locked = LockedCampaignKey.read(data, "k.pem")  # read alone cannot know
    assert locked.fingerprint == "0000-0000-0000-0000-0000"
    with pytest.raises(DamagedKeyFile, match="do not match the fingerprint written in it"):
        locked.unlock(PASSPHRASE)


def test_a_locked_key_tells_its_fingerprint_before_the_passphrase(
    campaign_private_key: CampaignPrivateKey, private_pem: bytes
) -> None:
    locked = LockedCampaignKey.read(private_pem, "k.pem")
    assert locked.fingerprint == campaign_private_key.public_key().fingerprint
    assert locked.unlock(PASSPHRASE).public_key().fingerprint == locked.fingerprint


def test_public_key_is_not_a_private_key(campaign_public_key: CampaignPublicKey) -> None:
    with pytest.raises(WrongKindOfKey) as info:
        CampaignPrivateKey.from_pem(campaign_public_key.to_pem(), PASSPHRASE, "pub.pem")
    assert str(info.value) == (
        "pub.pem is not a campaign private key: it is a public key. Use the campaign private "
        "key file, made by 'kiosk keygen' or 'kiosk central init'."
    )


def test_device_key_is_not_a_campaign_private_key() -> None:
    device = device_key.DeviceKey.generate().to_pem()
    with pytest.raises(WrongKindOfKey, match="an unencrypted private key"):
        CampaignPrivateKey.from_pem(device, PASSPHRASE, "device-key.pem")


def test_private_key_is_not_a_public_key(private_pem: bytes) -> None:
    with pytest.raises(WrongKindOfKey) as info:
        CampaignPublicKey.from_pem(private_pem, "priv.pem")
    assert str(info.value).startswith(
        "priv.pem is not a campaign public key but the campaign's private key, which must "
        "never be copied to a kiosk."
    )


def test_damaged_public_key_files(campaign_public_key: CampaignPublicKey) -> None:
    pem = campaign_public_key.to_pem()
    cut = "complete key blocks where a campaign public key has 2"
    cases: dict[str, tuple[bytes, type[KeyFileError], str]] = {
        "empty": (b"", WrongKindOfKey, "pub.pem is not a campaign public key: it holds no PEM"),
        "not PEM": (b"hello\n" * 20, WrongKindOfKey, "holds no PEM key at all"),
        "a certificate": (
            b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            WrongKindOfKey,
            "it holds CERTIFICATE blocks",
        ),
        "truncated in the first block": (pem[: len(pem) // 2], DamagedKeyFile, f"0 {cut}"),
        "truncated in the second block": (pem[:-30], DamagedKeyFile, f"1 {cut}"),
        "doubled": (pem + pem, DamagedKeyFile, f"4 {cut}"),
        "damaged first block": (_damage_base64(pem, 0), DamagedKeyFile, "is damaged"),
        "damaged second block": (_damage_base64(pem, 1), DamagedKeyFile, "is damaged"),
        "not base64": (
            _replace_at(pem, _block_starts(pem)[1] + 8, b"*"),
            DamagedKeyFile,
            "part 2 of the key is not valid base64",
        ),
    }
    for what, (data, kind, message) in cases.items():
        with pytest.raises(KeyFileError) as info:
            CampaignPublicKey.from_pem(data, "pub.pem")
        assert type(info.value) is kind, (what, info.value)
        assert message in str(info.value), (what, info.value)


def _ed25519_public_pem() -> bytes:
    return (
        ed25519.Ed25519PrivateKey.generate()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )


def test_public_key_of_the_wrong_kind(campaign_public_key: CampaignPublicKey) -> None:
    real = campaign_public_key.to_pem()
    x25519_block = real[real.rindex(b"-----BEGIN PUBLIC KEY-----") :]
    for data in (
        _ed25519_public_pem() + _ed25519_public_pem(),
        x25519_block + x25519_block,  # both halves X25519
        real[real.index(b"-----BEGIN") :].replace(x25519_block, _ed25519_public_pem()),
    ):
        with pytest.raises(KeyFileError, match="wrong kind"):
            CampaignPublicKey.from_pem(data, "pub.pem")


def test_private_key_of_the_wrong_kind(private_pem: bytes) -> None:
    # A well-formed file whose blocks open with the passphrase but are Ed25519 keys.
    salt = base64.b64decode(_header(private_pem, "scrypt-salt"))
    secret = campaign_key.stretch(PASSPHRASE, salt, FAST_N)
    blocks = [
        ed25519.Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(secret),
        )
        for _ in range(2)
    ]
    data = private_pem[: private_pem.index(b"-----BEGIN")] + b"".join(blocks)
    with pytest.raises(KeyFileError, match="wrong kind") as info:
        CampaignPrivateKey.from_pem(data, PASSPHRASE, "k.pem")
    assert not isinstance(info.value, WrongPassphrase)


def test_damaged_key_material_in_a_public_key_file_is_detected(
    campaign_public_key: CampaignPublicKey,
) -> None:
    pem = campaign_public_key.to_pem()
    damaged = _damage_base64(pem, 1, offset=40)  # inside the raw X25519 key bytes
    with pytest.raises(KeyFileError):
        CampaignPublicKey.from_pem(damaged, "pub.pem")


def test_key_files_saved_with_windows_line_endings_still_load(
    campaign_private_key: CampaignPrivateKey, private_pem: bytes
) -> None:
    crlf = private_pem.replace(b"\n", b"\r\n")
    loaded = CampaignPrivateKey.from_pem(crlf, PASSPHRASE, "k.pem")
    assert loaded.public_key().fingerprint == campaign_private_key.public_key().fingerprint
    public = campaign_private_key.public_key().to_pem().replace(b"\n", b"\r\n")
    assert CampaignPublicKey.from_pem(public, "p.pem") == campaign_private_key.public_key()


@given(st.text(), st.text(), st.text())
def test_the_binding_is_the_canonical_json_of_the_ids(
    appeal: str, record: str, device: str
) -> None:
    ids = {"appeal": appeal, "device": device, "signature": record}
    canonical = b"kiosk/signature-record/v1\x00" + json.dumps(ids, sort_keys=True).encode("ascii")
    assert record_binding(appeal, record, device) == canonical
