"""Driving the real kiosk window as a supporter would: tapping what is on screen and typing.
The helpers the UI tests import by name (the fixtures that use them are in conftest.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import shiboken6
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QEvent, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow

LANDSCAPE = (1280, 800)
PORTRAIT = (800, 1280)


def delete_closed_widgets() -> None:
    """Delete now the widgets that pytest-qt closed and handed to deleteLater at the end of a
    test, instead of from the next test's event loop: they go within their own test, and
    restyling the application (apply_look) has no dead window to repolish."""
    if QApplication.instance() is not None:
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


# A complete, valid set of entries, and what the form makes of them once validated.
ENTRIES = {
    "field_first_name": "Zoë",
    "field_last_name": "Ó Briain-Ngata",
    "field_email": "zoe.obriain@example.org",
    "field_postcode": "d02 x285",
    "field_country": "Ireland",
}
COMMENT_LINES = ("Stand with them.", "Always.")
STORED = {
    "first_name": "Zoë",
    "last_name": "Ó Briain-Ngata",
    "email": "zoe.obriain@example.org",
    "postcode": "D02 X285",
    "country": "IE",
    "comment": "Stand with them.\nAlways.",
}
# What the review screen shows of them: the country by its name, in the language shown.
REVIEWED = {**STORED, "country": "Ireland"}


class Supporter:
    """A person at the kiosk. Finds controls by objectName among what is on screen now."""

    def __init__(self, qtbot: QtBot, window: KioskWindow) -> None:
        self.qtbot = qtbot
        self.window = window

    @property
    def screen(self) -> str:
        return self.window.current_screen().objectName()

    def find(self, name: str, kind: type[QWidget] = QWidget) -> QWidget:
        widget = self.window.current_screen().findChild(kind, name)
        assert widget is not None, f"{name} is not on the {self.screen}"
        assert widget.isVisible(), f"{name} is on the {self.screen} but not visible"
        return widget

    def tap(self, name: str) -> None:
        button = self.find(name, QAbstractButton)
        assert button.isEnabled(), f"{name} is disabled"
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def label_text(self, name: str) -> str:
        label = self.find(name, QLabel)
        assert isinstance(label, QLabel)
        return label.text()

    def choose_language(self, code: str) -> None:
        """Tap the language's button on the appeal, and see the kiosk switch to it."""
        self.tap(f"language_{code}")
        QApplication.processEvents()  # Qt delivers LanguageChange as a posted event
        assert self.window.languages.current == code

    def focus(self) -> QWidget:
        if QApplication.activeWindow() is None:
            # Qt's offscreen platform makes every popup it shows the active window and never
            # hands activation back; a real window system returns it to the kiosk window.
            with self.qtbot.waitActive(self.window):
                self.window.activateWindow()
        # Keys go to an open popup (the country suggestions) first, as on a real screen.
        target = QApplication.activePopupWidget() or QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        return target

    def press(
        self, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        self.qtbot.keyClick(self.focus(), key, modifier)

    def type(self, text: str) -> None:
        for char in text:
            if char.isascii() and char.isprintable():
                self.qtbot.keyClicks(self.focus(), char)
            else:
                # QTest maps only ASCII to keys; other letters arrive as text, as from an
                # on-screen or international keyboard.
                QTest.sendKeyEvent(
                    QTest.KeyAction.Click,
                    self.focus(),
                    Qt.Key.Key_unknown,
                    char,
                    Qt.KeyboardModifier.NoModifier,
                )

    def type_into(self, name: str, text: str) -> None:
        self.qtbot.mouseClick(self.find(name), Qt.MouseButton.LeftButton)
        self.type(text)
        if QApplication.activePopupWidget() is not None:
            self.press(Qt.Key.Key_Escape)  # close the suggestions, keeping what was typed

    def write_comment(self, lines: tuple[str, ...]) -> None:
        self.qtbot.mouseClick(self.find("field_comment"), Qt.MouseButton.LeftButton)
        for index, line in enumerate(lines):
            if index:
                self.press(Qt.Key.Key_Return)
            self.type(line)

    def fill_in(self, entries: Mapping[str, str] = ENTRIES, *, comment: bool = True) -> None:
        for name, text in entries.items():
            self.type_into(name, text)
        if comment:
            self.write_comment(COMMENT_LINES)

    def sign_up_to_review(self, *, updates: bool = False) -> None:
        self.tap("sign_button")
        self.fill_in()
        self.tap("consent_terms")
        if updates:
            self.tap("consent_updates")
        self.tap("continue_button")
        assert self.screen == "review_screen"


def show_window(
    qtbot: QtBot,
    window: KioskWindow,
    *,
    size: tuple[int, int] = LANDSCAPE,
    before_close: Callable[[KioskWindow], None] | None = None,
) -> KioskWindow:
    """Hand a kiosk window to pytest-qt, size it, show it and wait until it is active."""
    if before_close is None:
        qtbot.addWidget(window)
    else:
        qtbot.addWidget(window, before_close_func=before_close)
    window.resize(*size)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return window


def release_windows(qapp: QApplication, windows: list[KioskWindow]) -> None:
    """After a test: the clipboard empty, and no window's language or look outlives it; the
    windows pytest-qt closed are deleted."""
    QApplication.clipboard().clear()
    for window in windows:
        if shiboken6.isValid(window):
            window.languages.release()
    delete_closed_widgets()
    apply_look(qapp)
