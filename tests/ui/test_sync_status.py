"""The sync status corner on the appeal screen: fed from the worker's thread, drawn on the GUI's."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QLabel

from kiosk.petition.appeal import Appeal
from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.ui import sync_status
from kiosk.ui.appeal_screen import AppealScreen


def test_status_published_on_a_worker_thread_is_shown_on_the_gui_thread(
    qtbot: QtBot, appeal: Appeal
) -> None:
    screen = AppealScreen(appeal, signed_count=3)
    qtbot.addWidget(screen)
    board = StatusBoard()
    label = sync_status.install(screen, board)
    assert screen.findChild(QLabel, "sync_status") is label
    assert label.text() == "Nothing to sync yet"

    painted_on: list[threading.Thread] = []
    original = label.show_status

    def spy(status: SyncStatus) -> None:
        painted_on.append(threading.current_thread())
        original(status)

    relay = screen.findChild(sync_status.SyncStatusRelay)
    assert relay is not None
    relay.status_changed.disconnect(label.show_status)
    relay.status_changed.connect(spy)

    worker = threading.Thread(
        target=board.publish,
        args=(SyncStatus(enrolled=True, pending_signatures=4, unsent_signatures=3),),
    )
    with qtbot.waitSignal(relay.status_changed, timeout=2000):
        worker.start()
    worker.join()
    qtbot.waitUntil(lambda: label.text() == "7 waiting to sync", timeout=2000)
    assert painted_on == [threading.main_thread()]
    assert label.accessibleName() == "Sync status: 7 waiting to sync"


def test_descriptions_say_what_is_waiting_and_never_what_went_wrong(
    qtbot: QtBot, appeal: Appeal
) -> None:
    now = datetime(2025, 5, 1, 12, tzinfo=UTC)
    screen = AppealScreen(appeal, signed_count=3)
    qtbot.addWidget(screen)
    label = sync_status.install(screen, StatusBoard(), now=lambda: now)
    done = SyncStatus(last_success=now - timedelta(minutes=5), server_reachable=True)
    assert label.describe(done) == "All signatures synced · last sync 5 min ago"
    offline = SyncStatus(pending_signatures=2, server_reachable=False)
    assert label.describe(offline) == "Saved on this kiosk"
    revoked = SyncStatus(unsent_signatures=5, last_error="This kiosk was revoked.")
    assert label.describe(revoked) == "Saved on this kiosk"
    unreachable = SyncStatus(
        pending_signatures=1,
        syncing=True,
        last_success=now,
        last_error="The server at http://127.0.0.1:28431 cannot be reached; trying again later.",
    )
    assert label.describe(unreachable) == "Saved on this kiosk"
    # Nothing waits: synced, without the time of a sync that has since failed.
    assert label.describe(replace(unreachable, pending_signatures=0, syncing=False)) == (
        "All signatures synced"
    )
