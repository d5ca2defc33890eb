"""Touch targets of at least 9 mm, whatever the screen's density.

The stylesheet sizes controls in pixels, which is 17 mm on a 96 dpi monitor but could be less
than 9 mm on a dense tablet. This application-wide filter gives every control, as Qt polishes
it, a minimum size worked out from the physical dots per inch of the screen it is on.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

MIN_TOUCH_MM = 9.0
TOUCH_CONTROLS = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QPlainTextEdit,
    QTextEdit,
    QAbstractSpinBox,
)


def touch_pixels(widget: QWidget | None = None) -> int:
    """9 mm in the widget's logical pixels, on the screen it shows on."""
    screen = (widget.screen() if widget is not None else None) or QGuiApplication.primaryScreen()
    dots_per_mm = screen.physicalDotsPerInch() / 25.4
    return math.ceil(MIN_TOUCH_MM * dots_per_mm / screen.devicePixelRatio())


def is_touch_control(widget: QObject) -> bool:
    # A line edit inside a combo box is part of the box, which is the target.
    return isinstance(widget, TOUCH_CONTROLS) and not isinstance(widget.parent(), QComboBox)


def enlarge(widget: QWidget) -> None:
    size = touch_pixels(widget)
    if widget.minimumWidth() < size:
        widget.setMinimumWidth(size)
    if widget.minimumHeight() < size:
        widget.setMinimumHeight(size)


class TouchTargets(QObject):
    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        app.installEventFilter(self)
        for widget in app.allWidgets():
            if is_touch_control(widget):
                enlarge(widget)

    def release(self) -> None:
        self._app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Polish and is_touch_control(watched):
            assert isinstance(watched, QWidget)
            enlarge(watched)
        return False
