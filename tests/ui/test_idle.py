"""Idle reset: a supporter who walks away is asked "Still there?", then forgotten, so that the
next person can recover nothing of them: not from a widget, not from the screen, not from the
clipboard."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import shiboken6
from admin_helpers import CHEAP, PIN, Volunteer  # type: ignore[import-not-found]
from kiosk_screen import REVIEWED, STORED, Supporter, show_window
from pytestqt.qtbot import QtBot
from test_wipe import assert_no_trace, assert_nothing_to_undo, copy_email_to_clipboard

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QScrollArea, QWidget

from kiosk.desks.activity import Activity
from kiosk.desks.admin import AdminDesk
from kiosk.desks.pin import PinGuard
from kiosk.desks.signing import SignatureDesk
from kiosk.files import logs
from kiosk.settings import SyncSettings
from kiosk.ui.admin import install_admin
from kiosk.ui.look import apply_look
from kiosk.ui.signature_pad import SignatureCanvas
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

IDLE = 0.4  # seconds; the kiosk's default is 60
COUNTDOWN = 1  # seconds; the kiosk's default is 10
COUNTING = 2  # seconds, for a test that counts along or acts before the countdown ends


@pytest.fixture
def idle_window(
    qtbot: QtBot, qapp: QApplication, desk: SignatureDesk
) -> Iterator[Callable[..., KioskWindow]]:
    apply_look(qapp)
    # A steady text cursor, so two screenshots of the same form are the same pixels.
    flash = qapp.cursorFlashTime()
    qapp.setCursorFlashTime(0)

    def make(countdown: float = COUNTDOWN) -> KioskWindow:
        window = KioskWindow(
            desk, None, thanks_seconds=60, idle_seconds=IDLE, idle_countdown_seconds=countdown
        )
        return show_window(qtbot, window)

    yield make
    qapp.setCursorFlashTime(flash)
    QApplication.clipboard().clear()


@pytest.fixture
def supporter(qtbot: QtBot, idle_window: Callable[..., KioskWindow]) -> Supporter:
    return Supporter(qtbot, idle_window())


@pytest.fixture
def counting_supporter(qtbot: QtBot, idle_window: Callable[..., KioskWindow]) -> Supporter:
    return Supporter(qtbot, idle_window(countdown=COUNTING))


def prompt_shown(window: KioskWindow) -> bool:
    return window.still_there.isVisible()


def wait_for_prompt(qtbot: QtBot, window: KioskWindow) -> None:
    qtbot.waitUntil(lambda: prompt_shown(window), timeout=int(IDLE * 1000) + 3000)
    button = window.still_there.findChild(QWidget, "still_here_button")
    assert button is not None and button.isVisible()
    assert button.accessibleName()
    assert QApplication.activePopupWidget() is None
    if QApplication.activeWindow() is not window:
        # Qt's offscreen platform leaves a closed popup the active window; a real window
        # system hands activation back to the kiosk.
        with qtbot.waitActive(window):
            window.activateWindow()
    assert QApplication.focusWidget() is button


def test_the_resting_appeal_screen_never_asks(qtbot: QtBot, supporter: Supporter) -> None:
    qtbot.wait(int(IDLE * 1000 * 3))
    assert supporter.screen == "appeal_screen"
    assert not prompt_shown(supporter.window)


def test_typing_keeps_the_form_open(qtbot: QtBot, supporter: Supporter) -> None:
    supporter.tap("sign_button")
    supporter.qtbot.mouseClick(supporter.find("field_first_name"), Qt.MouseButton.LeftButton)
    deadline = time.monotonic() + IDLE * 3
    while time.monotonic() < deadline:
        supporter.type("a")
        qtbot.wait(int(IDLE * 1000 / 4))
    assert not prompt_shown(supporter.window)
    assert supporter.screen == "sign_screen"


def test_still_here_keeps_everything_entered(qtbot: QtBot, counting_supporter: Supporter) -> None:
    supporter = counting_supporter
    supporter.tap("sign_button")
    supporter.fill_in(comment=False)
    before = supporter.find("field_email", QLineEdit)
    wait_for_prompt(qtbot, supporter.window)

    # The prompt takes the keyboard: what is typed now does not reach the form beneath.
    supporter.type("x")
    assert isinstance(before, QLineEdit)
    assert before.text() == STORED["email"]

    qtbot.mouseClick(supporter.window.still_there.keep_button, Qt.MouseButton.LeftButton)
    assert not prompt_shown(supporter.window)
    assert supporter.screen == "sign_screen"
    assert supporter.find("field_email", QLineEdit) is before
    assert before.text() == STORED["email"]
    # Back where they were, and the watch starts again.
    assert QApplication.focusWidget() is not None
    wait_for_prompt(qtbot, supporter.window)


def test_the_countdown_is_shown_and_counts(qtbot: QtBot, counting_supporter: Supporter) -> None:
    supporter = counting_supporter
    supporter.tap("sign_button")
    wait_for_prompt(qtbot, supporter.window)
    countdown = supporter.window.still_there.findChild(QLabel, "still_there_countdown")
    assert countdown is not None and countdown.isVisible()
    assert countdown.text() == "Your details will be cleared in 2 seconds."
    qtbot.waitUntil(lambda: "in 1 second." in countdown.text(), timeout=2500)
    assert countdown.accessibleName() == countdown.text()
    qtbot.waitUntil(lambda: supporter.screen == "appeal_screen", timeout=2500)


def grab(window: KioskWindow) -> QImage:
    QApplication.processEvents()
    return window.grab().toImage()


def differing_pixels(a: QImage, b: QImage) -> int:
    assert a.size() == b.size()
    a = a.convertToFormat(QImage.Format.Format_RGB32)
    b = b.convertToFormat(QImage.Format.Format_RGB32)
    return sum(
        1
        for y in range(0, a.height(), 2)
        for x in range(0, a.width(), 2)
        if a.pixel(x, y) != b.pixel(x, y)
    )


@pytest.mark.parametrize("walk_away_on", ["sign_screen", "review_screen"])
def test_after_the_wipe_nothing_of_the_signer_can_be_recovered(
    qtbot: QtBot, supporter: Supporter, walk_away_on: str
) -> None:
    window = supporter.window
    supporter.tap("sign_button")
    # The form as a fresh window first shows it, before anyone typed: the screenshot to match.
    pristine = grab(window)
    supporter.fill_in()
    supporter.type_into("field_first_name", "X")  # more to undo: the history holds the name
    supporter.press(Qt.Key.Key_Backspace)
    copy_email_to_clipboard(supporter)
    supporter.find("field_first_name").setFocus()  # where the fresh form has its cursor
    # A screenshot of the filled-in form differs, so comparing screenshots can tell.
    assert differing_pixels(grab(window), pristine) > 0
    screens = [window.current_screen()]
    if walk_away_on == "review_screen":
        supporter.tap("consent_terms")
        supporter.tap("continue_button")
        screens.append(window.current_screen())
    assert supporter.screen == walk_away_on

    wait_for_prompt(qtbot, window)
    qtbot.waitUntil(lambda: supporter.screen == "appeal_screen", timeout=COUNTDOWN * 1000 + 2000)
    assert not prompt_shown(window)

    # Every widget, the undo stacks and the clipboard: blank at once...
    assert_no_trace(window)
    assert_nothing_to_undo(window)
    assert QApplication.clipboard().text() == ""
    # ...and the signer's screens are destroyed soon after.
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(s) for s in screens), timeout=2000)

    # The screen: the form the next person opens is, pixel for pixel, the pristine one.
    supporter.tap("sign_button")
    assert differing_pixels(grab(window), pristine) == 0
    assert_no_trace(window)
    assert_nothing_to_undo(window)

    # Paste and undo in the new form bring nothing back.
    first_name = supporter.find("field_first_name", QLineEdit)
    qtbot.mouseClick(first_name, Qt.MouseButton.LeftButton)
    supporter.press(Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    supporter.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    supporter.press(
        Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert isinstance(first_name, QLineEdit)
    assert first_name.text() == ""


def test_a_drawn_signature_is_wiped_with_the_rest(qtbot: QtBot, supporter: Supporter) -> None:
    window = supporter.window
    supporter.tap("sign_button")
    pristine = grab(window)
    canvas = supporter.find("signature_canvas", SignatureCanvas)
    assert isinstance(canvas, SignatureCanvas)
    scroll = window.current_screen().findChild(QScrollArea, "sign_scroll")
    assert scroll is not None
    scroll.ensureWidgetVisible(canvas)  # as a finger scrolls to it
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(40, 40))
    for x in range(60, 400, 20):
        qtbot.mouseMove(canvas, QPoint(x, 40 + (x % 60)), delay=5)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(400, 60), delay=5)
    assert not canvas.is_empty()
    drawn = grab(canvas)

    wait_for_prompt(qtbot, window)
    qtbot.waitUntil(lambda: supporter.screen == "appeal_screen", timeout=COUNTDOWN * 1000 + 2000)
    assert canvas.is_empty()  # wiped at once, before the screen is deleted
    qtbot.waitUntil(lambda: not shiboken6.isValid(canvas), timeout=2000)

    # The next person's pad is blank: in its strokes and on the screen.
    supporter.tap("sign_button")
    assert differing_pixels(grab(window), pristine) == 0
    new_canvas = supporter.find("signature_canvas", SignatureCanvas)
    assert isinstance(new_canvas, SignatureCanvas) and new_canvas.is_empty()
    new_scroll = window.current_screen().findChild(QScrollArea, "sign_scroll")
    assert new_scroll is not None
    new_scroll.ensureWidgetVisible(new_canvas)
    assert differing_pixels(grab(new_canvas), drawn) > 0


def test_a_closed_window_no_longer_watches(qtbot: QtBot, supporter: Supporter) -> None:
    supporter.tap("sign_button")
    supporter.window.close()
    QApplication.clipboard().setText("someone else's")
    qtbot.wait(int((IDLE + COUNTDOWN) * 1000) + 500)
    assert not prompt_shown(supporter.window)
    assert QApplication.clipboard().text() == "someone else's"


def test_the_log_ties_no_line_to_one_supporter(
    qtbot: QtBot, supporter: Supporter, desk: SignatureDesk, tmp_path: Path
) -> None:
    """Signatures, a walked-away form and a reset appeal screen, through the real window with
    the kiosk's own log file: no line per event, only the hour's counts, at hour resolution."""
    desk.activity = Activity(clock=lambda: datetime(2026, 12, 3, 15, 12, 4, tzinfo=UTC))
    path = logs.setup(tmp_path)
    try:
        for _ in range(2):
            supporter.sign_up_to_review()
            supporter.tap("confirm_button")
            supporter.tap("done_button")
        supporter.tap("sign_button")
        supporter.fill_in()
        wait_for_prompt(qtbot, supporter.window)
        qtbot.waitUntil(
            lambda: supporter.screen == "appeal_screen", timeout=COUNTDOWN * 1000 + 2000
        )
        supporter.tap("language_it")
        qtbot.waitUntil(lambda: desk.activity.counted() == 4, timeout=int(IDLE * 1000) + 3000)
        desk.activity.flush()
    finally:
        logging.getLogger("kiosk").handlers[0].flush()  # the autouse fixture closes it

    lines = path.read_text("utf-8").splitlines()
    assert lines, "the kiosk logged nothing at all"
    stamp = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}h UTC (INFO|WARNING|ERROR) kiosk[.\w]*: ")
    for line in lines:
        assert stamp.match(line), f"not stamped to the hour: {line!r}"
        assert not re.search(r"\d{2}:\d{2}:\d{2}|#\d+|idle:|recorded signature", line), line
        for value in REVIEWED.values():
            assert value not in line
    summaries = [line for line in lines if "kiosk.activity" in line]
    assert len(summaries) == 1, lines
    assert summaries[0].endswith(
        "in the hour from 2026-12-03 15:00 UTC: 2 signatures recorded, 1 forms cleared after idle,"
        " 1 appeal screen choices reset after idle"
    )


def test_locking_the_panel_over_the_prompt_keeps_the_form_closed(
    qtbot: QtBot, supporter: Supporter, vault: Vault, data_dir: Path
) -> None:
    """The volunteer opens and locks the panel while "Still there?" shows: the form beneath
    still takes no keys until the prompt is answered (the layer used to enable it again)."""
    desk = AdminDesk(vault, data_dir, SyncSettings(), PinGuard(vault, params=CHEAP))
    desk.pin.choose(PIN)
    window = supporter.window
    layer = install_admin(window, desk, exit_kiosk=window.exit_kiosk, find_drives=list)
    volunteer = Volunteer(qtbot, window, layer)
    supporter.tap("sign_button")
    supporter.type_into("field_first_name", "Ada")
    wait_for_prompt(qtbot, window)

    volunteer.unlock()
    volunteer.tap("admin_close")
    assert not layer.isVisible() and prompt_shown(window)
    field = supporter.find("field_first_name", QLineEdit)
    assert not field.isEnabled()
    qtbot.keyClicks(field, "X")
    assert isinstance(field, QLineEdit) and field.text() == "Ada"

    qtbot.mouseClick(
        window.still_there.findChild(QWidget, "still_here_button"), Qt.MouseButton.LeftButton
    )
    assert field.isEnabled()
