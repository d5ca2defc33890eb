"""What the catalogs say a screen may show: every visible text must be one of the catalog's
texts in the language on screen (placeholders filled with anything), or something that is not
the kiosk's to translate (the appeal's own words, names, digits)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from pathlib import Path

from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

ROOT = Path(__file__).resolve().parents[2]
CATALOGS = ROOT / "resources" / "i18n"
# Qt's %1-%9, %n and %Ln; Python's {name} in the core's messages.
_PLACEHOLDER = re.compile(r"%L?[1-9n]|\{[a-z_]+\}")
SEPARATOR = " · "  # the sync corner joins its parts with it


def _pattern(text: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(text)
    return re.compile(".+".join(re.escape(part) for part in parts), re.DOTALL)


def catalog_texts(language: str) -> list[str]:
    """Every text of the catalog in `language`: its translations (for English, the sources)."""
    tree = ET.parse(CATALOGS / "kiosk_it.ts")
    texts: list[str] = []
    for message in tree.getroot().iter("message"):
        if language == "en":
            texts.append(message.findtext("source", ""))
            continue
        translation = message.find("translation")
        assert translation is not None
        forms = [form.text or "" for form in translation.iter("numerusform")]
        texts.extend(forms or [translation.text or ""])
    return [text for text in texts if text]


class Catalog:
    def __init__(self, language: str, *, also: Iterable[str] = ()) -> None:
        self.language = language
        self._patterns = [_pattern(text) for text in catalog_texts(language)]
        self.also = frozenset(also)

    def says(self, text: str) -> bool:
        if text in self.also or any(p.fullmatch(text) for p in self._patterns):
            return True
        if SEPARATOR in text:
            return all(self.says(part) for part in text.split(SEPARATOR))
        return False


def strings_in(value: object) -> set[str]:
    """Every string held in a dataclass (an appeal, its letter and consent), each paragraph and
    line on its own too: what a screen may show of it."""
    found: set[str] = set()
    if isinstance(value, str):
        found.add(value.strip())
        found.update(p.strip() for p in value.split("\n\n") if p.strip())
    elif is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            found |= strings_in(getattr(value, field.name))
    elif isinstance(value, list | tuple):
        for item in value:
            found |= strings_in(item)
    return found


def visible_texts(root: QWidget) -> dict[str, str]:
    """Every text shown under `root` now, by where it is (object name, or class and index)."""
    texts: dict[str, str] = {}
    widgets: list[QWidget] = [*root.findChildren(QLabel), *root.findChildren(QAbstractButton)]
    for index, widget in enumerate(widgets):
        text = widget.text() if isinstance(widget, QLabel | QAbstractButton) else ""
        if widget.isVisible() and text.strip():
            texts[f"{widget.objectName() or type(widget).__name__}#{index}"] = text
    return texts


def not_in_catalog(root: QWidget, catalog: Catalog) -> dict[str, str]:
    return {where: text for where, text in visible_texts(root).items() if not catalog.says(text)}


def translation(language: str, context: str, source: str) -> str:
    """The catalog's own translation of one source text in one context, read from the .ts file
    (not through Qt), so a test can say what the screen must show."""
    tree = ET.parse(CATALOGS / f"kiosk_{language}.ts")
    for entry in tree.getroot().iter("context"):
        if entry.findtext("name") != context:
            continue
        for message in entry.iter("message"):
            if message.findtext("source") == source:
                text = message.findtext("translation")
                assert text, f"{context}: {source!r} has no translation in {language}"
                return text
    raise AssertionError(f"{context}: {source!r} is not in the {language} catalog")
