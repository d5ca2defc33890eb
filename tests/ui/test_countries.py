"""The country box in the supporter's language: Italian names in Italian order, chosen from the
list as a person would, and the same value sealed whichever language the name was shown in."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import replace

from kiosk_screen import ENTRIES, Supporter
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QStyle, QStyleOptionComboBox

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.petition.record import SignatureRecord
from kiosk.ui.countries import country_names, shown_country, stored_country
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault
from kiosk.vault.models import StoredSignature


def _initial(name: str) -> str:
    """A name's first letter without its accent, as a reader looks it up in the list."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c))[:1].casefold()


def _in_reading_order(names: list[str]) -> bool:
    initials = [_initial(name) for name in names]
    return initials == sorted(initials)


def test_italian_names_in_italian_order() -> None:
    italian = list(country_names("it"))
    assert {"Italia", "Germania", "Stati Uniti", "Regno Unito", "Costa d\u2019Avorio"} <= set(
        italian
    )
    assert "Germany" not in italian and "Italy" not in italian
    assert _in_reading_order(italian)
    # Accented names sort among their letter, not after Z as code points would put them.
    assert italian.index("Isole Åland") < italian.index("Isole Cayman")
    assert italian.index("Emirati Arabi Uniti") < italian.index("Eritrea")
    assert len(italian) == len(country_names("en"))


def test_english_stays_english_and_sorted() -> None:
    english = list(country_names("en"))
    assert {"Italy", "Germany", "Ireland"} <= set(english)
    assert _in_reading_order(english)
    assert english.index("Åland Islands") < english.index("Albania")


def test_a_language_without_names_of_its_own_shows_english() -> None:
    assert set(country_names("de")) == set(country_names("en"))


def test_a_listed_country_keeps_its_code_in_every_language() -> None:
    assert stored_country("Germania", "it") == "DE"
    assert stored_country(" germania", "it") == "DE"
    assert stored_country("Germany", "it") == "DE"  # typed in English on the Italian form
    assert stored_country("Germany", "en") == "DE"
    assert stored_country("Ger", "en") == "Ger"  # not listed: as typed, for the form to refuse
    assert stored_country("no", "it") == "no"  # a word is not a code (NO, Norway)
    assert shown_country("DE", "it") == "Germania"
    assert shown_country("DE", "en") == "Germany"
    assert shown_country("Vrindavåland", "it") == "Vrindavåland"


def test_choosing_a_country_in_italian_seals_the_same_value_as_in_english(
    supporter: Supporter,
    vault: Vault,
    open_stored: Callable[[StoredSignature], SignatureRecord],
) -> None:
    supporter.tap("language_it")
    QApplication.processEvents()  # Qt delivers LanguageChange as a posted event
    supporter.tap("sign_button")
    box = supporter.find("field_country", QComboBox)
    assert isinstance(box, QComboBox)
    shown = [box.itemText(i) for i in range(box.count())]
    assert shown == list(country_names("it"))
    assert "Italia" in shown and "Germania" in shown
    assert _in_reading_order(shown)

    # Open the list with the box's arrow and tap "Germania" in it.
    option = QStyleOptionComboBox()
    box.initStyleOption(option)
    arrow = box.style().subControlRect(
        QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxArrow, box
    )
    supporter.qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=arrow.center())
    view = box.view()
    supporter.qtbot.waitUntil(view.isVisible)
    row = box.findText("Germania")
    index = box.model().index(row, 0)
    view.scrollTo(index)
    # Qt ignores a release this soon after the list opened (the press that opened it).
    supporter.qtbot.wait(QApplication.doubleClickInterval() + 50)
    supporter.qtbot.mouseClick(
        view.viewport(), Qt.MouseButton.LeftButton, pos=view.visualRect(index).center()
    )
    supporter.qtbot.waitUntil(lambda: not view.isVisible())
    assert box.currentText() == "Germania"

    entries = {
        "field_first_name": "Zoë",
        "field_last_name": "Ó Briain-Ngata",
        "field_email": "zoe.obriain@example.org",
    }
    supporter.fill_in(entries, comment=False)
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    assert supporter.screen == "review_screen"
    review_country = supporter.find("review_country", QLabel)
    assert isinstance(review_country, QLabel) and review_country.text() == "Germania"
    supporter.tap("confirm_button")
    assert supporter.screen == "thanks_screen"
    record = open_stored(vault.signatures()[0])
    assert record.language == "it"
    assert record.fields["country"] == "DE"


