"""Sync status on screen: a relay that brings the worker's status to the GUI thread, and a
discreet corner label on the appeal screen for volunteers.

The sync worker calls its subscribers on its own thread; the relay only emits a Qt signal from
there. Its receivers live on the GUI thread, so Qt delivers the signal queued, on the GUI
thread: no widget is ever touched from the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.clock import utc_now
from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.ui.i18n import arg
from kiosk.ui.parts import style_text_label


class SyncStatusRelay(QObject):
    status_changed = Signal(object)  # a SyncStatus

    def __init__(self, board: StatusBoard, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = board.subscribe(self.status_changed.emit)
        self.destroyed.connect(self._unsubscribe)

    def detach(self) -> None:
        self._unsubscribe()


class SyncCornerLabel(QLabel):
    """Small text in a corner of the appeal screen: supporters can ignore it, volunteers read it;
    never an error or an address (`describe`)."""

    def __init__(
        self,
        relay: SyncStatusRelay,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        super().__init__(parent)
        style_text_label(self, "hint")
        self.setObjectName("sync_status")
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self._now = now
        self.relay = relay
        relay.status_changed.connect(self.show_status)
        self.show_status(SyncStatus())

    def show_status(self, status: SyncStatus) -> None:
        self._status = status
        text = self.describe(status)
        self.setText(text)
        self.setAccessibleName(arg(self.tr("Sync status: %1"), text))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.show_status(self._status)
        super().changeEvent(event)

    def describe(self, status: SyncStatus) -> str:
        """The line in the supporters' corner: what is waiting, in neutral words. What went
        wrong, and the server's address, are for volunteers only: the panel's "Problem:" line
        (kiosk/ui/admin/panel.py). A signature that cannot go yet is simply saved here."""
        waiting = status.waiting
        trouble = status.last_error is not None or status.server_reachable is False
        if waiting and trouble:
            return self.tr("Saved on this kiosk")
        if status.syncing:
            head = self.tr("Syncing…")
        elif waiting == 0 and status.last_success is not None:
            head = self.tr("All signatures synced")
        elif waiting == 0:
            head = self.tr("Nothing to sync yet")
        else:
            head = self.tr("%n waiting to sync", "", waiting)
        if status.last_success is not None and not trouble:
            minutes = int((self._now() - status.last_success).total_seconds() // 60)
            if minutes < 1:
                when = self.tr("last sync just now")
            else:
                when = self.tr("last sync %n min ago", "", minutes)
            return f"{head} · {when}"
        return head


def install(
    appeal_screen: QWidget, board: StatusBoard, *, now: Callable[[], datetime] = utc_now
) -> SyncCornerLabel:
    """Put the corner label at the bottom of the appeal screen, fed by `board`."""
    relay = SyncStatusRelay(board, parent=appeal_screen)
    label = SyncCornerLabel(relay, parent=appeal_screen, now=now)
    label.show_status(board.current)
    # In line with the bottom bar's text, and clear of the window's edge.
    label.setContentsMargins(32, 0, 32, 8)
    layout = appeal_screen.layout()
    if layout is not None:
        layout.addWidget(label)
    return label
