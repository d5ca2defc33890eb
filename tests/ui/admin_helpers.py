"""Shared by the admin panel tests: a volunteer who finds the hidden corner and taps the pad."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from kiosk.crypto.pin_hash import PinHashParams
from kiosk.desks.admin import AdminDesk
from kiosk.desks.pin import PinGuard
from kiosk.desks.signing import SignatureDesk
from kiosk.files.removable import Drive
from kiosk.settings import SyncSettings
from kiosk.sync.service import start_sync
from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.ui.admin import AdminLayer, install_admin
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

CHEAP = PinHashParams(memory_kib=64, iterations=1, lanes=1)
PIN = "2468"
HOLD = 1.0  # seconds of the corner hold; the kiosk's is HOLD_SECONDS (3)


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class FakeWorker:
    """Stands in for SyncWorker: records what the panel asked of it."""

    def __init__(self, board: StatusBoard) -> None:
        self.board = board
        self.sync_requests = 0
        self.stopped = False

    def sync_now(self) -> None:
        self.sync_requests += 1

    def refresh(self) -> None:
        pass

    def stop(self) -> None:
        self.stopped = True


class Volunteer:
    def __init__(self, qtbot: QtBot, window: KioskWindow, layer: AdminLayer) -> None:
        self.qtbot = qtbot
        self.window = window
        self.layer = layer

    def find(self, name: str, kind: type[QWidget] = QWidget) -> QWidget:
        widget = self.layer.findChild(kind, name)
        assert widget is not None, f"{name} is not in the admin layer"
        assert widget.isVisible(), f"{name} is not visible"
        return widget

    def tap(self, name: str) -> None:
        button = self.find(name, QAbstractButton)
        assert button.isEnabled(), f"{name} is disabled"
        self.qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    def press_corner(self, x: int = 12, y: int = 12) -> QWidget:
        """Put a finger down at (x, y) of the window, on whatever widget is there."""
        target = self.window.childAt(x, y) or self.window
        pos = (
            target.mapFrom(self.window, QPoint(x, y)) if target is not self.window else QPoint(x, y)
        )
        QTest.mousePress(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)
        return target

    def release_corner(self, target: QWidget, x: int = 12, y: int = 12) -> None:
        pos = (
            target.mapFrom(self.window, QPoint(x, y)) if target is not self.window else QPoint(x, y)
        )
        QTest.mouseRelease(target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, pos)

    def hold_corner(self) -> None:
        target = self.press_corner()
        with self.qtbot.waitSignal(self.layer.gesture.triggered, timeout=5000):
            pass
        self.release_corner(target)

    def press_shortcut(self) -> None:
        """Ctrl+Alt+A on a keyboard, as a volunteer opens the panel without the corner."""
        modifiers = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        if not self.window.isActiveWindow():
            # Qt's offscreen platform leaves the activation with a popup that closed (the
            # country suggestions); a real window system hands it back to the kiosk.
            with self.qtbot.waitActive(self.window):
                self.window.activateWindow()
        target = QApplication.focusWidget() or self.window
        self.qtbot.keyClick(target, Qt.Key.Key_A, modifiers)
        assert self.layer.isVisible()

    def enter_pin(self, pin: str) -> None:
        for digit in pin:
            self.tap(f"pin_digit_{digit}")
        self.tap("pin_ok")

    def unlock(self, pin: str = PIN) -> None:
        self.layer.open()
        self.enter_pin(pin)
        assert self.layer.panel.isVisible()

    def text(self, name: str) -> str:
        widget = self.find(name)
        text = getattr(widget, "text", None)
        assert callable(text)
        return str(text())


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def board() -> StatusBoard:
    return StatusBoard(SyncStatus(enrolled=True))


@pytest.fixture
def worker(board: StatusBoard) -> FakeWorker:
    return FakeWorker(board)


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    path = tmp_path / "media" / "KIOSK-USB"
    path.mkdir(parents=True)
    return path


@pytest.fixture
def admin_desk(
    vault: Vault, data_dir: Path, clock: FakeClock, board: StatusBoard, worker: FakeWorker
) -> AdminDesk:
    return AdminDesk(
        vault,
        data_dir,
        SyncSettings(),
        PinGuard(vault, clock=clock, params=CHEAP),
        board=board,
        worker=worker,  # type: ignore[arg-type]
        clock=clock,  # the panel's "Today" is the fake clock's day, not the machine's
    )


@pytest.fixture
def make_admin(
    qtbot: QtBot, qapp: QApplication, desk: SignatureDesk, admin_desk: AdminDesk, usb: Path
) -> Iterator[Callable[..., Volunteer]]:
    apply_look(qapp)
    layers: list[AdminLayer] = []

    def make(
        *,
        pin: str | None = PIN,
        locked: bool = False,
        idle_seconds: float = 60,
        hold_seconds: float | None = HOLD,
        demo: bool = False,
        demo_key: str | None = None,
        follow_sync: bool = False,
        size: tuple[int, int] = (1280, 800),
    ) -> Volunteer:
        """`hold_seconds=None`: the kiosk's own corner hold, as install_admin sets it.
        `demo_key` puts the demo's banner on top; `follow_sync`, the sync corner on the appeal
        (fed by the desk's board, as the start does)."""
        if pin is not None and not admin_desk.pin.is_set():
            admin_desk.pin.choose(pin)
        window = KioskWindow(desk, demo_key, locked=locked)
        qtbot.addWidget(window)
        window.resize(*size)
        if follow_sync:
            window.follow_sync(admin_desk.board)
        hold = {} if hold_seconds is None else {"hold_seconds": hold_seconds}
        layer = install_admin(
            window,
            admin_desk,
            exit_kiosk=window.exit_kiosk,
            demo=demo,
            idle_seconds=idle_seconds,
            find_drives=lambda: [Drive(usb, usb.name)],
            on_appeal_chosen=window.change_appeal,
            **hold,
        )
        layers.append(layer)
        with qtbot.waitExposed(window):
            window.show()
        with qtbot.waitActive(window):
            window.activateWindow()
        return Volunteer(qtbot, window, layer)

    yield make
    for layer in layers:
        layer.release()
        window = layer.window()
        assert isinstance(window, KioskWindow)
        window.allow_exit()
        window.languages.release()  # no catalog outlives its test


@pytest.fixture
def unenrolled(vault: Vault, data_dir: Path) -> Iterator[AdminDesk]:
    """The volunteer's desk of a kiosk that is not enrolled: no worker until an enrolment starts
    one (the real sync service)."""
    admin = AdminDesk(
        vault,
        data_dir,
        SyncSettings(),
        PinGuard(vault, params=CHEAP),
        board=StatusBoard(),
        start_worker=lambda board: start_sync(vault, data_dir, SyncSettings(), board=board),
    )
    admin.pin.choose(PIN)
    yield admin
    admin.stop()
