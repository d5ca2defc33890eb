"""Signatures and one sync round, the way an enrolled kiosk takes and sends them, for the tests
that follow signatures end to end (TLS, salvage, one campaign per kiosk, two machines)."""

from __future__ import annotations

from datetime import timedelta

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import validate
from kiosk.settings import SyncSettings
from kiosk.sync.client import CentralClient
from kiosk.sync.enrol import Enrolled
from kiosk.sync.keyset import SealingKey
from kiosk.sync.service import closer_for, follower_for, heartbeat_for
from kiosk.sync.worker import SyncWorker
from kiosk.vault import Vault


def sign(
    vault: Vault, appeal: Appeal, key: CampaignPublicKey | SealingKey, names: list[str]
) -> None:
    """One signature per name (first name NAME, e-mail name@example.org), sealed to `key`
    (a SealingKey: the key the kiosk's keyset names, as `kiosk run` seals)."""
    desk = SignatureDesk(appeal, vault, key)
    for name in names:
        entries = {
            "first_name": name,
            "last_name": "Example",
            "email": f"{name.lower()}@example.org",
            "country": "Italy",
        }
        result = validate(appeal, entries, terms_accepted=True, updates_opt_in=False)
        assert result.submission is not None, result.errors
        desk.record(result.submission)


def sync_once(
    vault: Vault,
    state: Enrolled,
    *,
    url: str | None = None,
    retention: timedelta = timedelta(days=1),
    appeal: Appeal | None = None,
    sealing: SealingKey | None = None,
) -> SyncWorker:
    """One forced round to the enrolled server (or `url`, e.g. a proxy), then stopped; its
    board says how it went. With `appeal` (the one on screen) the round ends with a heartbeat,
    as the kiosk's own worker does. The round follows the coordinator's keyset as `kiosk run`
    does, moving `sealing` when it changes."""
    settings = SyncSettings(batch_size=50, retention=retention)
    client = CentralClient(
        url or state.server_url, receipt_key=state.receipt_key, trust=state.trust(), timeout=10
    )
    heartbeat = None
    if appeal is not None:
        data_dir = state.device_key_file.parent
        heartbeat = heartbeat_for(vault, state, client, data_dir, lambda: appeal)
    worker = SyncWorker(
        vault,
        closer_for(vault, state, settings),
        client,
        settings,
        heartbeat=heartbeat,
        keyset=follower_for(vault, state, sealing),
    )
    worker.run_once(force=True)
    worker.stop()
    return worker
