"""The appeal screen at rest: the live count (the campaign's total once the server reported it,
plus what this kiosk holds that it had not counted), the goal, and nothing ticking."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from kiosk_screen import Supporter
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QProgressBar

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault


def counter(window: KioskWindow) -> QLabel:
    label = window.appeal_screen.findChild(QLabel, "signature_counter")
    assert label is not None and label.isVisible()
    return label


def progress(window: KioskWindow) -> int:
    bar = window.appeal_screen.findChild(QProgressBar, "goal_progress")
    assert bar is not None
    return bar.value()


def publish_from_a_thread(board: StatusBoard, status: SyncStatus) -> None:
    worker = threading.Thread(target=board.publish, args=(status,))
    worker.start()
    worker.join()


def test_the_count_follows_the_servers_total_without_double_counting(
    qtbot: QtBot,
    make_window: Callable[..., KioskWindow],
    appeal: Appeal,
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
) -> None:
    desk = SignatureDesk(replace(appeal, goal=5000), vault, campaign_public_key)
    window = make_window(thanks_seconds=60, with_desk=desk)
    goal = window.appeal_screen.findChild(QLabel, "goal")
    assert goal is not None and goal.text() == "Goal: 5,000 signatures"
    assert progress(window) == 0
    board = StatusBoard()
    window.follow_sync(board)
    assert counter(window).text() == "Be the first to sign on this kiosk."

    # One signature here, before the server has said anything: this kiosk's count.
    supporter = Supporter(qtbot, window)
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    supporter.tap("done_button")
    assert counter(window).text() == "1 person has signed on this kiosk."

    # The server counted 1,200 including this kiosk's first signature.
    total = SyncStatus(
        enrolled=True,
        campaign_appeal_id=desk.appeal.id,
        campaign_total=1200,
        counted_through_seq=1,
    )
    publish_from_a_thread(board, total)
    qtbot.waitUntil(lambda: "1,200" in counter(window).text(), timeout=2000)
    assert counter(window).text() == "1,200 people have signed so far."
    assert counter(window).accessibleName() == counter(window).text()
    assert progress(window) == 1200

    # A second signature here: on top of the total at once, without waiting for the server.
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    supporter.tap("done_button")
    assert counter(window).text() == "1,201 people have signed so far."

    # The server's next total includes it (and one from elsewhere): counted once.
    publish_from_a_thread(board, replace(total, campaign_total=1202, counted_through_seq=2))
    qtbot.waitUntil(lambda: "1,202" in counter(window).text(), timeout=2000)
    assert counter(window).text() == "1,202 people have signed so far."
    assert progress(window) == 1202


def test_nothing_ticks_on_the_resting_appeal_screen(
    qtbot: QtBot, make_window: Callable[..., KioskWindow]
) -> None:
    window = make_window(thanks_seconds=1)
    window.follow_sync(StatusBoard())
    supporter = Supporter(qtbot, window)
    assert [t.objectName() for t in window.findChildren(QTimer) if t.isActive()] == []

    # After a signature, the thank-you screen counts down and then returns here: and stops.
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    assert any(t.isActive() for t in window.findChildren(QTimer))
    qtbot.waitUntil(lambda: supporter.screen == "appeal_screen", timeout=3000)
    qtbot.waitUntil(
        lambda: not any(t.isActive() for t in window.findChildren(QTimer)), timeout=2000
    )
