"""The next person starts from the kiosk's own language, text size and theme: after a signature,
after an idle wipe, and after someone chose them on the appeal screen and walked away. The
kiosk's language is the appeal's own; while the appeal screen rests at it, nothing ticks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from kiosk_screen import Supporter, release_windows, show_window
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtWidgets import QAbstractButton, QApplication

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

IDLE = 0.3  # seconds; the kiosk's default is 60
COUNTDOWN = 0.7  # seconds; the kiosk's default is 10
CHOICES_KEPT_MS = int((IDLE + COUNTDOWN) * 1000)


@pytest.fixture
def make_idle_window(
    qtbot: QtBot, qapp: QApplication, desk: SignatureDesk
) -> Iterator[Callable[..., KioskWindow]]:
    apply_look(qapp)
    made: list[KioskWindow] = []

    def make(with_desk: SignatureDesk | None = None) -> KioskWindow:
        window = KioskWindow(
            with_desk or desk,
            None,
            thanks_seconds=60,
            idle_seconds=IDLE,
            idle_countdown_seconds=COUNTDOWN,
        )
        made.append(window)
        return show_window(qtbot, window)

    yield make
    release_windows(qapp, made)


@pytest.fixture
def supporter(qtbot: QtBot, make_idle_window: Callable[..., KioskWindow]) -> Supporter:
    return Supporter(qtbot, make_idle_window())


def choose(supporter: Supporter, *names: str) -> None:
    for name in names:
        supporter.tap(name)
    QApplication.processEvents()  # Qt delivers LanguageChange as a posted event


def ticking(window: KioskWindow) -> list[QTimer]:
    return [t for t in window.findChildren(QTimer) if t.isActive()]


def sign_button_text(supporter: Supporter) -> str:
    button = supporter.find("sign_button", QAbstractButton)
    assert isinstance(button, QAbstractButton)
    return button.text()


def at_kiosk_defaults(window: KioskWindow) -> bool:
    return (
        window.languages.current == window.languages.default
        and window.look.scale == 1
        and not window.look.high_contrast
    )


def test_choices_left_on_the_appeal_are_undone_after_the_idle_time(
    qtbot: QtBot, supporter: Supporter
) -> None:
    window = supporter.window
    assert ticking(window) == []
    choose(supporter, "language_it", "text_larger", "high_contrast")
    assert sign_button_text(supporter) == "Firma la petizione"
    assert ticking(window) != []

    qtbot.waitUntil(lambda: at_kiosk_defaults(window), timeout=CHOICES_KEPT_MS + 3000)
    QApplication.processEvents()
    assert supporter.screen == "appeal_screen"
    assert not window.still_there.isVisible()  # nothing personal to ask about
    assert window.languages.current == "en"
    assert sign_button_text(supporter) == "Sign the petition"
    contrast = supporter.find("high_contrast", QAbstractButton)
    assert isinstance(contrast, QAbstractButton) and not contrast.isChecked()
    assert QApplication.focusWidget() is supporter.find("sign_button")
    assert ticking(window) == []


def test_a_supporter_still_reading_keeps_their_choices(qtbot: QtBot, supporter: Supporter) -> None:
    window = supporter.window
    choose(supporter, "language_it")
    page = window.appeal_screen.findChild(QAbstractButton, "sign_button")
    assert page is not None
    # Touching the screen now and then for twice as long as the choices are kept when nobody is.
    for step in range(2 * CHOICES_KEPT_MS // 250):
        qtbot.wait(250)
        qtbot.mouseMove(page, QPoint(5 + step % 3, 5))
    assert window.languages.current == "it"


def test_back_at_the_kiosk_s_own_choices_nothing_ticks(supporter: Supporter) -> None:
    window = supporter.window
    choose(supporter, "language_it", "text_larger")
    assert ticking(window) != []
    choose(supporter, "language_en")
    assert ticking(window) != []  # the text is still larger
    choose(supporter, "text_smaller")
    assert at_kiosk_defaults(window)
    assert ticking(window) == []


def test_a_form_abandoned_then_left_resets_the_choices_too(
    qtbot: QtBot, supporter: Supporter
) -> None:
    window = supporter.window
    choose(supporter, "language_it")
    supporter.tap("sign_button")
    supporter.tap("back_button")
    assert supporter.screen == "appeal_screen"
    assert window.languages.current == "it"  # the same person, still there
    qtbot.waitUntil(lambda: window.languages.current == "en", timeout=CHOICES_KEPT_MS + 3000)
    assert ticking(window) == []


def test_the_next_person_starts_in_the_appeal_s_own_language(
    qtbot: QtBot,
    make_idle_window: Callable[..., KioskWindow],
    appeal: Appeal,
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
) -> None:
    english = replace(appeal, translations={})
    italian_appeal = replace(appeal.in_language("it"), translations={"en": english})
    assert italian_appeal.language == "it"
    window = make_idle_window(SignatureDesk(italian_appeal, vault, campaign_public_key))
    supporter = Supporter(qtbot, window)
    assert window.languages.current == "it"
    assert sign_button_text(supporter) == "Firma la petizione"
    assert ticking(window) == []  # Italian is this kiosk's own: nothing to undo

    choose(supporter, "language_en")
    assert ticking(window) != []
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    supporter.tap("done_button")
    QApplication.processEvents()
    assert supporter.screen == "appeal_screen"
    assert window.languages.current == "it"
    assert sign_button_text(supporter) == "Firma la petizione"
    assert ticking(window) == []


def test_a_volunteer_s_new_appeal_sets_the_kiosk_s_language(
    supporter: Supporter, appeal: Appeal
) -> None:
    window = supporter.window
    choose(supporter, "text_larger")
    italian_appeal = replace(
        appeal.in_language("it"), translations={"en": replace(appeal, translations={})}
    )
    window.change_appeal(italian_appeal)
    QApplication.processEvents()
    assert window.languages.default == "it"
    assert window.languages.current == "it"
    assert window.look.scale == 1  # the change wipes the person before, choices included
    assert ticking(window) == []


def test_on_the_form_the_shorter_idle_time_asks_first(qtbot: QtBot, supporter: Supporter) -> None:
    # The form still asks "Still there?" after the shorter idle time, whatever was chosen.
    choose(supporter, "language_it")
    supporter.tap("sign_button")
    qtbot.waitUntil(supporter.window.still_there.isVisible, timeout=int(IDLE * 1000) + 3000)
    assert supporter.window.languages.current == "it"
    supporter.window.still_there.keep_button.click()
    assert supporter.screen == "sign_screen"
