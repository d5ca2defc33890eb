"""Accessibility: 9 mm touch targets, every control reachable by Tab and named for screen
readers on every screen, a text-size control, and a high-contrast theme that reaches WCAG AAA."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from importlib.resources import files

import pytest
from kiosk_screen import PORTRAIT, Supporter
from pytestqt.qtbot import QtBot

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from kiosk.ui.look import TEXT_SCALES
from kiosk.ui.touch import MIN_TOUCH_MM, touch_pixels
from kiosk.ui.window import KioskWindow

CONTROLS = (QAbstractButton, QLineEdit, QCheckBox, QComboBox, QPlainTextEdit)


def _screens(supporter: Supporter) -> Iterator[tuple[str, QWidget]]:
    """Walk the supporter's path, handing over each screen while it shows."""
    window = supporter.window
    yield "appeal", window.current_screen()
    supporter.tap("sign_button")
    supporter.tap("continue_button")  # empty: the messages show too
    yield "sign", window.current_screen()
    supporter.fill_in()
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    yield "review", window.current_screen()
    supporter.tap("confirm_button")
    yield "thanks", window.current_screen()


def _visible_controls(screen: QWidget) -> list[QWidget]:
    return [
        w
        for w in screen.findChildren(QWidget)
        if isinstance(w, CONTROLS) and w.isVisible() and not isinstance(w.parent(), QComboBox)
    ]


def _focusable(screen: QWidget) -> list[QWidget]:
    return [
        w
        for w in screen.findChildren(QWidget)
        if w.isVisible()
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
        and w.focusProxy() is None
    ]


def test_nine_millimetres_at_the_screen_s_density(qapp: QApplication) -> None:
    screen = qapp.primaryScreen()
    expected = MIN_TOUCH_MM / 25.4 * screen.physicalDotsPerInch() / screen.devicePixelRatio()
    assert touch_pixels() >= expected > 30


def test_every_control_is_at_least_nine_millimetres(supporter: Supporter) -> None:
    minimum = touch_pixels(supporter.window)
    for name, screen in _screens(supporter):
        controls = _visible_controls(screen)
        assert controls, f"no controls found on the {name} screen"
        for control in controls:
            size = control.size()
            assert min(size.width(), size.height()) >= minimum, (
                f"{name}: {control.objectName()} is {size.width()}x{size.height()} px, "
                f"under {MIN_TOUCH_MM} mm ({minimum} px)"
            )


