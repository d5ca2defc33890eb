"""Sync status on screen: a relay that brings the worker's status to the GUI thread, and a
discreet corner label on the appeal screen for volunteers.

The sync worker calls its subscribers on its own thread; the relay only emits a Qt signal from
there. Its receivers live on the GUI thread, so Qt delivers the signal queued, on the GUI
thread: no widget is ever touched from the worker.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.ui.parts import style_text_label


class SyncStatusRelay(QObject):
    status_changed = Signal(object)  # a SyncStatus

    def __init__(self, board: StatusBoard, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = board.subscribe(self.status_changed.emit)
        self.destroyed.connect(self._unsubscribe)

    def detach(self) -> None:
        self._unsubscribe()


def describe(status: SyncStatus, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> str:
    """A short line for volunteers: what is waiting, and why if something is wrong."""
    waiting = status.waiting
    if status.syncing:
        head = "Syncing…"
    elif waiting == 0 and status.last_success is not None:
        head = "All signatures synced"
    elif waiting == 0:
        head = "Nothing to sync yet"
    else:
        head = f"{waiting} waiting to sync"
    if status.last_error:
        return f"{head} · {status.last_error}"
    if status.server_reachable is False:
        return f"{head} · offline"
    if status.last_success is not None:
        minutes = int((now() - status.last_success).total_seconds() // 60)
        return f"{head} · last sync {'just now' if minutes < 1 else f'{minutes} min ago'}"
    return head


class SyncCornerLabel(QLabel):
    """Small text in a corner of the appeal screen: supporters can ignore it, volunteers read it."""

    def __init__(self, relay: SyncStatusRelay, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style_text_label(self, "hint")
        self.setObjectName("sync_status")
        self.setAlignment(Qt.AlignmentFlag.AlignRight)
        self.relay = relay
        relay.status_changed.connect(self.show_status)
        self.show_status(SyncStatus())

    def show_status(self, status: SyncStatus) -> None:
        text = describe(status)
        self.setText(text)
        self.setAccessibleName(f"Sync status: {text}")


def install(appeal_screen: QWidget, board: StatusBoard) -> SyncCornerLabel:
    """Put the corner label at the bottom of the appeal screen, fed by `board`."""
    relay = SyncStatusRelay(board, parent=appeal_screen)
    label = SyncCornerLabel(relay, parent=appeal_screen)
    label.show_status(board.current)
    layout = appeal_screen.layout()
    if layout is not None:
        layout.addWidget(label)
    return label
