"""Qt's warnings and uncaught exceptions reach kiosk.log, and nothing a supporter typed does.

In a process of its own (pytest-qt owns this one's message handler and excepthook): the kiosk's
log, crash_log installed as `kiosk run` installs it, then a slot that raises with a name in its
message, a worker thread that does the same, and a Qt warning.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CANARY = "Zyx Canary-Name"
CHILD = f"""
import sys, threading
from pathlib import Path
from PySide6.QtCore import QTimer, qWarning
from PySide6.QtWidgets import QApplication, QPushButton
from kiosk.files import logs
from kiosk.ui import crash_log

logs.setup(Path(sys.argv[1]))
restore = crash_log.install()
app = QApplication([])
button = QPushButton("Sign")

def slot():
    raise ValueError("invalid entry: {CANARY}")

def worker():
    raise KeyError("{CANARY}")

button.clicked.connect(slot)
button.click()  # the exception is logged and the kiosk goes on
thread = threading.Thread(target=worker, name="kiosk-export")
thread.start()
thread.join()
qWarning("kiosk test: a Qt warning")
QTimer.singleShot(0, app.quit)
app.exec()
restore()
print("still running", flush=True)
"""


def test_warnings_and_exceptions_are_logged_without_their_messages(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "still running"
    log = (tmp_path / "logs" / "kiosk.log").read_text("utf-8")
    assert "kiosk.crash: uncaught exception builtins.ValueError" in log
    assert "in slot" in log  # the frame it was raised in
    assert "kiosk.crash: uncaught exception in thread kiosk-export: builtins.KeyError" in log
    assert "in worker" in log
    assert "WARNING kiosk.qt: kiosk test: a Qt warning" in log
    assert CANARY not in log
    assert CANARY not in done.stderr  # nor printed where a screen or journal could keep it
