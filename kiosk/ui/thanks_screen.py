"""Thank-you: shown once the signature is committed, then back to the appeal by itself."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QVBoxLayout, QWidget

from kiosk.petition.appeal import Appeal
from kiosk.ui.i18n import arg
from kiosk.ui.parts import action_button, text_label, wrapping_label
from kiosk.ui.qr_code import QrCode, short_url

# Large enough for a phone held at arm's length to read.
QR_SIZE = 240
# Long enough to get a phone out and point it at the code.
QR_SECONDS = 20


class ThanksScreen(QWidget):
    finished = Signal()

    def __init__(self, appeal: Appeal, *, seconds: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("thanks_screen")
        if appeal.petition_url:
            seconds = max(seconds, QR_SECONDS)
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
        if not appeal.petition_url:
            # With a QR code to show, the room the big tick takes is the code's.
            mark = text_label("✓", "thanks_mark", object_name="thanks_mark")
            mark.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(mark, 0, Qt.AlignmentFlag.AlignHCenter)
        for text, role, name in (
            (self.tr("Thank you for signing!"), "hero", "thanks_title"),
            (
                arg(
                    self.tr("Your signature is sealed on this kiosk and will be delivered to %1."),
                    appeal.target,
                ),
                "lead",
                "thanks_message",
            ),
            (self.tr("Please pass the tablet on to the next person."), "meta", "thanks_next"),
        ):
            label = text_label(text, role, object_name=name)
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            column.addWidget(label)
        if appeal.petition_url:
            column.addWidget(self._share(appeal.petition_url))
        column.addSpacing(16)
        self.done_button = action_button(self.tr("Done"), "done_button", primary=True)
        self.done_button.setAccessibleName(self.tr("Back to the appeal"))
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

    def _share(self, url: str) -> QFrame:
        """The online petition as a QR code, so supporters can share it from their own phone."""
        card = QFrame()
        card.setObjectName("share_petition")
        card.setProperty("role", "card")
        row = QHBoxLayout(card)
        row.setContentsMargins(24, 20, 24, 20)
        row.setSpacing(24)
        code = QrCode(url, size=QR_SIZE)
        code.setObjectName("petition_qr")
        code.setAccessibleName(self.tr("QR code of the online petition"))
        code.setAccessibleDescription(url)
        row.addWidget(code, 0, Qt.AlignmentFlag.AlignVCenter)
        words = QVBoxLayout()
        words.setSpacing(10)
        words.addStretch(1)
        words.addWidget(
            text_label(self.tr("Share the petition: scan the code with your phone."), "lead")
        )
        words.addWidget(wrapping_label(short_url(url), "share_url", object_name="petition_url"))
        words.addStretch(1)
        row.addLayout(words, 1)
        return card

    def start(self) -> None:
        self._deadline.start()
        self._tick.start()

    def _count_down(self) -> None:
        self._remaining = max(0, self._remaining - 1)
        self._show_remaining()

    def _show_remaining(self) -> None:
        self._countdown.setText(self.tr("Back to the appeal in %n second(s).", "", self._remaining))

    def _finish(self) -> None:
        # The Done button and the deadline can both fire; the flow must move on only once.
        if self._finished:
            return
        self._finished = True
        self._deadline.stop()
        self._tick.stop()
        self.finished.emit()
