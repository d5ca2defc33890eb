"""The countries the sign screen's country box offers, named and sorted in the supporter's language.

Qt's locale data gives the territories (by ISO 3166-1 code) and their English names; names in
another language come from `resources/i18n/countries_<lang>.tsv` (from the Unicode CLDR), and a
language without such a file shows the English names. The list is sorted by the collation of the
language shown ("Åland" with the A's; in Swedish after Z).

Whichever language the box is shown in, a signature keeps the same value for a listed country:
its English name, as it always has. An Italian supporter choosing "Germania" and an English one
choosing "Germany" sign the same thing, and the coordinator's export reads alike for both.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from importlib.resources import files

from PySide6.QtCore import QCollator, QLocale

# Qt lists a few groupings next to real territories; nobody lives in "European Union".
_NOT_A_COUNTRY = frozenset({"EU", "EZ", "QO", "UN"})
_NAMES_PACKAGE = "kiosk.resources"
_NAMES_FOLDER = "i18n"


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str  # in the language it is shown in
    stored: str  # what a signature keeps, the same in every language: the English name


def shown_language() -> str:
    """The language the kiosk speaks now (kiosk.ui.i18n makes it Qt's default locale)."""
    return QLocale.languageToCode(QLocale().language())


def country_names(language: str | None = None) -> tuple[str, ...]:
    """The names the country box offers, in `language` (default: the one shown now)."""
    return tuple(c.name for c in countries(language or shown_language()))


def stored_country(text: str, language: str | None = None) -> str:
    """What a signature keeps for what the supporter chose or typed: the listed country's
    language-independent value when `text` names one (in the language shown or in English, in
    any case), otherwise the text as it is."""
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
    translated = _translated_names(language)
    listed = [
        Country(code, translated.get(code, english), english)
        for code, english in _english_names().items()
    ]
    collator = QCollator(QLocale(language))
    by_name = functools.cmp_to_key(collator.compare)
    return tuple(sorted(listed, key=lambda c: by_name(c.name)))


@functools.cache
def _english_names() -> dict[str, str]:
    names = {}
    for territory in QLocale.Country:
        code = QLocale.territoryToCode(territory)
        if _is_country_code(code):
            names[code] = QLocale.territoryToString(territory)
    return names


@functools.cache
def _translated_names(language: str) -> dict[str, str]:
    primary = language.replace("_", "-").split("-")[0]
    resource = files(_NAMES_PACKAGE).joinpath(_NAMES_FOLDER, f"countries_{primary}.tsv")
    if not resource.is_file():
        return {}
    names = {}
    for line in resource.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, name = line.split("\t")
            names[code] = name
    return names


@functools.cache
def _by_name(language: str) -> dict[str, Country]:
    found: dict[str, Country] = {}
    for country in countries(language):
        found.setdefault(_match_key(country.stored), country)
    for country in countries(language):  # the shown language's names win over English ones
        found[_match_key(country.name)] = country
    return found


def _is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_A_COUNTRY


def _match_key(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()
