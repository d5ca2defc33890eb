"""Ctrl-C in the terminal (SIGINT) and a service manager's stop (SIGTERM) end the kiosk the way
its own exit does: the event loop returns, and `run_kiosk` closes the sync worker, the vault and
the demo's server in order. Without this, Ctrl-C raised KeyboardInterrupt inside whichever Qt
callback Python happened to run next ("Error calling Python override of QObject::eventFilter()"),
and the kiosk went on; SIGTERM killed it with nothing closed.

Python runs a signal handler only between its own bytecodes, and Qt's event loop is C++, so the
handler itself does nothing: `signal.set_wakeup_fd` writes the signal's number to a socket pair,
and a QSocketNotifier on the other end wakes the loop, reads it and stops the loop.
"""

from __future__ import annotations

import signal
import socket
import sys
from collections.abc import Callable
from types import FrameType

from PySide6.QtCore import QObject, QSocketNotifier

STOPPING = (signal.SIGINT, signal.SIGTERM)


def _noted(signum: int, frame: FrameType | None) -> None:
    """The Python-level handler: the wakeup byte already carries the signal."""


class StopSignals(QObject):
    """Calls `stop` once SIGINT or SIGTERM arrives, from the Qt event loop; `restore` puts the
    process's own handlers back."""

    def __init__(self, stop: Callable[[], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._stop = stop
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._old_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._old = {s: signal.signal(s, _noted) for s in STOPPING}
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._woken)

    def _woken(self) -> None:
        try:
            numbers = self._read.recv(64)
        except BlockingIOError:
            return
        stopping = [n for n in numbers if n in STOPPING]
        if stopping:
            name = signal.Signals(stopping[0]).name
            print(f"kiosk: {name} received: stopping", file=sys.stderr, flush=True)
            self._stop()

    def restore(self) -> None:
        self._notifier.setEnabled(False)
        for s, handler in self._old.items():
            signal.signal(s, handler)
        signal.set_wakeup_fd(self._old_fd)
        self._read.close()
        self._write.close()
