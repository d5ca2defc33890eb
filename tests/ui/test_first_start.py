"""The first start: the volunteer's PIN chooser comes before the appeal, and (in the demo, or
whenever the vault opens after a supporter tapped Sign) it never replaces a form being filled
in: it waits until the supporter is back on the appeal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from admin_helpers import Volunteer  # type: ignore[import-not-found]
from kiosk_screen import ENTRIES, Supporter, release_windows, show_window  # type: ignore[import-not-found]
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLineEdit

from kiosk.desks.admin import AdminDesk
from kiosk.desks.signing import SignatureDesk
from kiosk.files.removable import Drive
from kiosk.petition.appeal import Appeal
from kiosk.ui.admin import AdminLayer, install_admin
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow

NEW_PIN = "975310"


@pytest.fixture
def windows(qapp: QApplication) -> Iterator[list[KioskWindow]]:
    apply_look(qapp)
    made: list[KioskWindow] = []
    yield made
    for window in made:
        layer = window.findChild(AdminLayer)
        if layer is not None:
            layer.release()
        window.allow_exit()
    release_windows(qapp, made)


def install(window: KioskWindow, desk: AdminDesk, usb: Path, *, demo: bool) -> AdminLayer:
    """What kiosk.ui.app does once the vault is open."""
    return install_admin(
        window,
        desk,
        exit_kiosk=window.exit_kiosk,
        demo=demo,
        find_drives=lambda: [Drive(usb, usb.name)],
        on_appeal_chosen=window.change_appeal,
    )


def test_a_first_start_shows_the_chooser_before_the_appeal(
    qtbot: QtBot,
    windows: list[KioskWindow],
    appeal: Appeal,
    desk: SignatureDesk,
    admin_desk: AdminDesk,
    usb: Path,
) -> None:
    # As kiosk.ui.app starts it: no desk yet, the appeal behind the first start's cover.
    window = KioskWindow(None, appeal=appeal, setting_up=True)
    windows.append(window)
    show_window(qtbot, window)
    sign = window.appeal_screen.sign_button
    centre = sign.mapTo(window, sign.rect().center())
    covering = window.childAt(centre)
    assert covering is not None and covering.objectName().startswith("setup_cover")
    # A tap where Sign would be does nothing; neither does Enter.
    qtbot.mouseClick(covering, Qt.MouseButton.LeftButton)
    qtbot.keyClick(window, Qt.Key.Key_Return)
    assert window.current_screen() is window.appeal_screen

    window.attach_desk(desk)
    layer = install(window, admin_desk, usb, demo=False)
    window.end_setup()
    volunteer = Volunteer(qtbot, window, layer)
    assert layer.isVisible() and layer.flow.choosing
    assert volunteer.text("pin_title") == "Choose a volunteer PIN"
    assert window.childAt(centre) is not sign and layer.isAncestorOf(window.childAt(centre))
    volunteer.enter_pin(NEW_PIN)
    volunteer.enter_pin(NEW_PIN)
    assert admin_desk.pin.verify(NEW_PIN).accepted
    volunteer.tap("admin_close")
    # Only now the appeal, and it works.
    assert window.childAt(centre) is sign
    Supporter(qtbot, window).tap("sign_button")
    assert window.current_screen().objectName() == "sign_screen"


@pytest.mark.parametrize("leaves_by", ["back", "signing"])
def test_the_chooser_never_interrupts_a_supporter_who_started_signing(
    qtbot: QtBot,
    windows: list[KioskWindow],
    desk: SignatureDesk,
    admin_desk: AdminDesk,
    usb: Path,
    leaves_by: str,
) -> None:
    # A vault with no PIN yet, opened while a supporter was already at the form (the demo).
    window = KioskWindow(desk, "D3M0", thanks_seconds=60)
    windows.append(window)
    show_window(qtbot, window)
    supporter = Supporter(qtbot, window)
    supporter.tap("sign_button")
    supporter.type_into("field_first_name", ENTRIES["field_first_name"])
    layer = install(window, admin_desk, usb, demo=True)
    qtbot.wait(300)  # a moment for anything that would show
    assert not layer.isVisible()
    assert window.current_screen().objectName() == "sign_screen"
    first_name = supporter.find("field_first_name", QLineEdit)
    assert isinstance(first_name, QLineEdit) and first_name.text() == ENTRIES["field_first_name"]
    supporter.type(" ")  # still typing into the form, not into a PIN pad
    assert first_name.text() == ENTRIES["field_first_name"] + " "
    if leaves_by == "back":
        supporter.tap("back_button")
    else:
        first_name.clear()
        supporter.fill_in()
        supporter.tap("consent_terms")
        supporter.tap("continue_button")
        supporter.tap("confirm_button")
        assert supporter.screen == "thanks_screen" and not layer.isVisible()
        supporter.tap("done_button")
        assert desk.count() == 1
    assert layer.isVisible() and layer.flow.choosing, "the chooser once the supporter is done"
    assert Volunteer(qtbot, window, layer).text("pin_hint").startswith("This is a demo")
    button = layer.findChild(QAbstractButton, "pin_digit_1")
    assert window.childAt(button.mapTo(window, QPoint(5, 5))) is button
