"""Strict readers for the fields of a wire document (a batch, a receipt), shared so that every
document refuses a bad field the same way: with a message that names the field.

Each check builds its message only when it fails: a batch runs them for every field of up to a
thousand records. A message is a `Message` (`words`): its `str()` is the English the kiosk, the
command line and the API read, and the coordinators' console translates its template
(kiosk.central.console.i18n_core), as it does the server's own refusals that wrap it.
"""

from __future__ import annotations

import binascii
import json
import re
from datetime import datetime
from typing import Any

from kiosk.message import Marked, Message, Value

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")
# The context of a wire document's refusals (not in the kiosk's Qt catalogs: a person at the
# kiosk never reads them; the console translates them by template).
CONTEXT = "protocol"


def words(template: str, **values: Value) -> Message:
    """A refusal's words, its values ({name} placeholders) filled in after translating."""
    return Message(Marked(template, CONTEXT), **values)


class Reader:
    """Field readers that raise `error` (a kiosk.errors class) with the field's name."""

    def __init__(self, error: type[Exception]) -> None:
        self.error = error

    def expect(self, condition: bool, template: str, **values: Value) -> None:
        """Refuse unless `condition`, in `words(template, **values)` (built only then)."""
        if not condition:
            raise self.error(words(template, **values))

    def json_object(self, data: bytes, what: str) -> dict[str, Any]:
        try:
            value = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise self.error(words("{what} is not JSON", what=what)) from None
        except RecursionError:  # "[[[[..." thousands deep: refused like any bad document
            raise self.error(words("{what} is nested too deeply", what=what)) from None
        self.expect(isinstance(value, dict), "{what} must be a JSON object", what=what)
        return value  # type: ignore[no-any-return]

    def base64(self, value: Any, name: str, *, where: str = "") -> bytes:
        if not isinstance(value, str):
            raise self.error(words("'{field}' must be base64 text", field=where + name))
        try:
            return binascii.a2b_base64(value.encode("ascii"), strict_mode=True)
        except (binascii.Error, ValueError):  # UnicodeEncodeError is a ValueError
            raise self.error(words("'{field}' is not valid base64", field=where + name)) from None

    def text(
        self, doc: dict[str, Any], key: str, pattern: re.Pattern[str], *, where: str = ""
    ) -> str:
        value = doc.get(key)
        if isinstance(value, str) and pattern.fullmatch(value):  # "$" alone lets "id\n" through
            return value
        raise self.error(words("'{field}' is missing or malformed", field=where + key))

    def whole(self, doc: dict[str, Any], key: str, *, where: str = "", least: int = 1) -> int:
        """A whole number from `least` (JSON's exact integers only: below 2**53)."""
        value = doc.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and least <= value < 2**53:
            return value
        if least == 1:
            raise self.error(words("'{field}' must be a positive whole number", field=where + key))
        raise self.error(
            words("'{field}' must be a whole number from {least}", field=where + key, least=least)
        )

    def time(self, doc: dict[str, Any], key: str, *, where: str = "") -> datetime:
        value = doc.get(key)
        if not isinstance(value, str):
            raise self.error(words("'{field}' must be an ISO 8601 time", field=where + key))
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise self.error(
                words("'{field}' is not an ISO 8601 time", field=where + key)
            ) from None
