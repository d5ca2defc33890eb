"""One form field as the supporter sees it: its label, the editor, and the message under it."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from kiosk.petition.form import FieldSpec
from kiosk.ui.countries import country_names, stored_country
from kiosk.ui.i18n import arg, form_text
from kiosk.ui.parts import ReservedLabel, text_label

Editor = QLineEdit | QPlainTextEdit | QComboBox

# Nothing typed here may end up in an on-screen keyboard's learned words or suggestions.
_PRIVATE_INPUT = Qt.InputMethodHint.ImhSensitiveData | Qt.InputMethodHint.ImhNoPredictiveText
_EXTRA_HINTS = {
    "email": Qt.InputMethodHint.ImhEmailCharactersOnly | Qt.InputMethodHint.ImhNoAutoUppercase,
    "postcode": Qt.InputMethodHint.ImhPreferUppercase,
}


class FieldBlock(QWidget):
    error_cleared = Signal()  # the supporter changed a field that showed a problem

    def __init__(self, spec: FieldSpec, *, required: bool, placeholder: str = "") -> None:
        super().__init__()
        self.name = spec.name
        self.setObjectName(f"block_{spec.name}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)

        label = form_text(spec.label)
        caption = label if required else arg(self.tr("%1 (optional)"), label)
        self.label = text_label(caption, "field_label", object_name=f"label_{spec.name}")
        self.editor = _make_editor(spec, placeholder or spec.input_hint, required=required)
        self.editor.setObjectName(f"field_{spec.name}")
        self.editor.setAccessibleName(label)
        self.editor.setInputMethodHints(
            _PRIVATE_INPUT | _EXTRA_HINTS.get(spec.name, Qt.InputMethodHint.ImhNone)
        )
        self.label.setBuddy(self.editor)
        # The error keeps its room: one coming or going while the supporter types moves no
        # field below it under their finger.
        self.error = ReservedLabel(1, "error", object_name=f"error_{spec.name}")
        self.error.setAccessibleName(arg(self.tr("Problem with: %1"), label))

        layout.addWidget(self.label)
        layout.addWidget(self.editor)
        layout.addWidget(self.error)
        layout.addStretch(1)
        _on_edit(self.editor, self.clear_error)

    def text(self) -> str:
        if isinstance(self.editor, QPlainTextEdit):
            return self.editor.toPlainText()
        if isinstance(self.editor, QComboBox):
            # A listed country keeps its code whatever the language it was shown in; "Prefer
            # not to say" (where the country is optional) keeps nothing.
            typed = self.editor.currentText()
            if not _asks_country(self.editor) and _same(typed, _prefer_not_to_say()):
                return ""
            return stored_country(typed)
        return self.editor.text()

    def show_error(self, message: str) -> None:
        self.error.show_text(message)
        self.editor.setAccessibleDescription(message)
        _set_invalid(self.editor, True)

    def clear_error(self) -> None:
        if not self.error.text():
            return
        self.error.show_text("")
        self.editor.setAccessibleDescription("")
        _set_invalid(self.editor, False)
        self.error_cleared.emit()

    def wipe(self) -> None:
        """Empty the field and its undo history: the next person must not be able to undo back."""
        editor = self.editor
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText("")
            editor.document().clearUndoRedoStacks()
        elif isinstance(editor, QComboBox):
            editor.setCurrentIndex(-1)
            editor.setEditText("")  # setText on the line edit beneath, which drops its history
            completer = editor.completer()
            if completer is not None:
                completer.setCompletionPrefix("")
        else:
            editor.setText("")  # unlike clear(), setText leaves nothing to undo
        self.clear_error()


def _make_editor(spec: FieldSpec, placeholder: str, *, required: bool) -> Editor:
    if spec.multiline:
        text = QPlainTextEdit()
        text.setPlaceholderText(placeholder)
        # Tab leaves the box instead of typing a tab, so the form works from the keyboard.
        text.setTabChangesFocus(True)
        return text
    if spec.name == "country":
        return _country_box(
            placeholder or QCoreApplication.translate("FieldBlock", "Type or choose"),
            required=required,
        )
    line = QLineEdit()
    line.setPlaceholderText(placeholder)
    return line


def _prefer_not_to_say() -> str:
    return QCoreApplication.translate("FieldBlock", "Prefer not to say")


def _same(typed: str, shown: str) -> bool:
    return typed.strip().casefold() == shown.casefold()


def _asks_country(box: QComboBox) -> bool:
    """Whether the country box asks for a country (else it offers "Prefer not to say")."""
    return bool(box.property("required"))


def _country_box(placeholder: str, *, required: bool) -> QComboBox:
    """Only a listed country (typing filters the list, in the supporter's language) or, where
    the appeal leaves the country optional, "Prefer not to say" first."""
    box = QComboBox()
    box.setEditable(True)
    box.setProperty("required", required)
    # Typed text must not join the list of choices: it would outlive the signature.
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    if not required:
        box.addItem(_prefer_not_to_say())
    box.addItems(list(country_names()))
    box.setCurrentIndex(-1)
    box.setMaxVisibleItems(8)
    # Size by a typical name, not the longest one, so the box shares a row with the postcode.
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(10)
    line = box.lineEdit()
    assert line is not None
    line.setObjectName("field_country_text")
    line.setAccessibleName(form_text("Country"))
    line.setPlaceholderText(placeholder)
    box.view().setObjectName("field_country_list")
    box.view().setAccessibleName(QCoreApplication.translate("FieldBlock", "Countries"))
    # Suggestions as the supporter types: "king" offers "United Kingdom".
    completer = QCompleter(box.model(), box)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    suggestions = QListView()
    suggestions.setObjectName("field_country_suggestions")
    suggestions.setAccessibleName(QCoreApplication.translate("FieldBlock", "Matching countries"))
    completer.setPopup(suggestions)
    box.setCompleter(completer)
    return box


def _on_edit(editor: Editor, callback: object) -> None:
    if isinstance(editor, QPlainTextEdit):
        editor.textChanged.connect(callback)
    elif isinstance(editor, QComboBox):
        editor.editTextChanged.connect(callback)
    else:
        editor.textEdited.connect(callback)


def _set_invalid(editor: QWidget, invalid: bool) -> None:
    editor.setProperty("invalid", invalid)
    editor.style().unpolish(editor)
    editor.style().polish(editor)
