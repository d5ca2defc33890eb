"""The volunteer panel: counts after signatures and after the purge, Sync now, export to a stick,
the event name, the auto-lock, no signer's data anywhere, and leaving kiosk mode."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path

from admin_helpers import FakeWorker, Volunteer  # type: ignore[import-not-found]
from kiosk_screen import COMMENT_LINES, ENTRIES, Supporter  # type: ignore[import-not-found]
from pytestqt.qtbot import QtBot
from receipts import acknowledge
from sqlalchemy import select
from sqlalchemy.orm import Session

from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QLineEdit, QWidget

from kiosk.desks.admin import AdminDesk, chosen_appeal
from kiosk.files import keys
from kiosk.sync.closer import BatchCloser
from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.vault import Vault, outbox
from kiosk.vault.models import Device


def sign(volunteer: Volunteer) -> None:
    """A supporter signs at the kiosk, through its screens, and taps "Done"."""
    supporter = Supporter(volunteer.qtbot, volunteer.window)
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    assert supporter.screen == "thanks_screen"
    supporter.tap("done_button")
    assert supporter.screen == "appeal_screen"


def counts(volunteer: Volunteer) -> tuple[str, str, str]:
    return (
        volunteer.text("admin_today"),
        volunteer.text("admin_event_count"),
        volunteer.text("admin_total"),
    )


def enrol_offline(vault: Vault, data_dir: Path) -> None:
    """What enrolment leaves behind, without a server: a device key and the enrolment row."""
    keys.device_key(data_dir)
    with Session(vault.engine) as s, s.begin():
        device = s.scalars(select(Device)).one()
        device.device_key_file = keys.DEVICE_KEY_FILE
        device.server_url = "https://sign.example.org"
        device.event = "Rally"
        device.enrolled_at = datetime(2026, 1, 1)
        device.receipt_key = "ab" * 32  # the server's receipt key, pinned at enrolment


def test_counts_today_event_and_total(
    make_admin: Callable[..., Volunteer],
) -> None:
    volunteer = make_admin()
    sign(volunteer)
    sign(volunteer)
    volunteer.unlock()
    assert counts(volunteer) == ("2", "2", "2")
    volunteer.tap("admin_set_event")
    volunteer.find("event_name", QLineEdit)
    volunteer.layer.event_page.name_edit.clear()
    volunteer.qtbot.keyClicks(volunteer.layer.event_page.name_edit, "Book fair")
    volunteer.tap("admin_event_page_action")
    assert volunteer.text("admin_event") == "Event: Book fair"
    assert counts(volunteer) == ("2", "0", "2")
    volunteer.tap("admin_close")
    sign(volunteer)
    volunteer.unlock()
    assert counts(volunteer) == ("3", "1", "3")


def test_counts_survive_the_purge(
    make_admin: Callable[..., Volunteer], vault: Vault, data_dir: Path
) -> None:
    volunteer = make_admin()
    sign(volunteer)
    sign(volunteer)
    closer = BatchCloser(vault, keys.device_key(data_dir))
    (batch_id,) = closer.close_all()
    long_ago = datetime.now(UTC) - timedelta(days=30)
    acknowledge(vault, batch_id, long_ago)
    assert outbox.purge(vault, timedelta(days=7), datetime.now(UTC)) == 2
    assert vault.count() == 0
    volunteer.unlock()
    assert counts(volunteer) == ("2", "2", "2")


def test_sync_state_in_words(make_admin: Callable[..., Volunteer], board: StatusBoard) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    board.publish(
        SyncStatus(
            enrolled=True,
            pending_signatures=2,
            unsent_signatures=3,
            unsent_batches=1,
            server_reachable=False,
            last_error="The server could not be reached. Check the network.",
        )
    )
    volunteer.qtbot.waitUntil(lambda: "5" in volunteer.text("admin_waiting"))
    # "Sent" alone reads as delivered: the line leads with what is not on the server yet.
    assert volunteer.text("admin_waiting") == (
        "Not on the server yet: 5 (3 of them sent, awaiting its receipt)."
    )
    assert volunteer.text("admin_server") == "Server: not reachable (no network?)"
    assert volunteer.text("admin_sync_error").endswith("Check the network.")
    assert volunteer.text("admin_last_sync") == "Last sync: never"
    board.publish(SyncStatus(enrolled=True, server_reachable=True, last_success=datetime.now(UTC)))
    volunteer.qtbot.waitUntil(lambda: volunteer.text("admin_server") == "Server: reachable")
    assert volunteer.text("admin_waiting") == "Everything collected here has reached the server."
    assert volunteer.text("admin_last_sync").endswith("(just now)")
    assert not volunteer.layer.panel.error_label.isVisible()


def test_the_kiosks_own_state_as_its_heartbeat_tells_it(
    make_admin: Callable[..., Volunteer], board: StatusBoard
) -> None:
    """Backlog, battery, free disk and clock: what the coordinators' console sees, in words,
    and again in Italian after a switch."""
    volunteer = make_admin()
    volunteer.unlock()
    assert volunteer.text("admin_battery") == "Battery: not reported by this device."
    assert volunteer.text("admin_clock").endswith("(not yet compared with the server).")
    board.publish(
        SyncStatus(
            enrolled=True,
            pending_signatures=2,
            unsent_batches=1,
            unsent_signatures=5,
            battery_percent=15,
            charging=False,
            disk_free_bytes=12_300_000_000,
            clock_offset_seconds=-420,
        )
    )
    volunteer.qtbot.waitUntil(lambda: "15" in volunteer.text("admin_battery"))
    assert volunteer.text("admin_backlog") == (
        "Signatures not yet in a batch: 2. Batches not yet confirmed: 1."
    )
    assert volunteer.text("admin_battery") == "Battery: 15 %: plug the kiosk in."
    assert volunteer.text("admin_disk") == "Free disk: 12.3 GB."
    assert re.fullmatch(
        r"Clock: \d\d:\d\d \(7 min behind the server\)\.", volunteer.text("admin_clock")
    )
    board.publish(
        SyncStatus(enrolled=True, battery_percent=15, charging=True, clock_offset_seconds=30)
    )
    volunteer.qtbot.waitUntil(lambda: "charging" in volunteer.text("admin_battery"))
    assert volunteer.text("admin_clock").endswith("(in step with the server).")
    volunteer.window.languages.switch("it")
    QApplication.processEvents()
    assert volunteer.text("admin_battery") == "Batteria: 15 % (in carica)."
    assert volunteer.text("admin_disk") == "Disco libero: sconosciuto."
    assert volunteer.text("admin_clock").endswith("(allineato al server).")
    assert volunteer.text("admin_backlog").startswith("Firme non ancora in un lotto: 0.")


def test_sync_now_asks_the_worker(make_admin: Callable[..., Volunteer], worker: FakeWorker) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    volunteer.tap("admin_sync_now")
    assert worker.sync_requests == 1
    assert volunteer.text("admin_message") == "Sync started."


def test_export_writes_batch_files_to_the_stick(
    make_admin: Callable[..., Volunteer], vault: Vault, data_dir: Path, usb: Path
) -> None:
    enrol_offline(vault, data_dir)
    volunteer = make_admin()
    sign(volunteer)
    sign(volunteer)
    volunteer.unlock()
    volunteer.tap("admin_export")
    assert volunteer.find("export_drive_0").isVisible()
    with volunteer.qtbot.waitSignal(volunteer.layer.export_finished, timeout=10000) as done:
        volunteer.tap("admin_export_page_action")
    files = sorted(usb.glob("*.kbatch"))
    assert len(files) == 1
    assert done.args == [f"Batch files written: 1, to {usb}."]
    assert volunteer.text("admin_export_page_result") == done.args[0]
    assert volunteer.find("admin_export_page_action").isEnabled()


def test_export_to_a_typed_folder_and_its_errors(
    make_admin: Callable[..., Volunteer], vault: Vault, data_dir: Path, tmp_path: Path
) -> None:
    volunteer = make_admin()
    sign(volunteer)
    volunteer.unlock()
    volunteer.tap("admin_export")
    folder = tmp_path / "typed"
    folder.mkdir()
    volunteer.qtbot.keyClicks(volunteer.find("export_path", QLineEdit), str(folder))
    with volunteer.qtbot.waitSignal(volunteer.layer.export_finished, timeout=10000) as done:
        volunteer.tap("admin_export_page_action")
    assert "not enrolled" in done.args[0]  # no device key yet: nothing can be signed
    enrol_offline(vault, data_dir)
    with volunteer.qtbot.waitSignal(volunteer.layer.export_finished, timeout=10000) as done:
        volunteer.tap("admin_export_page_action")
    assert len(list(folder.glob("*.kbatch"))) == 1
    missing = tmp_path / "not-there"
    volunteer.find("export_path", QLineEdit).clear()
    volunteer.qtbot.keyClicks(volunteer.find("export_path", QLineEdit), str(missing))
    with volunteer.qtbot.waitSignal(volunteer.layer.export_finished, timeout=10000) as done:
        volunteer.tap("admin_export_page_action")
    assert done.args == [f"{missing} is not a folder. Insert the USB stick and choose it."]


def test_event_name_persists(
    make_admin: Callable[..., Volunteer], data_dir: Path, admin_desk: AdminDesk
) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    volunteer.tap("admin_set_event")
    volunteer.qtbot.keyClicks(volunteer.find("event_name", QLineEdit), "  Pride   march ")
    volunteer.tap("admin_event_page_action")
    assert volunteer.text("admin_message") == "Event name saved."
    reopened = Vault.open(data_dir)
    try:
        desk = AdminDesk(reopened, data_dir, admin_desk._sync_settings, admin_desk.pin)
        assert desk.event_name() == "Pride march"
    finally:
        reopened.close()


def test_the_panel_locks_itself_when_left_alone(
    qtbot: QtBot, make_admin: Callable[..., Volunteer]
) -> None:
    volunteer = make_admin(idle_seconds=0.6)
    volunteer.unlock()
    with qtbot.waitSignal(volunteer.layer.locked, timeout=3000):
        pass
    assert not volunteer.layer.isVisible()
    volunteer.layer.open()
    assert volunteer.find("pin_pad").isVisible()  # the PIN again, not the panel


def test_touches_keep_the_panel_open(qtbot: QtBot, make_admin: Callable[..., Volunteer]) -> None:
    volunteer = make_admin(idle_seconds=1.0)
    volunteer.unlock()
    for _ in range(4):
        qtbot.wait(400)
        volunteer.tap("admin_set_event")
        volunteer.tap("admin_event_page_back")
    assert volunteer.layer.panel.isVisible()


def test_close_locks_the_panel(make_admin: Callable[..., Volunteer]) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    volunteer.tap("admin_close")
    assert not volunteer.layer.isVisible()
    volunteer.layer.open()
    assert not volunteer.layer.panel.isVisible()


BACK = {
    "admin_export": "admin_export_page_back",
    "admin_set_event": "admin_event_page_back",
    "admin_enrol": "admin_enrol_page_back",
    "admin_exit": "admin_exit_page_back",
}
# What the supporter typed (tests/ui/kiosk_screen.py ENTRIES and COMMENT_LINES), in pieces.
SIGNERS_DATA = ("Zoë", "Briain", "Ngata", "zoe.obriain", "D02", "X285", "Ireland", "Stand with")


def test_the_panel_shows_no_signers_data(make_admin: Callable[..., Volunteer]) -> None:
    volunteer = make_admin()
    sign(volunteer)
    volunteer.unlock()
    pages = tuple(BACK)
    seen: list[str] = []
    for page in (None, *pages):
        if page is not None:
            volunteer.tap(page)
        for widget in volunteer.layer.findChildren(QWidget):
            seen.append(widget.accessibleName())
            for attribute in ("text", "placeholderText", "toolTip"):
                value = getattr(widget, attribute, None)
                if callable(value):
                    seen.append(str(value()))
        if page is not None:
            volunteer.tap(BACK[page])
    text = "\n".join(seen).casefold()
    assert "volunteer panel" in text  # the walk did read the panel
    typed = "\n".join([*ENTRIES.values(), *COMMENT_LINES]).casefold()
    for value in SIGNERS_DATA:
        assert value.casefold() in typed  # a piece of what was typed, so the check means it
        assert value.casefold() not in text, value


def test_exit_kiosk_asks_and_closes_the_window(make_admin: Callable[..., Volunteer]) -> None:
    volunteer = make_admin(locked=True)
    assert not volunteer.window.close()  # a supporter's close request is refused
    volunteer.unlock()
    volunteer.tap("admin_exit")
    assert volunteer.text("admin_exit_page_title") == "Exit kiosk?"
    volunteer.tap("admin_exit_page_back")
    assert volunteer.window.isVisible()
    volunteer.tap("admin_exit")
    volunteer.tap("admin_exit_page_action")
    assert not volunteer.window.isVisible()


def test_every_control_is_named(make_admin: Callable[..., Volunteer]) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    for widget in volunteer.layer.findChildren(QAbstractButton) + volunteer.layer.findChildren(
        QLineEdit
    ):
        assert widget.objectName(), widget
        assert widget.accessibleName(), widget.objectName()
    assert volunteer.layer.findChildren(QLabel)


def test_choose_appeal_when_several_are_installed(
    make_admin: Callable[..., Volunteer], vault: Vault, data_dir: Path
) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    assert not volunteer.layer.panel.buttons["admin_choose_appeal"].isVisible()  # only one
    volunteer.tap("admin_close")
    bundled = files("kiosk.resources").joinpath("appeals", "un-chechnya.toml").read_text("utf-8")
    bundled = bundled.replace('id = "un-chechnya-purge"', 'id = "enrolled-appeal"', 1)
    title = re.search(r'^title = "(.*)"$', bundled, re.M)
    assert title is not None
    renamed = bundled.replace(title.group(0), 'title = "Keep the river clean"', 1)
    (data_dir / "appeal.toml").write_text(renamed, "utf-8")
    volunteer.unlock()
    volunteer.tap("admin_choose_appeal")
    volunteer.tap("appeal_choice_enrolled-appeal")
    volunteer.tap("admin_appeal_page_action")
    assert volunteer.text("admin_message") == "The kiosk now shows: Keep the river clean"
    chosen = chosen_appeal(vault, data_dir)
    assert chosen is not None and chosen.id == "enrolled-appeal"  # and at the next start
    volunteer.tap("admin_close")
    # The appeal screen shows it at once, and the next signature is for it.
    shown = volunteer.window.appeal_screen.findChild(QLabel, "appeal_title")
    assert shown is not None and shown.text() == "Keep the river clean"
    sign(volunteer)
    assert [row.appeal_id for row in vault.signatures()] == ["enrolled-appeal"]


def test_enrolment_errors_are_shown(make_admin: Callable[..., Volunteer]) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    volunteer.tap("admin_enrol")
    with volunteer.qtbot.waitSignal(volunteer.layer.enrol_finished, timeout=10000):
        volunteer.tap("admin_enrol_page_action")
    assert volunteer.text("admin_enrol_page_result") == (
        "Type the enrolment code the coordinator gave you."
    )
    volunteer.find("enrol_server", QLineEdit).clear()
    volunteer.qtbot.keyClicks(volunteer.find("enrol_server", QLineEdit), "sign.example.org")
    volunteer.qtbot.keyClicks(volunteer.find("enrol_code", QLineEdit), "ABCD-EFGH")
    with volunteer.qtbot.waitSignal(volunteer.layer.enrol_finished, timeout=10000) as done:
        volunteer.tap("admin_enrol_page_action")
    assert done.args == ["'sign.example.org' is not a server address; it starts with https://"]
    assert volunteer.find("admin_enrol_page_action").isEnabled()


def test_what_the_vault_found_at_start_is_on_the_panel(
    make_admin: Callable[..., Volunteer], vault: Vault
) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    assert not volunteer.layer.panel.vault_notice.isVisible()
    volunteer.tap("admin_close")
    vault.notice = "2 signatures are missing from the signature store (device sequence 4-5)."
    volunteer.unlock()
    notice = volunteer.find("admin_vault_notice", QLabel)
    assert notice.isVisible()
    assert isinstance(notice, QLabel) and notice.text() == vault.notice
