"""The on-screen keyboard, for a kiosk whose operating system has none (a bare Linux tablet
under cage, for example). Tablets with their own keyboard (Android, iPadOS, Windows in tablet
mode) need nothing from here.

Qt Virtual Keyboard is not part of PySide6-Essentials; PySide6-Addons ships it as the
`qtvirtualkeyboard` input-context plugin (install the kiosk with the `keyboard` extra). Qt picks
an input context once, when the application starts, from QT_IM_MODULE, so this runs before the
QApplication exists.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from pathlib import Path

from PySide6.QtCore import QLibraryInfo

IM_MODULE = "qtvirtualkeyboard"
PLUGIN_FOLDER = "platforminputcontexts"


def plugin_folder() -> Path:
    return Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / PLUGIN_FOLDER


def virtual_keyboard_installed(folder: Path | None = None) -> bool:
    folder = plugin_folder() if folder is None else folder
    return folder.is_dir() and any(IM_MODULE in p.name for p in folder.iterdir())


def use_on_screen_keyboard(
    environ: MutableMapping[str, str], *, folder: Path | None = None
) -> str | None:
    """Ask Qt for its virtual keyboard; returns what is missing when it cannot be had."""
    if not virtual_keyboard_installed(folder):
        return (
            "the on-screen keyboard needs Qt Virtual Keyboard, which comes with PySide6-Addons: "
            "pip install 'kiosk[keyboard]' (the kiosk runs on without it)"
        )
    environ["QT_IM_MODULE"] = IM_MODULE
    return None
