"""The signature pad: a supporter signs with a finger, a pen or the mouse.

The pad records what the pointer did as `kiosk.petition.strokes` points, normalised to its own
size, and draws them as ink: a smooth curve whose width follows the hand's speed (the geometry
lives in `kiosk.petition.strokes`). Drawing from the normalised points, it looks the same after a
resize or a turn of the tablet. Touches the platform reports as too large for a fingertip (a
resting palm) and touches while a pen is near the screen do not draw.

The drawing is personal data: it exists in this widget's memory (and a pixmap of it while
shown) until `clear()`, which drops both; it is never saved as an image.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QEventPoint,
    QInputDevice,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QResizeEvent,
    QShowEvent,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.message import Message
from kiosk.petition.strokes import (
    MAX_POINTS,
    MAX_STROKES,
    Drawing,
    Point,
    is_palm,
)
from kiosk.ui.i18n import message_text
from kiosk.ui.ink import PAD_HEIGHT, mixed, paint_stroke
from kiosk.ui.parts import ReservedLabel, action_button, page_scroll_gesture, text_label

# A contact wider than this is not a fingertip: a palm or the side of a hand.
PALM_LIMIT_MM = 20.0
# Moves closer than this to the last point add nothing a person could see.
_MIN_STEP_PX = 1.5
_TOUCH_DEVICES = (QInputDevice.DeviceType.TouchScreen,)
_PEN_DEVICES = (QInputDevice.DeviceType.Stylus, QInputDevice.DeviceType.Airbrush)


class _Stroke:
    """One stroke's points; an object of its own so a touch or the mouse can hold on to it."""

    def __init__(self) -> None:
        self.points: list[Point] = []


