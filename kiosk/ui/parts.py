"""Small building blocks the screens share: labels, buttons, scroll areas.

Looks live in resources/styles/kiosk.qss; widgets here only carry a `role` property that the
stylesheet selects on, so a screen never hard-codes a colour or a font size.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.ui.wrapping_label import WrappingLabel

# Line spacing for passages of text, relative to the font's own.
LINE_SPACING = 1.35
PARAGRAPH_GAP = 10

# Lines longer than this are hard to follow at arm's length, even on a wide screen.
READING_WIDTH = 880


def text_label(text: str = "", role: str = "body", *, object_name: str = "") -> QLabel:
    label = QLabel(text)
    style_text_label(label, role)
    if object_name:
        label.setObjectName(object_name)
    return label


def reading_label(text: str, role: str = "body", *, object_name: str = "") -> QLabel:
    """A label for passages of text, with the looser line spacing that makes them easy to follow."""
    label = wrapping_label(text, role, object_name=object_name, line_spacing=LINE_SPACING)
    # With looser lines, paragraphs need a wider gap to still read as paragraphs.
    label.setContentsMargins(0, 0, 0, PARAGRAPH_GAP)
    return label


def wrapping_label(
    text: str, role: str = "value", *, object_name: str = "", line_spacing: float = 1.0
) -> QLabel:
    """A label for text nobody here controls the shape of, such as what a supporter typed or a
    link in the appeal: it breaks inside a long word rather than widening the screen."""
    label = WrappingLabel(text, line_spacing=line_spacing)
    style_text_label(label, role)
    if object_name:
        label.setObjectName(object_name)
    return label


def style_text_label(label: QLabel, role: str) -> None:
    """Make a label wrap, take its look from the stylesheet role, and never read HTML.

    Appeal texts come from a file and form values from a stranger; plain text means neither can
    inject markup, links or images into the screen.
    """
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setProperty("role", role)
    label.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)


class ReservedLabel(QLabel):
    """A line for messages that come and go (an inline error, "Wrong PIN", a result) which keeps
    room for `lines` lines of its text, with a message or without: one coming, going or changing
    moves nothing below it, so no button or field moves under a finger. It stays in the layout
    when empty (`show_text("")`): a hidden widget is laid out by other rules than a shown one,
    and the difference, a pixel or two, would move what is below."""

    def __init__(
        self, lines: int, role: str, *, other_role: str = "", object_name: str = ""
    ) -> None:
        super().__init__()
        style_text_label(self, role)
        if object_name:
            self.setObjectName(object_name)
        self._lines = lines
        self._looks = tuple(dict.fromkeys((role, other_role or role)))
        self._measuring = False  # trying each look on sends font changes of its own
        self._room = 0
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # hidden with its screen part (the Cancel row)
        self.setSizePolicy(policy)
        self._reserve()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        restyled = event.type() in (QEvent.Type.StyleChange, QEvent.Type.FontChange)
        if restyled and not self._measuring:
            self._reserve()

    # The room is given as the label's height for its width, as a wrapping label's is: a fixed
    # minimum height would keep the layout from asking for it (and clip other labels).

    def heightForWidth(self, width: int) -> int:
        return max(super().heightForWidth(width), self._room)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), max(hint.height(), self._room))

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(hint.width(), max(hint.height(), self._room))

    def show_text(self, text: str) -> None:
        """Show `text`; "" empties the line, keeping its room."""
        self.setText(text)

    def set_role(self, role: str) -> None:
        """Another look, among `role` and `other_role` (an error's box, say)."""
        set_role(self, role)

    def _reserve(self) -> None:
        # Measured on `lines` lines of text in each look the label may take (its font, and the
        # padding and border a stylesheet gives it), so a change of look moves nothing either.
        self._measuring = True
        self._room = 0
        shown, role = self.text(), str(self.property("role"))
        self.setText("\n".join("X" * self._lines))
        heights = []
        for look in self._looks:
            set_role(self, look)
            # As a layout asks a wrapping label: its height for a width (here, any width wide
            # enough for the probe's lines of one letter).
            heights.append(max(self.sizeHint().height(), self.heightForWidth(READING_WIDTH)))
        set_role(self, role)
        self.setText(shown)
        self._room = max(heights)
        self._measuring = False
        self.updateGeometry()


# Enough rounds for the deepest nesting of layouts on any screen (window, stack, screen, scroll
# page, column, card, row): each round lays out one more level whose size hint changed.
_LAYOUT_ROUNDS = 8


def settle_layouts() -> None:
    """Lay every window out now, and repaint it: after a change of many sizes at once (a new
    look, the form's messages), so that the very next frame shows them in place.

    Layouts hear of new sizes from events Qt posts for later; until the event loop gets to them
    (and some only after the window's next paint) a widget keeps its old size: a button clips
    its text in a new font, a label clips its lines."""
    for _ in range(_LAYOUT_ROUNDS):
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    for window in QApplication.topLevelWidgets():
        if window.isVisible():
            window.update()


def set_role(widget: QWidget, role: str) -> None:
    """Change the stylesheet role of a widget and make the new look take effect, its padding
    and border included: a repolish alone leaves a label's contents margins as they were (an
    error box's text then touches its border), until the widget is told its style changed."""
    widget.setProperty("role", role)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    QCoreApplication.sendEvent(widget, QEvent(QEvent.Type.StyleChange))


def action_button(
    text: str, object_name: str, *, primary: bool = False, accessible_name: str = ""
) -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(object_name)
    button.setAccessibleName(accessible_name or text)
    button.setProperty("role", "primary" if primary else "secondary")
    # Outside a dialog Qt buttons ignore Enter; a keyboard user expects Enter to press them.
    button.setAutoDefault(True)
    button.setSizePolicy(QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Fixed)
    return button


def reading_column(
    object_name: str, accessible_name: str, *, keep_scroll_bar: bool = False
) -> tuple[QScrollArea, QVBoxLayout]:
    """A vertically scrolling page whose content is centred at a comfortable reading width.

    Returns the scroll area to place on the screen and the column layout to fill.
    `keep_scroll_bar`: the scroll bar's room is kept even when the page fits, for a page whose
    length changes by itself (a status line): the bar coming or going would shift the whole
    column sideways under a finger.
    """
    page = QWidget()
    page.setObjectName(f"{object_name}_page")
    # The scroll area sizes the page by its height for the actual width. Left at its default,
    # the page's minimum height would be that of the narrowest possible width, adding a long
    # blank stretch below the text.
    page.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Ignored)
    row = QHBoxLayout(page)
    row.setContentsMargins(32, 28, 32, 28)
    column_widget = QWidget()
    column_widget.setMaximumWidth(READING_WIDTH)
    column = QVBoxLayout(column_widget)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(18)
    row.addStretch(1)
    row.addWidget(column_widget, 100)
    row.addStretch(1)

    area = QScrollArea()
    area.setObjectName(object_name)
    area.setAccessibleName(accessible_name)
    area.setWidget(page)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if keep_scroll_bar:
        area.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
    scroll_bar = area.verticalScrollBar()
    scroll_bar.setObjectName(f"{object_name}_bar")
    scroll_bar.setAccessibleName(QCoreApplication.translate("parts", "Scroll the page"))
    scroll_by_touch(area.viewport())
    return area, column


