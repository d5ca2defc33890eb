"""The kiosk that tests/e2e/test_canary_scan.py starts: the real `kiosk demo` entry point
(kiosk.cli.main), offscreen, with a supporter's hand on it. Before the kiosk starts, this script
creates the QApplication (the kiosk takes the running one) and a timer that drives the window
as a person would: taps by object name, the values typed key by key.

    python canary_kiosk.py SCENARIO [kiosk demo options...] < values.json

SCENARIO is one of
- `abort`, `segv`: open the form, type every value, then die of that signal mid-form;
- `sign`: type every value, tick the consent, confirm; then start a second form, type into it
  and walk away until the idle prompt wipes it; wait until the demo server has acknowledged the
  signature, and close the window.

The values come on stdin as one JSON line (field name to text), never from this file, so no
compiled copy of this script (__pycache__) can hold one. Each step is printed as it is done;
a step that does not happen in time ends the process with status 3.
"""

from __future__ import annotations

import functools
import json
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from canary import type_text

from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

STEP_SECONDS = 120.0  # the longest any one step may take
# The walked-away form is wiped after 30 s, not the kiosk's 60 + 10 (kiosk.settings): the same
# "Still there?" prompt and wipe, still long enough for one of the demo sync worker's rounds
# (every 30 s) to pass while the form holds what was typed. tests/ui/test_idle.py checks the
# prompt and the wipe on their own.
IDLE_SECONDS, COUNTDOWN_SECONDS = 25, 5
Wait = Callable[[], bool]


def _say(line: str) -> None:
    print(line, flush=True)


def _window() -> QWidget | None:
    for widget in QApplication.topLevelWidgets():
        if widget.objectName() == "kiosk_window" and widget.isVisible():
            return widget
    return None


def _screen() -> str:
    window = _window()
    return window.current_screen().objectName() if window is not None else ""  # type: ignore[attr-defined]


def _find(name: str, kind: type[QWidget] = QWidget) -> QWidget:
    window = _window()
    assert window is not None, "no kiosk window"
    widget = window.current_screen().findChild(kind, name)  # type: ignore[attr-defined]
    assert widget is not None and widget.isVisible(), name
    return widget


def _tap(name: str) -> None:
    QTest.mouseClick(_find(name, QAbstractButton), Qt.MouseButton.LeftButton)


def _active() -> bool:
    window = _window()
    if window is not None and QApplication.activeWindow() is None:
        window.activateWindow()  # offscreen: a closed popup takes the activation with it
    return QApplication.activeWindow() is not None


def _fill(values: dict[str, str]) -> Iterator[Wait]:
    for name, text in values.items():
        yield _active
        QTest.mouseClick(_find(f"field_{name}"), Qt.MouseButton.LeftButton)
        type_text(text)
        popup = QApplication.activePopupWidget()
        if popup is not None:  # the country's suggestions: keep what was typed
            QTest.keyClick(popup, Qt.Key.Key_Escape)


def _acknowledged(data_dir: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{data_dir / 'vault.sqlite3'}?mode=ro", uri=True)
    except sqlite3.Error:
        return False
    try:
        query = "SELECT count(*) FROM batch WHERE acknowledged_at IS NOT NULL"
        return bool(conn.execute(query).fetchone()[0])
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _steps(scenario: str, values: dict[str, str], data_dir: Path) -> Iterator[Wait]:
    yield lambda: _screen() == "appeal_screen"
    _tap("sign_button")
    yield lambda: _screen() == "sign_screen"
    yield from _fill(values)
    _say("typed")
    if scenario in ("abort", "segv"):
        os.kill(os.getpid(), signal.SIGABRT if scenario == "abort" else signal.SIGSEGV)
        yield lambda: False  # not reached: the signal's default action ends the process
    _tap("consent_terms")
    _tap("continue_button")
    yield lambda: _screen() == "review_screen"
    _tap("confirm_button")
    yield lambda: _screen() == "thanks_screen"
    _say("signed")
    yield lambda: _screen() == "appeal_screen"  # the thank-you screen returns by itself
    _tap("sign_button")
    yield lambda: _screen() == "sign_screen"
    yield from _fill({k: values[k] for k in ("first_name", "comment")})
    _say("walked away")
    yield lambda: _screen() == "appeal_screen"  # "Still there?", then the wipe
    _say("wiped")
    yield lambda: _acknowledged(data_dir)
    _say("acknowledged")
    window = _window()
    assert window is not None
    window.close()


def _drive(steps: Iterator[Wait], app: QApplication) -> None:
    waiting: list[Wait] = [lambda: True]
    deadline = [time.monotonic() + STEP_SECONDS]
    timer = QTimer(app)

    def tick() -> None:
        try:
            while waiting[0]():
                waiting[0] = next(steps)
                deadline[0] = time.monotonic() + STEP_SECONDS
        except StopIteration:
            timer.stop()
            return
        except AssertionError as exc:
            _say(f"failed: {exc}")
            app.exit(3)
            return
        if time.monotonic() > deadline[0]:
            _say(f"failed: timed out on the screen {_screen()!r}")
            app.exit(3)

    timer.timeout.connect(tick)
    timer.start(100)


def main() -> int:
    scenario, kiosk_args = sys.argv[1], sys.argv[2:]
    values = json.loads(sys.stdin.readline())
    app = QApplication(sys.argv[:1])
    data_dir = Path(os.environ["CANARY_DATA_DIR"])
    _drive(_steps(scenario, values, data_dir), app)
    from kiosk.cli import launch
    from kiosk.cli.main import main as kiosk

    launch.Settings = functools.partial(
        launch.Settings, idle_seconds=IDLE_SECONDS, idle_countdown_seconds=COUNTDOWN_SECONDS
    )
    return kiosk(["demo", "--data-dir", str(data_dir), *kiosk_args])


if __name__ == "__main__":
    sys.exit(main())
