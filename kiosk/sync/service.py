"""Starting the sync worker for an enrolled kiosk, from its settings and data directory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kiosk.files import keys
from kiosk.petition.appeal import Appeal
from kiosk.settings import SyncSettings
from kiosk.sync.client import CentralClient
from kiosk.sync.closer import BatchCloser
from kiosk.sync.enrol import Enrolled, enrolled
from kiosk.sync.heartbeat import HeartbeatSender
from kiosk.sync.keyset import KeysetFollower, SealingKey
from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.sync.worker import SyncWorker, with_backlog
from kiosk.vault import Vault


def status_at_start(vault: Vault, data_dir: Path) -> SyncStatus:
    """The sync status before the worker's first round, from the vault alone: enrolled or not,
    and the backlog. The appeal's corner and the panel say it from the first paint, rather than
    staying blank until the worker has reached the server."""
    if enrolled(vault, data_dir) is None:
        return SyncStatus()
    return with_backlog(vault, SyncStatus(enrolled=True))


def closer_for(vault: Vault, enrolment: Enrolled, settings: SyncSettings) -> BatchCloser:
    return BatchCloser(
        vault,
        keys.load_device_key(enrolment.device_key_file),
        batch_size=settings.batch_size,
        max_age=settings.batch_max_age,
        min_age=settings.batch_min_age,
    )


def follower_for(
    vault: Vault, enrolment: Enrolled, sealing: SealingKey | None = None
) -> KeysetFollower | None:
    """None for a kiosk that pinned no coordinator key (enrolled before keysets)."""
    if enrolment.coordinator_key is None:
        return None
    return KeysetFollower(
        vault, enrolment.campaign_key_fingerprint, enrolment.coordinator_key, sealing
    )


def heartbeat_for(
    vault: Vault,
    enrolment: Enrolled,
    client: CentralClient,
    data_dir: Path,
    appeal: Callable[[], Appeal | None],
) -> HeartbeatSender:
    key = keys.load_device_key(enrolment.device_key_file)
    return HeartbeatSender(vault, key, client, data_dir, appeal=appeal)


def start_sync(
    vault: Vault,
    data_dir: Path,
    settings: SyncSettings,
    *,
    board: StatusBoard | None = None,
    quiet: Callable[[], bool] | None = None,
    sealing: SealingKey | None = None,
    appeal: Callable[[], Appeal | None] = lambda: None,
) -> SyncWorker | None:
    """A running worker if this kiosk is enrolled, else None (it collects offline only).
    `quiet` says whether no supporter is at the form (kiosk.desks.presence.Presence.quiet);
    `sealing`, the signing desk's key, moves when the coordinator's keyset changes;
    `appeal`, which appeal is on screen, for the heartbeat."""
    enrolment = enrolled(vault, data_dir)
    if enrolment is None:
        return None
    client = CentralClient(
        enrolment.server_url,
        receipt_key=enrolment.receipt_key,
        trust=enrolment.trust(),
        timeout=settings.request_timeout.total_seconds(),
    )
    worker = SyncWorker(
        vault,
        closer_for(vault, enrolment, settings),
        client,
        settings,
        board=board,
        quiet=quiet,
        keyset=follower_for(vault, enrolment, sealing),
        heartbeat=heartbeat_for(vault, enrolment, client, data_dir, appeal),
    )
    worker.start()
    worker.sync_now()
    return worker
