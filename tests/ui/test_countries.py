"""The country box in the supporter's language: Italian names in Italian order, chosen from the
list as a person would, and the same value sealed whichever language the name was shown in."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from conftest import Supporter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QStyle, QStyleOptionComboBox

from kiosk.petition.record import SignatureRecord
from kiosk.ui.countries import country_names, shown_country, stored_country
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


def test_a_listed_country_keeps_one_value_in_every_language() -> None:
    assert stored_country("Germania", "it") == "Germany"
    assert stored_country(" germania", "it") == "Germany"
    assert stored_country("Germany", "it") == "Germany"  # typed in English on the Italian form
    assert stored_country("Germany", "en") == "Germany"
    assert stored_country("Vrindavåland", "it") == "Vrindavåland"  # not listed: as typed
    assert shown_country("Germany", "it") == "Germania"
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
    assert record.fields["country"] == "Germany"
