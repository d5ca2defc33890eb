"""The demo's banner speaks the supporter's language, as every other text on screen does."""

from __future__ import annotations

from collections.abc import Callable

from kiosk_screen import Supporter
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QLabel

from kiosk.ui.window import KioskWindow

FINGERPRINT = "0000-1111-2222-3333-4444"


def banner(window: KioskWindow) -> QLabel:
    label = window.findChild(QLabel, "demo_banner")
    assert label is not None and label.isVisible()
    return label


def test_the_demo_banner_follows_the_language(
    qtbot: QtBot, make_window: Callable[..., KioskWindow]
) -> None:
    window = make_window(demo_key=FINGERPRINT)
    english = f"DEMO KEY {FINGERPRINT}: signatures taken here are for trying the kiosk only."
    assert banner(window).text() == english
    assert banner(window).accessibleName() == "Demo notice"

    # Qt posts the change of language to every window: the banner follows before the next paint.
    Supporter(qtbot, window).tap("language_it")
    italian = f"CHIAVE DEMO {FINGERPRINT}: le firme raccolte qui servono solo a provare il chiosco."
    qtbot.waitUntil(lambda: banner(window).text() == italian, timeout=2000)
    assert banner(window).accessibleName() == "Avviso demo"

    window.languages.reset()  # the next person
    qtbot.waitUntil(lambda: banner(window).text() == english, timeout=2000)
    assert banner(window).accessibleName() == "Demo notice"
