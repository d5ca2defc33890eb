"""The kiosk window: appeal → sign → review → thank-you, and back to the appeal.

The window owns the flow and nothing else. The form screens are built fresh for each supporter
and destroyed once their signature is recorded or abandoned, so the next person finds no trace:
no text, no undo history, nothing on the clipboard.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import shiboken6

from PySide6.QtCore import QEvent, QRect, Qt, QTimer, Signal
from PySide6.QtGui import (
    QClipboard,
    QCloseEvent,
    QGuiApplication,
    QResizeEvent,
    QWindowStateChangeEvent,
)
from PySide6.QtWidgets import QApplication, QStackedWidget, QWidget

from kiosk.desks.tally import tally
from kiosk.ui import sync_status
from kiosk.ui.appeal_screen import AppealScreen
from kiosk.ui.demo_banner import DemoBanner
from kiosk.ui.i18n import DEFAULT_LANGUAGE, LANGUAGES, Languages, core_text
from kiosk.ui.idle import IdleWatch, StillTherePrompt
from kiosk.ui.lockdown import Lockdown
from kiosk.ui.look import Look
from kiosk.ui.parts import screen_layout
from kiosk.ui.screen_block import ScreenBlock
from kiosk.ui.setup_cover import SetupCover
from kiosk.ui.touch import TouchTargets

if TYPE_CHECKING:
    from collections.abc import Mapping

    from kiosk.desks.signing import SignatureDesk
    from kiosk.petition.appeal import Appeal
    from kiosk.petition.form import Submission
    from kiosk.sync.status import StatusBoard, SyncStatus
    from kiosk.ui.review_screen import ReviewScreen
    from kiosk.ui.sign_screen import SignScreen
    from kiosk.ui.thanks_screen import ThanksScreen

log = logging.getLogger("kiosk.ui")

STILL_THERE = "still_there"  # a reason the screens take no input: the idle prompt shows
SETTING_UP = "setting_up"  # another: a first start, until the volunteer PIN is known

MINIMUM_SIZE = (640, 560)

# The screens after the appeal, imported when a supporter first needs one rather than before the
# appeal's first paint (the QR code alone takes longer to load than that paint); kiosk.ui.startup
# imports them in the background right after it.
LATER_SCREENS = ("kiosk.ui.sign_screen", "kiosk.ui.review_screen", "kiosk.ui.thanks_screen")


class KioskWindow(QWidget):
    """The supporter's screens. `desk` records their signatures; a window started before its
    vault is open (kiosk/cli/launch.py) shows `appeal` without a count, and gets its desk later
    (`attach_desk`). `demo_key`, the demo key's fingerprint, puts the demo's banner on top.
    `setting_up` (a first start) covers the appeal until `end_setup`, so that the volunteer's
    PIN chooser comes before it."""

    appeal_shown = Signal()  # the appeal is on screen again: nobody is signing

    def __init__(
        self,
        desk: SignatureDesk | None,
        demo_key: str | None = None,
        *,
        appeal: Appeal | None = None,
        thanks_seconds: float = 8,
        idle_seconds: float = 60,
        idle_countdown_seconds: float = 10,
        locked: bool = False,
        languages: Languages | None = None,
        setting_up: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        # First: setting the title below already delivers a change event.
        self._locked = locked
        self._focus_before_prompt: QWidget | None = None
        self._sync_status: SyncStatus | None = None
        self._sync_board: StatusBoard | None = None
        self._sync_relay: sync_status.SyncStatusRelay | None = None
        self._restore_state = Qt.WindowState.WindowNoState
        self.setObjectName("kiosk_window")
        shown = desk.appeal if desk is not None else appeal
        assert shown is not None, "a kiosk window needs a desk or an appeal"
        self._appeal = shown
        self.setWindowTitle(shown.title)
        # An explicit floor, so the window's minimum does not follow each screen's layout: the
        # screens scroll instead, and the window never renegotiates its size with the platform
        # (which some platform plugins, offscreen among them, warn about).
        self.setMinimumSize(*MINIMUM_SIZE)
        self._desk = desk
        self._record_waiting = False  # confirmed before the desk was there
        self._thanks_seconds = thanks_seconds
        self._sign: SignScreen | None = None
        self._review: ReviewScreen | None = None
        self._thanks: ThanksScreen | None = None

        layout = screen_layout(self)
        self._banner: DemoBanner | None = None
        if demo_key:
            self._banner = DemoBanner(demo_key)
            layout.addWidget(self._banner)
        self._stack = QStackedWidget()
        self._stack.setObjectName("screens")
        self.screens_block = ScreenBlock(self._stack)
        layout.addWidget(self._stack, 1)

        app = QApplication.instance()
        assert isinstance(app, QApplication), "the kiosk window needs a QApplication"
        # The supporter's language, text size and contrast: chosen on the appeal screen, kept
        # through their visit, reset for the next person (`_next_person`).
        self.languages = languages or Languages(
            default=_kiosk_language(shown, LANGUAGES), parent=self
        )
        self.look = Look(app, parent=self)
        self._idle_seconds = idle_seconds
        self._idle_countdown_seconds = idle_countdown_seconds
        self.appeal_screen = AppealScreen(
            shown,
            signed_count=desk.count() if desk is not None else None,
            languages=self.languages,
            look=self.look,
        )
        self.appeal_screen.sign_requested.connect(self._open_form)
        self._stack.addWidget(self.appeal_screen)

        self._lockdown = Lockdown(app, parent=self)
        self._touch_targets = TouchTargets(app, parent=self)
        self._idle = IdleWatch(app, idle_seconds, parent=self)
        self._idle.idle.connect(self._went_idle)
        self.languages.changed.connect(self._choices_changed)
        self.look.changed.connect(self._choices_changed)
        self.still_there = StillTherePrompt(idle_countdown_seconds, parent=self)
        self.still_there.kept.connect(self._still_there)
        self.still_there.expired.connect(self.reset_after_idle)
        self._setup_cover: SetupCover | None = None
        if setting_up:
            self._setup_cover = SetupCover(self)
            self._setup_cover.setGeometry(self.overlay_rect())
            self._setup_cover.raise_()
            self.screens_block.block(SETTING_UP)
        self._show(self.appeal_screen)

    def end_setup(self) -> None:
        """The first start is set up (or the volunteer's chooser covers the window now): the
        appeal shows."""
        if self._setup_cover is not None:
            self._setup_cover.hide()
            self._setup_cover.deleteLater()
            self._setup_cover = None
            self.screens_block.unblock(SETTING_UP)
            self._show(self.current_screen())

    @property
    def setting_up(self) -> bool:
        return self._setup_cover is not None

    @property
    def first_screen(self) -> QWidget:
        """What a person sees first: the appeal, or the first start's cover over it."""
        return self._setup_cover or self.appeal_screen

    def attach_desk(self, desk: SignatureDesk) -> None:
        """Record with `desk` from now on, and show its appeal (the one a volunteer chose may
        differ from the one shown so far) with its count. A signature confirmed while the
        window had no desk is recorded now."""
        self._desk = desk
        self._tell_presence()
        if desk.appeal != self._appeal:
            self.change_appeal(desk.appeal)
        self._update_count()
        if self._record_waiting:
            self._record_waiting = False
            self._record()

    # The count on the appeal screen: this kiosk's, and the campaign's once the server said.

    def follow_sync(self, board: StatusBoard) -> None:
        """Follow the sync worker's reports, delivered on the GUI thread (nothing polls): its
        campaign total in the count, and its status in a corner of the appeal screen once a
        worker runs, whether from the start or after an enrolment from the volunteer panel."""
        if self._sync_relay is not None:
            self._sync_relay.detach()
            self._sync_relay.deleteLater()
        self._sync_board = board
        self._sync_relay = sync_status.SyncStatusRelay(board, parent=self)
        self._sync_relay.status_changed.connect(self._sync_changed)
        self._sync_changed(board.current)

    def _sync_changed(self, status: SyncStatus) -> None:
        self._sync_status = status
        self._show_sync()

    def _show_sync(self) -> None:
        board = self._sync_board
        shown = self.appeal_screen.findChild(sync_status.SyncCornerLabel) is not None
        if board is not None and board.current.enrolled and not shown:
            sync_status.install(self.appeal_screen, board)
        self._update_count()

    def _update_count(self) -> None:
        if self._desk is None:
            return  # not known until the vault is open
        count = tally(self._desk, self._sync_status)
        self.appeal_screen.set_signed_count(count.signatures, campaign_wide=count.campaign_wide)

    def change_appeal(self, appeal: Appeal) -> None:
        """A volunteer chose another appeal (the admin panel): the kiosk shows it from now on and
        new signatures are for it. Whatever a supporter had entered is wiped first."""
        self.still_there.stop()
        self._discard_form()
        if self._thanks is not None:
            self._destroy(self._thanks)
            self._thanks = None
        self._appeal = appeal
        if self._desk is not None:
            self._desk.appeal = appeal
        self.languages.default = _kiosk_language(appeal, self.languages.available)
        self._next_person()
        old = self.appeal_screen
        self.appeal_screen = AppealScreen(
            appeal,
            signed_count=self._desk.count() if self._desk is not None else None,
            languages=self.languages,
            look=self.look,
        )
        self.appeal_screen.sign_requested.connect(self._open_form)
        self._stack.insertWidget(0, self.appeal_screen)
        self.setWindowTitle(self.appeal_screen.shown_appeal.title)
        self._show_sync()  # the corner and the count, on the new screen
        self._show(self.appeal_screen)
        self._destroy(old)

    # Lockdown: in kiosk mode only the volunteer's exit lets the window close.

    @property
    def locked(self) -> bool:
        return self._locked

    def allow_exit(self) -> None:
        """Let the next close request through (the admin panel's "Exit kiosk")."""
        self._locked = False

    def exit_kiosk(self) -> None:
        """Unlock and close the window, which ends the kiosk."""
        self.allow_exit()
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Alt+F4 and the window manager's close button arrive here as a close request.
        if self._locked:
            log.info("close request refused: the kiosk is locked")
            event.ignore()
            return
        # A closed window no longer watches for idleness: its timers must not act on a screen
        # nobody sees (nor on the clipboard, which the whole application shares).
        self._idle.disarm()
        self.still_there.stop()
        event.accept()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "appeal_screen"):
            # The title the window system shows (a task bar, a switcher), in the language on screen.
            self.setWindowTitle(self.appeal_screen.shown_appeal.title)
            return
        # Another program took the focus (Alt+Tab, a notification): take it back. Windows of
        # the kiosk's own, such as a volunteer's dialog, keep it.
        if not self._locked:
            return
        if event.type() == QEvent.Type.ActivationChange and not self.isActiveWindow():
            QTimer.singleShot(0, self._reclaim_focus)
        elif isinstance(event, QWindowStateChangeEvent):
            was_fullscreen = bool(event.oldState() & Qt.WindowState.WindowFullScreen)
            if self.isMinimized() or (was_fullscreen and not self.isFullScreen()):
                # The window manager minimised it or took fullscreen away: put it back.
                self._restore_state = event.oldState() & ~Qt.WindowState.WindowMinimized
                QTimer.singleShot(0, self._restore)

    def _reclaim_focus(self) -> None:
        if self._locked and self.isVisible() and QApplication.activeWindow() is None:
            self.raise_()
            self.activateWindow()

    def _restore(self) -> None:
        if self._locked and self.windowState() != self._restore_state:
            self.setWindowState(self._restore_state)
            self.raise_()
            self.activateWindow()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.still_there.setGeometry(self.overlay_rect())
        if self._setup_cover is not None:
            self._setup_cover.setGeometry(self.overlay_rect())

    def overlay_rect(self) -> QRect:
        """Where an overlay (the "Still there?" prompt, the volunteer's layer) goes: the whole
        window but the demo's banner, which stays in view on every screen."""
        if self._banner is None:
            return self.rect()
        # The banner's height for this width, before the layout has placed it (first show).
        top = max(self._banner.geometry().bottom() + 1, self._banner.heightForWidth(self.width()))
        return self.rect().adjusted(0, top, 0, 0)

    # Idle reset.

    def _went_idle(self) -> None:
        if self.current_screen() is self.appeal_screen:
            self._reset_choices_after_idle()
        else:
            self._ask_still_there()

    def _ask_still_there(self) -> None:
        if not self.isVisible():
            return
        # An open popup of this window (the country suggestions) would sit above the prompt.
        for _ in range(10):
            popup = QApplication.activePopupWidget()
            if popup is None or not self._owns(popup):
                break
            popup.close()
        self._focus_before_prompt = self.focusWidget()
        self.screens_block.block(STILL_THERE)  # keys must not reach the form beneath the prompt
        self.still_there.start()

    def _owns(self, widget: QWidget) -> bool:
        """Whether `widget` belongs to this window, popups (windows of their own) included."""
        parent: QWidget | None = widget
        while parent is not None:
            if parent is self:
                return True
            parent = parent.parentWidget()
        return False

    def _still_there(self) -> None:
        self.screens_block.unblock(STILL_THERE)
        self._show(self.current_screen())
        previous = self._focus_before_prompt
        self._focus_before_prompt = None
        if previous is not None and shiboken6.isValid(previous) and self.isAncestorOf(previous):
            previous.setFocus(Qt.FocusReason.OtherFocusReason)

    def reset_after_idle(self) -> None:
        """Forget the supporter who walked away: every entry, then back to the appeal."""
        if self._desk is not None:
            self._desk.note_walked_away(entered=True)
        self.still_there.stop()
        self.screens_block.unblock(STILL_THERE)
        self._discard_form()
        self._next_person()
        self._back_to_appeal()

    def _reset_choices_after_idle(self) -> None:
        """Someone chose a language, text size or contrast on the appeal screen and left without
        signing: the next person finds the kiosk's own again. Nothing personal was entered, so
        there is nothing to ask before."""
        if self._desk is not None:
            self._desk.note_walked_away(entered=False)
        self._next_person()
        self._back_to_appeal()  # the top of the appeal, the focus on Sign

    def _choices_changed(self) -> None:
        if self.current_screen() is self.appeal_screen:
            self._watch_appeal_screen()

    def _at_kiosk_defaults(self) -> bool:
        return self.languages.current == self.languages.default and self.look.is_standard

    def _watch_appeal_screen(self) -> None:
        # At the kiosk's defaults nothing is watched: the resting screen runs no timer. With a
        # supporter's choices, they are undone after as long as a form would be kept for them.
        if self._at_kiosk_defaults():
            self._idle.disarm()
        else:
            self._idle.arm(self._idle_seconds + self._idle_countdown_seconds)

    def current_screen(self) -> QWidget:
        screen = self._stack.currentWidget()
        assert screen is not None, "the appeal screen is always in the stack"
        return screen

    # The flow, one step per method.

    def _open_form(self) -> None:
        if self._sign is None:
            from kiosk.ui.sign_screen import SignScreen

            self._sign = SignScreen(self.appeal_screen.shown_appeal)
            self._sign.back_requested.connect(self._abandon_form)
            self._sign.submitted.connect(self._open_review)
            self._stack.addWidget(self._sign)
        self._show(self._sign)
        self._sign.focus_first_field()

    def _abandon_form(self) -> None:
        self._discard_form()
        self._back_to_appeal()

    def _open_review(self, submission: Submission) -> None:
        from kiosk.ui.review_screen import ReviewScreen

        self._discard_review()
        self._review = ReviewScreen(self.appeal_screen.shown_appeal, submission)
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
        if self._desk is None:
            # The first moments of a start, the vault still opening: recorded on attach_desk.
            self._record_waiting = True
            return
        from kiosk.errors import VaultError  # loaded with the desk's vault: no cost here

        # The commit takes milliseconds, and the thank-you may only appear once it has returned,
        # so it runs here rather than in a worker that the screens would have to wait for anyway.
        try:
            self._desk.record(review.submission)
        except VaultError as exc:
            # kiosk.vault logged the failure; nothing here ties a line to this supporter.
            review.setEnabled(True)
            review.show_failure(core_text(exc))
            return
        from kiosk.ui.thanks_screen import ThanksScreen

        self._discard_form()
        self._update_count()
        self._thanks = ThanksScreen(self.appeal_screen.shown_appeal, seconds=self._thanks_seconds)
        self._thanks.finished.connect(self._thanks_done)
        self._stack.addWidget(self._thanks)
        self._show(self._thanks)
        self._thanks.start()

    def _thanks_done(self) -> None:
        self._next_person()
        self._back_to_appeal()
        if self._thanks is not None:
            self._destroy(self._thanks)
            self._thanks = None

    def _next_person(self) -> None:
        """The next person starts in the kiosk's own language, text size and theme."""
        self.languages.reset()
        self.look.reset()

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
        # Text an input method holds (a word being composed, its suggestions) goes too.
        QGuiApplication.inputMethod().reset()
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
        self._tell_presence()
        screen.setFocus(Qt.FocusReason.OtherFocusReason)
        # The appeal is the resting state and the thank-you screen leaves by itself; anywhere
        # else, a supporter who walks away is asked, then forgotten.
        if screen is self.appeal_screen:
            self._watch_appeal_screen()
            self.appeal_shown.emit()
        elif screen is self._thanks:
            self._idle.disarm()
        else:
            self._idle.arm()

    def _tell_presence(self) -> None:
        """The desk learns whether a supporter is at the form: the sync worker closes a batch
        early only when nobody is."""
        if self._desk is not None:
            at_form = self.current_screen() in (self._sign, self._review)
            self._desk.presence.set_at_form(at_form)


def _kiosk_language(appeal: Appeal, available: Mapping[str, str]) -> str:
    """The language each supporter starts in: the appeal's own, where the kiosk speaks it."""
    for code in (appeal.language, appeal.language.split("-")[0], DEFAULT_LANGUAGE):
        if code in available:
            return code
    return next(iter(available))
