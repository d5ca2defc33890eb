"""The form: the supporter's details, the consent, and messages saying how to fix each problem.

The screen only collects text and ticks. `kiosk.petition.form.validate` decides what is acceptable;
this screen shows its messages and, once it accepts, hands the `Submission` on through `submitted`.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from kiosk.petition.appeal import Appeal
from kiosk.petition.form import FIELDS, validate
from kiosk.ui import parts
from kiosk.ui.consent_row import ConsentRow
from kiosk.ui.field_block import FieldBlock
from kiosk.ui.i18n import arg, message_text
from kiosk.ui.parts import (
    ReservedLabel,
    action_bar,
    action_button,
    reading_column,
    screen_layout,
    settle_layouts,
    text_label,
)
from kiosk.ui.signature_pad import SignaturePad

# Fields that share a row when the appeal asks for both; the rest take a row of their own.
# Relative widths: a postcode is short, a country name can be long.
_PAIRS = {"first_name": ("last_name", 1, 1), "postcode": ("country", 2, 3)}
_ENTER_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class SignScreen(QWidget):
    back_requested = Signal()
    submitted = Signal(object)  # a kiosk.petition.form.Submission

    def __init__(self, appeal: Appeal, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sign_screen")
        self._appeal = appeal
        layout = screen_layout(self)
        self._scroll, column = reading_column("sign_scroll", self.tr("Your details"))
        # Tab goes from field to field and the page follows; the page itself needs no stop.
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        layout.addWidget(self._scroll, 1)

        column.addWidget(text_label(self.tr("Add your name"), "title", object_name="sign_title"))
        column.addWidget(
            text_label(arg(self.tr("Your signature goes to %1."), appeal.target), "meta")
        )
        column.addSpacing(4)
        self._blocks = {
            name: FieldBlock(
                FIELDS[name],
                required=name in appeal.required,
                placeholder=appeal.letter.comment_prompt if name == "comment" else "",
            )
            for name in appeal.asked
        }
        self._place_fields(column)
        for block in self._blocks.values():
            block.error_cleared.connect(self._recount)
        # The appeal may ask for a signature drawn by finger, pen or mouse.
        self.signature_pad: SignaturePad | None = None
        if appeal.drawn_signature != "none":
            self.signature_pad = SignaturePad(required=appeal.drawn_signature == "required")
            column.addSpacing(8)
            column.addWidget(self.signature_pad)
            self.signature_pad.error_cleared.connect(self._recount)

        column.addSpacing(8)
        column.addWidget(self._consent_card(appeal))
        column.addStretch(1)

        bar, bar_layout = action_bar("sign_actions")
        # Going back forgets what was typed (nothing outlives the form): the button says so.
        self.back_button = action_button(
            self.tr("Clear and go back"),
            "back_button",
            accessible_name=self.tr("Clear what you typed and go back to the appeal"),
        )
        self.continue_button = action_button(
            self.tr("Continue"),
            "continue_button",
            primary=True,
            accessible_name=self.tr("Continue to review"),
        )
        # Two lines, within the height of the buttons beside it: the bar never grows.
        self._summary = ReservedLabel(2, "error", object_name="form_error_summary")
        self._summary.setAccessibleName(self.tr("Problems to fix"))
        self._summary.show_text("")
        bar_layout.addWidget(self.back_button)
        bar_layout.addWidget(self._summary, 1)
        bar_layout.addStretch(0)
        bar_layout.addWidget(self.continue_button)
        layout.addWidget(bar)

        self.back_button.clicked.connect(self.back_requested)
        self.continue_button.clicked.connect(self.try_continue)
        self._wire_keyboard()

    def focus_first_field(self) -> None:
        self._scroll.verticalScrollBar().setValue(0)
        first = next(iter(self._blocks.values()))
        first.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def try_continue(self) -> None:
        raw = {name: block.text() for name, block in self._blocks.items()}
        result = validate(
            self._appeal,
            raw,
            terms_accepted=self.terms.isChecked(),
            updates_opt_in=self.updates is not None and self.updates.isChecked(),
            drawing=self.signature_pad.drawing() if self.signature_pad else None,
        )
        for name, block in self._blocks.items():
            if name in result.errors:
                block.show_error(message_text(result.errors[name]))
            else:
                block.clear_error()
        if self.signature_pad is not None:
            if "drawn_signature" in result.errors:
                self.signature_pad.show_problem(result.errors["drawn_signature"])
            else:
                self.signature_pad.clear_error()
        if "terms" in result.errors:
            self._terms_error.show_text(message_text(result.errors["terms"]))
        else:
            self._terms_error.show_text("")
        if result.submission is not None:
            self._summary.show_text("")
            self.submitted.emit(result.submission)
            return
        count = len(result.errors)
        self._summary.show_text(self.tr("Please fix the %n problem(s) marked above.", "", count))
        settle_layouts()  # every message in place before the first problem is scrolled to
        self._focus_first_problem(result.errors)

    def wipe(self) -> None:
        """Forget everything entered, including undo history and error messages."""
        for block in self._blocks.values():
            block.wipe()
        if self.signature_pad is not None:
            self.signature_pad.clear()
        self.terms.setChecked(False)
        if self.updates is not None:
            self.updates.setChecked(False)
        self._terms_error.show_text("")
        self._summary.show_text("")

    def _place_fields(self, column: QVBoxLayout) -> None:
        placed: set[str] = set()
        for name, block in self._blocks.items():
            if name in placed:
                continue
            partner, left, right = _PAIRS.get(name, ("", 1, 1))
            if partner in self._blocks:
                row = QHBoxLayout()
                row.setSpacing(24)
                row.addWidget(block, left)
                row.addWidget(self._blocks[partner], right)
                column.addLayout(row)
                placed.add(partner)
            else:
                column.addWidget(block)

    def _consent_card(self, appeal: Appeal) -> QFrame:
        card, layout = parts.card("consent_card", self.tr("Your consent"))
        terms = ConsentRow(
            appeal.consent.terms,
            object_name="consent_terms",
            accessible_name=self.tr("I agree to the terms"),
        )
        self.terms: QCheckBox = terms.checkbox
        self._terms_row = terms
        layout.addWidget(terms)
        # Its room kept: ticking the box takes the message away without moving the box below.
        self._terms_error = ReservedLabel(1, "error", object_name="error_terms")
        self._terms_error.setAccessibleName(self.tr("Problem with the consent"))
        self._terms_error.show_text("")
        layout.addWidget(self._terms_error)
        self.terms.toggled.connect(self._terms_toggled)
        privacy = text_label(appeal.consent.privacy_notice, "hint", object_name="privacy_notice")
        privacy.setAccessibleName(self.tr("Privacy notice"))
        layout.addWidget(privacy)
        if appeal.organiser is not None:
            controller = text_label(
                arg(
                    self.tr("Collected by %1, who decides what happens to it. Contact: %2"),
                    appeal.organiser.name,
                    appeal.organiser.contact,
                ),
                "hint",
                object_name="privacy_controller",
            )
            controller.setAccessibleName(self.tr("Who collects your signature"))
            layout.addWidget(controller)

        self.updates: QCheckBox | None = None
        if appeal.consent.updates is not None:
            updates = ConsentRow(
                appeal.consent.updates,
                object_name="consent_updates",
                accessible_name=self.tr("Email me updates (optional)"),
            )
            self.updates = updates.checkbox
            layout.addSpacing(6)
            layout.addWidget(updates)
        return card

    def _terms_toggled(self, ticked: bool) -> None:
        if ticked and self._terms_error.text():
            self._terms_error.show_text("")
            self._recount()

    def _recount(self) -> None:
        """The summary counts the problems still shown: one fixed, one fewer; none, no summary."""
        if not self._summary.text():
            return
        pad = self.signature_pad
        shown = [block.error.text() for block in self._blocks.values()]
        shown += [self._terms_error.text(), pad.error.text() if pad is not None else ""]
        count = sum(1 for text in shown if text)
        self._summary.show_text(
            self.tr("Please fix the %n problem(s) marked above.", "", count) if count else ""
        )

    def _wire_keyboard(self) -> None:
        """Tab follows the page; Enter moves to the next field, and from a tick box continues."""
        editors: list[QWidget] = [block.editor for block in self._blocks.values()]
        boxes: list[QWidget] = [self.terms, *([self.updates] if self.updates else [])]
        pad: list[QWidget] = [self.signature_pad.clear_button] if self.signature_pad else []
        chain = [*editors, *pad, *boxes, self.back_button, self.continue_button]
        for before, after in pairwise(chain):
            QWidget.setTabOrder(before, after)

        # Enter in the comment starts a new line; everywhere else it moves the supporter on.
        self._enter_moves_to: dict[QObject, QWidget] = {
            editor: following
            for editor, following in pairwise([*editors, self.terms])
            if not isinstance(editor, QPlainTextEdit)
        }
        self._enter_continues: set[QObject] = set(boxes)
        for widget in [*self._enter_moves_to, *self._enter_continues]:
            widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in _ENTER_KEYS
        ):
            if watched in self._enter_moves_to:
                following = self._enter_moves_to[watched]
                following.setFocus(Qt.FocusReason.TabFocusReason)
                self._scroll.ensureWidgetVisible(following, 0, 80)
                return True
            if watched in self._enter_continues:
                self.try_continue()
                return True
        return super().eventFilter(watched, event)

    def _focus_first_problem(self, errors: Mapping[str, str]) -> None:
        for name, block in self._blocks.items():
            if name in errors:
                self._scroll.ensureWidgetVisible(block, 0, 40)
                block.editor.setFocus(Qt.FocusReason.OtherFocusReason)
                return
        if "drawn_signature" in errors and self.signature_pad is not None:
            self._scroll.ensureWidgetVisible(self.signature_pad, 0, 40)
            self.signature_pad.clear_button.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        self._scroll.ensureWidgetVisible(self._terms_row, 0, 80)
        self.terms.setFocus(Qt.FocusReason.OtherFocusReason)