class SignatureCanvas(QWidget):
    """The surface that is drawn on. Emits `changed` whenever the drawing changes."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_canvas")
        self.setAccessibleName(self.tr("Signature pad"))
        self.setAccessibleDescription(self.how_to_sign())
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setMinimumHeight(PAD_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self._strokes: list[_Stroke] = []
        self._touches: dict[int, _Stroke] = {}  # touch point id -> its stroke
        self._palms: set[int] = set()  # touch point ids that are not fingertips
        self._mouse: _Stroke | None = None
        self._pen: _Stroke | None = None
        self._pen_near = False
        self._origin_ms: int | None = None
        self._aspect: float | None = None  # width / height when the drawing began
        self._cache: QPixmap | None = None  # the finished strokes, drawn at the present size
        app = QApplication.instance()
        if app is not None:
            # Qt tells the application, not a widget, when a pen comes near the screen.
            app.installEventFilter(self)

    def how_to_sign(self) -> str:
        return self.tr("Sign here with your finger, a pen or the mouse.")

    def sizeHint(self) -> QSize:
        return QSize(640, PAD_HEIGHT)

    # What is drawn.

    def drawing(self) -> Drawing:
        strokes = tuple(tuple(s.points) for s in self._strokes if s.points)
        return Drawing(strokes, self._aspect if strokes else None)

    def is_empty(self) -> bool:
        return not self._strokes

    def clear(self) -> None:
        """Forget the drawing: strokes, strokes in progress and the pixmap of them."""
        self._strokes = []
        self._touches = {}
        self._palms = set()
        self._mouse = None
        self._pen = None
        self._origin_ms = None
        self._aspect = None
        self._cache = None
        self.update()
        self.changed.emit()

    # Recording.

    def _start(self, position: QPointF, timestamp: int, pressure: float | None) -> _Stroke | None:
        if len(self._strokes) > MAX_STROKES or self._point_count() > MAX_POINTS:
            return None  # past the limits already: the form will ask to clear and sign again
        stroke = _Stroke()
        self._strokes.append(stroke)
        self._add(stroke, position, timestamp, pressure, force=True)
        return stroke

    def _add(
        self,
        stroke: _Stroke,
        position: QPointF,
        timestamp: int,
        pressure: float | None,
        *,
        force: bool = False,
    ) -> None:
        width, height = max(self.width(), 1), max(self.height(), 1)
        x = min(max(position.x() / width, 0.0), 1.0)
        y = min(max(position.y() / height, 0.0), 1.0)
        if self._origin_ms is None:
            self._origin_ms = timestamp
            self._aspect = width / height
        t = max(timestamp - self._origin_ms, 0)
        if stroke.points:
            last = stroke.points[-1]
            t = max(t, last.t)  # some devices deliver a late timestamp out of order
            moved = ((x - last.x) * width) ** 2 + ((y - last.y) * height) ** 2
            if not force and moved < _MIN_STEP_PX**2:
                return
            if self._point_count() > MAX_POINTS:
                return
        stroke.points.append(Point(x, y, t, pressure))
        self.update()

    def _finish(self, stroke: _Stroke | None) -> None:
        if stroke is not None:
            self._cache = None  # redrawn with the finished stroke in it
            self.update()
            self.changed.emit()

    def _drop(self, stroke: _Stroke) -> None:
        if stroke in self._strokes:
            self._strokes.remove(stroke)
        self._cache = None
        self.update()
        self.changed.emit()

    def _point_count(self) -> int:
        return sum(len(s.points) for s in self._strokes)

    # Mouse: only a real mouse. Qt turns unhandled touches and pen moves into mouse events too;
    # those arrive here with the touch screen or pen as their device and are left alone.

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if not _is_mouse(event) or event.button() != Qt.MouseButton.LeftButton:
            event.ignore()
            return
        event.accept()
        self._mouse = self._start(event.position(), event.timestamp(), None)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._mouse is None or not _is_mouse(event):
            event.ignore()
            return
        event.accept()
        self._add(self._mouse, event.position(), event.timestamp(), None)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._mouse is None or not _is_mouse(event):
            event.ignore()
            return
        event.accept()
        self._add(self._mouse, event.position(), event.timestamp(), None)
        stroke, self._mouse = self._mouse, None
        self._finish(stroke)

    # Pen.

    def tabletEvent(self, event: QTabletEvent) -> None:
        event.accept()  # handled here, so Qt makes no mouse events of it
        kind = event.type()
        pressure = min(max(float(event.pressure()), 0.0), 1.0)
        if kind == QEvent.Type.TabletPress:
            self._pen_near = True
            self._pen = self._start(event.position(), event.timestamp(), pressure)
        elif kind == QEvent.Type.TabletMove and self._pen is not None:
            self._add(self._pen, event.position(), event.timestamp(), pressure)
        elif kind == QEvent.Type.TabletRelease and self._pen is not None:
            self._add(self._pen, event.position(), event.timestamp(), pressure)
            stroke, self._pen = self._pen, None
            self._finish(stroke)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.TabletEnterProximity:
            self._pen_near = True
            self._forget_touches()
        elif kind == QEvent.Type.TabletLeaveProximity:
            self._pen_near = False
        return False

    # Touch.

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QTouchEvent) and event.type() in (
            QEvent.Type.TouchBegin,
            QEvent.Type.TouchUpdate,
            QEvent.Type.TouchEnd,
            QEvent.Type.TouchCancel,
        ):
            if event.device().type() not in _TOUCH_DEVICES:
                return super().event(event)  # a touchpad moves the pointer; the mouse handles it
            event.accept()  # all of it, so Qt makes no mouse events of these touches
            if event.type() == QEvent.Type.TouchCancel:
                self._forget_touches(keep=True)
                return True
            dpi = self.screen().physicalDotsPerInch() if self.screen() is not None else 0.0
            for point in event.points():
                size = point.ellipseDiameters()
                self.touch_point(
                    point.id(),
                    point.state(),
                    point.position(),
                    event.timestamp(),
                    palm=is_palm((size.width(), size.height()), dpi, limit_mm=PALM_LIMIT_MM),
                )
            return True
        return super().event(event)

    def touch_point(
        self,
        point_id: int,
        state: QEventPoint.State,
        position: QPointF,
        timestamp: int,
        *,
        palm: bool,
    ) -> None:
        """One finger's part of a touch event. A contact that is (or grows into) a palm, and
        any touch while a pen is near, draws nothing; a palm's stroke so far is taken back."""
        if self._pen_near or point_id in self._palms:
            if state == QEventPoint.State.Released:
                self._palms.discard(point_id)
            return
        if palm:
            self._palms.add(point_id)
            stroke = self._touches.pop(point_id, None)
            if stroke is not None:
                self._drop(stroke)
            return
        stroke = self._touches.get(point_id)
        if state == QEventPoint.State.Pressed or stroke is None:
            if state == QEventPoint.State.Released:
                return
            started = self._start(position, timestamp, None)
            if started is not None:
                self._touches[point_id] = started
            return
        if state == QEventPoint.State.Stationary:
            return
        self._add(stroke, position, timestamp, None)
        if state == QEventPoint.State.Released:
            self._finish(self._touches.pop(point_id))

    def _forget_touches(self, *, keep: bool = False) -> None:
        """End every touch in progress; what they drew stays only if `keep`."""
        touches, self._touches = self._touches, {}
        for stroke in touches.values():
            if keep:
                self._finish(stroke)
            else:
                self._drop(stroke)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # A finger on the pad draws: it must not also scroll the page the pad sits in. Taking
        # the page's scroll gesture here keeps the page's scroller from seeing these touches.
        # Gestures go to the innermost widget that grabbed them.
        ancestor = self.parentWidget()
        while ancestor is not None:
            if QScroller.hasScroller(ancestor):
                self.grabGesture(page_scroll_gesture())
                return
            ancestor = ancestor.parentWidget()

    # Ink.

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._cache = None  # the same points, drawn again at the new size

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        paper = palette.color(QPalette.ColorRole.Base)
        ink = palette.color(QPalette.ColorRole.Text)
        frame = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        painter.setPen(QPen(mixed(ink, paper, 0.55), 2))
        painter.setBrush(paper)
        painter.drawRoundedRect(frame, 12, 12)
        guide = mixed(ink, paper, 0.3)
        baseline = self.height() * 0.74
        painter.setPen(QPen(guide, 1.5))
        painter.drawLine(QPointF(28, baseline), QPointF(self.width() - 28, baseline))
        if self.is_empty():
            painter.setPen(guide)
            painter.drawText(
                QRectF(0, 0, self.width(), baseline - 8),
                Qt.AlignmentFlag.AlignCenter,
                self.tr("Sign here"),
            )
        in_progress = {id(s) for s in (self._mouse, self._pen, *self._touches.values()) if s}
        if self._cache is None or self._cache.size() != self.size() * self.devicePixelRatio():
            self._cache = self._render_finished(ink, in_progress)
        painter.drawPixmap(0, 0, self._cache)
        for stroke in self._strokes:
            if id(stroke) in in_progress:
                paint_stroke(painter, stroke.points, QRectF(self.rect()), ink)
        painter.end()

    def _render_finished(self, ink: QColor, in_progress: set[int]) -> QPixmap:
        ratio = self.devicePixelRatio()
        pixmap = QPixmap(self.size() * ratio)
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        for stroke in self._strokes:
            if id(stroke) not in in_progress:
                paint_stroke(painter, stroke.points, QRectF(self.rect()), ink)
        painter.end()
        return pixmap


