"""Starting the kiosk: the window it shows, and the look it loads from the package."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest

from PySide6.QtWidgets import QApplication, QWidget

from kiosk.ui.app import WINDOWED_SIZE, application
from kiosk.ui.look import IMAGE_PREFIX, load_stylesheet

# Runs in a child process: run_kiosk starts and ends the application's event loop, which a
# test process that goes on to other Qt tests must not do. The start opens a real vault, after
# noting whether the appeal screen had been painted by then.
RUN_AND_REPORT = """
import json, sys, tempfile, time
from pathlib import Path
from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel
from kiosk.desks.admin import AdminDesk
from kiosk.petition.appeal import load_bundled_appeal
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.desks.pin import PinGuard
from kiosk.settings import SyncSettings
from kiosk.desks.signing import SignatureDesk
from kiosk.sync.status import SyncStatus
from kiosk.ui.app import Desks, run_kiosk
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault
from kiosk.errors import VaultError

fullscreen = sys.argv[1] == "fullscreen"
failing = sys.argv[2] == "failing"
if sys.argv[2] == "unpainted":  # as if the platform never exposed the window
    from kiosk.ui import app as app_module
    app_module._FirstPaint.eventFilter = lambda self, watched, event: False
    app_module.START_AT_THE_LATEST_MS = 300
seen, painted, steps = [], [], []

class Painted(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and watched.objectName() == "appeal_screen":
            painted.append(True)
        return False

def look():
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, KioskWindow) and widget.isVisible():
            seen.append({
                "screen": widget.current_screen().objectName(),
                "fullscreen": widget.isFullScreen(),
                "frameless": bool(widget.windowFlags() & Qt.WindowType.FramelessWindowHint),
                "on_top": bool(widget.windowFlags() & Qt.WindowType.WindowStaysOnTopHint),
                "locked": widget.locked,
                "size": [widget.width(), widget.height()],
                "count": widget.appeal_screen.findChild(QObject, "signature_counter").text(),
                "corner": [
                    c.text() for c in widget.appeal_screen.findChildren(QLabel, "sync_status")
                ],
            })

class Start:
    def __init__(self, data):
        self.data, self.vault = Path(data), None

    def open(self):
        steps.append(["open", bool(painted)])
        if failing:
            raise VaultError("The signature store cannot be opened (a test).")
        self.vault = Vault.open(self.data)
        key = CampaignPrivateKey.generate().public_key()
        self.admin = AdminDesk(self.vault, self.data, SyncSettings(), PinGuard(self.vault))
        return Desks(SignatureDesk(load_bundled_appeal(), self.vault, key), self.admin)

    def connect(self):
        steps.append(["connect", bool(painted)])
        self.admin.board.publish(SyncStatus(enrolled=True))  # as a sync worker starting does

    def close(self):  # on the GUI thread, the window still there
        steps.append(["close", bool(painted)])
        look()
        if self.vault is not None:
            self.vault.close()

app = QApplication(sys.argv[:1])
watcher = Painted()
app.installEventFilter(watcher)
QTimer.singleShot(0, look)
with tempfile.TemporaryDirectory() as data:
    try:
        code = run_kiosk(
            load_bundled_appeal(), Start(data), fullscreen=fullscreen, quit_after_shown=True
        )
    except VaultError as exc:
        code = str(exc)
