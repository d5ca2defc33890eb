"""Lockdown in kiosk mode: the window refuses to close until the volunteer exits, no context
menu opens anywhere, no link opens a browser, and nothing on the supporter's side can open a
file dialog."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kiosk_screen import Supporter, show_window
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt, QUrl
from PySide6.QtGui import QCloseEvent, QContextMenuEvent, QDesktopServices
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QWidget

from kiosk.desks.signing import SignatureDesk
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow

UI_PACKAGE = Path(__file__).parents[2] / "kiosk" / "ui"


@pytest.fixture
def kiosk_window(
    qtbot: QtBot, qapp: QApplication, desk: SignatureDesk
) -> Iterator[Callable[..., KioskWindow]]:
    apply_look(qapp)

    def make(*, locked: bool) -> KioskWindow:
        window = KioskWindow(desk, None, thanks_seconds=60, locked=locked)
        # pytest-qt closes its widgets after the test; a locked window would refuse.
        return show_window(qtbot, window, before_close=lambda w: w.allow_exit())

    yield make
    QApplication.clipboard().clear()


def request_close(window: KioskWindow) -> bool:
    """What the window manager does on Alt+F4 or its close button: a close event to the
    window's platform window. Returns whether it was accepted."""
    event = QCloseEvent()
    handle = window.windowHandle()
    assert handle is not None
    QApplication.sendEvent(handle, event)
    return event.isAccepted()


def test_kiosk_mode_refuses_every_close_request(kiosk_window: Callable[..., KioskWindow]) -> None:
    window = kiosk_window(locked=True)
    assert window.locked
    assert not window.close()
    assert not request_close(window)
    handle = window.windowHandle()
    assert handle is not None
    assert not handle.close()
    QApplication.processEvents()
    assert window.isVisible()


def test_the_volunteers_exit_closes_the_kiosk(
    qtbot: QtBot, kiosk_window: Callable[..., KioskWindow]
) -> None:
    window = kiosk_window(locked=True)
    window.exit_kiosk()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=2000)

    second = kiosk_window(locked=True)
    second.allow_exit()
    assert request_close(second)


def test_the_demo_window_closes_as_any_window(kiosk_window: Callable[..., KioskWindow]) -> None:
    window = kiosk_window(locked=False)
    assert window.close()
    assert not window.isVisible()


def every_screen(supporter: Supporter) -> Iterator[str]:
    """Walk the supporter through every screen, and the idle prompt, yielding on each."""
    yield "appeal_screen"
    supporter.tap("sign_button")
    supporter.fill_in()
    yield "sign_screen"
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    yield "review_screen"
    supporter.tap("confirm_button")
    yield "thanks_screen"


def assert_no_menu() -> None:
    assert QApplication.activePopupWidget() is None
    menus = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMenu) and w.isVisible()]
    assert not menus, [m.objectName() or type(m).__name__ for m in menus]


def right_click_everything(qtbot: QtBot, window: KioskWindow) -> int:
    """A right click on, and a context-menu request (mouse and Menu key) to, every widget on
    screen. Returns how many widgets were tried."""
    tried = 0
    handle = window.windowHandle()
    assert handle is not None
    for widget in window.findChildren(QWidget):
        if not widget.isVisible():
            continue
        tried += 1
        assert widget.contextMenuPolicy() == Qt.ContextMenuPolicy.PreventContextMenu, (
            widget.objectName() or type(widget).__name__
        )
        centre = widget.rect().center()
        # Through the platform window, as a real right click arrives: Qt turns it into a
        # context-menu event on the widget under the pointer.
        # (Widgets scrolled out of view get the event directly, below.)
        at = widget.mapTo(window, centre)
        if window.rect().contains(at):
            QTest.mouseClick(handle, Qt.MouseButton.RightButton, pos=at)
        for reason in (QContextMenuEvent.Reason.Mouse, QContextMenuEvent.Reason.Keyboard):
            event = QContextMenuEvent(reason, centre, widget.mapToGlobal(centre))
            QApplication.sendEvent(widget, event)
        QApplication.processEvents()
        assert_no_menu()
    return tried


def test_no_context_menu_on_any_widget_of_any_screen(
    qtbot: QtBot, kiosk_window: Callable[..., KioskWindow]
) -> None:
    window = kiosk_window(locked=True)
    supporter = Supporter(qtbot, window)
    seen = []
    for screen in every_screen(supporter):
        assert supporter.screen == screen
        seen.append(screen)
        # The text fields are where Qt would offer Copy, Paste and Select All.
        assert right_click_everything(qtbot, window) > 5
    window.still_there.start()
    assert right_click_everything(qtbot, window) > 0
    assert seen == ["appeal_screen", "sign_screen", "review_screen", "thanks_screen"]


def test_a_link_in_a_label_never_opens_a_browser(
    qtbot: QtBot, kiosk_window: Callable[..., KioskWindow]
) -> None:
    opened: list[QUrl] = []

    class Recorder(QWidget):
        def open(self, url: QUrl) -> None:
            opened.append(url)

    recorder = Recorder()
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, recorder, "open")
    try:
        window = kiosk_window(locked=True)
        # A rich-text link, as a later change (or an appeal's URL) might add to a screen.
        link = QLabel('<a href="https://example.org/petition">https://example.org/petition</a>')
        link.setObjectName("test_link")
        link.setOpenExternalLinks(True)
        window.appeal_screen.layout().addWidget(link)
        qtbot.waitUntil(link.isVisible, timeout=2000)
        assert not link.openExternalLinks()
        qtbot.mouseClick(link, Qt.MouseButton.LeftButton, pos=QPoint(20, link.height() // 2))
        QApplication.processEvents()
        assert opened == []
    finally:
        for scheme in ("http", "https"):
            QDesktopServices.unsetUrlHandler(scheme)


def test_no_supporter_code_opens_a_browser_or_a_file_dialog() -> None:
    forbidden = {"QDesktopServices", "QFileDialog", "QColorDialog", "QFontDialog", "QPrintDialog"}
    offenders = []
    for source in UI_PACKAGE.glob("*.py"):
        tree = ast.parse(source.read_text(encoding="utf-8"))
        names = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
        names |= {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        if names & forbidden:
            offenders.append(f"{source.name}: {sorted(names & forbidden)}")
    assert not offenders
