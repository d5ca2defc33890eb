"""The real kiosk sync client against the real central server on loopback."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import validate
from kiosk.settings import SyncSettings
from kiosk.sync.client import CentralClient
from kiosk.sync.enrol import enrol, enrolled
from kiosk.sync.service import closer_for
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault, outbox


def test_enrol_upload_receipt_and_purge_against_the_central_server(
    vault: Vault,
    data_dir: Path,
    tmp_path: Path,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
) -> None:
    from kiosk.central.embedded import start_local_server

    with start_local_server(tmp_path / "central", campaign_public_key) as server:
        enrol(vault, data_dir, server.issue_enrolment_code("Test event"), server.url)
        state = enrolled(vault, data_dir)
        assert state is not None and state.event == "Test event"

        desk = SignatureDesk(appeal, vault, campaign_public_key)
        entries = {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.org",
            "country": "Italy",
        }
        for _ in range(5):
            result = validate(appeal, entries, terms_accepted=True, updates_opt_in=False)
            assert result.submission is not None
            desk.record(result.submission)

        settings = SyncSettings(batch_size=2, retention=timedelta(0))
        worker = SyncWorker(
            vault,
            closer_for(vault, state, settings),
            CentralClient(server.url, receipt_key=state.receipt_key),
            settings,
        )
        assert worker.run_once(force=True) is Outcome.DONE
        worker.stop()
        assert outbox.unacknowledged(vault) == []
        assert vault.count() == 0  # retention 0: sealed rows purged right after the receipt
        assert worker.board.current.last_success is not None
        assert len(server.status()) == 1
