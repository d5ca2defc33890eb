"""Nothing tappable moves under a finger: inline errors, "Sync started.", "PIN saved.",
"Problem:" lines and the export's error box come and go, the PIN pad's messages and digits
change, and every visible control keeps its place; a status change arriving while a finger is
down on "Sync now" leaves the tap on "Sync now"."""

from __future__ import annotations

import threading
from collections.abc import Callable

from admin_helpers import PIN, FakeClock, FakeWorker, Volunteer  # type: ignore[import-not-found]
from kiosk_screen import ENTRIES, Supporter  # type: ignore[import-not-found]
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.ui.window import KioskWindow

TAPPABLE = (QAbstractButton, QLineEdit, QPlainTextEdit, QComboBox)


def places(root: QWidget) -> dict[str, QRect]:
    """Where every visible control under `root` is, in `root`'s coordinates."""
    QApplication.processEvents()  # the layouts' posted requests, as before the next paint
    found: dict[str, QRect] = {}
    for kind in TAPPABLE:
        for widget in root.findChildren(kind):
            # The text line inside the country box is tapped as the box: the box is what counts.
            inside_a_box = isinstance(widget.parentWidget(), QComboBox)
            if widget.isVisible() and widget.objectName() and not inside_a_box:
                top_left = widget.mapTo(root, QPoint(0, 0))
                found[widget.objectName()] = QRect(top_left, widget.size())
    assert found, f"no control visible under {root.objectName()}"
    return found


def assert_steady(root: QWidget, before: dict[str, QRect], after_what: str) -> None:
    now = places(root)
    moved = {name: (before[name], now[name]) for name in before if before[name] != now.get(name)}
    assert not moved, f"moved after {after_what}: {moved}"


def test_the_panel_s_buttons_stay_put_whatever_it_says(
    make_admin: Callable[..., Volunteer], board: StatusBoard
) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    panel = volunteer.layer.panel
    before = places(panel)
    volunteer.tap("admin_sync_now")
    assert volunteer.text("admin_message") == "Sync started."
    assert_steady(panel, before, '"Sync started."')
    board.publish(SyncStatus(enrolled=True, pending_signatures=4, last_error="x " * 80))
    assert volunteer.text("admin_sync_error").startswith("Problem: ")
    assert_steady(panel, before, 'a long "Problem:" line')
    board.publish(SyncStatus(enrolled=True, server_reachable=True))
    assert_steady(panel, before, 'the "Problem:" line going')
    volunteer.tap("admin_change_pin")
    volunteer.enter_pin(PIN)
    volunteer.enter_pin("975310")
    volunteer.enter_pin("975310")
    assert volunteer.text("admin_message") == "The PIN was changed."
    assert_steady(panel, before, '"The PIN was changed."')


def test_a_status_change_under_a_pending_tap_keeps_it_on_sync_now(
    make_admin: Callable[..., Volunteer], board: StatusBoard, worker: FakeWorker
) -> None:
    volunteer = make_admin()
    board.publish(SyncStatus(enrolled=True, pending_signatures=2, last_error="x " * 80))
    volunteer.unlock()
    window = volunteer.window
    sync_now = volunteer.find("admin_sync_now", QAbstractButton)
    where = sync_now.mapTo(window, sync_now.rect().center())
    target = window.childAt(where)
    assert target is sync_now
    QTest.mousePress(
        target,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        target.mapFrom(window, where),
    )
    # The worker's background retry succeeds while the finger is down: its line goes away.
    retry = threading.Thread(
        target=board.publish, args=(SyncStatus(enrolled=True, server_reachable=True),)
    )
    retry.start()
    retry.join()
    volunteer.qtbot.waitUntil(lambda: not volunteer.layer.panel.error_label.isVisible())
    QApplication.processEvents()
    under = window.childAt(where)
    assert under is sync_now, f"under the finger now: {under.objectName() if under else None}"
    QTest.mouseRelease(
        under,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        under.mapFrom(window, where),
    )
    assert worker.sync_requests == 1


