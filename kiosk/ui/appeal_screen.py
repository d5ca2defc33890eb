"""The first screen: the appeal itself, how many have signed here, and one big "Sign" button.

Above the appeal, the supporter's own choices: the language, the text size and high contrast.
They apply at once and last until the next person (the window resets them).
"""

from __future__ import annotations

from PySide6.QtCore import QDate, QEvent, QLocale, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.petition.appeal import Appeal, Update
from kiosk.ui import parts
from kiosk.ui.i18n import Languages, Retranslated, arg
from kiosk.ui.look import Look
from kiosk.ui.parts import (
    action_bar,
    action_button,
    reading_column,
    reading_label,
    screen_layout,
    text_label,
)


class AppealScreen(Retranslated, QWidget):
    sign_requested = Signal()

    def __init__(
        self,
        appeal: Appeal,
        *,
        signed_count: int | None,
        languages: Languages | None = None,
        look: Look | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("appeal_screen")
        self._appeal = appeal
        self._languages = languages
        self._look = look
        self._count: tuple[int | None, bool] = (signed_count, False)
        layout = screen_layout(self)
        self._language_buttons: dict[str, QPushButton] = {}
        self._contrast_button: QPushButton | None = None
        self._larger: QPushButton | None = None
        self._smaller: QPushButton | None = None
        if languages is not None or look is not None:
            layout.addWidget(self._choices())

        self._scroll, self._column = reading_column("appeal_scroll", "")
        self._content: QWidget | None = None
        self._filled_in: str | None = None  # the language the appeal's text is shown in
        layout.addWidget(self._scroll, 1)

        bar, bar_layout = action_bar("appeal_actions")
        tally = QVBoxLayout()
        tally.setSpacing(8)
        self._counter = text_label(role="counter", object_name="signature_counter")
        tally.addWidget(self._counter)
        self._progress: QProgressBar | None = None
        self._goal = text_label(role="hint", object_name="goal")
        if appeal.goal is not None:
            self._progress = QProgressBar()
            self._progress.setObjectName("goal_progress")
            self._progress.setRange(0, appeal.goal)
            self._progress.setTextVisible(False)
            tally.addWidget(self._progress)
            tally.addWidget(self._goal)
        bar_layout.addLayout(tally, 1)
        self.sign_button = action_button("", "sign_button", primary=True)
        self.sign_button.setProperty("large", True)
        self.sign_button.clicked.connect(self.sign_requested)
        bar_layout.addWidget(self.sign_button)
        layout.addWidget(bar)

        self._retranslate()
        self.setFocusProxy(self.sign_button)
        if languages is not None:
            languages.changed.connect(self._show_language)
        if look is not None:
            look.changed.connect(self._show_look)
            self._show_look()

    @property
    def shown_appeal(self) -> Appeal:
        """The appeal as it reads now, in the chosen language."""
        return self._appeal.in_language(self._current_language())

    def _current_language(self) -> str:
        return self._languages.current if self._languages is not None else self._appeal.language

    def set_signed_count(self, count: int, *, campaign_wide: bool = False) -> None:
        """Show how many have signed: on this kiosk, or (`campaign_wide`) everywhere."""
        self._count = (count, campaign_wide)
        if campaign_wide:
            text = (
                self.tr("Be the first to sign.")
                if count == 0
                else self.tr("%Ln person(s) signed so far.", "", count)
            )
        elif count == 0:
            text = self.tr("Be the first to sign on this kiosk.")
        else:
            text = self.tr("%Ln person(s) signed on this kiosk.", "", count)
        self._counter.setText(text)
        self._counter.setAccessibleName(text)
        if self._progress is not None:
            self._progress.setValue(min(count, self._progress.maximum()))

    def scroll_to_top(self) -> None:
        self._scroll.verticalScrollBar().setValue(0)

    # The supporter's choices.

    def _choices(self) -> QFrame:
        languages: list[QPushButton] = []
        if self._languages is not None and len(self._languages.available) > 1:
            for code, name in self._languages.available.items():
                # Each language is named in itself, so it is found by those who read it.
                button = _choice(name, f"language_{code}", checkable=True)
                button.setAccessibleName(name)
                button.clicked.connect(lambda _=False, c=code: self._choose_language(c))
                self._language_buttons[code] = button
                languages.append(button)
        looks: list[QPushButton] = []
        if self._look is not None:
            self._smaller = _choice("A\u2212", "text_smaller")
            self._larger = _choice("A+", "text_larger")
            self._contrast_button = _choice("", "high_contrast", checkable=True)
            self._smaller.clicked.connect(self._look.smaller)
            self._larger.clicked.connect(self._look.larger)
            self._contrast_button.toggled.connect(self._look.set_high_contrast)
            looks = [self._smaller, self._larger, self._contrast_button]
        return ChoiceBar(languages, looks)

    def _choose_language(self, code: str) -> None:
        if self._languages is not None:
            self._languages.switch(code)
        self._show_language()

    def _show_language(self) -> None:
        current = self._current_language()
        for code, button in self._language_buttons.items():
            button.setChecked(code == current)

    def _show_look(self) -> None:
        look = self._look
        if look is None or self._smaller is None or self._larger is None:
            return
        self._smaller.setEnabled(look.can_shrink)
        self._larger.setEnabled(look.can_grow)
        if self._contrast_button is not None:
            self._contrast_button.blockSignals(True)
            self._contrast_button.setChecked(look.high_contrast)
            self._contrast_button.blockSignals(False)

    # Texts.

    def _retranslate(self) -> None:
        appeal = self.shown_appeal
        self._locale = QLocale(appeal.language)
        self._scroll.setAccessibleName(self.tr("The appeal"))
        self.sign_button.setText(self.tr("Sign the petition"))
        self.sign_button.setAccessibleName(self.tr("Sign the petition"))
        if self._smaller is not None and self._larger is not None:
            self._smaller.setAccessibleName(self.tr("Smaller text"))
            self._larger.setAccessibleName(self.tr("Larger text"))
        if self._contrast_button is not None:
            self._contrast_button.setText(self.tr("High contrast"))
            self._contrast_button.setAccessibleName(self.tr("High contrast"))
        if self._progress is not None and appeal.goal is not None:
            self._progress.setAccessibleName(self.tr("Progress towards the goal"))
            self._goal.setText(self.tr("Goal: %Ln signature(s)", "", appeal.goal))
        count, campaign_wide = self._count
        if count is not None:
            self.set_signed_count(count, campaign_wide=campaign_wide)
        else:  # not known yet: the vault is still opening (a second or so after the first paint)
            text = self.tr("Counting the signatures…")
            self._counter.setText(text)
            self._counter.setAccessibleName(text)
        self._show_language()
        # Qt also sends LanguageChange when a catalog is merely reinstalled: rebuild only when
        # the language did change.
        if self._filled_in != self._current_language():
            self._fill(appeal)

    def _fill(self, appeal: Appeal) -> None:
        """(Re)build the appeal's text in its language; the scroll position goes back to the top."""
        if self._content is not None:
            self._column.removeWidget(self._content)
            self._content.hide()
            self._content.setParent(None)  # out of the screen at once, deleted soon after
            self._content.deleteLater()
        content = QWidget()
        content.setObjectName("appeal_content")
        column = QVBoxLayout(content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(18)
        column.addWidget(text_label(appeal.title, "title", object_name="appeal_title"))
        column.addWidget(
            text_label(arg(self.tr("To: %1"), appeal.target), "meta", object_name="appeal_target")
        )
        column.addWidget(
            text_label(
                arg(self.tr("Started by %1"), appeal.author),
                "meta",
                object_name="appeal_author",
            )
        )
        dates = self._dates(appeal)
        if dates:
            column.addWidget(text_label(dates, "meta", object_name="appeal_dates"))
        column.addSpacing(8)
        for index, paragraph in enumerate(appeal.paragraphs):
            column.addWidget(reading_label(paragraph, object_name=f"appeal_paragraph_{index}"))

        column.addSpacing(12)
        letter, letter_layout = parts.card("appeal_letter", self.tr("The letter you sign"))
        letter_layout.addWidget(text_label(appeal.letter.salutation, "letter_salutation"))
        for paragraph in appeal.letter.paragraphs:
            letter_layout.addWidget(reading_label(paragraph, "letter"))
        letter_layout.addWidget(
            text_label(
                self.tr("Your name, and your own comment if you add one, go below it."), "hint"
            )
        )
        column.addWidget(letter)

        if appeal.updates:
            column.addSpacing(12)
            column.addWidget(
                text_label(self.tr("Updates"), "section", object_name="appeal_updates")
            )
            for update in appeal.updates:
                column.addWidget(text_label(self._update_heading(update), "update_date"))
                for paragraph in _paragraphs(update.text):
                    column.addWidget(reading_label(paragraph))
        self._content = content
        self._filled_in = self._current_language()
        self._column.insertWidget(0, content)
        content.show()  # at once: a layout would only show it from the event loop
        if self._column.count() == 1:
            self._column.addStretch(1)

    def _update_heading(self, update: Update) -> str:
        return arg(self.tr("Update %1 · %2"), update.number, self._when(update.date))

    def _dates(self, appeal: Appeal) -> str:
        """When the appeal started and was last updated, so an old appeal reads as old."""
        started, updated = appeal.started, appeal.last_updated
        if started and updated:
            return arg(
                self.tr("Started %1 · last updated %2"), self._when(started), self._when(updated)
            )
        if started:
            return arg(self.tr("Started %1"), self._when(started))
        if updated:
            return arg(self.tr("Last updated %1"), self._when(updated))
        return ""

    def _when(self, date: str) -> str:
        """A "YYYY-MM" or "YYYY-MM-DD" date in the language on screen: "April 2017"."""
        parts = [int(p) for p in date.split("-")]
        if len(parts) == 2:
            return self._locale.toString(QDate(parts[0], parts[1], 1), "MMMM yyyy")
        return self._locale.toString(QDate(parts[0], parts[1], parts[2]), "d MMMM yyyy")


class ChoiceBar(QFrame):
    """The languages on the left, text size and contrast on the right; on two lines when one
    line is too narrow for them (upright, or in a long language)."""

    def __init__(self, languages: list[QPushButton], looks: list[QPushButton]) -> None:
        super().__init__()
        self.setObjectName("appeal_choices")
        self.setProperty("role", "tool_bar")
        self._languages = languages
        self._looks = looks
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(32, 12, 32, 12)
        self._grid.setHorizontalSpacing(12)
        self._grid.setVerticalSpacing(10)
        self._two_lines: bool | None = None
        self._arrange(two_lines=False)

    def _needed_width(self) -> int:
        buttons = [*self._languages, *self._looks]
        margins = self._grid.contentsMargins()
        spacing = self._grid.horizontalSpacing() * len(buttons)
        return (
            sum(b.sizeHint().width() for b in buttons) + spacing + margins.left() + margins.right()
        )

    def _arrange(self, *, two_lines: bool) -> None:
        if two_lines == self._two_lines:
            return
        self._two_lines = two_lines
        for button in [*self._languages, *self._looks]:
            self._grid.removeWidget(button)
        for column in range(self._grid.columnCount()):
            self._grid.setColumnStretch(column, 0)
        for column, button in enumerate(self._languages):
            self._grid.addWidget(button, 0, column)
        gap = len(self._languages)
        self._grid.setColumnStretch(gap, 1)
        row = 1 if two_lines else 0
        start = 0 if two_lines else gap + 1
        for offset, button in enumerate(self._looks):
            self._grid.addWidget(button, row, start + offset)
        if two_lines:
            self._grid.setColumnStretch(gap, 0)
            self._grid.setColumnStretch(max(gap, len(self._looks)) + 1, 1)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._arrange(two_lines=self._needed_width() > self.width())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.LanguageChange, QEvent.Type.StyleChange):
            self._arrange(two_lines=self._needed_width() > self.width())


def _choice(text: str, object_name: str, *, checkable: bool = False) -> QPushButton:
    button = action_button(text, object_name)
    button.setProperty("role", "choice")
    button.setCheckable(checkable)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return button


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]
