"""The demo syncs by itself: a supporter signs in the running window, nobody presses Sync now,
and within seconds the demo's own central server holds the signature and the supporters' corner
says it is synced (issue 11, item 2)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from kiosk_screen import STORED, Supporter, release_windows, show_window
from pytestqt.qtbot import QtBot
from sqlalchemy import select
from sqlalchemy.orm import Session

from PySide6.QtWidgets import QApplication, QLabel

from kiosk.central.models import DeviceHeartbeat
from kiosk.cli.launch import KioskStart
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.files import datadir
from kiosk.petition.appeal import Appeal, appeal_digest
from kiosk.settings import DEMO_SYNC, Settings
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow

# Far more than the demo's two seconds, far less than the worker's 30 s interval and the
# batch's 10 min upper bound: only the quiet-table close can deliver in time.
WAIT_MS = 15_000


@pytest.fixture
def demo(
    tmp_path: Path, appeal: Appeal, campaign_public_key: CampaignPublicKey
) -> Iterator[KioskStart]:
    """What `kiosk demo` opens once its appeal is painted: vault, desks, its own central
    server on loopback and the enrolment to it, and the sync worker."""
    settings = Settings(data_dir=datadir.prepare(tmp_path / "kiosk"), sync=DEMO_SYNC)
    start = KioskStart(settings, appeal, campaign_public_key, demo=True, appeal_given=False)
    try:
        yield start
    finally:
        start.close()


def corner(window: KioskWindow) -> str:
    label = window.appeal_screen.findChild(QLabel, "sync_status")
    return label.text() if isinstance(label, QLabel) and label.isVisible() else ""


def test_a_signature_reaches_the_demo_server_without_anyone_pressing_sync_now(
    qtbot: QtBot,
    qapp: QApplication,
    demo: KioskStart,
    campaign_private_key: CampaignPrivateKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    apply_look(qapp)
    desks = demo.open()
    demo.connect()  # enrols and starts the worker, which syncs what is there (nothing yet)
    assert "demo central server at http://127.0.0.1:" in capsys.readouterr().err
    window = KioskWindow(desks.signatures, "demo", thanks_seconds=3)
    try:
        show_window(qtbot, window)
        window.follow_sync(desks.admin.board)
        qtbot.waitUntil(lambda: corner(window) == "Nothing to sync yet", timeout=WAIT_MS)
        supporter = Supporter(qtbot, window)
        supporter.sign_up_to_review()
        supporter.tap("confirm_button")
        assert supporter.screen == "thanks_screen"
        # Nothing pressed from here: the thank-you returns to the appeal by itself.
        qtbot.waitUntil(lambda: supporter.screen == "appeal_screen", timeout=WAIT_MS)
        qtbot.waitUntil(
            lambda: corner(window) == "All signatures synced · last sync just now",
            timeout=WAIT_MS,
        )
        out = io.StringIO()
        server = demo._server
        assert server is not None
        server.export(campaign_private_key, "json", out)
        (record,) = json.loads(out.getvalue())["signatures"]
        assert {name: record[name] for name in ("first_name", "last_name", "email")} == {
            name: STORED[name] for name in ("first_name", "last_name", "email")
        }
        # The round that delivered it also told the server the kiosk's state: nothing waits,
        # and the appeal on screen is the campaign's.
        with Session(server.engine) as s:
            beat = s.scalars(select(DeviceHeartbeat)).one()
        assert (beat.pending_signatures, beat.unacknowledged_batches) == (0, 0)
        assert beat.appeal_digest == appeal_digest(desks.signatures.appeal)
    finally:
        release_windows(qapp, [window])


def test_the_window_tells_the_desk_while_a_supporter_is_at_the_form(
    qtbot: QtBot, qapp: QApplication, desk: SignatureDesk
) -> None:
    apply_look(qapp)
    window = KioskWindow(desk, thanks_seconds=60)
    quiet_again: list[bool] = []
    desk.presence.on_quiet(lambda: quiet_again.append(True))
    try:
        show_window(qtbot, window)
        supporter = Supporter(qtbot, window)
        assert desk.presence.quiet()  # the appeal
        supporter.tap("sign_button")
        assert not desk.presence.quiet()
        supporter.fill_in()
        supporter.tap("consent_terms")
        supporter.tap("continue_button")
        assert supporter.screen == "review_screen" and not desk.presence.quiet()
        supporter.tap("confirm_button")
        assert supporter.screen == "thanks_screen" and desk.presence.quiet()
        assert quiet_again == [True]
    finally:
        release_windows(qapp, [window])
