"""Signing in the supporter's language: the switcher, every visible string re-translated, the
record sealing the texts shown, the reset for the next person, and right-to-left layouts."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from kiosk_screen import LANDSCAPE, Supporter
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from kiosk.crypto.digest import sha256_hex
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.petition.record import SignatureRecord
from kiosk.ui.i18n import Languages, catalog_bytes
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault
from kiosk.vault.models import StoredSignature

ROOT = Path(__file__).resolve().parents[2]
# Texts that read the same in every language: names of languages, of people, the size buttons.
SAME_IN_EVERY_LANGUAGE = {"English", "Italiano", "A\u2212", "A+", "Andrew M"}


@pytest.fixture(autouse=True)
def _left_to_right_after() -> Iterator[None]:
    yield
    QApplication.setLayoutDirection(Qt.LayoutDirection.LeftToRight)


def visible_texts(screen: QWidget) -> dict[str, str]:
    """Every text shown on a screen, by where it is (object name, or class and index)."""
    texts: dict[str, str] = {}
    widgets: list[QWidget] = [*screen.findChildren(QLabel), *screen.findChildren(QAbstractButton)]
    for index, widget in enumerate(widgets):
        text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
        if widget.isVisible() and text.strip():
            texts[widget.objectName() or f"{type(widget).__name__}{index}"] = text
    return texts


def _tap_language(supporter: Supporter, code: str) -> None:
    supporter.tap(f"language_{code}")
    QApplication.processEvents()  # Qt delivers LanguageChange as a posted event


def test_the_switcher_offers_each_language_named_in_itself(supporter: Supporter) -> None:
    english = supporter.find("language_en", QAbstractButton)
    italian = supporter.find("language_it", QAbstractButton)
    assert (english.text(), english.accessibleName()) == ("English", "English")
    assert (italian.text(), italian.accessibleName()) == ("Italiano", "Italiano")
    assert english.isChecked() and not italian.isChecked()
    _tap_language(supporter, "it")
    assert italian.isChecked() and not english.isChecked()


def test_switching_re_translates_every_visible_string(supporter: Supporter) -> None:
    screen = supporter.window.current_screen()
    before = set(visible_texts(screen).values()) - SAME_IN_EVERY_LANGUAGE
    assert "Sign the petition" in before
    _tap_language(supporter, "it")
    after = set(visible_texts(screen).values())
    assert not before & after, f"still in English: {sorted(before & after)}"
    assert "Firma la petizione" in after
    assert "ONU: fermate i rapimenti e le torture degli uomini gay in Cecenia" in after
    sign = supporter.find("sign_button", QAbstractButton)
    assert sign.accessibleName() == "Firma la petizione"
    _tap_language(supporter, "en")
    assert set(visible_texts(screen).values()) - SAME_IN_EVERY_LANGUAGE == before


def test_signing_in_italian_seals_the_italian_consent(
    supporter: Supporter,
    vault: Vault,
    appeal: Appeal,
    open_stored: Callable[[StoredSignature], SignatureRecord],
) -> None:
    _tap_language(supporter, "it")
    supporter.tap("sign_button")
    title = supporter.find("sign_title", QLabel)
    assert isinstance(title, QLabel) and title.text() == "Aggiungi il tuo nome"
    italian = appeal.in_language("it")
    terms_text = supporter.find("consent_terms_text", QLabel)
    assert isinstance(terms_text, QLabel) and terms_text.text() == italian.consent.terms
    supporter.tap("continue_button")
    error = supporter.find("error_first_name", QLabel)
    assert isinstance(error, QLabel) and error.text() == "Inserisci il tuo nome."
    supporter.fill_in()
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    supporter.tap("confirm_button")
    assert supporter.screen == "thanks_screen"
    record = open_stored(vault.signatures()[0])
    assert record.language == "it"
    assert record.terms_sha256 == sha256_hex(italian.consent.terms)
    assert record.privacy_notice_sha256 == sha256_hex(italian.consent.privacy_notice)


def test_the_next_person_starts_in_the_kiosk_s_language(supporter: Supporter) -> None:
    window = supporter.window
    _tap_language(supporter, "it")
    supporter.tap("text_larger")
    supporter.tap("high_contrast")
    assert window.look.scale > 1 and window.look.high_contrast
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    supporter.tap("done_button")
    QApplication.processEvents()
    assert supporter.screen == "appeal_screen"
    assert window.languages.current == "en"
    assert supporter.find("sign_button", QAbstractButton).text() == "Sign the petition"
    assert window.look.scale == 1 and not window.look.high_contrast


def test_an_idle_reset_also_resets_the_language(supporter: Supporter) -> None:
    _tap_language(supporter, "it")
    supporter.tap("sign_button")
    supporter.window.reset_after_idle()
    QApplication.processEvents()
    assert supporter.window.languages.current == "en"
    assert supporter.find("sign_button", QAbstractButton).text() == "Sign the petition"


# --- right to left ---------------------------------------------------------------------------

ARABIC = {
    "Sign the petition": "وقّع العريضة",
    "High contrast": "تباين عالٍ",
    "The letter you sign": "الرسالة التي توقّعها",
}


def arabic_catalog(tmp_path: Path) -> bytes:
    """A small Arabic catalog made from the Italian one: a few strings, compiled with lrelease."""
    tree = ET.parse(ROOT / "resources" / "i18n" / "kiosk_it.ts")
    root = tree.getroot()
    root.set("language", "ar")
    for context in list(root.iter("context")):
        for message in list(context.iter("message")):
            source = message.findtext("source", "")
            if source in ARABIC:
                translation = message.find("translation")
                assert translation is not None
                translation.text = ARABIC[source]
            else:
                context.remove(message)
    ts = tmp_path / "kiosk_ar.ts"
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    import importlib.util

    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.release(ts, tmp_path / "kiosk_ar.qm")
    return (tmp_path / "kiosk_ar.qm").read_bytes()


def test_a_right_to_left_language_mirrors_the_window(
    qtbot: QtBot,
    make_window: Callable[..., KioskWindow],
    desk: SignatureDesk,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    arabic = arabic_catalog(tmp_path)
    languages = Languages(
        {"en": "English", "ar": "العربية"},
        load=lambda code: arabic if code == "ar" else catalog_bytes(code),
    )
    window = KioskWindow(desk, thanks_seconds=60, languages=languages)
    languages.setParent(window)
    qtbot.addWidget(window)
    window.resize(*LANDSCAPE)
    with qtbot.waitExposed(window):
        window.show()
    supporter = Supporter(qtbot, window)
    sign = supporter.find("sign_button", QAbstractButton)

    def sign_x() -> int:
        return sign.mapTo(window, QPoint(0, 0)).x()

    assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight
    assert sign_x() > window.width() / 2, "left to right, the Sign button is on the right"
    _tap_language(supporter, "ar")
    assert QApplication.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert window.layoutDirection() == Qt.LayoutDirection.RightToLeft
    qtbot.waitUntil(lambda: sign_x() < window.width() / 2)
    assert sign.text() == "وقّع العريضة"
    # The language buttons read from the right too: English, the first, is rightmost.
    english = supporter.find("language_en")
    arabic_button = supporter.find("language_ar")
    assert english.mapTo(window, QPoint(0, 0)).x() > arabic_button.mapTo(window, QPoint(0, 0)).x()
    _tap_language(supporter, "en")
    assert window.layoutDirection() == Qt.LayoutDirection.LeftToRight
    qtbot.waitUntil(lambda: sign_x() > window.width() / 2)
    languages.release()
