"""Driving the real kiosk window from a benchmark, quickly, the way a supporter does: tap Sign,
type into each field, tick the consent, Continue, Confirm, Done. Offscreen, through QTest."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QComboBox, QWidget

from kiosk.ui.window import KioskWindow

ENTRIES = {
    "field_first_name": "Ada",
    "field_last_name": "Example",
    "field_email": "ada@example.org",
    "field_postcode": "N1 9GU",
}


def _find(window: KioskWindow, name: str) -> QWidget:
    widget = window.current_screen().findChild(QWidget, name)
    if widget is None:
        raise RuntimeError(f"{name} is not on the {window.current_screen().objectName()}")
    return widget


def tap(window: KioskWindow, name: str) -> None:
    button = _find(window, name)
    assert isinstance(button, QAbstractButton)
    QTest.mouseClick(button, Qt.MouseButton.LeftButton)


def sign_once(window: KioskWindow) -> None:
    """One whole signature, from the appeal screen back to it."""
    tap(window, "sign_button")
    for name, text in ENTRIES.items():
        QTest.keyClicks(_find(window, name), text)
    country = _find(window, "field_country")
    assert isinstance(country, QComboBox)
    # Chosen from the list, as a tap on a suggestion does; typing would open the popup.
    country.setCurrentText("Ireland")
    QTest.keyClicks(_find(window, "field_comment"), "Good luck.")
    tap(window, "consent_terms")
    tap(window, "continue_button")
    tap(window, "confirm_button")
    tap(window, "done_button")
    if window.current_screen() is not window.appeal_screen:
        raise RuntimeError("the signature did not go through")
