"""The signature pad: mouse, touch and pen draw; palms and touches beside a pen do not."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QEventPoint,
    QInputDevice,
    QMouseEvent,
    QPointingDevice,
    QTabletEvent,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QVBoxLayout, QWidget

from kiosk.petition.strokes import Drawing
from kiosk.ui.ink import SignaturePreview
from kiosk.ui.look import apply_look
from kiosk.ui.parts import reading_column
from kiosk.ui.signature_pad import SignaturePad

SIZE = (640, 220)


@pytest.fixture
def pad(qtbot: QtBot, qapp: QApplication) -> Iterator[SignaturePad]:
    apply_look(qapp)
    # In a window with a fixed floor, as in the kiosk: a bare top-level pad would renegotiate
    # its size with the platform, which the offscreen plugin warns about.
    host = QWidget()
    host.setMinimumSize(320, 320)
    qtbot.addWidget(host)
    widget = SignaturePad(required=True)
    QVBoxLayout(host).addWidget(widget)
    host.resize(SIZE[0] + 24, 340)
    with qtbot.waitExposed(host):
        host.show()
    yield widget  # while `host`, which qtbot holds weakly, lives
    host.close()


@pytest.fixture(scope="module")
def touch_screen() -> QPointingDevice:
    return QTest.createTouchDevice()


@pytest.fixture(scope="module")
def pen() -> Iterator[QPointingDevice]:
    device = QPointingDevice(
        "test pen",
        4242,
        QInputDevice.DeviceType.Stylus,
        QPointingDevice.PointerType.Pen,
        QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
        1,
        2,
    )
    yield device


def _mouse_stroke(qtbot: QtBot, pad: SignaturePad, points: list[tuple[int, int]]) -> None:
    canvas = pad.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        qtbot.mouseMove(canvas, QPoint(x, y), delay=5)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]), delay=5)


def _touch_stroke(
    pad: SignaturePad, device: QPointingDevice, points: list[tuple[int, int]], touch_id: int = 0
) -> None:
    canvas = pad.canvas
    QTest.touchEvent(canvas, device).press(touch_id, QPoint(*points[0]), canvas).commit()
    for x, y in points[1:]:
        QTest.touchEvent(canvas, device).move(touch_id, QPoint(x, y), canvas).commit()
    QTest.touchEvent(canvas, device).release(touch_id, QPoint(*points[-1]), canvas).commit()


def _pen_event(
    pad: SignaturePad,
    device: QPointingDevice,
    kind: QEvent.Type,
    x: int,
    y: int,
    pressure: float,
    t: int,
) -> QTabletEvent:
    canvas = pad.canvas
    local = QPointF(x, y)
    event = QTabletEvent(
        kind,
        device,
        local,
        QPointF(canvas.mapToGlobal(local)),
        pressure,
        0,
        0,
        0,
        0,
        0,
        Qt.KeyboardModifier.NoModifier,
        Qt.MouseButton.LeftButton,
        Qt.MouseButton.LeftButton if kind != QEvent.Type.TabletRelease else Qt.MouseButton.NoButton,
    )
    event.setTimestamp(t)
    QApplication.sendEvent(canvas, event)
    return event


def _proximity(device: QPointingDevice, kind: QEvent.Type) -> None:
    event = QTabletEvent(
        kind, device, QPointF(), QPointF(), 0, 0, 0, 0, 0, 0,
        Qt.KeyboardModifier.NoModifier, Qt.MouseButton.NoButton, Qt.MouseButton.NoButton,
    )  # fmt: skip
    QApplication.sendEvent(QApplication.instance(), event)


def _normalised(pad: SignaturePad, points: list[tuple[int, int]]) -> list[tuple[float, float]]:
    w, h = pad.canvas.width(), pad.canvas.height()
    return [(x / w, y / h) for x, y in points]


def _ink_at(pad: SignaturePad, x: float, y: float) -> bool:
    """Whether the canvas shows ink (dark) around this point."""
    image = pad.canvas.grab().toImage()
    ratio = image.devicePixelRatio()
    for dx in range(-2, 3):
        for dy in range(-2, 3):
            colour = QColor(image.pixelColor(int((x + dx) * ratio), int((y + dy) * ratio)))
            if colour.lightnessF() < 0.35:
                return True
    return False


LINE = [(60, 80), (140, 100), (220, 120), (300, 110), (380, 90)]


def test_the_pad_is_labelled_and_named(pad: SignaturePad) -> None:
    assert pad.label.text() == "Sign with your finger"
    assert pad.canvas.objectName() == "signature_canvas"
    assert pad.canvas.accessibleName() == "Sign with your finger"
    assert pad.clear_button.objectName() == "signature_clear"
    assert pad.clear_button.accessibleName() == "Clear your signature"
    optional = SignaturePad(required=False, parent=pad.window())
    assert optional.label.text() == "Sign with your finger (optional)"


def test_the_mouse_draws_a_stroke(qtbot: QtBot, pad: SignaturePad) -> None:
    with qtbot.waitSignal(pad.changed):
        _mouse_stroke(qtbot, pad, LINE)
    assert pad.drawing().aspect == pad.canvas.width() / pad.canvas.height()
    [stroke] = pad.drawing().strokes
    assert [(round(p.x, 4), round(p.y, 4)) for p in stroke] == [
        (round(x, 4), round(y, 4)) for x, y in _normalised(pad, LINE)
    ]
    assert all(p.pressure is None for p in stroke)
    assert [p.t for p in stroke] == sorted(p.t for p in stroke) and stroke[0].t == 0
    assert stroke[-1].t > 0
    assert _ink_at(pad, 220, 120)
    assert not _ink_at(pad, 500, 40)


def test_a_finger_draws_a_stroke(pad: SignaturePad, touch_screen: QPointingDevice) -> None:
    _touch_stroke(pad, touch_screen, LINE)
    [stroke] = pad.drawing().strokes
    assert [(round(p.x, 4), round(p.y, 4)) for p in stroke] == [
        (round(x, 4), round(y, 4)) for x, y in _normalised(pad, LINE)
    ]
    assert _ink_at(pad, 140, 100)


def test_two_fingers_draw_two_strokes(pad: SignaturePad, touch_screen: QPointingDevice) -> None:
    _touch_stroke(pad, touch_screen, LINE, touch_id=0)
    _touch_stroke(pad, touch_screen, [(80, 160), (200, 170), (320, 160)], touch_id=1)
    assert [len(s) for s in pad.drawing().strokes] == [5, 3]


def test_a_finger_is_not_also_taken_for_the_mouse(
    pad: SignaturePad, touch_screen: QPointingDevice, pen: QPointingDevice
) -> None:
    # Qt (and some platforms) turn touches and pen moves into mouse events as well, which come
    # with the touch screen or the pen as their device. The pad draws each stroke once.
    _touch_stroke(pad, touch_screen, LINE)
    canvas = pad.canvas
    for device in (touch_screen, pen):
        for kind, (x, y) in zip(
            (QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.MouseButtonRelease),
            LINE,
            strict=False,
        ):
            event = QMouseEvent(
                kind,
                QPointF(x, y),
                QPointF(canvas.mapToGlobal(QPoint(x, y))),
                Qt.MouseButton.LeftButton,
                Qt.MouseButton.LeftButton,
                Qt.KeyboardModifier.NoModifier,
                device,
            )
            QApplication.sendEvent(canvas, event)
    assert len(pad.drawing().strokes) == 1


def test_a_pen_draws_with_its_pressure(pad: SignaturePad, pen: QPointingDevice) -> None:
    _pen_event(pad, pen, QEvent.Type.TabletPress, 60, 80, 0.2, 1000)
    _pen_event(pad, pen, QEvent.Type.TabletMove, 160, 100, 0.6, 1016)
    _pen_event(pad, pen, QEvent.Type.TabletMove, 260, 90, 0.9, 1032)
    _pen_event(pad, pen, QEvent.Type.TabletRelease, 260, 90, 0.9, 1040)
    [stroke] = pad.drawing().strokes
    assert [p.pressure for p in stroke][:3] == [0.2, 0.6, 0.9]
    assert [p.t for p in stroke][:3] == [0, 16, 32]
    assert _ink_at(pad, 160, 100)


def test_a_palm_does_not_draw(pad: SignaturePad) -> None:
    # Qt's test touches carry no contact size, so the palm arrives as the platform reports it:
    # a touch point whose ellipse is wider than a fingertip.
    canvas = pad.canvas
    state = QEventPoint.State
    canvas.touch_point(3, state.Pressed, QPointF(100, 100), 0, palm=True)
    canvas.touch_point(3, state.Updated, QPointF(200, 120), 16, palm=True)
    canvas.touch_point(3, state.Released, QPointF(220, 120), 32, palm=True)
    assert pad.drawing() == Drawing()
    assert not _ink_at(pad, 200, 120)


def test_a_touch_that_grows_into_a_palm_is_taken_back(pad: SignaturePad) -> None:
    canvas = pad.canvas
    state = QEventPoint.State
    canvas.touch_point(5, state.Pressed, QPointF(100, 100), 0, palm=False)
    canvas.touch_point(5, state.Updated, QPointF(160, 110), 16, palm=False)
    assert len(pad.drawing().strokes) == 1
    canvas.touch_point(5, state.Updated, QPointF(170, 115), 32, palm=True)
    canvas.touch_point(5, state.Updated, QPointF(240, 130), 48, palm=False)  # still that palm
    canvas.touch_point(5, state.Released, QPointF(240, 130), 64, palm=False)
    assert pad.drawing() == Drawing()


def test_touches_while_a_pen_is_near_do_not_draw(
    pad: SignaturePad, touch_screen: QPointingDevice, pen: QPointingDevice
) -> None:
    _proximity(pen, QEvent.Type.TabletEnterProximity)
    _touch_stroke(pad, touch_screen, LINE)
    assert pad.drawing() == Drawing()
    _proximity(pen, QEvent.Type.TabletLeaveProximity)
    _touch_stroke(pad, touch_screen, LINE)
    assert len(pad.drawing().strokes) == 1


def test_the_drawing_survives_a_resize_and_a_turn(qtbot: QtBot, pad: SignaturePad) -> None:
    _mouse_stroke(qtbot, pad, LINE)
    before = pad.drawing()
    width = pad.canvas.width()
    pad.window().resize(400, 340)  # the tablet turned: the pad is narrower
    qtbot.waitUntil(lambda: pad.canvas.width() < width)
    assert pad.drawing() == before  # the points, and the shape the pad had when signed
    # The ink follows the points to where they are now.
    x, y = before.strokes[0][2].x * pad.canvas.width(), before.strokes[0][2].y * pad.canvas.height()
    assert _ink_at(pad, x, y)


def test_clear_forgets_the_drawing(qtbot: QtBot, pad: SignaturePad) -> None:
    _mouse_stroke(qtbot, pad, LINE)
    point = weakref.ref(pad.drawing().strokes[0][1])
    with qtbot.waitSignal(pad.changed):
        qtbot.mouseClick(pad.clear_button, Qt.MouseButton.LeftButton)
    gc.collect()
    assert pad.drawing() == Drawing()
    assert point() is None, "a cleared point is still held somewhere"
    assert not _ink_at(pad, 220, 120)


def test_clear_also_ends_a_stroke_in_progress(qtbot: QtBot, pad: SignaturePad) -> None:
    canvas = pad.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(60, 60))
    qtbot.mouseMove(canvas, QPoint(160, 60), delay=5)
    pad.clear()  # the idle wipe, mid-stroke
    qtbot.mouseMove(canvas, QPoint(260, 60), delay=5)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(260, 60))
    assert pad.drawing() == Drawing()


def test_an_error_shows_under_the_pad_and_goes_once_drawn(qtbot: QtBot, pad: SignaturePad) -> None:
    pad.show_error("Please sign in the box with your finger, a pen or the mouse.")
    assert pad.error.isVisible() and pad.error.text()
    assert pad.canvas.accessibleDescription().startswith("Please sign")
    _mouse_stroke(qtbot, pad, LINE)
    assert not pad.error.text()


def test_the_preview_draws_a_drawing_small(qtbot: QtBot, pad: SignaturePad) -> None:
    _mouse_stroke(qtbot, pad, LINE)
    preview = SignaturePreview(pad.drawing(), parent=pad.window())
    image = preview.grab().toImage()
    inked = sum(
        1
        for x in range(4, image.width() - 4)
        for y in range(4, image.height() - 4)
        if QColor(image.pixelColor(x, y)).lightnessF() < 0.6
    )
    assert inked > 100
    preview.clear()
    image = preview.grab().toImage()
    assert not any(
        QColor(image.pixelColor(x, y)).lightnessF() < 0.6
        for x in range(4, image.width() - 4)
        for y in range(4, image.height() - 4)
    )


def _slow_drag(qtbot: QtBot, widget: QWidget, device: QPointingDevice, x: int, ys: range) -> None:
    QTest.touchEvent(widget, device).press(0, QPoint(x, ys.start), widget).commit()
    for y in ys:
        qtbot.wait(15)
        QTest.touchEvent(widget, device).move(0, QPoint(x, y), widget).commit()
    QTest.touchEvent(widget, device).release(0, QPoint(x, ys[-1]), widget).commit()
    qtbot.wait(200)


def test_a_finger_on_the_pad_draws_and_does_not_scroll_the_page(
    qtbot: QtBot, touch_screen: QPointingDevice
) -> None:
    host = QWidget()
    host.setMinimumSize(600, 500)
    qtbot.addWidget(host)
    area, column = reading_column("page", "A page")
    QVBoxLayout(host).addWidget(area)
    heading = QLabel("A heading\n" * 5)
    column.addWidget(heading)
    pad = SignaturePad(required=False)
    column.addWidget(pad)
    for line in range(30):
        column.addWidget(QLabel(f"Line {line}"))
    with qtbot.waitExposed(host):
        host.show()
    bar = area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 300)

    _slow_drag(qtbot, pad.canvas, touch_screen, 200, range(200, 20, -18))
    assert bar.value() == 0
    assert len(pad.drawing().strokes) == 1
    # The same drag anywhere else on the page scrolls it, as a touch screen should.
    _slow_drag(qtbot, heading, touch_screen, 100, range(80, 0, -8))
    assert bar.value() > 300
