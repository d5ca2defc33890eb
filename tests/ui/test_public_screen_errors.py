"""The public screen shows no technical errors (issue 11, item 7): with the kiosk's server
unreachable, a supporter who signs sees at most "Saved on this kiosk" in the corner; the
server's address and the reason are in the volunteer panel only."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from admin_helpers import Volunteer  # type: ignore[import-not-found]
from kiosk_screen import Supporter, release_windows, show_window
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication, QLabel

from kiosk.central.embedded import start_local_server
from kiosk.cli.launch import KioskStart
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.petition.appeal import Appeal
from kiosk.settings import Settings
from kiosk.sync.enrol import enrol
from kiosk.ui.admin import install_admin
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

RUN_PIN = "258036"


@pytest.fixture
def kiosk_run(
    data_dir: Path, tmp_path: Path, appeal: Appeal, campaign_public_key: CampaignPublicKey
) -> Iterator[tuple[KioskStart, str]]:
    """What `kiosk run` opens, on a kiosk enrolled with a server that has since gone: nothing
    listens at its port any more. Yields the start and the server's address."""
    with start_local_server(tmp_path / "central", campaign_public_key) as server:
        vault = Vault.open(data_dir)
        try:
            enrol(vault, data_dir, server.issue_enrolment_code("Rally"), server.url)
        finally:
            vault.close()
        url = server.url
    start = KioskStart(
        Settings(data_dir=data_dir), appeal, campaign_public_key, demo=False, appeal_given=False
    )
    try:
        yield start, url
    finally:
        start.close()


def visible_texts(window: KioskWindow) -> list[str]:
    return [
        label.text()
        for label in window.appeal_screen.findChildren(QLabel)
        if label.isVisible() and label.text()
    ]


def test_an_unreachable_server_shows_supporters_a_neutral_line_and_volunteers_why(
    qtbot: QtBot,
    qapp: QApplication,
    kiosk_run: tuple[KioskStart, str],
) -> None:
    start, gone_server_url = kiosk_run
    desks = start.open()
    admin = desks.admin
    admin.pin.choose(RUN_PIN)
    start.connect()  # the sync worker: its first round finds nobody at the server's port
    apply_look(qapp)
    window = KioskWindow(desks.signatures, thanks_seconds=60)
    layer = install_admin(window, admin, exit_kiosk=window.exit_kiosk, find_drives=list)
    try:
        show_window(qtbot, window)
        window.follow_sync(admin.board)
        supporter = Supporter(qtbot, window)
        supporter.sign_up_to_review()
        supporter.tap("confirm_button")
        supporter.tap("done_button")
        qtbot.waitUntil(
            lambda: "cannot be reached" in (admin.board.current.last_error or ""), timeout=20000
        )
        qtbot.waitUntil(lambda: "Saved on this kiosk" in visible_texts(window), timeout=5000)
        for text in visible_texts(window):
            assert "127.0.0.1" not in text and gone_server_url not in text, text
            assert "reached" not in text and "trying again" not in text, text
        corner = window.appeal_screen.findChild(QLabel, "sync_status")
        assert isinstance(corner, QLabel)
        assert corner.accessibleName() == "Sync status: Saved on this kiosk"

        volunteer = Volunteer(qtbot, window, layer)
        volunteer.unlock(RUN_PIN)
        problem = volunteer.text("admin_sync_error")
        assert problem.startswith("Problem: The server at ")
        assert gone_server_url in problem and "cannot be reached" in problem
    finally:
        layer.release()
        window.allow_exit()
        release_windows(qapp, [window])
