"""A window that shows its appeal before its vault is open (kiosk/cli/launch.py): no count until
then, a signature confirmed meanwhile recorded once the desk arrives, the volunteer's chosen appeal
shown when it differs; and the sync corner, which appears once a sync worker runs."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from kiosk_screen import Supporter, release_windows, show_window
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication, QLabel

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault


@pytest.fixture
def starting_window(
    qtbot: QtBot, qapp: QApplication, appeal: Appeal
) -> Iterator[Callable[[], KioskWindow]]:
    """A shown window that has its appeal but no desk yet, as at the first paint of a start."""
    apply_look(qapp)
    made: list[KioskWindow] = []

    def make() -> KioskWindow:
        window = KioskWindow(None, appeal=appeal, thanks_seconds=60)
        made.append(window)
        return show_window(qtbot, window)

    yield make
    release_windows(qapp, made)


def counter(window: KioskWindow) -> str:
    label = window.appeal_screen.findChild(QLabel, "signature_counter")
    assert label is not None
    return label.text()


def corner(window: KioskWindow) -> QLabel | None:
    label = window.appeal_screen.findChild(QLabel, "sync_status")
    return label if isinstance(label, QLabel) and label.isVisible() else None


def publish_from_a_thread(board: StatusBoard, status: SyncStatus) -> None:
    worker = threading.Thread(target=board.publish, args=(status,))
    worker.start()
    worker.join()


def test_a_signature_confirmed_before_the_desk_is_recorded_when_it_arrives(
    qtbot: QtBot, starting_window: Callable[[], KioskWindow], desk: SignatureDesk, vault: Vault
) -> None:
    window = starting_window()
    supporter = Supporter(qtbot, window)
    assert supporter.screen == "appeal_screen"
    assert counter(window) == "Counting the signatures…"  # not known before the vault is open

    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    # Nothing to record with yet: the review waits, and a second tap cannot record twice.
    assert supporter.screen == "review_screen"
    assert not supporter.find("confirm_button").isEnabled()
    assert vault.count() == 0

    window.attach_desk(desk)
    assert supporter.screen == "thanks_screen"
    assert vault.count() == 1
    supporter.tap("done_button")
    assert counter(window) == "1 person has signed on this kiosk."


def test_the_desk_brings_the_count_and_the_chosen_appeal(
    qtbot: QtBot,
    starting_window: Callable[[], KioskWindow],
    appeal: Appeal,
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
) -> None:
    window = starting_window()
    first = window.appeal_screen
    chosen = replace(appeal, id="river", title="Keep the river clean")
    window.attach_desk(SignatureDesk(chosen, vault, campaign_public_key))
    assert window.appeal_screen is not first
    assert window.windowTitle() == "Keep the river clean"
    shown = window.appeal_screen.findChild(QLabel, "appeal_title")
    assert shown is not None and shown.text() == "Keep the river clean"
    assert counter(window) == "Be the first to sign on this kiosk."

    supporter = Supporter(qtbot, window)
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    assert [row.appeal_id for row in vault.signatures()] == ["river"]


def test_the_same_appeal_is_not_shown_again(
    starting_window: Callable[[], KioskWindow], desk: SignatureDesk
) -> None:
    window = starting_window()
    first = window.appeal_screen
    window.attach_desk(desk)
    assert window.appeal_screen is first  # where a supporter may already be reading
    assert counter(window) == "Be the first to sign on this kiosk."


def test_the_sync_corner_appears_once_a_worker_reports(
    qtbot: QtBot, starting_window: Callable[[], KioskWindow], desk: SignatureDesk
) -> None:
    window = starting_window()
    window.attach_desk(desk)
    board = StatusBoard()
    window.follow_sync(board)
    # Not enrolled, no worker: nothing would ever sync, so the corner says nothing.
    assert corner(window) is None

    publish_from_a_thread(board, SyncStatus(enrolled=True, pending_signatures=2))
    qtbot.waitUntil(lambda: corner(window) is not None, timeout=2000)
    label = corner(window)
    assert label is not None and label.text() == "2 waiting to sync"

    # A volunteer's appeal choice rebuilds the appeal screen: the corner comes along.
    window.change_appeal(replace(desk.appeal, id="river", title="Keep the river clean"))
    label = corner(window)
    assert label is not None and label.text() == "2 waiting to sync"
    assert len(window.appeal_screen.findChildren(QLabel, "sync_status")) == 1
