"""The whole signature can be given with the keyboard alone."""

from __future__ import annotations

from collections.abc import Callable

from kiosk_screen import COMMENT_LINES, ENTRIES, STORED, Supporter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from kiosk.petition.record import SignatureRecord
from kiosk.vault import Vault
from kiosk.vault.models import StoredSignature

ENTER = Qt.Key.Key_Return


def focused() -> str:
    widget = QApplication.focusWidget()
    assert widget is not None
    return widget.objectName()


def test_signing_with_the_keyboard_alone(
    supporter: Supporter,
    vault: Vault,
    open_stored: Callable[[StoredSignature], SignatureRecord],
) -> None:
    assert focused() == "sign_button"
    supporter.press(ENTER)
    assert supporter.screen == "sign_screen"

    for name, text in ENTRIES.items():
        assert focused() == name
        supporter.type(text)
        supporter.press(ENTER)  # on the country box, the first Enter takes the suggestion
        if name == "field_country":
            supporter.press(ENTER)
    assert focused() == "field_comment"
    supporter.type(COMMENT_LINES[0])
    supporter.press(ENTER)  # a new line, not the next field
    supporter.type(COMMENT_LINES[1])
    supporter.press(Qt.Key.Key_Tab)
    # The bundled appeal's drawn signature is optional: its Clear button is passed over.
    assert focused() == "signature_clear"
    supporter.press(Qt.Key.Key_Tab)
    assert focused() == "consent_terms"
    supporter.press(Qt.Key.Key_Space)
    supporter.press(ENTER)

    assert supporter.screen == "review_screen"
    assert focused() == "confirm_button"
    supporter.press(ENTER)

    assert supporter.screen == "thanks_screen"
    assert open_stored(vault.signatures()[0]).fields == STORED


def test_tab_visits_the_form_in_reading_order(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    visited = [focused()]
    for _ in range(11):
        supporter.press(Qt.Key.Key_Tab)
        visited.append(focused())
    assert visited == [
        "field_first_name",
        "field_last_name",
        "field_email",
        "field_postcode",
        "field_country",
        "field_comment",
        "signature_clear",
        "consent_terms",
        "consent_updates",
        "back_button",
        "continue_button",
        "field_first_name",
    ]


def test_enter_on_an_unticked_consent_shows_what_is_missing(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    for _ in range(7):
        supporter.press(Qt.Key.Key_Tab)
    assert focused() == "consent_terms"
    supporter.press(ENTER)

    assert supporter.screen == "sign_screen"
    assert supporter.find("error_terms").isVisible()
    # The supporter is taken to the first thing to fix.
    assert focused() == "field_first_name"
