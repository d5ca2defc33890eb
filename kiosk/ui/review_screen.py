"""Review and confirm: what will be signed, exactly as it will be sealed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from kiosk.petition.appeal import Appeal
from kiosk.petition.form import FIELDS, Submission
from kiosk.petition.strokes import Drawing
from kiosk.ui import parts
from kiosk.ui.countries import shown_country
from kiosk.ui.i18n import arg, form_text
from kiosk.ui.ink import SignaturePreview
from kiosk.ui.parts import (
    action_bar,
    action_button,
    reading_column,
    reading_label,
    screen_layout,
    text_label,
    wrapping_label,
)


class ReviewScreen(QWidget):
    edit_requested = Signal()
    confirm_requested = Signal()

    def __init__(self, appeal: Appeal, submission: Submission, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("review_screen")
        self.submission = submission
        layout = screen_layout(self)
        scroll, column = reading_column("review_scroll", self.tr("Check and confirm"))
        layout.addWidget(scroll, 1)

        column.addWidget(
            text_label(self.tr("Check and confirm"), "title", object_name="review_title")
        )
        column.addWidget(
            text_label(
                arg(self.tr("This is what you are about to sign, to %1."), appeal.target), "meta"
            )
        )
        self._failure = text_label(role="failure", object_name="record_error")
        self._failure.setAccessibleName(self.tr("Your signature was not saved"))
        self._failure.hide()
        column.addWidget(self._failure)
        self._values: list[QLabel] = []
        column.addWidget(self._details_card(appeal, submission))
        column.addWidget(self._letter_card(appeal))
        self._drawn: SignaturePreview | None = None
        if submission.drawing is not None:
            column.addWidget(self._drawing_card(submission.drawing))
        column.addWidget(self._consent_card(appeal, submission))
        column.addStretch(1)

        bar, bar_layout = action_bar("review_actions")
        self.edit_button = action_button(
            self.tr("Edit"), "edit_button", accessible_name=self.tr("Edit your details")
        )
        self.confirm_button = action_button(
            self.tr("Confirm and sign"),
            "confirm_button",
            primary=True,
            accessible_name=self.tr("Confirm and sign"),
        )
        bar_layout.addWidget(self.edit_button)
        bar_layout.addStretch(1)
        bar_layout.addWidget(self.confirm_button)
        layout.addWidget(bar)
        QWidget.setTabOrder(self.edit_button, self.confirm_button)
        self.setFocusProxy(self.confirm_button)

        self.edit_button.clicked.connect(self.edit_requested)
        self.confirm_button.clicked.connect(self.confirm_requested)

    def show_failure(self, message: str) -> None:
        self._failure.setText(arg(self.tr("Your signature was not saved. %1"), message))
        self._failure.show()
        self.confirm_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def wipe(self) -> None:
        """Blank every label that shows an entered value, so nothing outlives the screen."""
        for label in self._values:
            label.clear()
        self._failure.clear()
        if self._drawn is not None:
            self._drawn.clear()

    def _details_card(self, appeal: Appeal, submission: Submission) -> QFrame:
        card, card_layout = parts.card("review_details", self.tr("Your details"))
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(14)
        grid.setColumnStretch(1, 1)
        for row, name in enumerate(appeal.asked):
            spec = FIELDS[name]
            value = submission.fields.get(name, "")
            if name == "country":
                value = shown_country(value)  # "Germania" to whom chose it so, kept as "Germany"
            # Drawn by the same kind of label as the value, so the two share a baseline.
            caption = wrapping_label(form_text(spec.label), "review_label")
            grid.addWidget(caption, row, 0, Qt.AlignmentFlag.AlignTop)
            shown = self._value_label(value or self.tr("Not given"), f"review_{name}")
            shown.setProperty("role", "value" if value else "value_missing")
            grid.addWidget(shown, row, 1)
        card_layout.addLayout(grid)
        return card

    def _letter_card(self, appeal: Appeal) -> QFrame:
        """The letter the name goes under, in the language it is signed in."""
        card, card_layout = parts.card("review_letter", self.tr("The letter you sign"))
        card_layout.addWidget(text_label(appeal.letter.salutation, "letter_salutation"))
        for paragraph in appeal.letter.paragraphs:
            card_layout.addWidget(reading_label(paragraph, "letter"))
        return card

    def _consent_card(self, appeal: Appeal, submission: Submission) -> QFrame:
        card, card_layout = parts.card("review_consent", self.tr("Your consent"))
        card_layout.addWidget(
            text_label(self.tr("✓  You agree to the terms."), "value", object_name="review_terms")
        )
        if appeal.consent.updates is not None:
            text = (
                self.tr("✓  Send me email updates.")
                if submission.updates_opt_in
                else self.tr("✗  No email updates.")
            )
            card_layout.addWidget(self._value_label(text, "review_updates"))
        return card

    def _drawing_card(self, drawing: Drawing) -> QFrame:
        card, card_layout = parts.card("review_drawing", self.tr("Your signature"))
        self._drawn = SignaturePreview(drawing)
        card_layout.addWidget(self._drawn)
        return card

    def _value_label(self, text: str, object_name: str) -> QLabel:
        label = wrapping_label(text, "value", object_name=object_name)
        self._values.append(label)
        return label
