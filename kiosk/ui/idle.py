"""Idle reset: a supporter who walks away mid-form must not leave their details for the next.

`IdleWatch` is an application-wide event filter that sees every touch, click, key and wheel
turn. While armed (the window arms it on every screen but the appeal, and on the appeal while a
supporter's language, text size or contrast differs from the kiosk's), a single-shot timer
restarts on each input; when it runs out the watch says `idle`. Nothing ticks while nobody is
there and nothing is armed, so the resting appeal screen costs no CPU.

`StillTherePrompt` is the "Still there?" overlay the window shows then: it covers the window,
counts down out loud, and either the supporter presses "I'm still here" (`kept`) or the count
reaches zero (`expired`), and the window wipes everything.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.ui import parts
from kiosk.ui.i18n import Retranslated
from kiosk.ui.parts import action_button, text_label

# What a person does; window-system events (paint, focus, timers) are not someone being there.
INPUT_EVENTS = frozenset(
    {
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.InputMethod,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TouchEnd,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
        QEvent.Type.TabletRelease,
    }
)


class IdleWatch(QObject):
    idle = Signal()

    def __init__(self, app: QApplication, idle_seconds: float, parent: QObject | None = None):
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._interval = max(1, round(idle_seconds * 1000))
        self._timer.setInterval(self._interval)
        self._timer.timeout.connect(self.idle)
        app.installEventFilter(self)

    @property
    def armed(self) -> bool:
        return self._timer.isActive()

    def arm(self, seconds: float | None = None) -> None:
        """Start (or restart) counting idle time: the watch's own, or `seconds` this time."""
        if seconds is None:
            self._timer.start(self._interval)
        else:
            self._timer.start(max(1, round(seconds * 1000)))

    def disarm(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._timer.isActive() and event.type() in INPUT_EVENTS:
            self._timer.start()
        return False


class StillTherePrompt(Retranslated, QFrame):
    """An overlay inside the window, not a native dialog: nothing the window system can move,
    minimise or close, and no title bar to tap."""

    kept = Signal()  # "I'm still here"
    expired = Signal()  # the countdown reached zero

    def __init__(self, countdown_seconds: float, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("still_there")
        self.setProperty("role", "overlay")
        # Paint the whole rectangle, so nothing of the screen beneath shows through.
        self.setAutoFillBackground(True)
        self._seconds = max(1, math.ceil(countdown_seconds))
        self._remaining = self._seconds

        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 40, 40, 40)
        outer.addStretch(1)
        row = QHBoxLayout()
        outer.addLayout(row)
        outer.addStretch(1)
        card, column = parts.card("still_there_card", margins=(40, 36), spacing=24)
        card.setMaximumWidth(720)
        row.addStretch(1)
        row.addWidget(card, 100)
        row.addStretch(1)

        self._title = text_label(role="hero", object_name="still_there_title")
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self._title)
        self._countdown = text_label(role="lead", object_name="still_there_countdown")
        self._countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self._countdown)
        self.keep_button = action_button("", "still_here_button", primary=True)
        self.keep_button.setProperty("large", True)
        column.addWidget(self.keep_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.setFocusProxy(self.keep_button)

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count_down)
        self.keep_button.clicked.connect(self._keep)
        self._retranslate()
        self.hide()

    def _retranslate(self) -> None:
        self.setAccessibleName(self.tr("Still there?"))
        self._title.setText(self.tr("Still there?"))
        self.keep_button.setText(self.tr("I'm still here"))
        self.keep_button.setAccessibleName(self.tr("I'm still here, keep my details"))
        self._show_remaining()

    @property
    def remaining(self) -> int:
        return self._remaining

    def start(self) -> None:
        self._remaining = self._seconds
        self._show_remaining()
        parent = self.parentWidget()
        if parent is not None:
            cover = getattr(parent, "overlay_rect", parent.rect)
            self.setGeometry(cover())
        self.show()
        self.raise_()
        self.keep_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._tick.start()

    def stop(self) -> None:
        self._tick.stop()
        self.hide()

    def _keep(self) -> None:
        self.stop()
        self.kept.emit()

    def _count_down(self) -> None:
        self._remaining -= 1
        if self._remaining <= 0:
            self.stop()
            self.expired.emit()
            return
        self._show_remaining()

    def _show_remaining(self) -> None:
        text = self.tr("Your details will be cleared in %n second(s).", "", self._remaining)
        self._countdown.setText(text)
        self._countdown.setAccessibleName(text)
