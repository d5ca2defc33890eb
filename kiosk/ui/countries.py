"""The countries the sign screen's country box offers, named and sorted in the supporter's language.

The countries and their English names are kiosk.petition.countries' (ISO 3166-1 alpha-2 codes);
names in another language come from `resources/i18n/countries_<lang>.tsv` (from the Unicode
CLDR), and a language without such a file shows the English names. The list is sorted by the
collation of the language shown ("Åland" with the A's; in Swedish after Z).

Whichever language the box is shown in, a signature keeps the same value for a listed country:
its code. An Italian supporter choosing "Germania" and an English one choosing "Germany" both
sign "DE"; the screens show the code's name in the supporter's language (`shown_country`).
Text that names no listed country is handed on as typed, and the form refuses it.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from PySide6.QtCore import QCollator, QLocale

from kiosk.petition import countries as listed


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str  # in the language it is shown in
    stored: str  # what a signature keeps, the same in every language: the code


def shown_language() -> str:
    """The language the kiosk speaks now (kiosk.ui.i18n makes it Qt's default locale)."""
    return QLocale.languageToCode(QLocale().language())


def country_names(language: str | None = None) -> tuple[str, ...]:
    """The names the country box offers, in `language` (default: the one shown now)."""
    return tuple(c.name for c in countries(language or shown_language()))


def stored_country(text: str, language: str | None = None) -> str:
    """What a signature keeps for what the supporter chose or typed: the listed country's code
    when `text` names one (in the language shown or in English, in any case), otherwise the
    text as it is (which the form then refuses)."""
    found = _by_name(language or shown_language()).get(_match_key(text))
    return found.stored if found is not None else text


def shown_country(stored: str, language: str | None = None) -> str:
    """A kept value as the supporter reads it: a listed country in their language."""
    language = language or shown_language()
    for country in countries(language):
        if country.stored == stored:
            return country.name
    return stored


@functools.cache
def countries(language: str) -> tuple[Country, ...]:
    """Every listed country with its name in `language`, in that language's order."""
    translated = listed.names(language)
    every = [
        Country(code, translated.get(code, english), code)
        for code, english in listed.english_names().items()
    ]
    collator = QCollator(QLocale(language))
    by_name = functools.cmp_to_key(collator.compare)
    return tuple(sorted(every, key=lambda c: by_name(c.name)))


@functools.cache
def _by_name(language: str) -> dict[str, Country]:
    found: dict[str, Country] = {}
    english = listed.english_names()
    for country in countries(language):
        found.setdefault(_match_key(english[country.code]), country)
    for country in countries(language):  # the shown language's names win over English ones
        found[_match_key(country.name)] = country
    return found


def _match_key(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()
