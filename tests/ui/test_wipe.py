"""The next person at the kiosk finds nothing of the previous signer: not on screen, not in an
undo history, not on the clipboard."""

from __future__ import annotations

import shiboken6
from kiosk_screen import REVIEWED, STORED, Supporter

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from kiosk.ui.countries import country_names
from kiosk.ui.window import KioskWindow

# Entered values, and pieces of them, that must not survive the signature.
TRACES = [*REVIEWED.values(), "Zoë", "Briain", "zoe.obriain", "d02 x285", "Stand with them"]


def visible_texts(window: KioskWindow) -> list[str]:
    """Every text any widget of the window holds, on screen or not."""
    texts: list[str] = []
    for edit in window.findChildren(QLineEdit):
        texts += [edit.text(), edit.displayText(), edit.placeholderText()]
    for plain in window.findChildren(QPlainTextEdit):
        texts.append(plain.toPlainText())
    for rich in window.findChildren(QTextEdit):
        texts.append(rich.toPlainText())
    for label in window.findChildren(QLabel):
        texts += [label.text(), label.accessibleName(), label.accessibleDescription()]
    for box in window.findChildren(QComboBox):
        texts += [box.currentText(), box.completer().completionPrefix()]
        # The choices are Qt's list of countries, "Ireland" among them; what is typed must
        # never join them.
        choices = [box.itemText(i) for i in range(box.count())]
        assert choices == list(country_names())
    for widget in window.findChildren(QWidget):
        texts += [widget.accessibleName(), widget.accessibleDescription(), widget.toolTip()]
    return texts


def assert_no_trace(window: KioskWindow) -> None:
    texts = visible_texts(window)
    for trace in TRACES:
        hits = [text for text in texts if trace.casefold() in text.casefold()]
        assert not hits, f"{trace!r} is still in the window: {hits}"


def assert_nothing_to_undo(window: KioskWindow) -> None:
    for edit in window.findChildren(QLineEdit):
        assert not edit.isUndoAvailable(), edit.objectName()
        assert not edit.isRedoAvailable(), edit.objectName()
    for plain in window.findChildren(QPlainTextEdit):
        document = plain.document()
        assert not document.isUndoAvailable(), plain.objectName()
        assert not document.isRedoAvailable(), plain.objectName()


def copy_email_to_clipboard(supporter: Supporter) -> None:
    supporter.qtbot.mouseClick(supporter.find("field_email"), Qt.MouseButton.LeftButton)
    supporter.press(Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    supporter.press(Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.clipboard().text() == STORED["email"]


def test_a_recorded_signature_leaves_no_trace(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    supporter.fill_in()
    copy_email_to_clipboard(supporter)
    form = supporter.window.current_screen()
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    review = supporter.window.current_screen()
    supporter.tap("confirm_button")
    assert supporter.screen == "thanks_screen"

    # At once, before the event loop has run: the old screens are blank already.
    assert_no_trace(supporter.window)
    assert_nothing_to_undo(supporter.window)
    assert QApplication.clipboard().text() == ""

    # And soon after, they are gone altogether.
    supporter.qtbot.waitUntil(lambda: not shiboken6.isValid(form) and not shiboken6.isValid(review))

    # The next person gets a fresh, empty form with nothing to undo or paste.
    supporter.tap("done_button")
    supporter.tap("sign_button")
    assert_no_trace(supporter.window)
    assert_nothing_to_undo(supporter.window)
    first_name = supporter.find("field_first_name", QLineEdit)
    supporter.press(Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    supporter.press(Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert isinstance(first_name, QLineEdit)
    assert first_name.text() == ""


def test_going_back_to_the_appeal_forgets_the_entries(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    supporter.fill_in()
    copy_email_to_clipboard(supporter)
    supporter.tap("consent_terms")
    supporter.tap("back_button")

    assert supporter.screen == "appeal_screen"
    assert_no_trace(supporter.window)
    assert_nothing_to_undo(supporter.window)
    assert QApplication.clipboard().text() == ""

    supporter.tap("sign_button")
    assert not supporter.find("consent_terms").isChecked()
    assert supporter.find("field_email", QLineEdit).text() == ""


def test_a_rejected_form_keeps_no_trace_in_the_error_messages(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    supporter.type_into("field_first_name", "Zoë")
    supporter.type_into("field_email", "zoe.obriain@@example.org")
    supporter.tap("continue_button")
    assert supporter.find("error_email").isVisible()
    supporter.tap("back_button")

    assert_no_trace(supporter.window)
