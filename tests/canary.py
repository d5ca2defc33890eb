"""Looking for what a supporter typed, in files: the byte strings that would betray a value
(UTF-8, UTF-16-LE/BE; NFC and NFD; as typed, lower and upper case), and typing a value into the
focused widget as a keyboard would. Used by tests/test_canary.py (in this process) and by
tests/e2e/test_canary_scan.py (a kiosk in a child process, tests/e2e/canary_kiosk.py)."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path

ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")


def needles(values: Iterable[str]) -> dict[bytes, str]:
    """Every byte string that would betray one of the values, with a label for the report."""
    found: dict[bytes, str] = {}
    for value in values:
        for form in ("NFC", "NFD"):
            text = unicodedata.normalize(form, value)
            for variant in {text, text.lower(), text.upper()}:
                for encoding in ENCODINGS:
                    found[variant.encode(encoding)] = f"{value!r} ({form}, {encoding})"
    return found


def hits_in(files: Iterable[Path], wanted: dict[bytes, str], *, root: Path) -> list[str]:
    """`file: label` for each needle found in each file (ASCII case folded as well)."""
    hits = []
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:  # gone meanwhile, or not ours to read (a socket, another user's file)
            continue
        lowered = data.lower()
        for needle, label in wanted.items():
            if needle in data or needle.lower() in lowered:
                hits.append(
                    f"{path.relative_to(root) if path.is_relative_to(root) else path}: {label}"
                )
    return hits


def type_text(text: str) -> None:
    """Type `text` into the focused widget (or the open popup): ASCII as key clicks, a line break
    as Return, anything else as an on-screen or international keyboard sends it."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    for char in text:
        target = QApplication.activePopupWidget() or QApplication.focusWidget()
        assert target is not None, "nothing has the keyboard focus"
        if char == "\n":
            QTest.keyClick(target, Qt.Key.Key_Return)
        elif char.isascii():
            QTest.keyClicks(target, char)
        else:
            QTest.sendKeyEvent(
                QTest.KeyAction.Click,
                target,
                Qt.Key.Key_unknown,
                char,
                Qt.KeyboardModifier.NoModifier,
            )