def test_the_pin_pad_keeps_its_size_and_keys(
    make_admin: Callable[..., Volunteer], clock: FakeClock
) -> None:
    volunteer = make_admin()
    volunteer.layer.open()
    pad = volunteer.layer.pad
    size = pad.size()
    before = places(volunteer.layer)

    def steady(after_what: str) -> None:
        assert pad.size() == size, f"the pad changed size after {after_what}"
        assert_steady(volunteer.layer, before, after_what)

    for digit in "24680135":
        volunteer.tap(f"pin_digit_{digit}")
    steady("eight digits")
    volunteer.tap("pin_ok")
    steady('"Wrong PIN. Try again."')
    volunteer.enter_pin("1111")
    volunteer.enter_pin("1111")
    steady("the wait's countdown")
    clock.advance(5)
    volunteer.qtbot.waitUntil(lambda: volunteer.text("pin_message") == "You can try again now.")
    steady('"You can try again now."')
    volunteer.enter_pin(PIN)
    volunteer.tap("admin_change_pin")
    volunteer.enter_pin(PIN)
    steady("the next prompt of Change PIN")
    volunteer.enter_pin("1234")
    assert "easy to guess" in volunteer.text("pin_message")
    steady("a PIN rule's message")


def test_the_first_pin_chooser_keeps_its_keys_where_the_pad_has_them(
    make_admin: Callable[..., Volunteer],
) -> None:
    volunteer = make_admin(pin=None)
    before = places(volunteer.layer)
    volunteer.enter_pin("1234")  # refused: a run of digits
    assert_steady(volunteer.layer, before, "a refused first PIN")
    volunteer.enter_pin("975310")
    assert_steady(volunteer.layer, before, '"Enter the same PIN again"')
    volunteer.enter_pin("975311")
    assert_steady(volunteer.layer, before, '"The two PINs differ"')


def test_the_export_s_error_box_pushes_no_button(make_admin: Callable[..., Volunteer]) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    volunteer.tap("admin_export")
    page = volunteer.layer.export_page
    before = places(page)
    page.path_edit.setText("/no/such/folder")
    volunteer.tap("admin_export_page_action")
    volunteer.qtbot.waitUntil(lambda: page.action_button.isEnabled())
    assert "is not a folder" in volunteer.text("admin_export_page_result")
    assert_steady(page, before, "the export's error")
    volunteer.tap("admin_export_page_back")
    volunteer.tap("admin_enrol")
    page = volunteer.layer.enrol_page
    before = places(page)
    volunteer.tap("admin_enrol_page_action")  # no code typed
    volunteer.qtbot.waitUntil(lambda: page.action_button.isEnabled())
    assert "enrolment code" in volunteer.text("admin_enrol_page_result")
    assert_steady(page, before, "the enrolment's error")


def test_the_form_s_fields_stay_put_as_errors_come_and_go(
    qtbot: QtBot, make_window: Callable[..., KioskWindow]
) -> None:
    supporter = Supporter(qtbot, make_window())
    supporter.tap("sign_button")
    page = supporter.find("sign_scroll_page")
    before = places(page)
    bar = places(supporter.find("sign_actions"))
    supporter.tap("continue_button")  # every required field says what is missing
    assert supporter.find("error_first_name").isVisible()
    assert_steady(page, before, "the form's errors")
    assert_steady(supporter.find("sign_actions"), bar, "the problems' summary")
    for name, text in ENTRIES.items():
        supporter.type_into(name, text)  # each error goes as its field is typed into
        assert_steady(page, before, f"typing into {name}")
    supporter.tap("consent_terms")
    assert_steady(page, before, "ticking the terms")
    supporter.tap("continue_button")
    assert supporter.screen == "review_screen"


def test_cancel_on_change_pin_goes_back_to_the_panel(
    make_admin: Callable[..., Volunteer],
) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    volunteer.tap("admin_change_pin")
    volunteer.enter_pin(PIN)
    volunteer.tap("pin_cancel")
    assert volunteer.layer.isVisible() and volunteer.layer.panel.isVisible()
    assert volunteer.layer.flow.mode == ""
    volunteer.tap("admin_close")
    volunteer.unlock()  # the PIN is unchanged


def test_sync_started_goes_once_the_sync_has_ended(
    make_admin: Callable[..., Volunteer], board: StatusBoard
) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    before = places(volunteer.layer.panel)
    volunteer.tap("admin_sync_now")
    assert volunteer.text("admin_message") == "Sync started."
    board.publish(SyncStatus(enrolled=True, syncing=True))
    volunteer.qtbot.waitUntil(lambda: volunteer.text("admin_waiting") == "Syncing now…")
    assert volunteer.layer.panel.message.text() == "Sync started."
    board.publish(SyncStatus(enrolled=True, server_reachable=True))
    volunteer.qtbot.waitUntil(lambda: not volunteer.layer.panel.message.text())
    assert_steady(volunteer.layer.panel, before, '"Sync started." going')
