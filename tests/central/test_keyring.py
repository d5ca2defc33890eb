"""The coordinator's keyring: key files under their own passphrases opened for the export, a
destroyed key's file left unused, another campaign's file refused before any passphrase, and
shredding that overwrites the key's bytes where they lie."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kiosk.central.campaign import CampaignInfo
from kiosk.central.keyring import KEY_DESTROYED, KEY_MISSING, shred
from kiosk.central.models import CampaignKey
from kiosk.cli.keys import open_keyring
from kiosk.cli.passphrase import Passphrases
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.errors import OtherCampaignKey, WrongPassphrase

FIRST, SECOND = "first passphrase here", "second passphrase here"


def _add_key(engine: Engine, key_id: int, key: CampaignPrivateKey, state: str) -> None:
    public = key.public_key()
    now = datetime.now(UTC)
    with Session(engine) as s, s.begin():
        s.add(
            CampaignKey(
                id=key_id,
                fingerprint=public.fingerprint,
                public_key_pem=public.to_pem().decode(),
                state=state,
                created_at=now,
                changed_at=now,
            )
        )


def _file(tmp_path: Path, name: str, key: CampaignPrivateKey, passphrase: str) -> Path:
    path = tmp_path / name
    path.write_bytes(key.to_pem(passphrase, scrypt_n=2**14))
    return path


def test_each_key_file_opens_with_its_own_passphrase_at_a_terminal(
    engine: Engine,
    campaign: CampaignInfo,
    campaign_private_key: CampaignPrivateKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    second = CampaignPrivateKey.generate()
    _add_key(engine, 2, second, "active")
    files = [
        _file(tmp_path, "campaign-private.pem", campaign_private_key, FIRST),
        _file(tmp_path, "campaign-private-2.pem", second, SECOND),
    ]
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", FIRST)
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    with pytest.raises(WrongPassphrase, match=r"campaign-private-2\.pem"):
        open_keyring(engine, files, Passphrases())

    asked: list[str] = []
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("getpass.getpass", lambda prompt: asked.append(prompt) or SECOND)
    keyring, notes = open_keyring(engine, files, Passphrases())
    fingerprint = second.public_key().fingerprint
    assert asked == [  # only the file the first one does not open, by its key
        f"The passphrase does not open campaign key 2 ({fingerprint}) ({files[1]}). "
        "Its passphrase: "
    ]
    assert set(keyring.keys) == {campaign.key_fingerprint, second.public_key().fingerprint}
    assert notes == []


def test_a_destroyed_keys_file_is_not_used_and_another_campaigns_is_refused(
    engine: Engine,
    campaign: CampaignInfo,
    campaign_private_key: CampaignPrivateKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gone = CampaignPrivateKey.generate()
    _add_key(engine, 2, gone, "destroyed")
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", FIRST)
    files = [
        _file(tmp_path, "campaign-private.pem", campaign_private_key, FIRST),
        _file(tmp_path, "a-backup-copy.pem", gone, FIRST),
    ]
    keyring, notes = open_keyring(engine, files, Passphrases())
    assert set(keyring.keys) == {campaign.key_fingerprint}
    assert notes == [
        f"kiosk: {files[1]} holds key 2, which is destroyed: not used. Shred this copy too."
    ]
    gone_fp = gone.public_key().fingerprint
    assert keyring.why_not(gone_fp) == KEY_DESTROYED
    assert keyring.why_not("0000-0000-0000-0000-0000") == KEY_MISSING

    stranger = _file(tmp_path, "other.pem", CampaignPrivateKey.generate(), FIRST)
    monkeypatch.setattr("getpass.getpass", lambda prompt: pytest.fail("asked for a passphrase"))
    with pytest.raises(OtherCampaignKey, match="collects for campaign"):
        open_keyring(engine, [stranger, files[0]], Passphrases())


def test_shred_overwrites_the_bytes_where_they_lie_then_removes_the_file(tmp_path: Path) -> None:
    key = tmp_path / "campaign-private-2.pem"
    secret = CampaignPrivateKey.generate().to_pem(FIRST, scrypt_n=2**14)
    key.write_bytes(secret)
    # A second name for the same inode sees what shredding left in those blocks.
    witness = tmp_path / "witness"
    os.link(key, witness)
    assert shred(key) is True
    assert not key.exists()
    left = witness.read_bytes()
    assert len(left) == len(secret) and left != secret
    assert b"ENCRYPTED PRIVATE KEY" not in left and b"scrypt" not in left
    assert shred(key) is False
