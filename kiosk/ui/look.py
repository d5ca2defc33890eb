"""The kiosk's look: Fusion, a matching palette, and the stylesheet shipped in resources/styles."""

from __future__ import annotations

from importlib.resources import files

from PySide6.QtCore import QDir
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

STYLESHEET = "kiosk.qss"

# Kept in step with kiosk.qss. The palette covers what stylesheets do not reach, such as the
# tick Fusion draws in a checkbox and the colours of popup lists.
BACKGROUND = "#f6f4f1"
SURFACE = "#ffffff"
TEXT = "#1d1b20"
MUTED = "#4a4656"
ACCENT = "#4527a0"


# The stylesheet names its images as url(kioskstyles:check.svg).
IMAGE_PREFIX = "kioskstyles"


def load_stylesheet() -> str:
    return files("kiosk.resources").joinpath("styles", STYLESHEET).read_text(encoding="utf-8")


def apply_look(app: QApplication) -> None:
    # Fusion draws the same on every platform, so what the screenshots show is what people see.
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, BACKGROUND),
        (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.Base, SURFACE),
        (QPalette.ColorRole.AlternateBase, BACKGROUND),
        (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.PlaceholderText, MUTED),
        (QPalette.ColorRole.Button, SURFACE),
        (QPalette.ColorRole.ButtonText, TEXT),
        (QPalette.ColorRole.Highlight, ACCENT),
        (QPalette.ColorRole.HighlightedText, SURFACE),
        (QPalette.ColorRole.ToolTipBase, SURFACE),
        (QPalette.ColorRole.ToolTipText, TEXT),
    ):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    # Resources are installed as plain files (setuptools package data), so the styles folder
    # has a real path that Qt can read images from.
    QDir.setSearchPaths(IMAGE_PREFIX, [str(files("kiosk.resources").joinpath("styles"))])
    app.setStyleSheet(load_stylesheet())
