"""Emoji a supporter types are drawn in colour, not as empty boxes.

The kiosk uses the system's colour emoji font (on Debian and Raspberry Pi OS the package
`fonts-noto-color-emoji`, Noto Color Emoji under the SIL Open Font License) rather than a copy of
its 11 MB in this repository: docs/languages-and-accessibility.md says why. At start it looks
for one among the families Qt knows and makes it a substitute of every family the stylesheet
names, which Qt tries before the system's own fallbacks, so an emoji is drawn with it even where
a black-and-white symbol font (Symbola, DejaVu's few emoji) also has the character. Without
one, the start says what to install.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

log = logging.getLogger("kiosk.ui")

# Colour emoji families, the free one first; the others are what other systems ship.
COLOUR_EMOJI_FAMILIES = (
    "Noto Color Emoji",
    "Twemoji",
    "Twemoji Mozilla",
    "JoyPixels",
    "Apple Color Emoji",
    "Segoe UI Emoji",
)
# The families the stylesheets name (resources/styles/kiosk.qss), and Qt's generic ones.
TEXT_FAMILIES = ("DejaVu Serif", "DejaVu Sans", "Georgia", "serif", "sans-serif", "Sans Serif")
MISSING = (
    "No colour emoji font is installed, so emoji a supporter types show as empty boxes. "
    "Install Noto Color Emoji (Debian, Raspberry Pi OS, Ubuntu: apt install "
    "fonts-noto-color-emoji) and start the kiosk again."
)


def colour_emoji_family() -> str | None:
    """The first colour emoji family installed on this system, or None."""
    installed = set(QFontDatabase.families())
    return next((family for family in COLOUR_EMOJI_FAMILIES if family in installed), None)


def use_colour_emoji(app: QGuiApplication) -> str | None:
    """Make the installed colour emoji font a substitute of every text family; returns what to
    tell the person starting the kiosk when there is none (else None)."""
    family = colour_emoji_family()
    if family is None:
        log.warning("no colour emoji font installed")
        return MISSING
    for text_family in {*TEXT_FAMILIES, app.font().family()}:
        if family not in QFont.substitutes(text_family):
            QFont.insertSubstitution(text_family, family)
    log.info("emoji drawn with %s", family)
    return None
