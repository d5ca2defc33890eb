"""Emoji a supporter types are drawn in colour, not as empty boxes.

The kiosk uses the system's colour emoji font (on Debian and Raspberry Pi OS the package
`fonts-noto-color-emoji`, Noto Color Emoji under the SIL Open Font License) rather than a copy of
its 11 MB in this repository: docs/languages-and-accessibility.md says why. At start it looks
for one among the families Qt knows and makes it the application's emoji font
(`QFontDatabase.setApplicationEmojiFontFamilies`, Qt 6.9): Qt then draws every emoji sequence
with it, even where a black-and-white symbol font (Symbola, DejaVu's few emoji) also has the
character, and never takes letters, digits or spaces from it. Without one, the start says what
to install.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFontDatabase, QGuiApplication

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
    """Make the installed colour emoji font the one Qt draws emoji with (Qt's own emoji
    segmentation: an emoji sequence, a ZWJ one included, goes to it whatever font the text is
    in); returns what to tell the person starting the kiosk when there is none (else None)."""
    del app  # the font database is the application's; asked for here so it exists
    family = colour_emoji_family()
    if family is None:
        log.warning("no colour emoji font installed")
        return MISSING
    if QFontDatabase.applicationEmojiFontFamilies()[:1] != [family]:
        QFontDatabase.setApplicationEmojiFontFamilies([family])
    log.info("emoji drawn with %s", family)
    return None
