"""The translation catalogs: up to date with the code, complete in Italian, compiled as shipped."""

from __future__ import annotations

import importlib.util
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QApplication

from kiosk.message import QT_TRANSLATE_NOOP, Message
from kiosk.petition.form import FIELDS
from kiosk.ui.i18n import LANGUAGES, Languages, arg, catalog_bytes, message_text

ROOT = Path(__file__).resolve().parents[2]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _tool()


def _messages(path: Path) -> dict[tuple[str, str], ET.Element]:
    found = {}
    for context in ET.parse(path).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            found[(name, message.findtext("source", ""))] = message
    return found


def test_every_ui_language_has_a_catalog() -> None:
    assert set(tool.LANGUAGES) == set(LANGUAGES)
    for language in LANGUAGES:
        assert tool.catalog(language).is_file()
        assert catalog_bytes(language) == tool.catalog(language).with_suffix(".qm").read_bytes()


def test_catalogs_are_up_to_date_with_the_code(tmp_path: Path) -> None:
    for language in tool.LANGUAGES:
        shutil.copy(tool.catalog(language), tmp_path)
    tool.update(tmp_path)
    for language in tool.LANGUAGES:
        fresh = _messages(tool.catalog(language, tmp_path))
        committed = _messages(tool.catalog(language))
        assert sorted(fresh) == sorted(committed), "run `make i18n` and translate what is new"


def test_the_catalogs_hold_the_core_s_texts() -> None:
    italian = _messages(tool.catalog("it"))
    for spec in FIELDS.values():
        assert ("form", spec.label) in italian
        assert ("form", spec.missing) in italian
    assert ("AppealScreen", "Sign the petition") in italian


_PLACEHOLDERS = re.compile(r"%L?[1-9]|\{\w+\}")


@pytest.mark.parametrize("language", ["en", "it"])
def test_every_entry_is_translated_and_keeps_its_placeholders(language: str) -> None:
    for (context, source), message in _messages(tool.catalog(language)).items():
        where = f"{language}: {context}: {source!r}"
        translation = message.find("translation")
        assert translation is not None
        assert translation.get("type") is None, f"{where} is {translation.get('type')}"
        forms = [f.text or "" for f in translation.iter("numerusform")] or [translation.text or ""]
        wanted = set(_PLACEHOLDERS.findall(source))
        for form in forms:
            assert form.strip(), f"{where} has an empty translation"
            # Every value is the kiosk's own (the e-mail's reason too), so none may be dropped.
            assert wanted <= set(_PLACEHOLDERS.findall(form)), f"{where}: {form!r}"


@pytest.mark.parametrize("language", ["en", "it"])
def test_compiled_catalogs_match_their_sources(language: str, tmp_path: Path) -> None:
    qm = tmp_path / f"kiosk_{language}.qm"
    tool.release(tool.catalog(language), qm)
    shipped = tool.catalog(language).with_suffix(".qm")
    assert qm.read_bytes() == shipped.read_bytes(), "run `make i18n`: a .qm is stale"


def test_switching_language_translates_qt_and_core_texts(qtbot: QtBot, qapp: QApplication) -> None:
    languages = Languages()
    try:
        translate = QCoreApplication.translate
        assert translate("AppealScreen", "Sign the petition") == "Sign the petition"
        assert translate("AppealScreen", "%Ln person(s) signed so far.", "", 2) == (
            "2 people have signed so far."
        )
        with qtbot.waitSignal(languages.changed) as blocker:
            languages.switch("it")
        assert blocker.args == ["it"]
        assert translate("AppealScreen", "Sign the petition") == "Firma la petizione"
        assert translate("AppealScreen", "%Ln person(s) signed so far.", "", 12000) == (
            "Finora hanno firmato 12.000 persone."
        )
        assert QLocale().name() == "it_IT"
        too_long = Message(
            QT_TRANSLATE_NOOP(
                "form", "This is {length} characters long; please shorten it to {limit} or fewer."
            ),
            length=90,
            limit=80,
        )
        assert (
            message_text(too_long) == "Questo testo è lungo 90 caratteri; accorcialo a 80 o meno."
        )
        assert QApplication.layoutDirection() == Qt.LayoutDirection.LeftToRight
        languages.reset()
        assert translate("AppealScreen", "Sign the petition") == "Sign the petition"
        with pytest.raises(ValueError, match="does not speak"):
            languages.switch("fr")
    finally:
        languages.release()


def test_arg_fills_placeholders_once() -> None:
    assert arg("%2 before %1", "a", "b") == "b before a"
    assert arg("To: %1", "100% %2 sure") == "To: 100% %2 sure"
