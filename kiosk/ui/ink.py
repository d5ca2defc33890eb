"""Drawing ink: a drawn signature's strokes as smooth lines whose width follows the hand.

Shared by the signature pad, which draws as the supporter signs, and the review screen, which
shows the drawing small. The geometry (curves, widths) is `kiosk.petition.strokes`; this is the
painting.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QWidget

from kiosk.petition.strokes import Drawing, Point, bezier_point, bezier_segments, stroke_widths

# Ink widths on a full-size pad, in pixels; a pen's pressure scales within the same range.
MIN_WIDTH = 1.2
MAX_WIDTH = 5.0
PAD_HEIGHT = 220


def mixed(a: QColor, b: QColor, share_of_a: float) -> QColor:
    s = share_of_a
    return QColor.fromRgbF(
        a.redF() * s + b.redF() * (1 - s),
        a.greenF() * s + b.greenF() * (1 - s),
        a.blueF() * s + b.blueF() * (1 - s),
    )


def paint_stroke(
    painter: QPainter,
    points: list[Point] | tuple[Point, ...],
    area: QRectF,
    ink: QColor,
    *,
    scale: float = 1.0,
) -> None:
    """Draw one stroke into `area`: a Catmull-Rom Bézier through its points, with a width from
    the hand's speed (or the pen's pressure), sampled finely enough to look continuous."""
    if not points:
        return
    pixels = [
        (area.left() + p.x * area.width(), area.top() + p.y * area.height(), p.t) for p in points
    ]
    low, high = MIN_WIDTH * scale, MAX_WIDTH * scale
    widths = stroke_widths(pixels, min_width=low, max_width=high)
    widths = [
        w if p.pressure is None else min(max(w * (0.4 + 1.2 * p.pressure), low), high)
        for w, p in zip(widths, points, strict=True)
    ]
    painter.setBrush(ink)
    if len(pixels) == 1:
        painter.setPen(Qt.PenStyle.NoPen)
        radius = widths[0] / 2
        painter.drawEllipse(QPointF(pixels[0][0], pixels[0][1]), radius, radius)
        return
    pen = QPen(ink)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    segments = bezier_segments([(x, y) for x, y, _ in pixels])
    for index, segment in enumerate(segments):
        start_width, end_width = widths[index], widths[index + 1]
        (x0, y0), _, _, (x3, y3) = segment
        steps = max(2, min(int(((x3 - x0) ** 2 + (y3 - y0) ** 2) ** 0.5 / 2), 40))
        previous = QPointF(x0, y0)
        for step in range(1, steps + 1):
            s = step / steps
            x, y = bezier_point(segment, s)
            pen.setWidthF(start_width + (end_width - start_width) * s)
            painter.setPen(pen)
            here = QPointF(x, y)
            painter.drawLine(previous, here)
            previous = here


def paint_drawing(painter: QPainter, drawing: Drawing, area: QRectF, ink: QColor) -> None:
    """A whole drawing into `area` (a smaller area draws thinner ink), in the pad's own shape
    where the drawing knows it: as wide as fits, centred."""
    if drawing.aspect:
        width = min(area.width(), area.height() * drawing.aspect)
        height = width / drawing.aspect
        area = QRectF(
            area.left() + (area.width() - width) / 2,
            area.top() + (area.height() - height) / 2,
            width,
            height,
        )
    scale = min(max(area.height() / PAD_HEIGHT, 0.35), 1.0)
    for stroke in drawing.strokes:
        paint_stroke(painter, stroke, area, ink, scale=scale)


class SignaturePreview(QWidget):
    """A small, read-only rendering of a drawing (the review screen)."""

    def __init__(self, drawing: Drawing, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("review_drawn_signature")
        self.setAccessibleName(self.tr("Your drawn signature"))
        self._drawing: Drawing | None = drawing
        self.setFixedSize(360, 120)

    def clear(self) -> None:
        self._drawing = None
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        paper, ink = palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text)
        painter.setPen(QPen(mixed(ink, paper, 0.3), 1))
        painter.setBrush(paper)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        if self._drawing is not None:
            paint_drawing(painter, self._drawing, QRectF(self.rect()), ink)
        painter.end()