def test_touch_targets_follow_a_denser_screen(
    make_window: Callable[..., KioskWindow], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.ui import touch

    monkeypatch.setattr(touch, "touch_pixels", lambda widget=None: 90)  # a 254 dpi tablet
    window = make_window()
    sign = window.findChild(QAbstractButton, "sign_button")
    assert sign is not None and sign.minimumHeight() >= 90 and sign.height() >= 90


def test_every_focusable_control_is_named_for_screen_readers(supporter: Supporter) -> None:
    for name, screen in _screens(supporter):
        for widget in _focusable(screen):
            assert widget.accessibleName().strip(), (
                f"{name}: {type(widget).__name__} {widget.objectName()!r} has no accessible name"
            )
            assert widget.objectName(), f"{name}: a {type(widget).__name__} has no objectName"


def _tab_round(supporter: Supporter, limit: int = 80) -> list[QWidget]:
    visited: list[QWidget] = []
    for _ in range(limit):
        supporter.press(Qt.Key.Key_Tab)
        focus = QApplication.focusWidget()
        assert focus is not None
        if visited and focus is visited[0]:
            break
        visited.append(focus)
    return visited


@pytest.mark.parametrize("screen_name", ["appeal", "sign", "review", "thanks"])
def test_tab_reaches_every_control(supporter: Supporter, screen_name: str) -> None:
    if screen_name != "appeal":
        supporter.tap("sign_button")
    if screen_name in ("review", "thanks"):
        supporter.fill_in()
        supporter.tap("consent_terms")
        supporter.tap("continue_button")
    if screen_name == "thanks":
        supporter.tap("confirm_button")
    screen = supporter.window.current_screen()
    wanted = {w for w in _focusable(screen) if isinstance(w, CONTROLS)}
    assert wanted
    visited = set(_tab_round(supporter))
    missing = sorted(w.objectName() for w in wanted - visited)
    assert not missing, f"Tab never reaches {missing} on the {screen_name} screen"


# --- text size --------------------------------------------------------------------------------


def _pixel_size(widget: QWidget) -> int:
    return widget.font().pixelSize()


def test_text_size_control(qtbot: QtBot, supporter: Supporter) -> None:
    title = supporter.find("appeal_title", QLabel)
    smaller = supporter.find("text_smaller", QAbstractButton)
    larger = supporter.find("text_larger", QAbstractButton)
    assert smaller.accessibleName() == "Smaller text" and larger.accessibleName() == "Larger text"
    normal = _pixel_size(title)
    assert not smaller.isEnabled()
    for _ in TEXT_SCALES[1:]:
        supporter.tap("text_larger")
    assert not larger.isEnabled()
    assert _pixel_size(title) == round(normal * TEXT_SCALES[-1])
    # It lasts through the visit: the sign screen has it too.
    supporter.tap("sign_button")
    label = supporter.find("label_first_name", QLabel)
    assert _pixel_size(label) == round(20 * TEXT_SCALES[-1])
    supporter.tap("back_button")
    supporter.tap("text_smaller")
    assert _pixel_size(supporter.find("appeal_title", QLabel)) == round(normal * TEXT_SCALES[-2])


def test_the_largest_text_does_not_widen_the_screen(supporter: Supporter) -> None:
    window = supporter.window
    window.resize(*PORTRAIT)
    for _ in TEXT_SCALES[1:]:
        supporter.tap("text_larger")
    QApplication.processEvents()
    for control in _visible_controls(window.current_screen()):
        right = control.mapTo(window, control.rect().topRight()).x()
        assert right <= window.width(), f"{control.objectName()} runs off the screen"


# --- high contrast ---------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    q = QColor(colour)
    return 0.2126 * channel(q.red()) + 0.7152 * channel(q.green()) + 0.0722 * channel(q.blue())


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula() -> None:
    assert contrast("#ffffff", "#000000") == pytest.approx(21)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


def test_high_contrast_theme_reaches_wcag_aaa() -> None:
    sheet = files("kiosk.resources").joinpath("styles", "kiosk-contrast.qss").read_text("utf-8")
    sheet = re.sub(r"/\*.*?\*/", "", sheet, flags=re.DOTALL)
    checked = 0
    for selectors, body in re.findall(r"([^{}]+)\{([^}]*)\}", sheet):
        props = dict(re.findall(r"([\w-]+)\s*:\s*([^;]+);", body))
        text = props.get("color")
        if text is None:
            continue
        background = props.get("background", "#000000").strip()
        ratio = contrast(text.strip(), background)
        assert ratio >= 7, f"{selectors.strip()}: {text} on {background} is {ratio:.1f}:1"
        selected = props.get("selection-color")
        if selected:
            ratio = contrast(selected, props["selection-background-color"])
            assert ratio >= 7, f"{selectors.strip()}: selection is {ratio:.1f}:1"
        checked += 1
    assert checked >= 10


def test_high_contrast_switches_the_whole_look(qapp: QApplication, supporter: Supporter) -> None:
    button = supporter.find("high_contrast", QAbstractButton)
    assert button.accessibleName() == "High contrast"
    title = supporter.find("appeal_title", QLabel)
    assert title.palette().color(title.foregroundRole()) != QColor("#ffffff")
    supporter.tap("high_contrast")
    assert supporter.window.look.high_contrast and button.isChecked()
    assert "kiosk-contrast" not in qapp.styleSheet()  # the sheet's text, not its name
    assert title.palette().color(title.foregroundRole()) == QColor("#ffffff")
    supporter.tap("high_contrast")
    assert not supporter.window.look.high_contrast
    assert title.palette().color(title.foregroundRole()) != QColor("#ffffff")
