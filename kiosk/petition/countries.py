"""The countries a signature may name: ISO 3166-1 alpha-2 codes, with their English names.

A signature keeps the code ("DE"), whatever language the supporter chose it in; the screens
show its name in the supporter's language (kiosk/ui/countries.py) and the coordinator's export
gives the code and the English name (kiosk/central/export.py). The list is
`resources/i18n/countries_en.tsv`: the territories Qt's locale data knows, without groupings
such as the European Union. Nothing here imports Qt.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Mapping
from importlib.resources import files

_PACKAGE = "kiosk.resources"
_FOLDER = "i18n"


@functools.cache
def names(language: str = "en") -> Mapping[str, str]:
    """Country names by code from `countries_<language>.tsv` (empty if there is none)."""
    primary = language.replace("_", "-").split("-")[0]
    resource = files(_PACKAGE).joinpath(_FOLDER, f"countries_{primary}.tsv")
    if not resource.is_file():
        return {}
    found: dict[str, str] = {}
    for line in resource.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            code, name = line.split("\t")
            found[code] = name
    return found


def english_names() -> Mapping[str, str]:
    return names("en")


def english_name(code: str) -> str | None:
    return english_names().get(code)


def country_code(text: str) -> str | None:
    """The code `text` stands for: a listed code as it is kept ("DE"), or a listed country's
    English name in any case ("germany"); None for anything else ("Ger")."""
    text = unicodedata.normalize("NFC", text).strip()
    if text in english_names():
        return text
    return _by_english_name().get(text.casefold())


@functools.cache
def _by_english_name() -> Mapping[str, str]:
    return {name.casefold(): code for code, name in english_names().items()}
