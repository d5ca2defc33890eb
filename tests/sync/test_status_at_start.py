"""The sync status a kiosk shows before its worker's first round (issue 11, item 12: the corner
was blank for the first seconds): read from the vault alone, at open."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from receipts import SERVER_RECEIPT_KEY
from sync_types import AddSignatures

from kiosk.sync.service import status_at_start
from kiosk.sync.status import SyncStatus
from kiosk.vault import Vault, device


def test_a_kiosk_never_enrolled_starts_with_nothing_to_say(
    vault: Vault, data_dir: Path, add_signatures: AddSignatures
) -> None:
    add_signatures(2)
    assert status_at_start(vault, data_dir) == SyncStatus()


def test_an_enrolled_kiosk_starts_with_its_backlog_before_any_round(
    vault: Vault, data_dir: Path, add_signatures: AddSignatures
) -> None:
    device.record_enrolment(
        vault,
        device.Enrolment(
            server_url="https://central.example.org",
            event="Pride march",
            device_key_file="device-key.pem",
            campaign_key_fingerprint="abcd-ef01-2345-6789-abcd",
            enrolled_at=datetime(2026, 6, 1, 10, tzinfo=UTC),
            receipt_key=SERVER_RECEIPT_KEY,
        ),
    )
    add_signatures(3)
    status = status_at_start(vault, data_dir)
    assert status.enrolled and status.pending_signatures == 3 and status.waiting == 3
    assert status.server_reachable is None and status.last_error is None  # nothing tried yet
