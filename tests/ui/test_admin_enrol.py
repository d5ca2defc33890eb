"""Enrolling from the volunteer panel, on a kiosk that started unenrolled, against a real central
server: the sync worker starts, and its status shows in the appeal screen's corner at once, not
from the next start."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from admin_helpers import Volunteer  # type: ignore[import-not-found]
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from kiosk.central.embedded import LocalServer, start_local_server
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.admin import AdminDesk
from kiosk.desks.signing import SignatureDesk
from kiosk.ui.admin import install_admin
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault


@pytest.fixture
def server(tmp_path: Path, campaign_public_key: CampaignPublicKey) -> Iterator[LocalServer]:
    with start_local_server(tmp_path / "central", campaign_public_key) as running:
        yield running


def corner(window: KioskWindow) -> QLabel | None:
    label = window.appeal_screen.findChild(QLabel, "sync_status")
    return label if isinstance(label, QLabel) and label.isVisible() else None


def test_enrolling_from_the_panel_shows_the_sync_corner_at_once(
    qtbot: QtBot,
    qapp: QApplication,
    desk: SignatureDesk,
    unenrolled: AdminDesk,
    server: LocalServer,
) -> None:
    apply_look(qapp)
    window = KioskWindow(desk)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.follow_sync(unenrolled.board)  # as kiosk.ui.app.run_kiosk does, enrolled or not
    layer = install_admin(
        window,
        unenrolled,
        exit_kiosk=window.exit_kiosk,
        find_drives=list,
        on_appeal_chosen=window.change_appeal,
    )
    with qtbot.waitExposed(window):
        window.show()
    volunteer = Volunteer(qtbot, window, layer)
    try:
        assert corner(window) is None
        assert unenrolled.worker is None

        volunteer.unlock()
        volunteer.tap("admin_enrol")
        url = volunteer.find("enrol_server", QLineEdit)
        assert isinstance(url, QLineEdit)
        url.clear()
        qtbot.keyClicks(url, server.url)
        # A "%2" in the event name stays as typed: filling the placeholders one after the
        # other put the server's address into it ("Pride https://...0 march").
        code = server.issue_enrolment_code("Pride %20 march")
        qtbot.keyClicks(volunteer.find("enrol_code", QLineEdit), code)
        with qtbot.waitSignal(layer.enrol_finished, timeout=20000) as done:
            volunteer.tap("admin_enrol_page_action")
        assert str(done.args[0]) == (
            f"Enrolled for “Pride %20 march”. Signatures now sync to {server.url}."
        )
        assert unenrolled.worker is not None
        volunteer.tap("admin_enrol_page_back")
        volunteer.tap("admin_close")

        qtbot.waitUntil(lambda: corner(window) is not None, timeout=10000)
        qtbot.waitUntil(
            lambda: (
                (label := corner(window)) is not None
                and label.text().startswith("Nothing to sync yet")
            ),
            timeout=10000,
        )
    finally:
        layer.release()
        window.allow_exit()


def test_the_panel_names_the_campaign_and_moves_the_kiosk_only_with_a_release(
    qtbot: QtBot,
    qapp: QApplication,
    desk: SignatureDesk,
    unenrolled: AdminDesk,
    server: LocalServer,
    vault: Vault,
    data_dir: Path,
    tmp_path: Path,
    campaign_public_key: CampaignPublicKey,
) -> None:
    from kiosk.central.enrolment import release
    from kiosk.crypto.campaign_key import CampaignPrivateKey
    from kiosk.sync.enrol import enrol

    enrol(vault, data_dir, server.issue_enrolment_code("Rally"), server.url)
    apply_look(qapp)
    window = KioskWindow(desk)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    layer = install_admin(
        window, unenrolled, exit_kiosk=window.exit_kiosk, find_drives=list,
        on_appeal_chosen=window.change_appeal,
    )  # fmt: skip
    with qtbot.waitExposed(window):
        window.show()
    volunteer = Volunteer(qtbot, window, layer)
    other_key = CampaignPrivateKey.generate().public_key()
    with start_local_server(tmp_path / "other", other_key) as other:
        try:
            volunteer.unlock()
            volunteer.tap("admin_enrol")
            page = layer.enrol_page
            shown = [w.text() for w in page.findChildren(QLabel) if w.isVisible()]
            assert any(campaign_public_key.fingerprint in text for text in shown), shown
            release_edit = volunteer.find("enrol_release", QLineEdit)
            assert release_edit.accessibleName().startswith("Release")

            def enrol_from_panel(code: str, token: str = "") -> str:
                url = volunteer.find("enrol_server", QLineEdit)
                assert isinstance(url, QLineEdit)
                url.clear()
                qtbot.keyClicks(url, other.url)
                volunteer.find("enrol_code", QLineEdit).clear()
                qtbot.keyClicks(volunteer.find("enrol_code", QLineEdit), code)
                release_edit.clear()
                if token:
                    release_edit.setText(token)  # pasted, as a long token is
                with qtbot.waitSignal(layer.enrol_finished, timeout=20000) as done:
                    volunteer.tap("admin_enrol_page_action")
                return str(done.args[0])

            refused = enrol_from_panel(other.issue_enrolment_code("Rally"))
            assert "release" in refused and "Nothing was changed" in refused
            token = release(server.engine, vault.device_id)
            moved = enrol_from_panel(other.issue_enrolment_code("Rally"), token)
            assert moved.startswith("Enrolled for “Rally”") and other.url in moved
        finally:
            layer.release()
            window.allow_exit()
