"""A language switch reaches every screen at once, the ones already built (the volunteer's
layer, the "Still there?" prompt, the sync corner) and the ones built after it: a supporter taps
Italiano on the appeal, then each screen and panel page is walked and every visible string is
checked against the Italian catalog."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from admin_helpers import PIN, Volunteer  # type: ignore[import-not-found]
from catalog_texts import Catalog, not_in_catalog, strings_in  # type: ignore[import-not-found]
from kiosk_screen import STORED, Supporter  # type: ignore[import-not-found]

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from kiosk.petition.appeal import Appeal
from kiosk.sync.status import StatusBoard, SyncStatus

DEMO_KEY = "D3M0-K3Y"
# Not the kiosk's to translate, each for a reason: the languages are named in themselves; the
# size buttons, the PIN keys and the masked dots are signs, not words; the stick's name and path
# are the stick's.
SIGNS = {"English", "Italiano", "A\u2212", "A+", "\u232b", "\u2013", *map(str, range(10))}


def italian(appeal: Appeal, usb: Path, *extra: str) -> Catalog:
    # The appeal's own words come from its file (in Italian there), not from the catalog.
    return Catalog("it", also={*SIGNS, *strings_in(appeal.in_language("it")), *extra})


def assert_italian(root: QWidget, catalog: Catalog, where: str) -> None:
    QApplication.processEvents()
    english = not_in_catalog(root, catalog)
    assert not english, f"not in the Italian catalog on the {where}: {english}"


def tap_italiano(volunteer: Volunteer) -> Supporter:
    supporter = Supporter(volunteer.qtbot, volunteer.window)
    supporter.choose_language("it")
    return supporter


def test_after_italiano_every_screen_and_panel_page_is_italian(
    make_admin: Callable[..., Volunteer], board: StatusBoard, appeal: Appeal, usb: Path
) -> None:
    board.publish(
        SyncStatus(
            enrolled=True,
            server_reachable=True,
            last_success=datetime.now(UTC) - timedelta(minutes=2, seconds=5),
        )
    )
    volunteer = make_admin(demo_key=DEMO_KEY, follow_sync=True)
    window = volunteer.window
    # Everything of the volunteer's layer and the idle prompt exists already, in English.
    assert volunteer.layer.pad.cancel_button.text() == "Cancel"
    supporter = tap_italiano(volunteer)
    catalog = italian(appeal, usb, f"{usb.name}  ({usb})")
    assert window.windowTitle() == appeal.in_language("it").title

    # The supporter's screens.
    assert_italian(window, catalog, "appeal screen")
    corner = supporter.find("sync_status")
    assert corner.text() == "Tutte le firme sincronizzate · ultima sincronizzazione 2 min fa"  # type: ignore[attr-defined]
    supporter.tap("sign_button")
    assert_italian(window, catalog, "form")
    supporter.tap("continue_button")  # nothing filled in: every field says what is missing
    assert_italian(window, catalog, "form with its errors")
    window.still_there.start()
    assert_italian(window.still_there, catalog, '"Still there?" prompt')
    volunteer.qtbot.mouseClick(window.still_there.keep_button, Qt.MouseButton.LeftButton)
    supporter.fill_in()
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    # What the supporter typed, as the form stored it, and their country named in Italian (from
    # the country list, which names each country in every language, not from the catalog).
    review = Catalog("it", also={*catalog.also, *STORED.values(), "Irlanda"})
    assert_italian(window, review, "review")
    # Back on the appeal, still in Italian (Back wipes the form; no signature, no reset).
    supporter.tap("edit_button")
    supporter.tap("back_button")
    assert window.languages.current == "it"

    # The volunteer's layer, opened after the switch: PIN pad, panel, every page.
    layer = volunteer.layer
    volunteer.press_shortcut()
    assert_italian(layer, catalog, "PIN pad")
    volunteer.enter_pin("0000")
    assert_italian(layer, catalog, "PIN pad after a wrong PIN")
    volunteer.enter_pin(PIN)
    assert layer.panel.isVisible()
    assert_italian(layer, catalog, "panel")
    volunteer.tap("admin_sync_now")
    assert_italian(layer, catalog, "panel after Sync now")
    board.publish(SyncStatus(enrolled=True, pending_signatures=3, server_reachable=False))
    assert_italian(layer, catalog, "panel, offline")
    for button, page in (
        ("admin_export", "admin_export_page"),
        ("admin_set_event", "admin_event_page"),
        ("admin_enrol", "admin_enrol_page"),
        ("admin_exit", "admin_exit_page"),
    ):
        volunteer.tap(button)
        assert_italian(layer, catalog, page)
        volunteer.tap(f"{page}_back")
    volunteer.tap("admin_export")
    volunteer.layer.export_page.path_edit.setText("")
    volunteer.tap("admin_export_page_action")
    volunteer.qtbot.waitUntil(lambda: volunteer.layer.export_page.action_button.isEnabled())
    assert_italian(layer, catalog, "export page after an export")
    volunteer.tap("admin_export_page_back")

    # Change PIN, with the rules' messages from the core.
    volunteer.tap("admin_change_pin")
    assert_italian(layer, catalog, "Change PIN pad")
    volunteer.enter_pin(PIN)
    volunteer.enter_pin("1111")
    assert volunteer.text("pin_message") == (
        "Quel PIN è facile da indovinare (una cifra ripetuta). Scegline un altro."
    )
    assert_italian(layer, catalog, "Change PIN pad with a refused PIN")

    # A language change while the layer shows (the supporter's choice undone after idle time)
    # reaches it too: everything in English again, nothing left in Italian.
    window.languages.reset()
    QApplication.processEvents()
    english = Catalog("en", also={*SIGNS, *strings_in(appeal), f"{usb.name}  ({usb})"})
    assert not not_in_catalog(layer, english), not_in_catalog(layer, english)
    assert volunteer.text("pin_message") == (
        "That PIN is easy to guess (one digit repeated). Choose another."
    )
    assert window.windowTitle() == appeal.title


def test_the_first_pin_chooser_follows_the_switch(
    make_admin: Callable[..., Volunteer], appeal: Appeal, usb: Path
) -> None:
    volunteer = make_admin(pin=None)
    assert volunteer.layer.isVisible() and volunteer.layer.flow.choosing
    assert volunteer.text("pin_title") == "Choose a volunteer PIN"
    volunteer.window.languages.switch("it")
    QApplication.processEvents()
    assert_italian(volunteer.layer, italian(appeal, usb), "first-PIN chooser")
    assert volunteer.text("pin_title") == "Scegli un PIN per i volontari"
    volunteer.enter_pin("1234")
    assert "cifre in sequenza" in volunteer.text("pin_message")
    assert_italian(volunteer.layer, italian(appeal, usb), "first-PIN chooser, PIN refused")
