"""The kiosk's start after its first paint: blocking steps off the GUI thread (kiosk.ui.work), their
results brought to the GUI thread by signal.

What the steps are is kiosk/cli/launch.py's business (`KioskStart`): `open` gives the desks the
window records with, then `connect` syncs. Nothing here touches a widget off the GUI thread.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, NamedTuple, Protocol

from PySide6.QtCore import QObject, Signal

from kiosk.ui.window import LATER_SCREENS
from kiosk.ui.work import run_off_thread, wait_for_work

if TYPE_CHECKING:
    from kiosk.desks.admin import AdminDesk
    from kiosk.desks.signing import SignatureDesk


class Desks(NamedTuple):
    signatures: SignatureDesk  # records what supporters sign, for the appeal to show
    admin: AdminDesk  # the volunteer's panel, and the sync worker's board


class Start(Protocol):
    def open(self) -> Desks:
        """Blocking: what signing needs (the vault) and the appeal to show."""
        ...

    def connect(self) -> None:
        """Blocking: sync, once the desks are in use."""
        ...

    def close(self) -> None:
        """Stop and close what `open` and `connect` started (each only if it did)."""
        ...


# Every failure of a step: run_kiosk raises it, where it is worded or logged, so not logged twice.
_RAISED_BY_RUN_KIOSK = (Exception,)


class Starter(QObject):
    """Runs `start.open()` and then `start.connect()` off the GUI thread (`begin`), and says how
    it went.

    Exactly one of `finished` and `failed` follows `begin`; `failed` carries the exception, for
    the caller to raise where a traceback or a message belongs (kiosk.ui.app raises it from
    `run_kiosk`, and kiosk.cli.main turns the expected ones into one line). `connect` starts once
    the GUI thread has taken the desks (`opened`), and not at all after `wait`."""

    opened = Signal(object)  # the Desks
    finished = Signal()
    failed = Signal(object)  # the exception

    def __init__(self, start: Start, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._start = start
        self._begun = False
        self._stopping = False

    def begin(self) -> None:
        if not self._begun:
            self._begun = True
            run_off_thread(
                self._open,
                parent=self,
                on_success=self._opened,
                on_failure=self.failed.emit,
                expected=_RAISED_BY_RUN_KIOSK,
            )

    def wait(self) -> None:
        """Until the steps started have returned (before what they opened is closed); no step
        starts after this."""
        self._stopping = True
        wait_for_work()

    def _open(self) -> Desks:
        desks = self._start.open()
        # The volunteer panel's modules, which the GUI thread installs with the desks: loaded
        # here, or the GUI thread would load them itself, holding up the screen.
        importlib.import_module("kiosk.ui.admin")
        return desks

    def _opened(self, desks: Desks) -> None:
        self.opened.emit(desks)
        if not self._stopping:
            run_off_thread(
                self._connect,
                parent=self,
                on_success=lambda _: self.finished.emit(),
                on_failure=self.failed.emit,
                expected=_RAISED_BY_RUN_KIOSK,
            )

    def _connect(self) -> None:
        # The supporter's next screens first, for the same reason, then the (slower) connection.
        for module in LATER_SCREENS:
            importlib.import_module(module)
        self._start.connect()
