"""The kiosk's start after its first paint: blocking steps on a thread of their own, their results
brought to the GUI thread by signal, as the sync worker's status is.

What the steps are is kiosk/cli/launch.py's business (`KioskStart`): `open` gives the desks the
window records with, then `connect` syncs. Nothing here touches a widget off the GUI thread.
"""

from __future__ import annotations

import importlib
import threading
from typing import TYPE_CHECKING, NamedTuple, Protocol

from PySide6.QtCore import QObject, Signal

from kiosk.ui.window import LATER_SCREENS

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


class Starter(QObject):
    """Runs `start.open()` and then `start.connect()` on a thread (`begin`), and says how it went.

    Exactly one of `finished` and `failed` follows `begin`; `failed` carries the exception, for
    the caller to raise where a traceback or a message belongs (kiosk.ui.app raises it from
    `run_kiosk`, and kiosk.cli.main turns the expected ones into one line)."""

    opened = Signal(object)  # the Desks
    finished = Signal()
    failed = Signal(object)  # the exception

    def __init__(self, start: Start, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._start = start
        self._thread: threading.Thread | None = None

    def begin(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kiosk-start")
            self._thread.start()

    def wait(self) -> None:
        """Until the steps have returned (before what they opened is closed)."""
        if self._thread is not None:
            self._thread.join()

    def _run(self) -> None:
        try:
            desks = self._start.open()
            # Modules the GUI thread would otherwise load itself, holding up the screen: the
            # volunteer panel's, which it installs with the desks, and the supporter's next
            # screens, before the (slower) connection.
            importlib.import_module("kiosk.ui.admin")
            self.opened.emit(desks)
            for module in LATER_SCREENS:
                importlib.import_module(module)
            self._start.connect()
        except Exception as exc:
            self.failed.emit(exc)
        else:
            self.finished.emit()
