"""The core's messages follow the language on screen: a volunteer who has tapped Italiano meets
the vault's notices, the sync's errors and enrolment's refusals in Italian, each provoked as it
happens at a rally (a proxy with its own certificate, a server that went down, a full disk, a
damaged vault), and each compared with the Italian catalog's own words. A switch back says them
in English again, without anything being provoked anew."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from admin_helpers import CHEAP, PIN, Volunteer  # type: ignore[import-not-found]
from catalog_texts import translation  # type: ignore[import-not-found]
from kiosk_screen import ENTRIES, Supporter  # type: ignore[import-not-found]
from pytestqt.qtbot import QtBot
from signing import sign  # type: ignore[import-not-found]
from tls_proxy import TlsProxy  # type: ignore[import-not-found]

from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from kiosk.central.campaign import get_campaign
from kiosk.central.embedded import LocalServer, start_local_server
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.crypto.coordinator_key import coordinator_fingerprint
from kiosk.crypto.device_key import DeviceKey
from kiosk.crypto.tls_pin import link_pin
from kiosk.desks.admin import AdminDesk
from kiosk.desks.pin import PinGuard
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.protocol.enrolment_link import EnrolmentLink
from kiosk.settings import SyncSettings
from kiosk.sync.enrol import enrolled
from kiosk.sync.status import StatusBoard
from kiosk.ui.admin import AdminLayer, install_admin
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault, state
from kiosk.vault.store import VAULT_FILE


def it(context: str, source: str, **values: object) -> str:
    """What the Italian catalog says for a core message (its {name} values filled in)."""
    return translation("it", context, source).format(**values)


def problem(text: str) -> str:
    return translation("it", "AdminPanel", "Problem: %1").replace("%1", text)


@pytest.fixture
def server(tmp_path: Path, campaign_public_key: CampaignPublicKey) -> Iterator[LocalServer]:
    running = start_local_server(tmp_path / "central", campaign_public_key, tls=True)
    yield running
    if not getattr(running, "stopped", False):
        running.stop()


@pytest.fixture
def open_window(qtbot: QtBot, qapp: QApplication) -> Iterator[list[AdminLayer]]:
    apply_look(qapp)
    layers: list[AdminLayer] = []
    yield layers
    for layer in layers:
        window = layer.window()
        layer.release()
        assert isinstance(window, KioskWindow)
        window.allow_exit()
        window.languages.release()


def start(
    qtbot: QtBot, layers: list[AdminLayer], desk: SignatureDesk, admin: AdminDesk
) -> Volunteer:
    window = KioskWindow(desk)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.follow_sync(admin.board)
    layer = install_admin(
        window, admin, exit_kiosk=window.exit_kiosk, find_drives=list,
        on_appeal_chosen=window.change_appeal,
    )  # fmt: skip
    layers.append(layer)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()
    return Volunteer(qtbot, window, layer)


def tap_italiano(volunteer: Volunteer) -> None:
    Supporter(volunteer.qtbot, volunteer.window).choose_language("it")


def enrol_from_the_panel(volunteer: Volunteer, link: str) -> str:
    url = volunteer.find("enrol_server", QLineEdit)
    assert isinstance(url, QLineEdit)
    url.clear()
    code = volunteer.find("enrol_code", QLineEdit)
    assert isinstance(code, QLineEdit)
    code.clear()
    volunteer.qtbot.keyClicks(code, link)
    with volunteer.qtbot.waitSignal(volunteer.layer.enrol_finished, timeout=20000) as done:
        volunteer.tap("admin_enrol_page_action")
    shown = volunteer.text("admin_enrol_page_result")
    assert shown == str(done.args[0])
    return shown


def test_enrolment_and_sync_errors_on_the_panel_are_in_italian(
    qtbot: QtBot,
    open_window: list[AdminLayer],
    desk: SignatureDesk,
    unenrolled: AdminDesk,
    server: LocalServer,
    vault: Vault,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    tmp_path: Path,
) -> None:
    assert server.tls is not None
    volunteer = start(qtbot, open_window, desk, unenrolled)
    tap_italiano(volunteer)
    volunteer.unlock()
    volunteer.tap("admin_enrol")
    fingerprint = get_campaign(server.engine).key_fingerprint
    pinned = link_pin(server.tls.pin())

    # The network leads the coordinator's link to a proxy with its own certificate.
    with TlsProxy(server.url, tmp_path / "attacker") as proxy:
        link = EnrolmentLink(proxy.url, server.issue_enrolment_code("Rally"), fingerprint, pinned)
        shown = enrol_from_the_panel(volunteer, link.to_text())
    assert shown == it(
        "sync",
        "The server presented a certificate with key {presented}, not the one this kiosk "
        "trusts ({pinned}), so nothing was sent. Someone on this network may be posing as the "
        "server, or the coordinator replaced its certificate: tell the coordinator.",
        presented=link_pin(proxy.pin),
        pinned=pinned,
    )

    # A link cut short when it was copied: enrolment's own refusal.
    assert enrol_from_the_panel(volunteer, "kiosk-enrol:?code=ABCD-EFGH") == it(
        "enrolment",
        "This enrolment link is incomplete (it needs the server and the code): copy or scan it "
        "again, or type the code and the server's address.",
    )

    # Enrolled for real; then the server goes down under a signature waiting to go.
    # (The proxy's certificate was refused before the code was spent: the same link enrols.)
    real = EnrolmentLink(server.url, link.code, fingerprint, pinned)
    assert enrol_from_the_panel(volunteer, real.to_text()).startswith("Registrato per")
    assert unenrolled.worker is not None
    sign(vault, appeal, campaign_public_key, ["Ada"])
    server.stop()
    server.stopped = True  # type: ignore[attr-defined]
    volunteer.tap("admin_enrol_page_back")
    volunteer.tap("admin_sync_now")
    error = volunteer.layer.panel.error_label
    unreachable = problem(
        it(
            "sync",
            "The server at {server} cannot be reached; trying again later.",
            server=server.url,
        )
    )
    qtbot.waitUntil(lambda: error.isVisible() and error.text() == unreachable, timeout=20000)

    # Back to English (the next person's language): the same line, said again.
    volunteer.window.languages.switch("en")
    QApplication.processEvents()
    assert error.text() == (
        f"Problem: The server at {server.url} cannot be reached; trying again later."
    )


def test_a_full_disk_on_confirm_is_told_in_italian(
    qtbot: QtBot,
    open_window: list[AdminLayer],
    desk: SignatureDesk,
    unenrolled: AdminDesk,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    volunteer = start(qtbot, open_window, desk, unenrolled)
    tap_italiano(volunteer)
    supporter = Supporter(qtbot, volunteer.window)
    supporter.tap("sign_button")
    supporter.fill_in({**ENTRIES, "field_country": "Irlanda"}, comment=False)
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    assert supporter.screen == "review_screen"

    def disk_full(*_args: object) -> None:
        from sqlalchemy.exc import OperationalError

        error = sqlite3.OperationalError("database or disk is full")
        error.sqlite_errorcode = sqlite3.SQLITE_FULL
        raise OperationalError("INSERT", {}, error)

    monkeypatch.setattr(state, "count_signature", disk_full)
    supporter.tap("confirm_button")
    assert supporter.screen == "review_screen"  # nothing lost: the details are still there
    shown = supporter.find("record_error", QLabel)
    assert isinstance(shown, QLabel)
    reason = it("vault", "the disk is full")
    assert shown.text() == translation(
        "it", "ReviewScreen", "Your signature was not saved. %1"
    ).replace(
        "%1",
        it(
            "vault",
            "This signature could not be saved ({reason}). Please ask a volunteer for help; "
            "nothing already saved is affected.",
            reason=reason,
        ),
    )
    assert "disk" not in shown.text()


def test_a_damaged_vaults_notice_on_the_panel_is_in_italian(
    qtbot: QtBot,
    open_window: list[AdminLayer],
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
) -> None:
    # Three signatures, of which the middle one is gone from the file; and the copies an
    # earlier start preserved of a damaged store are still on the kiosk.
    sign(vault, appeal, campaign_public_key, ["Ada", "Grace", "Hedy"])
    with sqlite3.connect(data_dir / VAULT_FILE) as raw:
        raw.execute("DELETE FROM signature WHERE device_seq = 2")
    (data_dir / "preserved" / "2026-12-01T10-1").mkdir(parents=True)
    reopened = Vault.open(data_dir)
    try:
        admin = AdminDesk(
            reopened, data_dir, SyncSettings(), PinGuard(reopened, params=CHEAP),
            board=StatusBoard(),
        )  # fmt: skip
        admin.pin.choose(PIN)
        volunteer = start(
            qtbot, open_window, SignatureDesk(appeal, reopened, campaign_public_key), admin
        )
        tap_italiano(volunteer)
        volunteer.unlock()
        notice = volunteer.text("admin_vault_notice")
        assert notice == " ".join(
            [
                it(
                    "vault",
                    "Copies of a damaged signature store are kept in {folder} ({copies}): give "
                    "them to your coordinator, then move them off the kiosk.",
                    folder=data_dir / "preserved",
                    copies=1,
                ),
                it(
                    "vault",
                    "1 signature is missing from the signature store (device sequence number "
                    "{numbers}). Tell your coordinator.",
                    numbers=2,
                ),
            ]
        )
        volunteer.window.languages.switch("en")
        QApplication.processEvents()
        assert volunteer.text("admin_vault_notice") == reopened.notice
        assert "signature is missing" in volunteer.text("admin_vault_notice")
    finally:
        reopened.close()


def test_a_servers_retry_after_on_the_panel_is_in_italian(
    qtbot: QtBot, open_window: list[AdminLayer], desk: SignatureDesk, unenrolled: AdminDesk
) -> None:
    import httpx

    from kiosk.errors import SyncError
    from kiosk.message import said
    from kiosk.sync.client import CentralClient
    from kiosk.sync.status import SyncStatus

    def busy(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": "120"})

    client = CentralClient(
        "http://127.0.0.1:9", receipt_key=bytes(32), transport=httpx.MockTransport(busy)
    )
    with client, pytest.raises(SyncError) as refused:
        client.put_batch("b1", b"{}")
    volunteer = start(qtbot, open_window, desk, unenrolled)
    tap_italiano(volunteer)
    volunteer.unlock()
    # What the worker publishes after that answer (kiosk.sync.worker keeps the Message).
    unenrolled.board.publish(SyncStatus(enrolled=True, last_error=said(refused.value)))
    wait = it("sync", "{minutes} minutes", minutes=2)
    expected = problem(
        it(
            "sync",
            "The server is unavailable for now (HTTP 503) and asked this kiosk to wait {wait} "
            "before trying again. Nothing is lost: the signatures stay on this kiosk.",
            wait=wait,
        )
    )
    error = volunteer.layer.panel.error_label
    qtbot.waitUntil(lambda: error.text() == expected, timeout=5000)
    assert "2 minuti" in error.text()


def test_a_keyset_older_than_the_link_names_is_refused_on_the_panel_in_italian(
    qtbot: QtBot,
    open_window: list[AdminLayer],
    desk: SignatureDesk,
    unenrolled: AdminDesk,
    vault: Vault,
    data_dir: Path,
    campaign_public_key: CampaignPublicKey,
    tmp_path: Path,
) -> None:
    """The coordinator's link was made after a rotation to keyset version 2; the server, taken
    over, hands out version 1 (the one a fresh campaign has) to a kiosk enrolling with it."""
    server = start_local_server(
        tmp_path / "central", campaign_public_key, coordinator=DeviceKey.generate
    )
    try:
        coordinator = server.campaign.coordinator_key
        assert coordinator is not None
        volunteer = start(qtbot, open_window, desk, unenrolled)
        tap_italiano(volunteer)
        volunteer.unlock()
        volunteer.tap("admin_enrol")
        link = EnrolmentLink(
            server.url,
            server.issue_enrolment_code("Rally"),
            server.campaign.key_fingerprint,
            coordinator=coordinator_fingerprint(coordinator),
            keyset=2,
        )
        english = (
            "The server sent an older campaign key (keyset version {sent}) than the enrolment "
            "link names (version {linked}): the server may have been taken over. This kiosk "
            "kept nothing and is not enrolled; ask the coordinator."
        )
        shown = enrol_from_the_panel(volunteer, link.to_text())
        assert shown == it("enrolment", english, sent=1, linked=2)
        assert enrolled(vault, data_dir) is None and unenrolled.worker is None

        volunteer.window.languages.switch("en")
        QApplication.processEvents()
        assert volunteer.text("admin_enrol_page_result") == english.format(sent=1, linked=2)
    finally:
        server.stop()
