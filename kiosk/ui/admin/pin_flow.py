"""What the PIN pad is asking for, step by step: choosing the first PIN (twice), unlocking, and
changing the PIN (the current one, then the new one twice), with the wait after wrong PINs
counted down on the pad. The rules, waits and lockout themselves are kiosk.desks.pin's."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.desks.pin import MAX_DIGITS, PinGuard
from kiosk.errors import PinNotSet, PinRuleError, PinWait
from kiosk.ui.admin.pin_pad import PinPad
from kiosk.ui.i18n import Text, arg, core_text

log = logging.getLogger("kiosk.ui")

CHOOSING = ("choose", "again")
CHANGING = ("old", "new", "new_again")


def _clock_text(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


class PinFlow(QObject):
    unlocked = Signal()
    # A first PIN chosen, or a change done: what to tell the volunteer, as a Text.
    finished = Signal(object)

    def __init__(
        self, pad: PinPad, guard: PinGuard, *, demo: bool, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._pad = pad
        self._guard = guard
        self._demo = demo
        self._mode = ""
        # Held between one step and the next, in memory only, and dropped by `reset`.
        self._first_pin = ""
        self._old_pin = ""
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.show_wait)
        pad.submitted.connect(self._entered)

    @property
    def mode(self) -> str:
        return self._mode

    @property
    def choosing(self) -> bool:
        """Choosing the first PIN: nothing else may show until it is done."""
        return self._mode in CHOOSING

    def choose_first(self) -> None:
        self._ask(
            "choose",
            lambda: self.tr("Choose a volunteer PIN"),
            self._first_hint,
            can_cancel=False,
        )

    def _first_hint(self) -> str:
        if self._demo:
            return self.tr(
                "This is a demo: choose any PIN to try the volunteer panel. 4 to 12 digits."
            )
        return arg(
            self.tr("%1 to %2 digits. Volunteers use it to open the panel and exit the kiosk."),
            self._guard.min_digits,
            MAX_DIGITS,
        )

    def unlock(self) -> None:
        self._ask(
            "unlock",
            lambda: self.tr("Volunteer PIN"),
            lambda: self.tr("Enter the PIN to continue."),
        )

    def change(self) -> None:
        self._ask("old", lambda: self.tr("Change PIN"), lambda: self.tr("First, the current PIN."))

    def reset(self) -> None:
        self._mode = ""
        self._first_pin = self._old_pin = ""
        self._tick.stop()
        self._pad.clear()
        self._pad.set_waiting(False)

    def show_wait(self, *, wrong: bool = False) -> None:
        """The message under the dots: wrong, and how long until the next try."""
        pause = self._guard.wait_seconds()
        seconds = pause.wait_seconds
        self._pad.set_waiting(seconds > 0)
        if seconds > 0:
            locked = pause.locked

            def waiting() -> str:
                if locked:
                    text = self.tr("Too many wrong PINs. Locked for %1.")
                else:
                    text = self.tr("Wrong PIN. Try again in %1.")
                return arg(text, _clock_text(seconds))

            self._pad.show_message(waiting, error=True)
            if not self._tick.isActive():
                self._tick.start()
            return
        self._tick.stop()
        if wrong:
            self._pad.show_message(lambda: self.tr("Wrong PIN. Try again."), error=True)
        elif pause.failures:
            self._pad.show_message(lambda: self.tr("You can try again now."))

    def _ask(self, mode: str, title: Text, hint: Text, *, can_cancel: bool = True) -> None:
        self._mode = mode
        self._pad.prompt(title, hint, can_cancel=can_cancel)
        if mode in ("unlock", "old"):
            self.show_wait()

    def _entered(self, pin: str) -> None:
        handler = {
            "choose": self._chosen,
            "again": self._chosen_again,
            "unlock": self._unlock,
            "old": self._old_entered,
            "new": self._new_entered,
            "new_again": self._new_again,
        }.get(self._mode)
        if handler is not None:
            handler(pin)

    def _digits_hint(self) -> str:
        return arg(self.tr("%1 to %2 digits."), self._guard.min_digits, MAX_DIGITS)

    def _follows_rules(self, pin: str) -> bool:
        try:
            self._guard.check_rules(pin)
        except PinRuleError as exc:
            refused = exc  # `exc` itself is gone once the except block ends
            self._pad.show_message(lambda: core_text(refused), error=True)
            return False
        return True

    def _check(self, pin: str) -> bool:
        try:
            result = self._guard.verify(pin)
        except PinWait:
            self.show_wait()
            return False
        except PinNotSet:
            self.choose_first()
            return False
        if not result.accepted:
            self.show_wait(wrong=True)
        return result.accepted

    # Choosing the first PIN.

    def _chosen(self, pin: str) -> None:
        if self._follows_rules(pin):
            self._first_pin = pin
            self._mode = "again"
            self._pad.prompt(
                lambda: self.tr("Enter the same PIN again"), self._first_hint, can_cancel=False
            )

    def _chosen_again(self, pin: str) -> None:
        first, self._first_pin = self._first_pin, ""
        if pin != first:
            self.choose_first()
            self._pad.show_message(
                lambda: self.tr("The two PINs differ. Choose one again."), error=True
            )
            return
        self._guard.choose(pin)
        self._mode = ""
        self.finished.emit(
            lambda: self.tr(
                "PIN saved. To come back here, hold the top-left corner for 3 seconds "
                "(or press Ctrl+Alt+A)."
            )
        )

    # Unlocking.

    def _unlock(self, pin: str) -> None:
        if self._check(pin):
            log.info("volunteer panel unlocked")
            self._mode = ""
            self.unlocked.emit()

    # Changing the PIN: the current one first, then the new one twice.

    def _old_entered(self, pin: str) -> None:
        if self._check(pin):
            self._old_pin = pin
            self._mode = "new"
            self._pad.prompt(lambda: self.tr("Choose the new PIN"), self._digits_hint)

    def _new_entered(self, pin: str) -> None:
        if self._follows_rules(pin):
            self._first_pin = pin
            self._mode = "new_again"
            self._pad.prompt(lambda: self.tr("Enter the new PIN again"), self._digits_hint)

    def _new_again(self, pin: str) -> None:
        first, old = self._first_pin, self._old_pin
        self._first_pin = self._old_pin = ""
        self._mode = ""
        if pin != first:
            self.finished.emit(lambda: self.tr("The two new PINs differ; the PIN was not changed."))
            return
        result = self._guard.change(old, pin)
        if result.accepted:
            self.finished.emit(lambda: self.tr("The PIN was changed."))
        else:
            self.finished.emit(lambda: self.tr("The PIN was not changed."))
