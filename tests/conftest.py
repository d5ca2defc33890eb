"""Shared fixtures: a campaign key pair, a vault in a temporary data directory, a desk."""

from __future__ import annotations

import logging
import os
import shutil

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PYTEST_QT_API", "pyside6")

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.files import core_dumps
from kiosk.petition.appeal import Appeal, load_bundled_appeal
from kiosk.petition.record import SignatureRecord, open_record
from kiosk.vault import VAULT_FILE, Vault, schema
from kiosk.vault.engine import make_engine
from kiosk.vault.models import StoredSignature

settings.register_profile("ci", max_examples=300, deadline=None)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") == "true" else "dev")


@pytest.fixture(autouse=True)
def _keep_this_process_dumpable(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests that run `kiosk run` in this process must not turn core dumps off for the whole
    test run (the hard limit cannot be raised again, and tests/files/test_core_dumps.py needs
    to raise it in its children); the real start does, in its own process (tests/e2e)."""
    monkeypatch.setattr(core_dumps, "forbid", lambda: ["left on in the test process"])


@pytest.fixture(autouse=True)
def _restore_kiosk_logging() -> Iterator[None]:
    """main() points the 'kiosk' logger at a file in the data directory; undo that afterwards."""
    logger = logging.getLogger("kiosk")
    before, level = list(logger.handlers), logger.level
    yield
    for handler in logger.handlers:
        if handler not in before:
            handler.close()
    logger.handlers[:] = before
    logger.setLevel(level)


@pytest.fixture(scope="session")
def campaign_private_key() -> CampaignPrivateKey:
    return CampaignPrivateKey.generate()


@pytest.fixture(scope="session")
def campaign_public_key(campaign_private_key: CampaignPrivateKey) -> CampaignPublicKey:
    return campaign_private_key.public_key()


@pytest.fixture(scope="session")
def appeal() -> Appeal:
    return load_bundled_appeal()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def vault_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A vault file migrated to the newest schema and not yet opened as a vault (no device
    identity), copied for each `vault`: running the migrations costs more than a copy."""
    path = tmp_path_factory.mktemp("vault-template") / VAULT_FILE
    engine = make_engine(path)
    try:
        schema.upgrade(engine)
    finally:
        engine.dispose()
    # Closed, so the WAL is in the file itself; a copy of the file is the whole vault.
    assert [p.name for p in path.parent.iterdir()] == [VAULT_FILE]
    return path


@pytest.fixture
def vault(data_dir: Path, vault_template: Path) -> Iterator[Vault]:
    """A new vault in `data_dir`, with its own device identity (created as it opens)."""
    shutil.copyfile(vault_template, data_dir / VAULT_FILE)
    v = Vault.open(data_dir)
    yield v
    v.close()


@pytest.fixture
def desk(appeal: Appeal, vault: Vault, campaign_public_key: CampaignPublicKey) -> SignatureDesk:
    return SignatureDesk(appeal, vault, campaign_public_key)


@pytest.fixture
def open_stored(
    campaign_private_key: CampaignPrivateKey, vault: Vault
) -> Callable[[StoredSignature], SignatureRecord]:
    """Decrypt a stored row the way the coordinator will, checking its binding."""

    def _open(row: StoredSignature) -> SignatureRecord:
        return open_record(
            row.sealed,
            campaign_private_key,
            appeal_id=row.appeal_id,
            signature_id=row.id,
            device_id=vault.device_id,
        )

    return _open
