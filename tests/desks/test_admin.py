"""The volunteer's operations without Qt: enrolment with a code (and its refusals), the worker it
starts, the appeal choice, event names, and finding USB sticks."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.central.embedded import start_local_server
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.crypto.pin_hash import PinHashParams
from kiosk.desks.admin import AdminDesk, chosen_appeal, installed_appeals
from kiosk.desks.pin import PinGuard
from kiosk.errors import AdminError
from kiosk.files.removable import removable_drives
from kiosk.settings import SyncSettings
from kiosk.sync.status import StatusBoard
from kiosk.sync.worker import SyncWorker
from kiosk.vault import Vault


def _desk(vault: Vault, data_dir: Path, started: list[StatusBoard]) -> AdminDesk:
    def start(board: StatusBoard) -> SyncWorker | None:
        started.append(board)
        return None

    return AdminDesk(
        vault,
        data_dir,
        SyncSettings(),
        PinGuard(vault, params=PinHashParams(64, 1, 1)),
        start_worker=start,
    )


def test_enrol_with_a_code_then_refuse_it_used_and_expired(
    vault: Vault, data_dir: Path, tmp_path: Path, campaign_public_key: CampaignPublicKey
) -> None:
    started: list[StatusBoard] = []
    desk = _desk(vault, data_dir, started)
    with start_local_server(tmp_path / "central", campaign_public_key) as server:
        code = server.issue_enrolment_code("Pride march")
        done = desk.enrol(server.url, code)
        assert done.event == "Pride march" and desk.server_url() == server.url
        assert desk.event_name() == "Pride march"  # the enrolment's event, until one is set
        assert started == [desk.board]  # the worker starts, reporting on the panel's board

        (tmp_path / "other").mkdir()
        other = Vault.open(tmp_path / "other")
        try:
            with pytest.raises(AdminError, match="already been used"):
                _desk(other, tmp_path / "other", []).enrol(server.url, code)
            stale = server.issue_enrolment_code("Old", valid_for=timedelta(seconds=1))
            time.sleep(1.2)
            with pytest.raises(AdminError, match="expired"):
                _desk(other, tmp_path / "other", []).enrol(server.url, stale)
        finally:
            other.close()


def test_event_names_are_tidied_and_limited(vault: Vault, data_dir: Path) -> None:
    desk = _desk(vault, data_dir, [])
    assert desk.set_event_name("  Book \n fair ") == "Book fair"
    with pytest.raises(AdminError):
        desk.set_event_name("x" * 121)
    assert desk.set_event_name("") == ""


def test_appeal_choice(vault: Vault, data_dir: Path) -> None:
    desk = _desk(vault, data_dir, [])
    (only,) = installed_appeals(data_dir)
    assert chosen_appeal(vault, data_dir) is None
    desk.choose_appeal(only.id)
    chosen = chosen_appeal(vault, data_dir)
    assert chosen is not None and chosen.id == only.id
    with pytest.raises(AdminError):
        desk.choose_appeal("not-installed")


def test_removable_drives_are_the_writable_folders_under_the_mount_roots(tmp_path: Path) -> None:
    media = tmp_path / "media" / "volunteer"
    (media / "KIOSK-USB").mkdir(parents=True)
    (media / "SPARE").mkdir()
    (media / "note.txt").write_text("not a drive", "utf-8")
    locked = media / "LOCKED"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        drives = removable_drives("linux", roots=[media, tmp_path / "missing"])
    finally:
        locked.chmod(0o700)
    names = [d.label for d in drives]
    assert "KIOSK-USB" in names and "SPARE" in names and "note.txt" not in names
    if os.geteuid() != 0:  # root may write anywhere
        assert "LOCKED" not in names
