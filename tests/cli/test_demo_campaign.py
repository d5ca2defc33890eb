"""The demo makes its campaign as `kiosk central init` does (kiosk/cli/launch.py): a coordinator
signing key in demo-coordinator/ under the demo passphrase and the first signed keyset, so the
coordinator's commands that need them (deliver, key list|rotate) work on the demo's data. Demo
data made before coordinator signing keys is kept, and the terminal says what to do with it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kiosk.central.db import default_url, open_database
from kiosk.central.embedded import start_local_server
from kiosk.central.keyring import COORDINATOR_KEY_FILE, load_coordinator_key
from kiosk.central.keyset import primary_and_version
from kiosk.central.models import Campaign
from kiosk.cli.launch import DEMO_CENTRAL_DIR, KioskStart
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.files import keys
from kiosk.petition.appeal import Appeal
from kiosk.settings import Settings


def _demo(data_dir: Path, key: CampaignPublicKey, appeal: Appeal) -> KioskStart:
    return KioskStart(Settings(data_dir=data_dir), appeal, key, demo=True, appeal_given=False)


def _connect(data_dir: Path, key: CampaignPublicKey, appeal: Appeal) -> None:
    start = _demo(data_dir, key, appeal)
    try:
        start.open()
        start.connect()
    finally:
        start.close()


def test_a_new_demo_campaign_has_a_coordinator_key_and_a_signed_keyset(
    data_dir: Path,
    campaign_public_key: CampaignPublicKey,
    appeal: Appeal,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _connect(data_dir, campaign_public_key, appeal)
    signing_file = data_dir / keys.DEMO_DIR / COORDINATOR_KEY_FILE
    assert b"ENCRYPTED PRIVATE KEY" in signing_file.read_bytes()
    signing = load_coordinator_key(data_dir / keys.DEMO_DIR, keys.DEMO_PASSPHRASE)
    engine = open_database(default_url(data_dir / DEMO_CENTRAL_DIR))
    try:
        with Session(engine) as s:
            assert s.get_one(Campaign, 1).coordinator_key == signing.public_bytes
        assert primary_and_version(engine) == (1, 1)  # the first keyset, signed
    finally:
        engine.dispose()
    assert "older version" not in capsys.readouterr().err
    # A second start reuses the campaign and its key: nothing is made again.
    before = signing_file.read_bytes()
    _connect(data_dir, campaign_public_key, appeal)
    assert signing_file.read_bytes() == before
    assert "older version" not in capsys.readouterr().err


def test_demo_data_made_before_coordinator_keys_is_kept_and_said_what_to_do(
    data_dir: Path,
    campaign_public_key: CampaignPublicKey,
    appeal: Appeal,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # What an older `kiosk demo` left: the demo campaign without a coordinator signing key.
    start_local_server(data_dir / DEMO_CENTRAL_DIR, campaign_public_key).stop()
    _connect(data_dir, campaign_public_key, appeal)
    err = capsys.readouterr().err
    assert f"the demo data in {data_dir} was made by an older version of kiosk" in err
    assert f"move {data_dir} away (it holds only demo data) and run 'kiosk demo' again" in err
    # No signing key is written that the campaign would not know.
    assert not (data_dir / keys.DEMO_DIR / COORDINATOR_KEY_FILE).exists()
    assert (data_dir / DEMO_CENTRAL_DIR / "central.sqlite3").is_file()  # kept as it was
