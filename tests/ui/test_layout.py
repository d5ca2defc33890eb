"""Every screen fits a landscape and a portrait tablet: nothing off-screen, clipped or tiny."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from kiosk_screen import LANDSCAPE, PORTRAIT, Supporter
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QScrollArea,
    QWidget,
)

from kiosk.ui.window import KioskWindow

MAIN_BUTTON = {
    "appeal_screen": "sign_button",
    "sign_screen": "continue_button",
    "review_screen": "confirm_button",
    "thanks_screen": "done_button",
}
DEMO_KEY = "0000-1111-2222-3333-4444"
DEMO = f"DEMO KEY {DEMO_KEY}: signatures taken here are for trying the kiosk only."


def every_screen(supporter: Supporter) -> Iterator[str]:
    """Walk through the flow, yielding at each screen (the form twice: empty, then with errors)."""
    yield "appeal"
    supporter.tap("sign_button")
    yield "sign"
    supporter.tap("continue_button")
    yield "sign with errors"
    supporter.fill_in()
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    yield "review"
    supporter.tap("confirm_button")
    yield "thanks"


def on_screen(widget: QWidget, window: QWidget) -> bool:
    where = QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())
    return window.rect().contains(where)


def shown(window: KioskWindow, kind: type[QWidget]) -> list[QWidget]:
    return [w for w in window.current_screen().findChildren(kind) if w.isVisible()]


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_every_screen_fits(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], size: tuple[int, int]
) -> None:
    window = make_window(size=size, demo_key=DEMO_KEY)
    supporter = Supporter(qtbot, window)
    for step in every_screen(supporter):
        QApplication.processEvents()
        main = supporter.find(MAIN_BUTTON[supporter.screen])
        assert on_screen(main, window), f"{main.objectName()} is off-screen on {step}"

        for label in shown(window, QLabel):
            assert isinstance(label, QLabel)
            if label.wordWrap():
                need = label.heightForWidth(label.width())
                assert label.height() >= need, f"{label.objectName()!r} clipped on {step}"
            right = label.mapTo(window, QPoint(label.width(), 0)).x()
            assert right <= window.width(), f"{label.text()[:30]!r} runs off {step}"
            assert label.font().pixelSize() >= 18, f"{label.text()[:30]!r} too small on {step}"

        for control in shown(window, QAbstractButton) + shown(window, QLineEdit):
            if isinstance(control, QLineEdit) and isinstance(control.parent(), QComboBox):
                continue  # the box around it is the touch target
            assert control.height() >= 48, f"{control.objectName()} too small to tap on {step}"
        for box in shown(window, QCheckBox):
            assert box.height() >= 48 and box.width() >= 40, f"{box.objectName()} on {step}"

        banner = window.findChild(QLabel, "demo_banner")
        assert banner.isVisible() and banner.text() == DEMO, f"no demo notice on {step}"
        assert on_screen(banner, window)


def test_no_demo_notice_without_a_demo_key(supporter: Supporter) -> None:
    assert supporter.window.findChild(QLabel, "demo_banner") is None


def test_the_whole_appeal_scrolls_into_view(supporter: Supporter) -> None:
    area = supporter.find("appeal_scroll", QScrollArea)
    assert isinstance(area, QScrollArea)
    bar = area.verticalScrollBar()
    assert bar.maximum() > 0, "the bundled appeal is longer than one screen"
    bar.setValue(bar.maximum())
    last = area.widget().findChildren(QLabel)[-1]
    assert "keep sharing" in last.text(), "the last update's text is the last label"
    bottom = last.mapTo(area.viewport(), QPoint(0, last.height())).y()
    assert 0 < bottom <= area.viewport().height()


def test_controls_are_named_for_tests_and_screen_readers(
    qtbot: QtBot, make_window: Callable[..., KioskWindow]
) -> None:
    window = make_window(demo_key=DEMO_KEY)
    supporter = Supporter(qtbot, window)
    checked = 0
    for step in every_screen(supporter):
        for widget in shown(window, QWidget):
            interactive = isinstance(widget, QAbstractButton) or (
                widget.focusPolicy() != Qt.FocusPolicy.NoFocus
            )
            if interactive:
                assert widget.objectName(), f"unnamed {type(widget).__name__} on {step}"
                assert widget.accessibleName(), f"{widget.objectName()} has no accessible name"
                checked += 1
    assert checked >= 20


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_long_unbroken_entries_wrap_on_the_review(
    qtbot: QtBot, make_window: Callable[..., KioskWindow], size: tuple[int, int]
) -> None:
    supporter = Supporter(qtbot, make_window(size=size))
    supporter.tap("sign_button")
    supporter.fill_in(
        {
            "field_first_name": "A" * 80,
            "field_last_name": "B" * 80,
            "field_email": "c" * 60 + "@" + "d" * 60 + ".example.org",
            "field_country": "Ireland",
        },
        comment=False,
    )
    supporter.write_comment(("x" * 990,))
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    assert supporter.screen == "review_screen"

    window = supporter.window
    for label in shown(window, QLabel):
        right = label.mapTo(window, QPoint(label.width(), 0)).x()
        assert right <= window.width(), f"{label.objectName()} runs off the screen"
        assert isinstance(label, QLabel)
        assert label.height() >= label.heightForWidth(label.width())
    assert supporter.find("review_comment", QLabel).text() == "x" * 990
    assert on_screen(supporter.find("confirm_button"), window)
