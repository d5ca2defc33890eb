"""Thank-you: shown once the signature is committed, then back to the appeal by itself."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QVBoxLayout, QWidget

from kiosk.appeal import Appeal
from kiosk.ui.parts import action_button, text_label


class ThanksScreen(QWidget):
    finished = Signal()

    def __init__(self, appeal: Appeal, *, seconds: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thanks_screen")
        self._remaining = math.ceil(seconds)
        self._finished = False

        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 40, 40, 40)
        outer.addStretch(2)
        middle = QHBoxLayout()
        outer.addLayout(middle)
        outer.addStretch(3)
        body = QWidget()
        body.setMaximumWidth(760)
        middle.addStretch(1)
        middle.addWidget(body, 100)
        middle.addStretch(1)

        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(24)
        mark = text_label("✓", "thanks_mark", object_name="thanks_mark")
        mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(mark, 0, Qt.AlignmentFlag.AlignHCenter)
        for text, role, name in (
            ("Thank you for signing!", "hero", "thanks_title"),
            (
                f"Your signature is sealed on this kiosk and will be delivered to {appeal.target}.",
                "lead",
                "thanks_message",
            ),
            ("Please pass the tablet on to the next person.", "meta", "thanks_next"),
        ):
            label = text_label(text, role, object_name=name)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(label)
        column.addSpacing(16)
        self.done_button = action_button("Done", "done_button", primary=True)
        self.done_button.setAccessibleName("Back to the appeal")
        column.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self._countdown = text_label(role="hint", object_name="thanks_countdown")
        self._countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self._countdown)
        self.setFocusProxy(self.done_button)

        self._deadline = QTimer(self)
        self._deadline.setSingleShot(True)
        self._deadline.setInterval(max(0, round(seconds * 1000)))
        self._deadline.timeout.connect(self._finish)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._count_down)
        self.done_button.clicked.connect(self._finish)
        self._show_remaining()

    def start(self) -> None:
        self._deadline.start()
        self._tick.start()

    def _count_down(self) -> None:
        self._remaining = max(0, self._remaining - 1)
        self._show_remaining()

    def _show_remaining(self) -> None:
        unit = "second" if self._remaining == 1 else "seconds"
        self._countdown.setText(f"Back to the appeal in {self._remaining} {unit}.")

    def _finish(self) -> None:
        # The Done button and the deadline can both fire; the flow must move on only once.
        if self._finished:
            return
        self._finished = True
        self._deadline.stop()
        self._tick.stop()
        self.finished.emit()
