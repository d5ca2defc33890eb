"""Country names offered by the sign screen's country box, from Qt's own locale data."""

from __future__ import annotations

import unicodedata
from functools import cache

from PySide6.QtCore import QLocale

# Qt lists a few groupings next to real territories; nobody lives in "European Union".
_NOT_A_COUNTRY = frozenset({"EU", "EZ", "QO", "UN"})


@cache
def country_names() -> tuple[str, ...]:
    names = {
        QLocale.territoryToString(territory)
        for territory in QLocale.Country
        if _is_country_code(QLocale.territoryToCode(territory))
    }
    return tuple(sorted(names, key=_sort_key))


def _is_country_code(code: str) -> bool:
    return len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_A_COUNTRY


def _sort_key(name: str) -> str:
    # Sort "Åland Islands" with the A's and "Curaçao" with the C's.
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
