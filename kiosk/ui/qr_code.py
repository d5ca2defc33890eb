"""A QR code for the online petition, drawn module by module: sharp at any size, black on white.

segno encodes the address; this widget only paints its matrix, with the four-module quiet zone
that phone cameras need around it.
"""

from __future__ import annotations

import segno

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


class QrCode(QWidget):
    def __init__(self, text: str, *, size: int = 240, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        code = segno.make(text, error="m", micro=False)
        self.matrix: tuple[tuple[bool, ...], ...] = tuple(
            tuple(bool(module) for module in row) for row in code.matrix
        )
        self._size = size
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFixedSize(size, size)

    @property
    def modules(self) -> int:
        """Modules along one side, quiet zone included."""
        return len(self.matrix) + 2 * QUIET_ZONE

    def sizeHint(self) -> QSize:
        return QSize(self._size, self._size)

    def module_rect(self, row: int, column: int) -> QRectF:
        """Where a module of the matrix is drawn, in widget coordinates: a whole number of
        pixels each, so every module is as sharp and as large as the next."""
        step = max(1, min(self.width(), self.height()) // self.modules)
        offset = (min(self.width(), self.height()) - step * self.modules) // 2
        return QRectF(
            offset + (column + QUIET_ZONE) * step, offset + (row + QUIET_ZONE) * step, step, step
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        # White and black whatever the theme: a camera needs the contrast, not our colours.
        painter.fillRect(self.rect(), QColor("#ffffff"))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#000000"))
        for r, row in enumerate(self.matrix):
            for c, dark in enumerate(row):
                if dark:
                    painter.drawRect(self.module_rect(r, c))
        painter.end()


def short_url(url: str) -> str:
    """The address as people write it: no https://, no www., no trailing slash."""
    short = url.removeprefix("https://").removeprefix("www.")
    return short.rstrip("/")
