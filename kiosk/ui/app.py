"""Start the kiosk's Qt application and show the window."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import shiboken6

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QWidget

from kiosk import __version__
from kiosk.ui.emoji import use_colour_emoji
from kiosk.ui.look import apply_look
from kiosk.ui.startup import Desks, Start, Starter
from kiosk.ui.stop_signals import StopSignals
from kiosk.ui.window import KioskWindow

if TYPE_CHECKING:
    from kiosk.petition.appeal import Appeal

__all__ = ["WINDOWED_SIZE", "Desks", "Start", "application", "run_kiosk", "windowed_size"]

WINDOWED_SIZE = (1280, 800)
FRAME_ALLOWANCE = 48  # a title bar and borders, which the window manager adds outside the size
HEADLESS_PLATFORMS = ("offscreen", "minimal")  # their screen is nominal (offscreen: 800x800)
START_AT_THE_LATEST_MS = 3000  # after the event loop starts, painted or not


def windowed_size(window: QWidget) -> QSize:
    """The demo's window: 1280x800 on a landscape screen, 800x1280 on an upright one, or less
    where the screen (without its panels) is smaller, so that the bottom of the appeal screen,
    the Sign button and the sync corner, is on it."""
    screen = window.screen()
    if screen is None or QApplication.platformName() in HEADLESS_PLATFORMS:
        return QSize(*WINDOWED_SIZE)
    return fitted_size(screen.availableGeometry().size())


def fitted_size(available: QSize) -> QSize:
    """The window size for a screen with `available` room: the kiosk's own shape turned the way
    the screen is (an upright tablet gets an upright window), then cut to fit."""
    width, height = WINDOWED_SIZE
    if available.height() > available.width():
        width, height = height, width
    return QSize(min(width, available.width()), min(height, available.height() - FRAME_ALLOWANCE))


def run_kiosk(
    appeal: Appeal,
    start: Start,
    *,
    fullscreen: bool,
    demo_key: str | None = None,
    thanks_seconds: float = 8,
    idle_seconds: float = 60,
    idle_countdown_seconds: float = 10,
    quit_after_shown: bool = False,
    admin_idle_seconds: float = 60,
    demo: bool = False,
    first_start: bool = False,
) -> int:
    """Show the kiosk and run until the window closes; returns the application's exit code.

    The window shows `appeal` first. Once it has been painted, `start` opens what recording a
    signature needs and then syncs, off the GUI thread (kiosk/ui/startup.py); the window then
    records with its desk and the count, the sync corner and the volunteer's panel appear (with
    no PIN chosen yet, the panel asks for one at once). Should either step fail, the window
    closes and its exception is raised here. Either way, `start` is closed before this returns.

    Fullscreen is kiosk mode: frameless, in front of everything, and locked, so that only the
    volunteer's exit (`KioskWindow.exit_kiosk`) closes it. A window (the demo, `--window`) is
    for trying the kiosk and closes as any window does. `demo_key` (the demo key's fingerprint)
    puts the demo's banner on every screen.

    `first_start` (no vault in the data directory yet) covers the appeal until the desks are
    there, so that the volunteer's PIN chooser comes first.

    `quit_after_shown` ends the event loop once the appeal has been painted and the start has
    finished: how the cold-start benchmark and the end-to-end tests start the kiosk.
    """
    app = application()
    window = KioskWindow(
        None,
        demo_key,
        appeal=appeal,
        thanks_seconds=thanks_seconds,
        idle_seconds=idle_seconds,
        idle_countdown_seconds=idle_countdown_seconds,
        locked=fullscreen,
        setting_up=first_start,
    )
    starter = Starter(start)
    failures: list[Exception] = []

    def failed(exc: Exception) -> None:
        failures.append(exc)
        # exit(), not quit(): quit() asks the windows first, and a locked kiosk says no.
        app.exit(1)

    def opened(desks: Desks) -> None:
        from kiosk.ui.admin import install_admin

        try:
            window.attach_desk(desks.signatures)
            window.follow_sync(desks.admin.board)
            install_admin(
                window,
                desks.admin,
                exit_kiosk=window.exit_kiosk,
                demo=demo,
                idle_seconds=admin_idle_seconds,
                on_appeal_chosen=window.change_appeal,
            )
            window.end_setup()  # the chooser, if a PIN is still to be chosen, covers it now
        except Exception as exc:  # raised from run_kiosk, not lost in Qt's event loop
            failed(exc)

    starter.opened.connect(opened)
    starter.failed.connect(failed)
    if quit_after_shown:
        starter.finished.connect(lambda: app.exit(0))
    first_paint = _FirstPaint(parent=window)
    first_paint.painted.connect(starter.begin)
    # The first screen painted: the appeal, or on a first start the cover over it (beneath an
    # opaque cover, the appeal itself is not painted).
    window.first_screen.installEventFilter(first_paint)
    # A window the platform does not expose yet (a screen switched off) is not painted: the
    # kiosk still opens its vault and syncs.
    QTimer.singleShot(START_AT_THE_LATEST_MS, starter, starter.begin)
    if fullscreen:
        # No title bar or frame to tap on, and no other window above: the supporter sees
        # only the kiosk.
        window.setWindowFlag(Qt.WindowType.FramelessWindowHint, True)
        window.setWindowFlag(Qt.WindowType.WindowStaysOnTopHint, True)
        window.showFullScreen()
    else:
        window.resize(windowed_size(window))
        window.show()
    # Ctrl-C and SIGTERM: exit(), not quit(), as for a failure (a locked kiosk refuses quit).
    stops = StopSignals(lambda: app.exit(0))
    try:
        code = app.exec()
    finally:
        stops.restore()
        # The start's thread ends before what it opened is closed, and that (the sync worker,
        # which reports to the window) before the window goes.
        starter.wait()
        start.close()
        # Deleted here, while Qt is whole: left to the interpreter's final garbage collection,
        # the window and the application filters it owns are torn down in no safe order.
        shiboken6.delete(window)
        shiboken6.delete(starter)
        shiboken6.delete(stops)
    if failures:
        raise failures[0]
    return code


class _FirstPaint(QObject):
    """Says when the screen it watches has been painted for the first time."""

    painted = Signal()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            # Queued, so the paint in progress completes (and reaches the screen) first.
            QTimer.singleShot(0, self.painted.emit)
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
    if existing is None:
        missing = use_colour_emoji(app)
        if missing:
            print(f"kiosk: {missing}", file=sys.stderr)
    return app
