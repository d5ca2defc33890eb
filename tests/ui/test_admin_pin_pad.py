"""The way into the volunteer panel: the hidden corner, the PIN pad, waits and lockout, and the
first PIN chosen at first start."""

from __future__ import annotations

from collections.abc import Callable

from admin_helpers import HOLD, PIN, FakeClock, Volunteer  # type: ignore[import-not-found]
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QLabel

from kiosk.desks.admin import AdminDesk
from kiosk.ui.admin.gesture import HOLD_SECONDS, HOT_ZONE

HOLD_MS = round(HOLD * 1000)  # the tests' corner hold (make_admin); the kiosk's is 3 seconds


def test_the_corner_is_held_three_seconds(make_admin: Callable[..., Volunteer]) -> None:
    assert HOLD_SECONDS == 3
    volunteer = make_admin(hold_seconds=None)  # as the kiosk installs it
    assert volunteer.layer.gesture.hold_seconds == HOLD_SECONDS


def test_a_short_tap_in_the_corner_does_nothing(
    qtbot: QtBot, make_admin: Callable[..., Volunteer]
) -> None:
    volunteer = make_admin()
    target = volunteer.press_corner()
    qtbot.wait(HOLD_MS // 10)
    volunteer.release_corner(target)
    qtbot.wait(HOLD_MS + HOLD_MS // 10)  # past a hold: the released tap must not fire later
    assert not volunteer.layer.isVisible()
    assert volunteer.window.current_screen().objectName() == "appeal_screen"


def test_a_long_press_outside_the_corner_does_nothing(
    qtbot: QtBot, make_admin: Callable[..., Volunteer]
) -> None:
    volunteer = make_admin()
    x = y = HOT_ZONE + 30
    target = volunteer.press_corner(x, y)
    qtbot.wait(HOLD_MS + HOLD_MS // 10)
    volunteer.release_corner(target, x, y)
    assert not volunteer.layer.isVisible()


def test_a_long_press_in_the_corner_opens_the_pin_pad(make_admin: Callable[..., Volunteer]) -> None:
    volunteer = make_admin()
    volunteer.hold_corner()
    assert volunteer.layer.isVisible()
    assert volunteer.find("pin_pad").isVisible()
    assert volunteer.text("pin_title") == "Volunteer PIN"
    assert not volunteer.layer.panel.isVisible()


def test_the_long_press_works_on_the_sign_screen_too(
    qtbot: QtBot, make_admin: Callable[..., Volunteer]
) -> None:
    volunteer = make_admin()
    qtbot.mouseClick(volunteer.window.appeal_screen.sign_button, Qt.MouseButton.LeftButton)
    assert volunteer.window.current_screen().objectName() == "sign_screen"
    volunteer.hold_corner()
    assert volunteer.find("pin_pad").isVisible()


def test_ctrl_alt_a_opens_the_pin_pad(qtbot: QtBot, make_admin: Callable[..., Volunteer]) -> None:
    volunteer = make_admin()
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
    qtbot.keyClick(volunteer.window.focusWidget() or volunteer.window, Qt.Key.Key_A, mods)
    assert volunteer.find("pin_pad").isVisible()


def test_the_right_pin_opens_the_panel_and_cancel_closes(
    make_admin: Callable[..., Volunteer],
) -> None:
    volunteer = make_admin()
    volunteer.layer.open()
    volunteer.tap("pin_cancel")
    assert not volunteer.layer.isVisible()
    volunteer.layer.open()
    volunteer.enter_pin(PIN)
    assert volunteer.layer.panel.isVisible()


def test_digits_are_masked_and_keys_work(
    qtbot: QtBot, make_admin: Callable[..., Volunteer]
) -> None:
    volunteer = make_admin()
    volunteer.layer.open()
    pad = volunteer.layer.pad
    qtbot.keyClicks(pad, "24")
    assert volunteer.text("pin_dots") == "\u25cf \u25cf"
    assert "2" not in volunteer.text("pin_dots")
    qtbot.keyClick(pad, Qt.Key.Key_Backspace)
    assert pad.entered == 1
    qtbot.keyClicks(pad, "468")
    qtbot.keyClick(pad, Qt.Key.Key_Return)
    assert volunteer.layer.panel.isVisible()


def test_wrong_pins_wait_with_a_visible_countdown(
    qtbot: QtBot, make_admin: Callable[..., Volunteer], clock: FakeClock
) -> None:
    volunteer = make_admin()
    volunteer.layer.open()
    volunteer.enter_pin("1111")
    assert volunteer.text("pin_message") == "Wrong PIN. Try again."
    volunteer.enter_pin("1111")
    volunteer.enter_pin("1111")
    assert volunteer.text("pin_message") == "Wrong PIN. Try again in 0:05."
    assert not volunteer.find("pin_ok").isEnabled()  # OK waits with the countdown
    clock.advance(2)
    qtbot.waitUntil(lambda: volunteer.text("pin_message") == "Wrong PIN. Try again in 0:03.")
    clock.advance(3)
    qtbot.waitUntil(lambda: volunteer.find("pin_digit_2").isEnabled())
    assert volunteer.text("pin_message") == "You can try again now."
    volunteer.enter_pin(PIN)
    assert volunteer.layer.panel.isVisible()


def test_digits_typed_during_the_wait_are_refused_and_never_submitted(
    qtbot: QtBot, make_admin: Callable[..., Volunteer], clock: FakeClock
) -> None:
    volunteer = make_admin()
    volunteer.layer.open()
    pad = volunteer.layer.pad
    qtbot.keyClicks(pad, "13")  # typed before the wrong tries: gone once the wait starts
    for _ in range(3):
        qtbot.keyClicks(pad, "1111")
        qtbot.keyClick(pad, Qt.Key.Key_Return)
    assert volunteer.text("pin_message") == "Wrong PIN. Try again in 0:05."
    assert pad.entered == 0
    # The keys are greyed out, and typing on a keyboard adds nothing either.
    keys = [volunteer.find(f"pin_digit_{d}") for d in range(10)]
    assert not any(key.isEnabled() for key in keys)
    volunteer.qtbot.mouseClick(keys[2], Qt.MouseButton.LeftButton)
    qtbot.keyClicks(pad, PIN)
    assert pad.entered == 0
    assert volunteer.text("pin_dots") == "\u2013"
    clock.advance(5)
    qtbot.waitUntil(lambda: all(key.isEnabled() for key in keys))
    assert pad.entered == 0  # nothing typed during the wait is left
    assert not volunteer.find("pin_ok").isEnabled()
    qtbot.keyClick(pad, Qt.Key.Key_Return)  # OK with nothing typed submits nothing
    assert volunteer.layer.flow.mode == "unlock" and not volunteer.layer.panel.isVisible()
    volunteer.enter_pin(PIN)
    assert volunteer.layer.panel.isVisible()


def test_ten_wrong_pins_lock_the_pad(
    make_admin: Callable[..., Volunteer], clock: FakeClock
) -> None:
    volunteer = make_admin()
    volunteer.layer.open()
    for _ in range(10):
        clock.advance(900)
        volunteer.layer.flow.show_wait()  # the next tick, without waiting a real second for it
        volunteer.enter_pin("1111")
    assert volunteer.text("pin_message") == "Too many wrong PINs. Locked for 15:00."
    assert not volunteer.find("pin_ok").isEnabled()


def test_a_restart_keeps_the_wait(make_admin: Callable[..., Volunteer]) -> None:
    first = make_admin()
    first.layer.open()
    for _ in range(3):
        first.enter_pin("1111")
    first.layer.release()
    first.window.close()
    again = make_admin()  # the same vault, as after a restart
    again.layer.open()
    assert again.text("pin_message") == "Wrong PIN. Try again in 0:05."


def test_first_start_asks_for_a_pin_twice_before_the_appeal(
    make_admin: Callable[..., Volunteer], admin_desk: AdminDesk
) -> None:
    volunteer = make_admin(pin=None, locked=True)
    assert volunteer.layer.isVisible() and volunteer.text("pin_title") == "Choose a volunteer PIN"
    assert not volunteer.layer.findChild(QLabel, "pin_hint").text().startswith("This is a demo")
    assert not volunteer.layer.pad.cancel_button.isVisible()  # no way round it
    volunteer.enter_pin("12")
    assert volunteer.text("pin_message") == "A PIN has 4 to 12 digits."
    volunteer.enter_pin("97531")
    assert volunteer.text("pin_title") == "Enter the same PIN again"
    volunteer.enter_pin("97532")
    assert volunteer.text("pin_message") == "The two PINs differ. Choose one again."
    assert not admin_desk.pin.is_set()
    volunteer.enter_pin("97531")
    volunteer.enter_pin("97531")
    assert admin_desk.pin.is_set() and admin_desk.pin.verify("97531").accepted
    assert volunteer.layer.panel.isVisible()
    volunteer.tap("admin_close")
    assert not volunteer.layer.isVisible()
    assert volunteer.window.current_screen().objectName() == "appeal_screen"


def test_the_demo_says_the_pin_is_for_the_demo(make_admin: Callable[..., Volunteer]) -> None:
    volunteer = make_admin(pin=None, demo=True)
    assert volunteer.text("pin_hint").startswith("This is a demo")


def test_change_pin_needs_the_old_one(
    make_admin: Callable[..., Volunteer], admin_desk: AdminDesk
) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    volunteer.tap("admin_change_pin")
    volunteer.enter_pin("1111")
    assert volunteer.text("pin_message") == "Wrong PIN. Try again."
    volunteer.enter_pin(PIN)
    assert volunteer.text("pin_title") == "Choose the new PIN"
    volunteer.enter_pin("86420")
    volunteer.enter_pin("86420")
    assert volunteer.text("admin_message") == "The PIN was changed."
    assert admin_desk.pin.verify("86420").accepted
    assert not admin_desk.pin.verify(PIN).accepted


def test_a_finger_held_on_the_corner_opens_the_pin_pad(
    qtbot: QtBot, make_admin: Callable[..., Volunteer]
) -> None:
    volunteer = make_admin()
    screen = QTest.createTouchDevice()
    corner = QPoint(10, 10)
    QTest.touchEvent(volunteer.window, screen).press(0, corner).commit()
    qtbot.wait(HOLD_MS // 3)
    assert not volunteer.layer.isVisible()  # not yet: a third of the hold
    with qtbot.waitSignal(volunteer.layer.gesture.triggered, timeout=5000):
        pass
    QTest.touchEvent(volunteer.window, screen).release(0, corner).commit()
    assert volunteer.find("pin_pad").isVisible()
