"""Start the kiosk's Qt application and show the window."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import shiboken6

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from kiosk import __version__
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow

if TYPE_CHECKING:
    from kiosk.admin import AdminDesk
    from kiosk.signing import SignatureDesk
    from kiosk.sync.status import StatusBoard

WINDOWED_SIZE = (1280, 800)


def run_kiosk(
    desk: SignatureDesk,
    *,
    fullscreen: bool,
    demo_notice: str | None,
    thanks_seconds: float = 8,
    idle_seconds: float = 60,
    idle_countdown_seconds: float = 10,
    quit_after_shown: bool = False,
    sync_board: StatusBoard | None = None,
    admin: AdminDesk | None = None,
    admin_idle_seconds: float = 60,
    demo: bool = False,
) -> int:
    """Show the kiosk and run until the window closes; returns the application's exit code.

    Fullscreen is kiosk mode: frameless, in front of everything, and locked, so that only the
    volunteer's exit (`KioskWindow.exit_kiosk`) closes it. A window (the demo, `--window`) is
    for trying the kiosk and closes as any window does.

    `quit_after_shown` ends the event loop as soon as the appeal has been painted once, which is
    how the cold-start benchmark measures the time to a usable screen.

    `admin` adds the volunteer's panel (kiosk/ui/admin): a long press in the top-left corner
    and the PIN. With no PIN chosen yet, the kiosk asks for one before the appeal shows.
    """
    app = application()
    window = KioskWindow(
        desk,
        demo_notice,
        thanks_seconds=thanks_seconds,
        idle_seconds=idle_seconds,
        idle_countdown_seconds=idle_countdown_seconds,
        locked=fullscreen,
    )
    if sync_board is not None:
        window.follow_sync(sync_board)
    if admin is not None:
        from kiosk.ui.admin import install_admin

        install_admin(
            window,
            admin,
            exit_kiosk=window.exit_kiosk,
            demo=demo,
            idle_seconds=admin_idle_seconds,
            on_appeal_chosen=window.change_appeal,
        )
    if quit_after_shown:
        window.appeal_screen.installEventFilter(_QuitWhenPainted(app, parent=window))
    if fullscreen:
        # No title bar or frame to tap on, and no other window above: the supporter sees
        # only the kiosk.
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        window.showFullScreen()
    else:
        window.resize(*WINDOWED_SIZE)
        window.show()
    try:
        return app.exec()
    finally:
        # Deleted here, while Qt is whole: left to the interpreter's final garbage collection,
        # the window and the application filters it owns are torn down in no safe order.
        shiboken6.delete(window)


class _QuitWhenPainted(QObject):
    def __init__(self, app: QApplication, *, parent: QObject) -> None:
        super().__init__(parent)
        self._app = app

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            # Queued, so the paint in progress completes before the loop ends.
            # exit(), not quit(): quit() asks the windows first, and a locked kiosk says no.
            QTimer.singleShot(0, lambda: self._app.exit(0))
            watched.removeEventFilter(self)
        return False


def application() -> QApplication:
    """The running QApplication, created and given the kiosk's look if there is none yet."""
    existing = QApplication.instance()
    if existing is not None and not isinstance(existing, QApplication):
        raise RuntimeError("a non-widget Qt application is already running")
    app = existing or QApplication(sys.argv[:1])
    app.setApplicationName("kiosk")
    app.setApplicationDisplayName("Petition kiosk")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("kiosk")
    apply_look(app)
    return app