def scroll_by_touch(viewport: QWidget) -> None:
    """A finger drag scrolls the page on a touch screen, as people expect from a tablet."""
    # The gesture moves the scroller of the widget it starts on, if that has one when the finger
    # lands: made here, it goes with the viewport.
    QScroller.scroller(viewport)
    viewport.grabGesture(page_scroll_gesture())
    viewport.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)


# Holds the page-scroll gesture's registration for as long as the process runs. Not a child of
# the application: Qt deletes its gesture manager before the application's children, and a
# scroller deleted after that crashes on the way out.
_gesture_holder: QObject | None = None


def page_scroll_gesture() -> Qt.GestureType:
    """The touch-scroll gesture every page grabs, registered once.

    `QScroller.grabGesture` registers a new recognizer under a new gesture type at every call,
    and both outlive the page (Qt keeps the recognizer, PySide a new enum object for the new
    type). The form and review screens are built anew for each supporter, so a grab per page
    grew memory with every signature; one recognizer serves every page instead.
    """
    global _gesture_holder
    if _gesture_holder is None:
        _gesture_holder = QObject()
        _gesture_holder.setObjectName("page_scroll_gesture")
        return QScroller.grabGesture(_gesture_holder, QScroller.ScrollerGestureType.TouchGesture)
    return QScroller.grabbedGesture(_gesture_holder)


def card(
    object_name: str,
    title: str | None = None,
    *,
    margins: tuple[int, int] = (28, 24),
    spacing: int | None = 14,
) -> tuple[QFrame, QVBoxLayout]:
    """A card: a framed block (role "card", drawn by the stylesheet) and the column inside it,
    `margins` (horizontal, vertical) from its frame, `spacing` between its rows (None: the
    style's), with `title` as its section heading."""
    frame = QFrame()
    frame.setObjectName(object_name)
    frame.setProperty("role", "card")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(margins[0], margins[1], margins[0], margins[1])
    if spacing is not None:
        layout.setSpacing(spacing)
    if title is not None:
        layout.addWidget(text_label(title, "section"))
    return frame, layout


def action_bar(object_name: str) -> tuple[QFrame, QHBoxLayout]:
    """The strip at the bottom of a screen that keeps its main buttons always in reach."""
    bar = QFrame()
    bar.setObjectName(object_name)
    bar.setProperty("role", "action_bar")
    layout = QHBoxLayout(bar)
    layout.setContentsMargins(32, 16, 32, 16)
    layout.setSpacing(20)
    return bar, layout


def screen_layout(widget: QWidget) -> QVBoxLayout:
    layout = QVBoxLayout(widget)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    return layout
