"""The passphrase of the campaign key file that the `central` fixture (tests/central/conftest.py)
writes into the coordinator's directory, for tests that run the coordinator's commands; and key
files written quickly by those commands."""

import pytest

from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.crypto.coordinator_key import coordinator_key_to_pem

PASSPHRASE = "correct horse battery staple"
FAST_N = 2**14  # the smallest scrypt work factor a key file may state


def fast_key_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """The campaign and coordinator key files that `init` and `key rotate` write, at scrypt's
    smallest accepted work factor instead of 2**17 (about 0.7 s here per file written, and again
    per file opened, several times in each command's test). A key file states its n, so every
    command reads them as it would read any; the default itself is checked by
    tests/crypto/test_crypto.py and tests/sync/test_keyset_document.py."""
    for write in (CampaignPrivateKey.to_pem, coordinator_key_to_pem):
        assert write.__kwdefaults__ is not None
        monkeypatch.setitem(write.__kwdefaults__, "scrypt_n", FAST_N)
