"""Strict readers for the fields of a wire document (a batch, a receipt), shared so that every
document refuses a bad field the same way: with a message that names the field.

Each check builds its message only when it fails: a batch runs them for every field of up to a
thousand records.
"""

from __future__ import annotations

import binascii
import json
import re
from datetime import datetime
from typing import Any

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
HEX64 = re.compile(r"^[0-9a-f]{64}$")


class Reader:
    """Field readers that raise `error` (a kiosk.errors class) with the field's name."""

    def __init__(self, error: type[Exception]) -> None:
        self.error = error

    def expect(self, condition: bool, message: str) -> None:
        if not condition:
            raise self.error(message)

    def json_object(self, data: bytes, what: str) -> dict[str, Any]:
        try:
            value = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise self.error(f"{what} is not JSON") from None
        except RecursionError:  # "[[[[..." thousands deep: refused like any bad document
            raise self.error(f"{what} is nested too deeply") from None
        self.expect(isinstance(value, dict), f"{what} must be a JSON object")
        return value  # type: ignore[no-any-return]

    def base64(self, value: Any, name: str, *, where: str = "") -> bytes:
        if not isinstance(value, str):
            raise self.error(f"'{where}{name}' must be base64 text")
        try:
            return binascii.a2b_base64(value.encode("ascii"), strict_mode=True)
        except (binascii.Error, ValueError):  # UnicodeEncodeError is a ValueError
            raise self.error(f"'{where}{name}' is not valid base64") from None

    def text(
        self, doc: dict[str, Any], key: str, pattern: re.Pattern[str], *, where: str = ""
    ) -> str:
        value = doc.get(key)
        if isinstance(value, str) and pattern.fullmatch(value):  # "$" alone lets "id\n" through
            return value
        raise self.error(f"'{where}{key}' is missing or malformed")

    def whole(self, doc: dict[str, Any], key: str, *, where: str = "", least: int = 1) -> int:
        """A whole number from `least` (JSON's exact integers only: below 2**53)."""
        value = doc.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and least <= value < 2**53:
            return value
        what = "a positive whole number" if least == 1 else f"a whole number from {least}"
        raise self.error(f"'{where}{key}' must be {what}")

    def time(self, doc: dict[str, Any], key: str, *, where: str = "") -> datetime:
        value = doc.get(key)
        if not isinstance(value, str):
            raise self.error(f"'{where}{key}' must be an ISO 8601 time")
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            raise self.error(f"'{where}{key}' is not an ISO 8601 time") from None
