"""The UI tests' fixtures: a kiosk window built, shown and released, and a supporter at it;
and the volunteer panel's (admin_helpers.py), offered here to every UI test. What tests import
by name lives in kiosk_screen.py and admin_helpers.py (a conftest is no module to import from:
with several test folders in one run, the last one loaded would answer)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from admin_helpers import (  # type: ignore[import-not-found]  # noqa: F401 (fixtures)
    admin_desk,
    board,
    clock,
    make_admin,
    unenrolled,
    usb,
    worker,
)
from kiosk_screen import (  # type: ignore[import-not-found]
    LANDSCAPE,
    Supporter,
    delete_closed_widgets,
    release_windows,
    show_window,
)
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QApplication

from kiosk.desks.signing import SignatureDesk
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow

# Qt's offscreen platform cannot raise a popup window or grab the keyboard for it, and says so
# when the country box shows its suggestions. On a real screen neither message appears.
_OFFSCREEN_POPUP_NOTES = (
    "This plugin does not support raise()",
    "This plugin does not support grabbing the keyboard",
    "This plugin does not support grabbing the mouse",
)


@pytest.fixture(autouse=True)
def _delete_closed_widgets() -> Iterator[None]:
    yield
    delete_closed_widgets()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in item.path.parents:
            item.add_marker(pytest.mark.qt_log_ignore(*_OFFSCREEN_POPUP_NOTES))


@pytest.fixture
def make_window(
    qtbot: QtBot, qapp: QApplication, desk: SignatureDesk
) -> Iterator[Callable[..., KioskWindow]]:
    """Build, size and show a kiosk window, with the look it has in use."""
    apply_look(qapp)
    made: list[KioskWindow] = []

    def make(
        *,
        size: tuple[int, int] = LANDSCAPE,
        demo_key: str | None = None,
        thanks_seconds: float = 60,
        with_desk: SignatureDesk | None = None,
    ) -> KioskWindow:
        window = KioskWindow(with_desk or desk, demo_key, thanks_seconds=thanks_seconds)
        made.append(window)
        return show_window(qtbot, window, size=size)

    yield make
    release_windows(qapp, made)


@pytest.fixture
def supporter(qtbot: QtBot, make_window: Callable[..., KioskWindow]) -> Supporter:
    return Supporter(qtbot, make_window())
