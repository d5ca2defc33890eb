"""The volunteer's layer over the kiosk window: the PIN pad, then the panel and its pages.

It is an overlay inside the window (as the "Still there?" prompt is), not a dialog: nothing the
window system could move or close. Opened by the corner hold or Ctrl+Alt+A; closed, and so
locked, by "Close", by `idle_seconds` without a touch, or by leaving the kiosk.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.desks.admin import AdminDesk, Enrolled
from kiosk.errors import AdminError
from kiosk.files.removable import Drive, removable_drives
from kiosk.petition.appeal import Appeal
from kiosk.ui.admin.gesture import HOLD_SECONDS, CornerHold
from kiosk.ui.admin.pages import AppealPage, EnrolPage, EventPage, ExitPage, ExportPage
from kiosk.ui.admin.panel import AdminPanel
from kiosk.ui.admin.pin_flow import CHANGING, PinFlow
from kiosk.ui.admin.pin_pad import PinPad
from kiosk.ui.i18n import Retranslated, Text, arg, core_text, fixed
from kiosk.ui.idle import INPUT_EVENTS
from kiosk.ui.sync_status import SyncStatusRelay
from kiosk.ui.work import run_off_thread

if TYPE_CHECKING:
    from kiosk.sync.status import SyncStatus
    from kiosk.ui.window import KioskWindow

VOLUNTEER_LAYER = "volunteer_layer"  # a reason the supporter's screens take no input

log = logging.getLogger("kiosk.ui")


class AdminLayer(Retranslated, QFrame):
    unlocked = Signal()
    locked = Signal()
    export_finished = Signal(str)  # the message shown
    enrol_finished = Signal(str)

    def __init__(
        self,
        window: KioskWindow,
        desk: AdminDesk,
        *,
        exit_kiosk: Callable[[], None],
        demo: bool = False,
        idle_seconds: float = 60,
        hold_seconds: float = HOLD_SECONDS,
        find_drives: Callable[[], list[Drive]] = removable_drives,
        on_appeal_chosen: Callable[[Appeal], None] | None = None,
    ) -> None:
        super().__init__(window)
        self.setObjectName("admin_layer")
        self.setProperty("role", "overlay")
        self.setAutoFillBackground(True)
        self._window = window
        self._desk = desk
        self._exit_kiosk = exit_kiosk
        self._find_drives = find_drives
        self._on_appeal_chosen = on_appeal_chosen
        self._waiting_to_choose = False

        self._stack = QStackedWidget(self)
        self._stack.setObjectName("admin_pages")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)

        # The pad keeps its size on a window too short for it (a small laptop's demo window, a
        # long title wrapping): the page scrolls rather than squeezing the keys into each other.
        self._pin_page = _ScrollWhenShort()
        self._pin_page.setObjectName("admin_pin_page")
        self._pin_page.setFrameShape(QFrame.Shape.NoFrame)
        pad_holder = QWidget()
        pad_holder.setObjectName("admin_pin_holder")
        self._pin_page.setWidget(pad_holder)
        pin_layout = QVBoxLayout(pad_holder)
        pin_layout.setContentsMargins(0, 0, 0, 0)  # the pad fits 800 px without a scroll bar
        self.pad = PinPad()
        pin_layout.addStretch(1)
        pin_layout.addWidget(self.pad, 0, Qt.AlignmentFlag.AlignHCenter)
        pin_layout.addStretch(1)
        self.pad.cancelled.connect(self._pad_cancelled)
        self.flow = PinFlow(self.pad, desk.pin, demo=demo, parent=self)
        self.flow.unlocked.connect(self._unlocked)
        self.flow.finished.connect(self._after_pin)
        self._stack.addWidget(self._pin_page)

        self.panel = AdminPanel()
        self._stack.addWidget(self.panel)
        self.export_page = ExportPage()
        self.event_page = EventPage()
        self.appeal_page = AppealPage()
        self.enrol_page = EnrolPage()
        self.exit_page = ExitPage()
        for page in (
            self.export_page,
            self.event_page,
            self.appeal_page,
            self.enrol_page,
            self.exit_page,
        ):
            page.back_requested.connect(self._show_panel)
            self._stack.addWidget(page)
        self._wire_panel()

        self._relay = SyncStatusRelay(desk.board, parent=self)
        self._sync_asked = self._sync_seen = False
        self._relay.status_changed.connect(self._sync_status)
        self.panel.show_status(desk.board.current)
        self.panel.show_key(desk.sealing_key())

        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(max(1, round(idle_seconds * 1000)))
        self._idle.timeout.connect(self._idle_out)

        app = QApplication.instance()
        assert isinstance(app, QApplication)
        self._app = app
        app.installEventFilter(self)
        window.installEventFilter(self)
        self.gesture = CornerHold(app, window, hold_seconds=hold_seconds, parent=self)
        self.gesture.triggered.connect(self.open)
        self._retranslate()
        self.hide()

    def _retranslate(self) -> None:
        self.setAccessibleName(self.tr("Volunteer area"))

    # Opening and locking.

    def open(self) -> None:
        """The gesture: ask for the PIN (or for a first PIN, if none was chosen yet)."""
        if self.isVisible():
            return
        if not self._desk.pin.is_set():
            self.choose_first_pin()
            return
        self.flow.unlock()
        self._show_pad()

    def choose_first_pin(self) -> None:
        """Ask for the first PIN: at once if nobody is signing, else once the supporter is done
        (the appeal shows again). A kiosk whose vault opened after a supporter tapped Sign (a
        demo, a slow disk) never loses their form to the chooser."""
        window = self._window
        if window.current_screen() is window.appeal_screen or window.setting_up:
            self._waiting_to_choose = False
            self.flow.choose_first()
            self._show_pad()
        elif not self._waiting_to_choose:
            self._waiting_to_choose = True
            log.info("first PIN asked for once the supporter is done")
            window.appeal_shown.connect(
                self._choose_when_free, Qt.ConnectionType.SingleShotConnection
            )

    def _choose_when_free(self) -> None:
        if self._waiting_to_choose and not self._desk.pin.is_set():
            self.choose_first_pin()

    def _unlocked(self) -> None:
        self._show_panel()
        self.unlocked.emit()

    def lock(self) -> None:
        """Close everything and forget what was typed; the next visit asks for the PIN again."""
        was_open = self.isVisible()
        self._idle.stop()
        self.flow.reset()
        self.event_page.name_edit.clear()
        self.enrol_page.code_edit.clear()
        self.panel.show_message(fixed(""))
        self.hide()
        self._window.screens_block.unblock(VOLUNTEER_LAYER)
        self.gesture.enabled = True
        if was_open:
            log.info("volunteer panel locked")
            self.locked.emit()

    def _cover(self) -> None:
        self.setGeometry(self._window.overlay_rect())
        self._window.screens_block.block(VOLUNTEER_LAYER)
        self.gesture.enabled = False
        self.show()
        self.raise_()
        self._idle.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Resize:
            self.setGeometry(self._window.overlay_rect())
        elif self.isVisible() and not self.flow.choosing and event.type() in INPUT_EVENTS:
            self._idle.start()
        return False

    def _idle_out(self) -> None:
        if self.flow.choosing:
            return  # the first PIN must be chosen before anything else shows
        log.info("volunteer panel locked after idle time")
        self.lock()

    # The PIN pad.

    def _show_pad(self) -> None:
        self._stack.setCurrentWidget(self._pin_page)
        self._cover()
        self.pad.setFocus(Qt.FocusReason.OtherFocusReason)

    def _after_pin(self, message: Text) -> None:
        self._show_panel()
        self.panel.show_message(message)

    def _pad_cancelled(self) -> None:
        # Cancel while changing the PIN goes back to the panel it came from; at the unlock, it
        # closes the layer.
        if self.flow.mode in CHANGING:
            self.flow.reset()
            self._show_panel()
        else:
            self.lock()

    def _sync_status(self, status: SyncStatus) -> None:
        self.panel.show_status(status)
        self.panel.show_key(self._desk.sealing_key())  # a round may have followed a new keyset
        # "Sync started." is true until the round it started has ended.
        if self._sync_asked and status.syncing:
            self._sync_seen = True
        elif self._sync_asked and self._sync_seen and not status.syncing:
            self._sync_asked = self._sync_seen = False
            self.panel.show_message(fixed(""))

    def _start_change(self) -> None:
        self.flow.change()
        self._show_pad()

    # The panel and its pages.

    def _wire_panel(self) -> None:
        p = self.panel
        p.close_requested.connect(self.lock)
        p.sync_requested.connect(self._sync_now)
        p.export_requested.connect(self._open_export)
        p.event_requested.connect(self._open_event)
        p.appeal_requested.connect(self._open_appeal)
        p.enrol_requested.connect(self._open_enrol)
        p.change_pin_requested.connect(self._start_change)
        p.exit_requested.connect(lambda: self._stack.setCurrentWidget(self.exit_page))
        self.exit_page.exit_confirmed.connect(self._exit)
        self.export_page.export_requested.connect(self._export)
        self.event_page.save_requested.connect(self._save_event)
        self.appeal_page.choose_requested.connect(self._choose_appeal)
        self.enrol_page.enrol_requested.connect(self._enrol)

    def _show_panel(self) -> None:
        self.panel.show_counts(self._desk.counts(), self._desk.event_name())
        self.panel.show_vault_notice(self._desk.vault.notice)
        self.panel.show_choices(several_appeals=len(self._desk.appeals()) > 1)
        self.panel.show_message(fixed(""))
        self._stack.setCurrentWidget(self.panel)
        self._cover()
        self.panel.close_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _sync_now(self) -> None:
        if self._desk.sync_now():
            self._sync_asked, self._sync_seen = True, False
            self.panel.show_message(lambda: self.tr("Sync started."))
        else:
            self.panel.show_message(
                lambda: self.tr("This kiosk is not enrolled, so it cannot sync.")
            )

    def _open_export(self) -> None:
        self.export_page.set_drives(self._find_drives())
        self._stack.setCurrentWidget(self.export_page)

    def _export(self, folder: Path) -> None:
        self.export_page.set_busy(True, lambda: self.tr("Writing the batch files…"))
        run_off_thread(
            lambda: self._desk.export(folder),
            parent=self,
            on_success=lambda written: self._exported(folder, written),
            on_failure=self._export_failed,
            expected=(AdminError,),
        )

    def _exported(self, folder: Path, written: list[Path]) -> None:
        def text() -> str:
            if written:
                return arg(self.tr("Batch files written: %2, to %1."), folder, len(written))
            return arg(self.tr("Nothing to export: the server has everything. (%1)"), folder)

        self.export_page.set_busy(False)
        self.export_page.show_result(text)
        self.export_finished.emit(text())

    def _failure(self, error: Exception) -> Text:
        """What a failed task says, in the language on screen."""
        if isinstance(error, AdminError):
            return lambda: core_text(error)
        return lambda: arg(self.tr("Something went wrong (%1); see the log."), type(error).__name__)

    def _export_failed(self, error: Exception) -> None:
        text = self._failure(error)
        self.export_page.set_busy(False)
        self.export_page.show_result(text, error=True)
        self.export_finished.emit(text())

    def _open_event(self) -> None:
        self.event_page.start(self._desk.event_name())
        self._stack.setCurrentWidget(self.event_page)

    def _save_event(self, name: str) -> None:
        try:
            self._desk.set_event_name(name)
        except AdminError as exc:
            self.event_page.show_result(self._failure(exc), error=True)
            return
        self._show_panel()
        self.panel.show_message(lambda: self.tr("Event name saved."))

    def _open_appeal(self) -> None:
        current = self._desk.chosen_appeal_id() or ""
        self.appeal_page.start(self._desk.appeals(), current)
        self._stack.setCurrentWidget(self.appeal_page)

    def _choose_appeal(self, appeal_id: str) -> None:
        try:
            appeal = self._desk.choose_appeal(appeal_id)
        except AdminError as exc:
            self.appeal_page.show_result(self._failure(exc), error=True)
            return
        self._show_panel()
        shown_now = self._on_appeal_chosen is not None
        if self._on_appeal_chosen is not None:
            self._on_appeal_chosen(appeal)

        def text() -> str:
            if shown_now:
                return arg(self.tr("The kiosk now shows: %1"), appeal.title)
            return arg(self.tr("Chosen: %1. The kiosk shows it from its next start."), appeal.title)

        self.panel.show_message(text)

    def _open_enrol(self) -> None:
        self.enrol_page.start(self._desk.server_url(), self._desk.campaign_fingerprint())
        self._stack.setCurrentWidget(self.enrol_page)

    def _enrol(self, server_url: str, code: str, release: str) -> None:
        self.enrol_page.set_busy(True, lambda: self.tr("Enrolling…"))
        run_off_thread(
            lambda: self._desk.enrol(server_url, code, release),
            parent=self,
            on_success=self._enrolled,
            on_failure=self._enrol_failed,
            expected=(AdminError,),
        )

    def _enrolled(self, done: Enrolled) -> None:
        self.enrol_page.set_busy(False)
        self.enrol_page.code_edit.clear()

        def text() -> str:
            said = self.tr("Enrolled for “%1”. Signatures now sync to %2.")
            return arg(said, done.event, done.server_url)

        self.enrol_page.show_result(text)
        self.enrol_finished.emit(text())

    def _enrol_failed(self, error: Exception) -> None:
        text = self._failure(error)
        self.enrol_page.set_busy(False)
        self.enrol_page.show_result(text, error=True)
        self.enrol_finished.emit(text())

    def _exit(self) -> None:
        log.info("volunteer left kiosk mode")
        self.lock()
        self._exit_kiosk()

    def release(self) -> None:
        """Stop watching the application's events (the window is going)."""
        self.gesture.release()
        self._app.removeEventFilter(self)


class _ScrollWhenShort(QScrollArea):
    """Its page at the viewport's size, or at the page's minimum height where the viewport is
    shorter: then it scrolls. (A resizable scroll area would hold a page of wrapping labels to
    its preferred height, and scroll on a 1280x800 tablet the pad fits.)"""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        page = self.widget()
        if page is not None:
            room = self.viewport().size()
            needed = (
                page.heightForWidth(room.width())
                if page.hasHeightForWidth()
                else page.minimumSizeHint().height()
            )
            page.resize(room.width(), max(room.height(), needed))
