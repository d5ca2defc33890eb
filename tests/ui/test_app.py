"""Starting the kiosk: the window it shows, and the look it loads from the package."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.signing import SignatureDesk
from kiosk.ui.app import WINDOWED_SIZE, application, run_kiosk
from kiosk.ui.look import IMAGE_PREFIX, load_stylesheet
from kiosk.ui.window import KioskWindow


@pytest.mark.parametrize("fullscreen", [False, True], ids=["windowed", "fullscreen"])
def test_run_kiosk_shows_the_appeal(
    qapp: QApplication, desk: SignatureDesk, fullscreen: bool
) -> None:
    seen: list[tuple[str, bool, bool, tuple[int, int]]] = []

    def look_at_the_window() -> None:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, KioskWindow) and widget.isVisible():
                frameless = bool(widget.windowFlags() & Qt.WindowType.FramelessWindowHint)
                size = (widget.width(), widget.height())
                seen.append(
                    (widget.current_screen().objectName(), widget.isFullScreen(), frameless, size)
                )

    timed_out: list[bool] = []

    def give_up() -> None:
        timed_out.append(True)
        qapp.exit(1)

    QTimer.singleShot(0, look_at_the_window)
    # Should the kiosk not quit once shown, the test ends instead of hanging.
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(give_up)
    safety.start(10_000)
    result = run_kiosk(desk, fullscreen=fullscreen, demo_notice=None, quit_after_shown=True)
    safety.stop()
    assert not timed_out, "the kiosk did not quit after the appeal was shown"
    assert result == 0

    assert len(seen) == 1
    screen, is_fullscreen, frameless, size = seen[0]
    assert screen == "appeal_screen"
    assert (is_fullscreen, frameless) == (fullscreen, fullscreen)
    if not fullscreen:
        assert size == WINDOWED_SIZE


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