print(json.dumps({"code": code, "seen": seen, "steps": steps}))
"""


def _run_and_report(mode: str, start: str = "working") -> dict[str, Any]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_FATAL_WARNINGS": "1"}
    child = subprocess.run(
        [sys.executable, "-c", RUN_AND_REPORT, mode, start],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    assert "Traceback" not in child.stderr
    report: dict[str, Any] = json.loads(child.stdout.splitlines()[-1])
    return report


@pytest.mark.slow  # run_kiosk's event loop, in a child process
@pytest.mark.parametrize("mode", ["windowed", "fullscreen"])
def test_run_kiosk_shows_the_appeal_first_and_quits_once_started(mode: str) -> None:
    report = _run_and_report(mode)
    assert report["code"] == 0
    # The appeal is on screen before the start opens anything, and all is closed at the end.
    assert report["steps"] == [["open", True], ["connect", True], ["close", True]]
    first, last = report["seen"]
    assert first["screen"] == last["screen"] == "appeal_screen"
    # Before the vault is open the count line says it is counting (never blank); the vault's
    # count once it is. The sync corner appears when a worker starts reporting on the volunteer
    # desk's board.
    assert (first["count"], first["corner"]) == ("Counting the signatures…", [])
    assert (last["count"], last["corner"]) == (
        "Be the first to sign on this kiosk.",
        ["Nothing to sync yet"],
    )
    # Fullscreen is kiosk mode: frameless, in front and locked; and it still quits once started.
    kiosk_mode = mode == "fullscreen"
    assert first["fullscreen"] is first["frameless"] is kiosk_mode
    assert first["on_top"] is first["locked"] is kiosk_mode
    if mode == "windowed":
        assert tuple(first["size"]) == WINDOWED_SIZE


@pytest.mark.slow  # run_kiosk's event loop, in a child process
def test_a_window_never_painted_starts_all_the_same() -> None:
    report = _run_and_report("fullscreen", "unpainted")
    assert report["code"] == 0
    assert [step for step, _ in report["steps"]] == ["open", "connect", "close"]
    last = report["seen"][-1]
    assert (last["count"], last["corner"]) == (
        "Be the first to sign on this kiosk.",
        ["Nothing to sync yet"],
    )


@pytest.mark.slow  # run_kiosk's event loop, in a child process
def test_a_start_that_fails_closes_the_window_and_raises() -> None:
    report = _run_and_report("fullscreen", "failing")
    assert report["code"] == "The signature store cannot be opened (a test)."
    assert report["steps"] == [["open", True], ["close", True]]
    first, last = report["seen"]
    assert first["screen"] == last["screen"] == "appeal_screen"
    assert first["count"] == last["count"] == "Counting the signatures…"  # no desk, no count
    assert first["corner"] == last["corner"] == []


def test_application_reuses_the_running_one(qapp: QApplication) -> None:
    assert application() is qapp
    assert qapp.applicationName() == "kiosk"
    assert "QPushButton" in qapp.styleSheet()


def test_every_image_the_stylesheet_names_is_shipped() -> None:
    names = re.findall(rf"url\({IMAGE_PREFIX}:([\w.-]+)\)", load_stylesheet())
    assert names, "the stylesheet names its images with the search-path prefix"
    styles = files("kiosk.resources").joinpath("styles")
    for name in names:
        assert styles.joinpath(name).is_file(), name


# The `kiosk` command, with the first paint of the appeal reporting what had been imported by then.
LOADED_AT_FIRST_PAINT = """
import sys
from kiosk.ui import app
first_paint = app._FirstPaint.eventFilter

def report(self, watched, event):
    from PySide6.QtCore import QEvent
    if event.type() == QEvent.Type.Paint:
        print("loaded", " ".join(sorted({name.split(".")[0] for name in sys.modules})))
    return first_paint(self, watched, event)

app._FirstPaint.eventFilter = report
from kiosk.cli.main import main
sys.exit(main())
"""


@pytest.mark.slow  # the real `kiosk demo`, started end to end
def test_the_appeal_is_painted_before_the_database_and_network_libraries_load(
    tmp_path: Path,
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    args = ["demo", "--data-dir", str(tmp_path / "demo"), "--quit-after-shown"]
    child = subprocess.run(
        [sys.executable, "-c", LOADED_AT_FIRST_PAINT, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert child.returncode == 0, child.stderr
    [line] = [line for line in child.stdout.splitlines() if line.startswith("loaded ")]
    loaded = set(line.split()[1:])
    assert {"PySide6", "kiosk", "cryptography"} <= loaded  # the window, the demo key
    assert not {"sqlalchemy", "alembic", "httpx", "fastapi", "uvicorn"} & loaded
    # And then the rest started: the demo's own server, and this kiosk enrolled with it.
    assert "kiosk: demo central server at http://127.0.0.1:" in child.stderr


def test_the_demo_window_fits_a_smaller_screen(
    qapp: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The offscreen platform's nominal screen is 800x800; taken as a real screen (as on a small
    # laptop), the window keeps its bottom, the Sign button and the sync corner, on it.
    from kiosk.ui import app as app_module

    window = QWidget()
    available = window.screen().availableGeometry()
    assert app_module.windowed_size(window).toTuple() == WINDOWED_SIZE  # headless: as designed
    monkeypatch.setattr(app_module.QApplication, "platformName", staticmethod(lambda: "xcb"))
    fitted = app_module.windowed_size(window)
    assert fitted.width() == min(WINDOWED_SIZE[0], available.width())
    assert fitted.height() == min(WINDOWED_SIZE[1], available.height() - app_module.FRAME_ALLOWANCE)
    assert fitted.height() < WINDOWED_SIZE[1]


@pytest.mark.parametrize(
    ("screen", "window"),
    [
        ((1920, 1080), (1280, 800)),
        ((1366, 768), (1280, 768 - 48)),
        ((800, 1280), (800, 1280 - 48)),  # an upright tablet: an upright window, not 800x800
        ((1080, 1920), (800, 1280)),
    ],
)
def test_the_demo_window_is_turned_the_way_the_screen_is(
    screen: tuple[int, int], window: tuple[int, int]
) -> None:
    from PySide6.QtCore import QSize

    from kiosk.ui.app import fitted_size

    assert fitted_size(QSize(*screen)).toTuple() == window
