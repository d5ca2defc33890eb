"""Emoji a supporter types are drawn in colour in the form and on the review, not as empty boxes
or nothing: the rainbow flag (a ZWJ sequence), a face, a flag of two regional indicators and a
raised fist with a skin tone, typed into the comment and grabbed from the screen."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from ci import skip_unless_ci  # type: ignore[import-not-found]
from kiosk_screen import ENTRIES, Supporter  # type: ignore[import-not-found]
from pytestqt.qtbot import QtBot

from PySide6.QtGui import QColor, QFontInfo, QFontMetrics, QImage
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from kiosk.ui.emoji import colour_emoji_family, use_colour_emoji
from kiosk.ui.window import KioskWindow

RAINBOW_FLAG = "\U0001f3f3\ufe0f\u200d\U0001f308"
EMOJI = f"{RAINBOW_FLAG} \U0001f600 \U0001f1ee\U0001f1f9 \u270a\U0001f3fd"


def colours(image: QImage) -> set[tuple[int, int]]:
    """The saturated colours an image holds, by hue (in 12 steps) and brightness (in 2)."""
    found: set[tuple[int, int]] = set()
    for x in range(image.width()):
        for y in range(image.height()):
            colour = QColor(image.pixel(x, y))
            if colour.hsvSaturation() > 120 and colour.value() > 80:
                found.add((colour.hsvHue() // 30, colour.value() // 128))
    return found


def grab(widget: QWidget) -> QImage:
    QApplication.processEvents()
    return widget.grab().toImage()


def test_emoji_typed_in_the_comment_show_in_colour_in_the_form_and_the_review(
    qtbot: QtBot, qapp: QApplication, make_window: Callable[..., KioskWindow]
) -> None:
    if colour_emoji_family() is None:
        skip_unless_ci("no colour emoji font installed (.ci/run installs fonts-noto-color-emoji)")
    assert use_colour_emoji(qapp) is None
    supporter = Supporter(qtbot, make_window())
    supporter.tap("sign_button")
    supporter.fill_in(ENTRIES, comment=False)
    supporter.write_comment(("Pride", "Plain words only."))
    comment = supporter.find("field_comment")
    without = colours(grab(comment))
    supporter.write_comment((" " + EMOJI,))
    with_emoji = colours(grab(comment))
    # The flag alone has six colours; an empty box or a blank adds none to the plain text's.
    assert len(with_emoji - without) >= 6, (without, with_emoji)

    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    assert supporter.screen == "review_screen"
    shown = supporter.find("review_comment", QLabel)
    assert isinstance(shown, QLabel)
    assert EMOJI in shown.text()  # kept as typed, the joiner and the selector included
    assert len(colours(grab(shown))) >= 6
    # The emoji font draws emoji only: letters, digits and spaces keep the text's own font (an
    # emoji font's space is an emoji wide, and it has digits for the keycaps).
    for label in (shown, supporter.find("review_postcode", QLabel)):
        assert isinstance(label, QLabel)
        assert QFontInfo(label.font()).family() != colour_emoji_family()
        metrics = QFontMetrics(label.font())
        assert metrics.horizontalAdvance(" ") < metrics.height() / 2


def test_without_a_colour_emoji_font_the_start_says_what_to_install(
    qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("kiosk.ui.emoji.QFontDatabase.families", lambda: ["DejaVu Sans"])
    said = use_colour_emoji(qapp)
    assert said is not None and "fonts-noto-color-emoji" in said
