"""A+, A- and high contrast show at once: the window grabbed right after the tap, with no other
event in between, is what it looks like once everything has settled (and after a screen
change), and A- is enabled as soon as the text can get smaller."""

from __future__ import annotations

from collections.abc import Callable

from kiosk_screen import Supporter  # type: ignore[import-not-found]
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QAbstractButton, QApplication

from kiosk.ui.window import KioskWindow


def settled(supporter: Supporter, tapped: QAbstractButton) -> QImage:
    """The window once the event loop has run dry and the supporter went to the form and back:
    what the issue's people saw only after a screen change. The focus goes back to the button
    tapped, where it was in the grab this is compared with."""
    for _ in range(20):
        QApplication.processEvents()
    supporter.tap("sign_button")
    supporter.tap("back_button")
    tapped.setFocus(Qt.FocusReason.OtherFocusReason)
    for _ in range(20):
        QApplication.processEvents()
    return supporter.window.grab().toImage()


def tap_and_grab(qtbot: QtBot, supporter: Supporter, name: str) -> QImage:
    button = supporter.find(name, QAbstractButton)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    return supporter.window.grab().toImage()  # no other event first


def test_each_appearance_change_shows_at_once(
    qtbot: QtBot, make_window: Callable[..., KioskWindow]
) -> None:
    supporter = Supporter(qtbot, make_window())
    smaller = supporter.find("text_smaller", QAbstractButton)
    assert isinstance(smaller, QAbstractButton) and not smaller.isEnabled()
    before = supporter.window.grab().toImage()
    for name in ("text_larger", "text_larger", "high_contrast", "text_smaller", "high_contrast"):
        shown = tap_and_grab(qtbot, supporter, name)
        assert shown != before, f"{name} changed nothing on screen"
        if name == "text_larger":
            assert smaller.isEnabled(), "A- stays greyed although the text can get smaller"
        tapped = supporter.find(name, QAbstractButton)
        assert isinstance(tapped, QAbstractButton)
        assert shown == settled(supporter, tapped), f"after {name}, the screen caught up later"
        before = shown