REFUSED = (
    "Please choose your country from the list: type part of its name and tap one of the matches."
)


def _shown_error(supporter: Supporter, name: str) -> str:
    error = supporter.window.current_screen().findChild(QLabel, f"error_{name}")
    assert isinstance(error, QLabel)
    return error.text() if error.isVisible() else ""


def test_a_typed_ger_is_refused_with_what_to_do(supporter: Supporter, vault: Vault) -> None:
    """ "Ger" went through to the review and the export; now the form says what to do."""
    supporter.tap("sign_button")
    supporter.fill_in({**ENTRIES, "field_country": "Ger"}, comment=False)
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    assert supporter.screen == "sign_screen"
    assert _shown_error(supporter, "country") == REFUSED
    assert vault.count() == 0
    # Choosing from what the typing filtered: "Germany" goes through, kept as DE.
    supporter.type_into("field_country", "many")
    box = supporter.find("field_country", QComboBox)
    assert isinstance(box, QComboBox) and box.currentText() == "Germany"
    supporter.tap("continue_button")
    assert supporter.screen == "review_screen"
    review_country = supporter.find("review_country", QLabel)
    assert isinstance(review_country, QLabel) and review_country.text() == "Germany"


def test_typing_filters_the_list_in_the_language_shown(supporter: Supporter) -> None:
    supporter.tap("language_it")
    QApplication.processEvents()  # Qt delivers LanguageChange as a posted event
    supporter.tap("sign_button")
    supporter.qtbot.mouseClick(supporter.find("field_country"), Qt.MouseButton.LeftButton)
    supporter.type("germ")
    box = supporter.find("field_country", QComboBox)
    assert isinstance(box, QComboBox)
    completer = box.completer()
    assert completer is not None
    matches = [
        completer.completionModel().index(i, 0).data() for i in range(completer.completionCount())
    ]
    assert matches == ["Germania"]
    supporter.press(Qt.Key.Key_Escape)
    supporter.type_into("field_first_name", "Zoë")
    supporter.tap("continue_button")
    # "germ" alone names no country: refused, in Italian.
    assert _shown_error(supporter, "country") == (
        "Scegli il tuo paese dall\u2019elenco: scrivi una parte del nome e tocca uno dei risultati."
    )


def test_prefer_not_to_say_where_the_appeal_leaves_the_country_optional(
    qtbot: QtBot,
    make_window: Callable[..., KioskWindow],
    appeal: Appeal,
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
    open_stored: Callable[[StoredSignature], SignatureRecord],
) -> None:
    optional = replace(appeal, required=appeal.required - {"country"})
    window = make_window(with_desk=SignatureDesk(optional, vault, campaign_public_key))
    supporter = Supporter(qtbot, window)
    supporter.tap("sign_button")
    box = supporter.find("field_country", QComboBox)
    assert isinstance(box, QComboBox) and box.itemText(0) == "Prefer not to say"
    supporter.fill_in({**ENTRIES, "field_country": "Prefer not"}, comment=False)
    box.setCurrentIndex(0)  # as a tap on the first suggestion does
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    assert supporter.screen == "review_screen"
    supporter.tap("confirm_button")
    record = open_stored(vault.signatures()[0])
    assert "country" not in record.fields or record.fields["country"] == ""


def test_where_the_country_is_required_there_is_no_prefer_not_to_say(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    box = supporter.find("field_country", QComboBox)
    assert isinstance(box, QComboBox)
    assert box.findText("Prefer not to say") == -1
