"""The kiosk's look: Fusion, a matching palette, and the stylesheet shipped in resources/styles.

A supporter can make the text larger and switch to a high-contrast theme on the appeal screen
(`Look`); both last for that supporter and are undone for the next one.
"""

from __future__ import annotations

import re
from importlib.resources import files

from PySide6.QtCore import QDir, QObject, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from kiosk.ui.parts import settle_layouts

STYLESHEET = "kiosk.qss"
# Laid over the standard sheet: only colours and borders change, so every size and every rule
# another part adds to kiosk.qss still holds.
CONTRAST_STYLESHEET = "kiosk-contrast.qss"
# Text sizes a supporter can step through with "A-" and "A+", relative to the stylesheet's.
TEXT_SCALES = (1.0, 1.15, 1.3, 1.5)
_FONT_SIZE = re.compile(r"(font-size:\s*)(\d+)px")

# Kept in step with kiosk.qss. The palette covers what stylesheets do not reach, such as the
# tick Fusion draws in a checkbox and the colours of popup lists.
BACKGROUND = "#f6f4f1"
SURFACE = "#ffffff"
TEXT = "#1d1b20"
MUTED = "#4a4656"
ACCENT = "#4527a0"


# The stylesheet names its images as url(kioskstyles:check.svg).
IMAGE_PREFIX = "kioskstyles"


# The high-contrast theme (kept in step with kiosk-contrast.qss).
CONTRAST_BACKGROUND = "#000000"
CONTRAST_TEXT = "#ffffff"
CONTRAST_ACCENT = "#ffe14d"


def load_stylesheet(name: str = STYLESHEET) -> str:
    return files("kiosk.resources").joinpath("styles", name).read_text(encoding="utf-8")


def stylesheet(*, scale: float = 1.0, high_contrast: bool = False) -> str:
    """The kiosk's stylesheet with every font size scaled, in the chosen theme."""
    sheet = load_stylesheet()
    if high_contrast:
        sheet += "\n" + load_stylesheet(CONTRAST_STYLESHEET)
    if scale == 1.0:
        return sheet
    return _FONT_SIZE.sub(lambda m: f"{m.group(1)}{round(int(m.group(2)) * scale)}px", sheet)


class Look(QObject):
    """Text size and theme for the supporter at the kiosk now."""

    changed = Signal()

    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        self._step = 0
        self._high_contrast = False
        # Every visit starts from the standard look, whatever an earlier window left behind.
        if app.styleSheet() != stylesheet():
            apply_look(app)

    @property
    def scale(self) -> float:
        return TEXT_SCALES[self._step]

    @property
    def high_contrast(self) -> bool:
        return self._high_contrast

    @property
    def is_standard(self) -> bool:
        """The kiosk's own look: standard text size, standard theme."""
        return (self._step, self._high_contrast) == (0, False)

    @property
    def can_grow(self) -> bool:
        return self._step < len(TEXT_SCALES) - 1

    @property
    def can_shrink(self) -> bool:
        return self._step > 0

    def larger(self) -> None:
        self._set(min(self._step + 1, len(TEXT_SCALES) - 1), self._high_contrast)

    def smaller(self) -> None:
        self._set(max(self._step - 1, 0), self._high_contrast)

    def set_high_contrast(self, on: bool) -> None:
        self._set(self._step, on)

    def reset(self) -> None:
        """The standard look, for the next person."""
        self._set(0, False)

    def _set(self, step: int, high_contrast: bool) -> None:
        if (step, high_contrast) == (self._step, self._high_contrast):
            return
        self._step, self._high_contrast = step, high_contrast
        apply_look(self._app, scale=self.scale, high_contrast=high_contrast)
        self.changed.emit()
        # A new stylesheet changes the fonts at once, but the layouts would hear of the new sizes
        # only from the event loop: until then a button in the new font keeps its old size and
        # clips its text, and a window the system does not repaint by itself then (X11 under
        # some window managers) kept showing it so until the next screen change.
        settle_layouts()


def apply_look(app: QApplication, *, scale: float = 1.0, high_contrast: bool = False) -> None:
    # Fusion draws the same on every platform, so what the screenshots show is what people see.
    app.setStyle("Fusion")
    palette = QPalette()
    background, surface, text, muted, accent = (
        (CONTRAST_BACKGROUND, CONTRAST_BACKGROUND, CONTRAST_TEXT, CONTRAST_TEXT, CONTRAST_ACCENT)
        if high_contrast
        else (BACKGROUND, SURFACE, TEXT, MUTED, ACCENT)
    )
    highlighted = CONTRAST_BACKGROUND if high_contrast else SURFACE
    for role, colour in (
        (QPalette.ColorRole.Window, background),
        (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, surface),
        (QPalette.ColorRole.AlternateBase, background),
        (QPalette.ColorRole.Text, text),
        (QPalette.ColorRole.PlaceholderText, muted),
        (QPalette.ColorRole.Button, surface),
        (QPalette.ColorRole.ButtonText, text),
        (QPalette.ColorRole.Highlight, accent),
        (QPalette.ColorRole.HighlightedText, highlighted),
        (QPalette.ColorRole.ToolTipBase, surface),
        (QPalette.ColorRole.ToolTipText, text),
    ):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    # Resources are installed as plain files (setuptools package data), so the styles folder
    # has a real path that Qt can read images from.
    QDir.setSearchPaths(IMAGE_PREFIX, [str(files("kiosk.resources").joinpath("styles"))])
    app.setStyleSheet(stylesheet(scale=scale, high_contrast=high_contrast))
