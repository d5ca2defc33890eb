"""Qt's messages and uncaught exceptions into the kiosk's log, without personal data.

Without this, a Qt warning goes to stderr (which nobody reads at a rally) and an exception raised
in a slot is printed and forgotten. `install()` routes Qt's messages to the `kiosk.qt` logger and
every uncaught exception (the GUI thread's, a slot's, a worker thread's) to `kiosk.crash`, as
its type and its frames (file, line, function) only: an exception's message, or a local value,
can hold what a supporter typed ("invalid literal ... 'Zoë'"), so neither is ever written. The
kiosk goes on after an exception in a slot, as Qt does. Modelled on qutebrowser's
utils/qtlog.py and misc/crashsignal.py.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from collections.abc import Callable
from types import TracebackType

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

qt_log = logging.getLogger("kiosk.qt")
crash_log = logging.getLogger("kiosk.crash")

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def install() -> Callable[[], None]:
    """Route Qt's messages and uncaught exceptions to the log; returns what puts the previous
    handlers back (`kiosk run` does at its end, so a process that goes on is left as it was)."""
    previous_qt = qInstallMessageHandler(qt_message)
    previous_hooks = sys.excepthook, threading.excepthook
    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook

    def restore() -> None:
        qInstallMessageHandler(previous_qt)
        sys.excepthook, threading.excepthook = previous_hooks

    return restore


def qt_message(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
    where = f" ({context.category})" if context.category and context.category != "default" else ""
    qt_log.log(_LEVELS.get(mode, logging.WARNING), "%s%s", message, where)


def describe(kind: type[BaseException], tb: TracebackType | None) -> str:
    """The exception's type and where it was raised, frame by frame: never its message."""
    frames = [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)]
    return f"{kind.__module__}.{kind.__qualname__}" + "".join(f"\n  {f}" for f in frames)


def excepthook(kind: type[BaseException], _value: BaseException, tb: TracebackType | None) -> None:
    crash_log.error("uncaught exception %s", describe(kind, tb))


def thread_excepthook(args: threading.ExceptHookArgs) -> None:
    name = args.thread.name if args.thread is not None else "?"
    crash_log.error(
        "uncaught exception in thread %s: %s", name, describe(args.exc_type, args.exc_traceback)
    )
