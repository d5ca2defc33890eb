"""The PIN pad: big digit buttons, masked dots, a message line and OK / Cancel.

It only collects digits; what they are checked against, and how long to wait after a wrong
PIN, is the controller's business (kiosk/ui/admin/pin_flow.py over kiosk.desks.pin). While tries
are paused it takes no digits at all, so nothing typed then is submitted afterwards.

Its size never changes while it shows: the title, hint and message lines keep the room of their
longest text, so a key never moves under a finger when a message comes or goes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.desks.pin import MAX_DIGITS
from kiosk.ui.i18n import NO_TEXT, Retranslated, Text, arg, fixed
from kiosk.ui.parts import ReservedLabel, action_button

DOT = "\u25cf"
PAD_WIDTH = 520


class PinPad(Retranslated, QFrame):
    submitted = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pin_pad")
        self.setProperty("role", "card")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        # A fixed width: a long message wraps inside it rather than widening the pad's keys.
        self.setFixedWidth(PAD_WIDTH)
        self._digits = ""
        self._waiting = False
        self._title: Text = fixed("")
        self._hint: Text = fixed("")
        self._message: Text = fixed("")

        column = QVBoxLayout(self)
        # Tight enough vertically to fit a 1280x800 tablet whole, with its keys apart.
        column.setContentsMargins(36, 16, 36, 16)
        column.setSpacing(8)
        # Two lines each for the title and the hint, three for a message (the lockout's and the
        # rules' are the longest).
        self.title = ReservedLabel(2, "section", object_name="pin_title")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.title)
        self.hint = ReservedLabel(2, "hint", object_name="pin_hint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.hint)
        self.dots = ReservedLabel(1, "pin_dots", object_name="pin_dots")
        self.dots.setWordWrap(False)  # twelve dots fit on one line; they never wrap to two
        self.dots.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.dots)
        self.message = ReservedLabel(3, "pin_message", object_name="pin_message")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        column.addWidget(self.message)

        grid = QGridLayout()
        grid.setSpacing(10)
        self.digit_buttons: list[QPushButton] = []
        for digit in range(10):
            button = QPushButton(str(digit))
            button.setObjectName(f"pin_digit_{digit}")
            button.setAccessibleName(str(digit))
            button.setProperty("role", "pin_key")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keys go to the pad
            button.clicked.connect(lambda _=False, d=str(digit): self.add_digit(d))
            self.digit_buttons.append(button)
            row, col = (3, 1) if digit == 0 else divmod(digit - 1, 3)
            grid.addWidget(button, row, col)
        self.delete_button = QPushButton("\u232b")
        self.delete_button.setObjectName("pin_delete")
        self.delete_button.setProperty("role", "pin_key")
        self.delete_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.delete_button.clicked.connect(self.delete_digit)
        grid.addWidget(self.delete_button, 3, 0)
        self.ok_button = QPushButton()
        self.ok_button.setObjectName("pin_ok")
        self.ok_button.setProperty("role", "pin_ok")
        self.ok_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.ok_button.clicked.connect(self.submit)
        grid.addWidget(self.ok_button, 3, 2)
        column.addLayout(grid)

        cancel_row = QHBoxLayout()
        self.cancel_button = action_button("", "pin_cancel")
        # Hidden (the first PIN cannot be cancelled), it still keeps its room.
        policy = self.cancel_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)
        self.cancel_button.setSizePolicy(policy)
        self.cancel_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.cancel_button.clicked.connect(self.cancel)
        cancel_row.addStretch(1)
        cancel_row.addWidget(self.cancel_button)
        cancel_row.addStretch(1)
        column.addLayout(cancel_row)
        self._retranslate()

    def _retranslate(self) -> None:
        self.delete_button.setAccessibleName(self.tr("Delete the last digit"))
        self.ok_button.setText(self.tr("OK"))
        self.ok_button.setAccessibleName(self.tr("OK, check the PIN"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setAccessibleName(self.tr("Cancel"))
        self._show_texts()
        self._show_dots()

    def _show_texts(self) -> None:
        title = self._title() or self.tr("Volunteer PIN")
        self.title.setText(title)
        self.setAccessibleName(title)
        self.hint.setText(self._hint())
        message = self._message()
        self.message.setText(message)
        self.message.setAccessibleName(message)

    def prompt(self, title: Text, hint: Text = NO_TEXT, *, can_cancel: bool = True) -> None:
        """Start a new entry: clear the digits and the message, show what is asked (each text
        said again in the new language if it changes)."""
        self._title, self._hint = title, hint
        self._message = fixed("")
        self.cancel_button.setVisible(can_cancel)
        self.clear()
        self.show_message(fixed(""))

    def clear(self) -> None:
        self._digits = ""
        self._show_dots()

    @property
    def entered(self) -> int:
        """How many digits are in (never which)."""
        return len(self._digits)

    def show_message(self, text: Text, *, error: bool = False) -> None:
        self._message = text
        self.message.setProperty("error", error)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self._show_texts()

    @property
    def hint_text(self) -> Text:
        return self._hint

    def set_waiting(self, waiting: bool) -> None:
        """While tries are paused, the pad takes no digits and OK is disabled; what was typed
        before the pause is dropped."""
        self._waiting = waiting
        if waiting:
            self.clear()
        for button in (*self.digit_buttons, self.delete_button):
            button.setEnabled(not waiting)
        self._update_ok()

    def add_digit(self, digit: str) -> None:
        if not self._waiting and len(self._digits) < MAX_DIGITS:
            self._digits += digit
            self._show_dots()

    def delete_digit(self) -> None:
        self._digits = self._digits[:-1]
        self._show_dots()

    def submit(self) -> None:
        if self._waiting or not self._digits:
            return
        digits, self._digits = self._digits, ""
        self._show_dots()
        self.submitted.emit(digits)

    def cancel(self) -> None:
        if self.cancel_button.isVisible():
            self.clear()
            self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        text = event.text()
        if len(text) == 1 and text.isascii() and text.isdigit():
            self.add_digit(text)
        elif key == Qt.Key.Key_Backspace:
            self.delete_digit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit()
        elif key == Qt.Key.Key_Escape:
            self.cancel()
        else:
            super().keyPressEvent(event)

    def _show_dots(self) -> None:
        shown = DOT * len(self._digits) if self._digits else "\u2013"
        self.dots.setText(" ".join(shown))
        self.dots.setAccessibleName(arg(self.tr("Digits entered: %1"), len(self._digits)))
        self._update_ok()

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(bool(self._digits) and not self._waiting)
