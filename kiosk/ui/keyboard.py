"""The on-screen keyboard, for a kiosk whose operating system has none (a bare Linux tablet
under cage, for example). Tablets with their own keyboard (Android, iPadOS, Windows in tablet
mode) need nothing from here.

Qt Virtual Keyboard comes with PySide6-Addons (install the kiosk with the `keyboard` extra). Qt
picks an input context once, when the application starts, from QT_IM_MODULE, so this runs
before the QApplication exists.

PySide6-Essentials ships the `qtvirtualkeyboard` input-context plugin file without the library
its QML module (QtQuick.VirtualKeyboard) needs, so finding the plugin proves nothing: the
keyboard then silently never shows. So the check does what the keyboard will do: in a child
process (this one must not create its application yet), with QT_IM_MODULE set, it starts a Qt
application and loads the keyboard's QML input panel. Only when that loads is the keyboard
asked for; otherwise the kiosk says at start what is missing, and runs on without it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, MutableMapping
from pathlib import Path

from PySide6.QtCore import QLibraryInfo

IM_MODULE = "qtvirtualkeyboard"
PLUGIN_FOLDER = "platforminputcontexts"
INSTALL = "pip install 'kiosk[keyboard]' (the kiosk runs on without it)"
PROBE_TIMEOUT_S = 30

# Run in the child: what the kiosk's application would do with the keyboard asked for.
_PROBE = """
import os, sys
os.environ["QT_IM_MODULE"] = sys.argv[1]
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QUrl
from PySide6.QtGui import QGuiApplication
from PySide6.QtQml import QQmlComponent, QQmlEngine
app = QGuiApplication(sys.argv[:1])
engine = QQmlEngine()
panel = QQmlComponent(engine)
panel.setData(b"import QtQuick\\nimport QtQuick.VirtualKeyboard\\nInputPanel {}\\n", QUrl())
if panel.status() != QQmlComponent.Status.Ready:
    print("; ".join(e.description() for e in panel.errors()) or "it did not load")
    sys.exit(1)
"""


def plugin_folder() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / PLUGIN_FOLDER


def virtual_keyboard_installed(folder: Path | None = None) -> bool:
    folder = plugin_folder() if folder is None else folder
    return folder.is_dir() and any(IM_MODULE in p.name for p in folder.iterdir())


def probe_input_panel() -> str | None:
    """Load the keyboard's input panel as the kiosk would; None if it loads, else why not."""
    try:
        child = subprocess.run(
            [sys.executable, "-c", _PROBE, IM_MODULE],
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_S,
            env={k: v for k, v in os.environ.items() if k != "QT_FATAL_WARNINGS"},
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"the check could not run ({type(exc).__name__})"
    if child.returncode == 0:
        return None
    lines = child.stdout.strip().splitlines()
    return lines[-1] if lines else f"the check ended with status {child.returncode}"


def use_on_screen_keyboard(
    environ: MutableMapping[str, str],
    *,
    folder: Path | None = None,
    probe: Callable[[], str | None] = probe_input_panel,
) -> str | None:
    """Ask Qt for its virtual keyboard; returns what is missing when it cannot be had."""
    if not virtual_keyboard_installed(folder):
        return f"the on-screen keyboard needs Qt Virtual Keyboard, from PySide6-Addons: {INSTALL}"
    problem = probe()
    if problem is not None:
        return (
            "the on-screen keyboard is not available: Qt Virtual Keyboard's input panel does "
            f"not load ({problem}). It comes whole with PySide6-Addons: {INSTALL}"
        )
    environ["QT_IM_MODULE"] = IM_MODULE
    return None
