"""A supporter signs from the appeal to the thank-you; what was sealed is what they entered."""

from __future__ import annotations

from collections.abc import Callable

from kiosk_screen import ENTRIES, REVIEWED, STORED, Supporter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from kiosk.petition.appeal import Appeal
from kiosk.petition.form import validate
from kiosk.petition.record import SignatureRecord
from kiosk.vault import Vault
from kiosk.vault.models import StoredSignature

Opener = Callable[[StoredSignature], SignatureRecord]


def test_signature_is_sealed_exactly_as_entered(
    supporter: Supporter, vault: Vault, open_stored: Opener, appeal: Appeal
) -> None:
    assert supporter.screen == "appeal_screen"
    supporter.sign_up_to_review(updates=True)

    for name, value in REVIEWED.items():
        shown = supporter.find(f"review_{name}", QLabel)
        assert isinstance(shown, QLabel)
        assert shown.text() == value
    assert "Send me email updates" in supporter.find("review_updates", QLabel).text()
    assert vault.count() == 0, "nothing is stored before the supporter confirms"

    supporter.tap("confirm_button")

    assert supporter.screen == "thanks_screen"
    rows = vault.signatures()
    assert len(rows) == 1
    record = open_stored(rows[0])
    assert record.fields == STORED
    assert record.terms_accepted is True
    assert record.updates_opt_in is True
    assert (record.appeal_id, record.appeal_version) == (appeal.id, appeal.version)


def test_updates_opt_in_is_off_unless_ticked(
    supporter: Supporter, vault: Vault, open_stored: Opener
) -> None:
    supporter.tap("sign_button")
    assert not supporter.find("consent_updates").isChecked()
    supporter.fill_in()
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    assert "No email updates" in supporter.find("review_updates", QLabel).text()
    supporter.tap("confirm_button")

    record = open_stored(vault.signatures()[0])
    assert record.updates_opt_in is False


def test_invalid_entries_get_inline_help_and_nothing_is_stored(
    supporter: Supporter, vault: Vault, appeal: Appeal
) -> None:
    supporter.tap("sign_button")
    supporter.type_into("field_first_name", "Zoë")
    supporter.type_into("field_email", "zoe.obriain@")
    supporter.tap("continue_button")

    assert supporter.screen == "sign_screen"
    expected = validate(
        appeal,
        {"first_name": "Zoë", "email": "zoe.obriain@"},
        terms_accepted=False,
        updates_opt_in=False,
    ).errors
    assert set(expected) == {"last_name", "email", "country", "terms"}
    errors = {
        name: supporter.window.current_screen().findChild(QLabel, f"error_{name}")
        for name in ("first_name", "last_name", "email", "postcode", "country", "terms")
    }
    for name, label in errors.items():
        if name in expected:
            assert label.isVisible(), f"no message for {name}"
            assert label.text() == expected[name]
        else:
            assert not label.text(), f"a message for {name}, which is fine"
    assert "last name" in errors["last_name"].text()
    assert supporter.find("field_last_name").property("invalid") is True
    summary = supporter.find("form_error_summary", QLabel).text()
    assert summary == "Please fix the 4 problems marked above."
    assert vault.count() == 0

    # Fixing a field takes its message away at once; ticking the box takes the consent's away.
    supporter.type_into("field_last_name", "Ó Briain")
    assert not errors["last_name"].text()
    supporter.tap("consent_terms")
    assert not errors["terms"].text()
    assert errors["email"].text()


def test_edit_returns_to_the_entries_and_review_shows_the_change(supporter: Supporter) -> None:
    supporter.sign_up_to_review()
    supporter.tap("edit_button")

    assert supporter.screen == "sign_screen"
    for name, value in ENTRIES.items():
        field = supporter.find(name)
        text = field.currentText() if name == "field_country" else field.text()
        assert text == value
    supporter.qtbot.mouseClick(supporter.find("field_last_name"), Qt.MouseButton.LeftButton)
    supporter.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    supporter.type("Ngata")
    supporter.tap("continue_button")

    assert supporter.find("review_last_name", QLabel).text() == "Ngata"


def test_tapping_the_consent_text_ticks_the_box(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    box = supporter.find("consent_terms")
    text = supporter.find("consent_terms_text", QLabel)
    supporter.qtbot.mouseClick(text, Qt.MouseButton.LeftButton)
    assert box.isChecked()
    supporter.qtbot.mouseClick(text, Qt.MouseButton.LeftButton)
    assert not box.isChecked()