def _is_mouse(event: QMouseEvent) -> bool:
    device = event.pointingDevice()
    return device is None or device.type() not in (*_TOUCH_DEVICES, *_PEN_DEVICES)


class SignaturePad(QWidget):
    """The pad as the form shows it: a caption, the canvas, a Clear button and a message line."""

    changed = Signal()
    error_cleared = Signal()

    def __init__(self, *, required: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signature_pad")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        caption = (
            self.tr("Sign with your finger")
            if required
            else self.tr("Sign with your finger (optional)")
        )
        self.label = text_label(caption, "field_label", object_name="signature_label")
        self.canvas = SignatureCanvas()
        self.canvas.setAccessibleName(caption)
        self.label.setBuddy(self.canvas)
        row = QHBoxLayout()
        row.setSpacing(16)
        hint = text_label(self.tr("A pen or the mouse works too."), "hint")
        self.clear_button = action_button(
            self.tr("Clear"), "signature_clear", accessible_name=self.tr("Clear your signature")
        )
        row.addWidget(hint, 1)
        row.addWidget(self.clear_button)
        self.error = ReservedLabel(1, "error", object_name="error_drawn_signature")
        self.error.setAccessibleName(self.tr("Problem with your signature"))
        layout.addWidget(self.label)
        layout.addWidget(self.canvas)
        layout.addLayout(row)
        layout.addWidget(self.error)

        self.clear_button.clicked.connect(self.clear)
        self.canvas.changed.connect(self._changed)

    def drawing(self) -> Drawing:
        return self.canvas.drawing()

    def clear(self) -> None:
        """Forget the drawing (the Clear button, and the idle wipe)."""
        self.canvas.clear()
        self.clear_error()

    def show_problem(self, message: Message) -> None:
        """A problem `kiosk.petition.form` found with the drawing, in the supporter's language."""
        self.show_error(message_text(message))

    def show_error(self, message: str) -> None:
        self.error.show_text(message)
        self.canvas.setAccessibleDescription(message)

    def clear_error(self) -> None:
        if not self.error.text():
            return
        self.error.show_text("")
        self.canvas.setAccessibleDescription(
            self.tr("Sign here with your finger, a pen or the mouse.")
        )
        self.error_cleared.emit()

    def _changed(self) -> None:
        if not self.canvas.is_empty():
            self.clear_error()
        self.changed.emit()
