"""Starting the kiosk: the window it shows, and the look it loads from the package."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.resources import files

import pytest

from PySide6.QtWidgets import QApplication

from kiosk.ui.app import WINDOWED_SIZE, application
from kiosk.ui.look import IMAGE_PREFIX, load_stylesheet

# Runs in a child process: run_kiosk starts and ends the application's event loop, which a
# test process that goes on to other Qt tests must not do.
RUN_AND_REPORT = """
import json, sys, tempfile
from pathlib import Path
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from kiosk.appeal import load_bundled_appeal
from kiosk.crypto import CampaignPrivateKey
from kiosk.signing import SignatureDesk
from kiosk.ui.app import run_kiosk
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

fullscreen = sys.argv[1] == "fullscreen"
seen = []

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
            })

with tempfile.TemporaryDirectory() as data:
    vault = Vault.open(Path(data))
    desk = SignatureDesk(load_bundled_appeal(), vault, CampaignPrivateKey.generate().public_key())
    QTimer.singleShot(0, look)
    code = run_kiosk(desk, fullscreen=fullscreen, demo_notice=None, quit_after_shown=True)
    vault.close()
print(json.dumps({"code": code, "seen": seen}))
"""


@pytest.mark.parametrize("mode", ["windowed", "fullscreen"])
def test_run_kiosk_shows_the_appeal_and_quits_once_shown(mode: str) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_FATAL_WARNINGS": "1"}
    child = subprocess.run(
        [sys.executable, "-c", RUN_AND_REPORT, mode],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    assert child.returncode == 0, child.stderr
    report = json.loads(child.stdout.splitlines()[-1])
    assert report["code"] == 0
    [window] = report["seen"]
    assert window["screen"] == "appeal_screen"
    # Fullscreen is kiosk mode: frameless, in front and locked; and it still quits once shown.
    kiosk_mode = mode == "fullscreen"
    assert window["fullscreen"] is window["frameless"] is kiosk_mode
    assert window["on_top"] is window["locked"] is kiosk_mode
    if mode == "windowed":
        assert tuple(window["size"]) == WINDOWED_SIZE


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
