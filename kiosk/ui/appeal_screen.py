"""The first screen: the appeal itself, how many have signed here, and one big "Sign" button."""

from __future__ import annotations

from PySide6.QtCore import QDate, QLocale, Signal
from PySide6.QtWidgets import QFrame, QProgressBar, QVBoxLayout, QWidget

from kiosk.appeal import Appeal, Update
from kiosk.ui.parts import (
    action_bar,
    action_button,
    reading_column,
    reading_label,
    screen_layout,
    text_label,
)


class AppealScreen(QWidget):
    sign_requested = Signal()

    def __init__(self, appeal: Appeal, *, signed_count: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("appeal_screen")
        self._appeal = appeal
        self._locale = QLocale(appeal.language)
        layout = screen_layout(self)

        self._scroll, column = reading_column("appeal_scroll", "The appeal")
        self._fill(column, appeal)
        layout.addWidget(self._scroll, 1)

        bar, bar_layout = action_bar("appeal_actions")
        tally = QVBoxLayout()
        tally.setSpacing(8)
        self._counter = text_label(role="counter", object_name="signature_counter")
        tally.addWidget(self._counter)
        self._progress: QProgressBar | None = None
        if appeal.goal is not None:
            self._progress = QProgressBar()
            self._progress.setObjectName("goal_progress")
            self._progress.setAccessibleName("Progress towards the goal")
            self._progress.setRange(0, appeal.goal)
            self._progress.setTextVisible(False)
            tally.addWidget(self._progress)
            goal = self._locale.toString(appeal.goal)
            tally.addWidget(text_label(f"Goal: {goal} signatures", "hint", object_name="goal"))
        bar_layout.addLayout(tally, 1)
        self.sign_button = action_button(
            "Sign the petition", "sign_button", primary=True, accessible_name="Sign the petition"
        )
        self.sign_button.setProperty("large", True)
        self.sign_button.clicked.connect(self.sign_requested)
        bar_layout.addWidget(self.sign_button)
        layout.addWidget(bar)

        self.set_signed_count(signed_count)
        self.setFocusProxy(self.sign_button)

    def set_signed_count(self, count: int, *, campaign_wide: bool = False) -> None:
        """Show how many have signed: on this kiosk, or (`campaign_wide`) everywhere."""
        number = self._locale.toString(count)
        if campaign_wide:
            if count == 0:
                text = "Be the first to sign."
            elif count == 1:
                text = "1 person has signed so far."
            else:
                text = f"{number} people have signed so far."
        elif count == 0:
            text = "Be the first to sign on this kiosk."
        elif count == 1:
            text = "1 person has signed on this kiosk."
        else:
            text = f"{number} people have signed on this kiosk."
        self._counter.setText(text)
        self._counter.setAccessibleName(text)
        if self._progress is not None:
            self._progress.setValue(min(count, self._progress.maximum()))

    def scroll_to_top(self) -> None:
        self._scroll.verticalScrollBar().setValue(0)

    def _fill(self, column: QVBoxLayout, appeal: Appeal) -> None:
        column.addWidget(text_label(appeal.title, "title", object_name="appeal_title"))
        column.addWidget(text_label(f"To: {appeal.target}", "meta", object_name="appeal_target"))
        column.addWidget(
            text_label(f"Started by {appeal.author}", "meta", object_name="appeal_author")
        )
        column.addSpacing(8)
        for index, paragraph in enumerate(appeal.paragraphs):
            column.addWidget(reading_label(paragraph, object_name=f"appeal_paragraph_{index}"))

        column.addSpacing(12)
        letter = QFrame()
        letter.setObjectName("appeal_letter")
        letter.setProperty("role", "card")
        letter_layout = QVBoxLayout(letter)
        letter_layout.setContentsMargins(28, 24, 28, 24)
        letter_layout.setSpacing(14)
        letter_layout.addWidget(text_label("The letter you sign", "section"))
        letter_layout.addWidget(text_label(appeal.letter.salutation, "letter_salutation"))
        for paragraph in _paragraphs(appeal.letter.text):
            letter_layout.addWidget(reading_label(paragraph, "letter"))
        letter_layout.addWidget(
            text_label("Your name, and your own comment if you add one, go below it.", "hint")
        )
        column.addWidget(letter)

        if appeal.updates:
            column.addSpacing(12)
            column.addWidget(text_label("Updates", "section", object_name="appeal_updates"))
            for update in appeal.updates:
                column.addWidget(text_label(self._update_heading(update), "update_date"))
                for paragraph in _paragraphs(update.text):
                    column.addWidget(reading_label(paragraph))
        column.addStretch(1)

    def _update_heading(self, update: Update) -> str:
        parts = [int(p) for p in update.date.split("-")]
        if len(parts) == 2:
            when = self._locale.toString(QDate(parts[0], parts[1], 1), "MMMM yyyy")
        else:
            when = self._locale.toString(QDate(parts[0], parts[1], parts[2]), "d MMMM yyyy")
        return f"Update {update.number} · {when}"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]
