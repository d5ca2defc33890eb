"""The hidden way in for volunteers: hold a finger (or the mouse) on the top-left corner of the
kiosk for three seconds, or press Ctrl+Alt+A on a keyboard.

An application-wide event filter watches presses inside a small invisible zone in the window's
top-left corner. A short tap there does nothing at all: it reaches the screen beneath as any tap
does, so nothing tells a supporter the zone exists. Only a press held still for `hold_seconds`
fires `triggered`.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QMouseEvent, QTouchEvent
from PySide6.QtWidgets import QApplication, QWidget

HOT_ZONE = 72  # px square in the top-left corner: easy to find on purpose, hard by chance
HOLD_SECONDS = 3.0
SHORTCUT = (Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier)


class CornerHold(QObject):
    triggered = Signal()

    def __init__(
        self,
        app: QApplication,
        window: QWidget,
        *,
        hold_seconds: float = HOLD_SECONDS,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._window = window
        self.enabled = True
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(round(hold_seconds * 1000))
        self._timer.timeout.connect(self._fire)
        self._app = app
        app.installEventFilter(self)

    def release(self) -> None:
        self._timer.stop()
        self._app.removeEventFilter(self)

    @property
    def hold_seconds(self) -> float:
        """How long a press must stay in the corner before `triggered`."""
        return self._timer.interval() / 1000

    @property
    def holding(self) -> bool:
        return self._timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if self._is_shortcut(event) and self._window.isActiveWindow():
                if self.enabled:
                    self.triggered.emit()
                return True
            return False
        # Presses arrive once per widget up the parent chain; only the window's own widgets
        # count, and the position is taken in the window's coordinates.
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin):
            if self.enabled and self._in_zone(watched, event):
                self._timer.start()
            elif watched is self._window or self._belongs(watched):
                self._timer.stop()
        elif kind in (
            QEvent.Type.MouseButtonRelease,
            QEvent.Type.TouchEnd,
            QEvent.Type.TouchCancel,
        ):
            self._timer.stop()
        elif (
            kind in (QEvent.Type.MouseMove, QEvent.Type.TouchUpdate)
            and self.holding
            and self._belongs(watched)
            and not self._in_zone(watched, event)
        ):
            self._timer.stop()  # the finger slid away: a swipe, not a hold
        return False

    def _fire(self) -> None:
        if self.enabled and self._window.isVisible():
            self.triggered.emit()

    @staticmethod
    def _is_shortcut(event: QKeyEvent) -> bool:
        key, modifiers = SHORTCUT
        mask = (
            Qt.KeyboardModifier.ControlModifier
            | Qt.KeyboardModifier.AltModifier
            | Qt.KeyboardModifier.ShiftModifier
            | Qt.KeyboardModifier.MetaModifier
        )
        return event.key() == key and (event.modifiers() & mask) == modifiers

    def _belongs(self, watched: QObject) -> bool:
        return isinstance(watched, QWidget) and (
            watched is self._window or self._window.isAncestorOf(watched)
        )

    def _in_zone(self, watched: QObject, event: QEvent) -> bool:
        if not self._belongs(watched):
            return False
        assert isinstance(watched, QWidget)
        point = _position(event)
        if point is None:
            return False
        local = point.toPoint()
        if watched is not self._window:
            local = watched.mapTo(self._window, local)
        return QRect(0, 0, HOT_ZONE, HOT_ZONE).contains(local)


def _position(event: QEvent) -> QPointF | None:
    if isinstance(event, QMouseEvent):
        if event.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton):
            return None
        return event.position()
    if isinstance(event, QTouchEvent):
        points = event.points()
        return points[0].position() if len(points) == 1 else None
    return None
