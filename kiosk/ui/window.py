"""The kiosk window: appeal → sign → review → thank-you, and back to the appeal.

The window owns the flow and nothing else. The form screens are built fresh for each supporter
and destroyed once their signature is recorded or abandoned, so the next person finds no trace:
no text, no undo history, nothing on the clipboard.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QStackedWidget, QWidget

from kiosk.form import Submission
from kiosk.ui.appeal_screen import AppealScreen
from kiosk.ui.parts import demo_banner, screen_layout
from kiosk.ui.review_screen import ReviewScreen
from kiosk.ui.sign_screen import SignScreen
from kiosk.ui.thanks_screen import ThanksScreen
from kiosk.vault import VaultError

if TYPE_CHECKING:
    from kiosk.signing import SignatureDesk

log = logging.getLogger("kiosk.ui")

MINIMUM_SIZE = (640, 560)


class KioskWindow(QWidget):
    def __init__(
        self,
        desk: SignatureDesk,
        demo_notice: str | None = None,
        *,
        thanks_seconds: float = 8,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk_window")
        self.setWindowTitle(desk.appeal.title)
        # An explicit floor, so the window's minimum does not follow each screen's layout: the
        # screens scroll instead, and the window never renegotiates its size with the platform
        # (which some platform plugins, offscreen among them, warn about).
        self.setMinimumSize(*MINIMUM_SIZE)
        self._desk = desk
        self._thanks_seconds = thanks_seconds
        self._sign: SignScreen | None = None
        self._review: ReviewScreen | None = None
        self._thanks: ThanksScreen | None = None

        layout = screen_layout(self)
        if demo_notice:
            layout.addWidget(demo_banner(demo_notice))
        self._stack = QStackedWidget()
        self._stack.setObjectName("screens")
        layout.addWidget(self._stack, 1)

        self.appeal_screen = AppealScreen(desk.appeal, signed_count=desk.count())
        self.appeal_screen.sign_requested.connect(self._open_form)
        self._stack.addWidget(self.appeal_screen)
        self._show(self.appeal_screen)

    def current_screen(self) -> QWidget:
        screen = self._stack.currentWidget()
        assert screen is not None, "the appeal screen is always in the stack"
        return screen

    # The flow, one step per method.

    def _open_form(self) -> None:
        if self._sign is None:
            self._sign = SignScreen(self._desk.appeal)
            self._sign.back_requested.connect(self._abandon_form)
            self._sign.submitted.connect(self._open_review)
            self._stack.addWidget(self._sign)
        self._show(self._sign)
        self._sign.focus_first_field()

    def _abandon_form(self) -> None:
        self._discard_form()
        self._back_to_appeal()

    def _open_review(self, submission: Submission) -> None:
        self._discard_review()
        self._review = ReviewScreen(self._desk.appeal, submission)
        self._review.edit_requested.connect(self._edit)
        self._review.confirm_requested.connect(self._record)
        self._stack.addWidget(self._review)
        self._show(self._review)

    def _edit(self) -> None:
        self._discard_review()
        self._open_form()

    def _record(self) -> None:
        review = self._review
        if review is None:
            return
        review.setEnabled(False)  # one press, one signature
        # The commit takes milliseconds, and the thank-you may only appear once it has returned,
        # so it runs here rather than in a worker that the screens would have to wait for anyway.
        try:
            self._desk.record(review.submission)
        except VaultError as exc:
            log.error("A signature could not be recorded: %s", exc)
            review.setEnabled(True)
            review.show_failure(str(exc))
            return
        self._discard_form()
        self.appeal_screen.set_signed_count(self._desk.count())
        self._thanks = ThanksScreen(self._desk.appeal, seconds=self._thanks_seconds)
        self._thanks.finished.connect(self._thanks_done)
        self._stack.addWidget(self._thanks)
        self._show(self._thanks)
        self._thanks.start()

    def _thanks_done(self) -> None:
        self._back_to_appeal()
        if self._thanks is not None:
            self._destroy(self._thanks)
            self._thanks = None

    def _back_to_appeal(self) -> None:
        self.appeal_screen.scroll_to_top()
        self._show(self.appeal_screen)

    # Forgetting a supporter.

    def _discard_form(self) -> None:
        """Wipe and destroy the form and review screens, and empty the clipboard."""
        self._discard_review()
        if self._sign is not None:
            self._sign.wipe()
            self._destroy(self._sign)
            self._sign = None
        clipboard = QGuiApplication.clipboard()
        clipboard.clear(QClipboard.Mode.Clipboard)
        if clipboard.supportsSelection():
            clipboard.clear(QClipboard.Mode.Selection)
        if clipboard.supportsFindBuffer():
            clipboard.clear(QClipboard.Mode.FindBuffer)

    def _discard_review(self) -> None:
        if self._review is not None:
            self._review.wipe()
            self._destroy(self._review)
            self._review = None

    def _destroy(self, screen: QWidget) -> None:
        # deleteLater, not an immediate delete: this often runs inside a click on a button of
        # the very screen being destroyed. The screen has been wiped before, so nothing personal
        # waits in it until the event loop gets round to deleting it.
        self._stack.removeWidget(screen)
        screen.deleteLater()

    def _show(self, screen: QWidget) -> None:
        self._stack.setCurrentWidget(screen)
        screen.setFocus(Qt.FocusReason.OtherFocusReason)
