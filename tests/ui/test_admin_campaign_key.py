"""The volunteer panel names the campaign key new signatures are sealed to, and follows a key
change from the coordinator (kiosk.sync.keyset) as soon as the round that brought it ends, in
English and Italian; a signature taken after it is sealed to the new key."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from admin_helpers import CHEAP, FakeWorker, Volunteer  # type: ignore[import-not-found]
from kiosk_screen import Supporter  # type: ignore[import-not-found]
from sqlalchemy import select

from PySide6.QtWidgets import QApplication

from kiosk.clock import utc_now
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.desks.admin import AdminDesk
from kiosk.desks.pin import PinGuard
from kiosk.desks.signing import SignatureDesk
from kiosk.protocol.keyset import KeyEntry, Keyset
from kiosk.settings import SyncSettings
from kiosk.sync.status import StatusBoard
from kiosk.vault import Vault
from kiosk.vault.models import StoredSignature


@pytest.fixture
def admin_desk(
    vault: Vault,
    data_dir: Path,
    clock: Callable[[], object],
    board: StatusBoard,
    worker: FakeWorker,
    desk: SignatureDesk,
) -> AdminDesk:
    return AdminDesk(
        vault,
        data_dir,
        SyncSettings(),
        PinGuard(vault, clock=clock, params=CHEAP),  # type: ignore[arg-type]
        board=board,
        worker=worker,  # type: ignore[arg-type]
        sealing=desk.sealing,
    )


def test_the_panel_names_the_key_and_follows_a_rotation_in_both_languages(
    make_admin: Callable[..., Volunteer],
    desk: SignatureDesk,
    board: StatusBoard,
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
) -> None:
    first = campaign_public_key.fingerprint
    volunteer = make_admin()
    volunteer.unlock()
    assert volunteer.text("admin_campaign_key") == (
        f"Sealing new signatures to campaign key {first}"
    )

    # A sync round follows the coordinator's new keyset, and its status reaches the panel.
    new = CampaignPrivateKey.generate().public_key()
    desk.sealing.move(
        Keyset(
            first,
            2,
            2,
            (KeyEntry(1, first, "retired"), KeyEntry(2, new.fingerprint, "active")),
            new.to_pem().decode(),
            utc_now(),
        )
    )
    # As SyncWorker.run_once publishes a round: syncing, then its outcome.
    board.publish(replace(board.current, syncing=True))
    board.publish(replace(board.current, syncing=False, last_success=utc_now()))
    volunteer.qtbot.waitUntil(
        lambda: "key 2 of the campaign" in volunteer.text("admin_campaign_key"), timeout=2000
    )
    assert volunteer.text("admin_campaign_key") == (
        f"Sealing new signatures to campaign key {new.fingerprint} (key 2 of the campaign)"
    )
    volunteer.window.languages.switch("it")
    QApplication.processEvents()
    assert volunteer.text("admin_campaign_key") == (
        f"Le nuove firme sono sigillate con la chiave della campagna {new.fingerprint} "
        "(chiave 2 della campagna)"
    )
    volunteer.window.languages.switch("en")
    QApplication.processEvents()

    # A supporter signs after it: the record is sealed to the new key.
    volunteer.tap("admin_close")
    supporter = Supporter(volunteer.qtbot, volunteer.window)
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    assert supporter.screen == "thanks_screen"
    with vault.session() as s:
        assert list(s.scalars(select(StoredSignature.key_fingerprint))) == [new.fingerprint]
