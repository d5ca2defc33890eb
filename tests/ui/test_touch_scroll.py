"""Touch scrolling on the pages that are built anew for every supporter: a finger drag scrolls
them, and building them again and again registers nothing new with Qt, so memory stays flat over
a day of signatures."""

from __future__ import annotations

import gc

from kiosk_screen import Supporter
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QObject, QPoint, Qt
from PySide6.QtGui import QPointingDevice
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QScrollArea, QScroller

from kiosk.ui.parts import page_scroll_gesture


def next_gesture_number() -> int:
    """The number Qt would give the next gesture recognizer registered (a probe, let go at once)."""
    probe = QObject()
    number = QScroller.grabGesture(probe, QScroller.ScrollerGestureType.TouchGesture).value
    QScroller.ungrabGesture(probe)
    return number


def gesture_objects() -> int:
    return sum(isinstance(o, Qt.GestureType) for o in gc.get_objects())


def test_forms_built_for_each_supporter_register_no_new_gesture(supporter: Supporter) -> None:
    supporter.sign_up_to_review()  # the first form and review, as a warm-up
    supporter.tap("confirm_button")
    supporter.tap("done_button")
    before = next_gesture_number()
    objects_before = gesture_objects()
    for _ in range(3):
        supporter.sign_up_to_review()
        supporter.tap("confirm_button")
        supporter.tap("done_button")
        supporter.tap("sign_button")
        supporter.tap("back_button")
    assert supporter.screen == "appeal_screen"
    # Only the probe's own number was used in between: no page registered a recognizer.
    assert next_gesture_number() == before + 1
    assert gesture_objects() <= objects_before + 2  # the probes' own two numbers


def test_a_finger_drag_scrolls_a_form_built_after_others(
    qtbot: QtBot, supporter: Supporter
) -> None:
    supporter.window.resize(800, 600)
    for _ in range(2):
        supporter.tap("sign_button")
        supporter.tap("back_button")
    supporter.tap("sign_button")
    area = supporter.find("sign_scroll", QScrollArea)
    assert isinstance(area, QScrollArea)
    bar = area.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 200)
    assert bar.value() == 0

    viewport = area.viewport()
    finger: QPointingDevice = QTest.createTouchDevice()
    x = 8  # the page's margin, beside the fields
    top, bottom = viewport.height() // 5, viewport.height() * 4 // 5
    QTest.touchEvent(viewport, finger).press(0, QPoint(x, bottom), viewport).commit()
    for y in range(bottom, top, -20):
        qtbot.wait(15)
        QTest.touchEvent(viewport, finger).move(0, QPoint(x, y), viewport).commit()
    QTest.touchEvent(viewport, finger).release(0, QPoint(x, top), viewport).commit()
    qtbot.waitUntil(lambda: bar.value() > 200)


def test_every_page_shares_the_one_scroll_gesture() -> None:
    assert page_scroll_gesture() == page_scroll_gesture()
    assert page_scroll_gesture().value > Qt.GestureType.CustomGesture.value
