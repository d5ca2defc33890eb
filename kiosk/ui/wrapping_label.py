"""A plain-text label that always fits its width, with optional looser line spacing.

QLabel breaks lines only between words, so one long unbroken run (an email address, a pasted
link, a row of emoji) makes it as wide as that run and pushes the screen sideways. This label
lays its text out itself and breaks inside a word when the word does not fit on a line.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QSize
from PySide6.QtGui import QPainter, QPaintEvent, QTextLayout, QTextOption
from PySide6.QtWidgets import QLabel, QWidget

# The narrowest the label asks to be; below this even short words would be cut up.
MINIMUM_WIDTH = 160
# How wide it would like to be when nothing constrains it.
PREFERRED_WIDTH = 640


class WrappingLabel(QLabel):
    def __init__(self, text: str = "", *, line_spacing: float = 1.0, parent: QWidget | None = None):
        super().__init__(text, parent)
        self._line_spacing = line_spacing
        self._cache_key: tuple[str, str, int] | None = None
        self._cache: dict[int, tuple[QTextLayout, int]] = {}
        # Tells layouts to ask heightForWidth; the wrapping itself is done here.
        self.setWordWrap(True)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        margins = self.contentsMargins()
        inner = max(1, width - margins.left() - margins.right())
        return self._height(inner) + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:
        margins = self.contentsMargins()
        natural = self.fontMetrics().horizontalAdvance(self.text()) + 1
        width = min(natural, PREFERRED_WIDTH) + margins.left() + margins.right()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        width = min(self.sizeHint().width(), MINIMUM_WIDTH)
        return QSize(width, self.heightForWidth(width))

    def paintEvent(self, event: QPaintEvent) -> None:
        area = self.contentsRect()
        layout, _ = self._laid_out(area.width())
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        layout.draw(painter, QPointF(area.topLeft()))

    def _height(self, width: int) -> int:
        return self._laid_out(width)[1]

    def _laid_out(self, width: int) -> tuple[QTextLayout, int]:
        # Layouts ask for the height at a few widths, over and over; lay out each width once.
        key = (self.text(), self.font().key(), int(self.alignment().value))
        if key != self._cache_key:
            self._cache_key = key
            self._cache.clear()
        if width not in self._cache:
            if len(self._cache) > 8:
                self._cache.clear()
            self._cache[width] = self._lay_out(width)
        return self._cache[width]

    def _lay_out(self, width: int) -> tuple[QTextLayout, int]:
        # QTextLayout breaks lines only at the Unicode line separator, not at "\n".
        layout = QTextLayout(self.text().replace("\n", "\u2028"), self.font())
        option = QTextOption(self.alignment())
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        y = 0.0
        last_height = 0.0
        layout.beginLayout()
        while (line := layout.createLine()).isValid():
            line.setLineWidth(width)
            line.setPosition(QPointF(0, y))
            last_height = line.height()
            y += last_height * self._line_spacing
        layout.endLayout()
        # The extra spacing goes between lines, not below the last one.
        return layout, math.ceil(y - last_height * (self._line_spacing - 1))
