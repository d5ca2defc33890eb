"""What `kiosk run` and `kiosk demo` start once the appeal is on screen (kiosk/cli/launch.py),
without Qt: the vault and the volunteer's chosen appeal, the demo's own central server and the
enrolment to it, and everything closed at the end."""

from __future__ import annotations

import time
from importlib.resources import files
from pathlib import Path

import pytest

from kiosk.central.embedded import LocalServer, start_local_server
from kiosk.central.keyring import write_coordinator_key
from kiosk.central.rotation import rotate
from kiosk.cli.launch import DEMO_CENTRAL_DIR, KioskStart
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.desks.admin import AdminDesk
from kiosk.desks.pin import PinGuard
from kiosk.errors import UsageError
from kiosk.petition.appeal import Appeal
from kiosk.settings import Settings
from kiosk.sync import APPEAL_FILE
from kiosk.sync.enrol import enrol
from kiosk.vault import Vault

PASSPHRASE = "correct horse battery staple"


def _start(
    data_dir: Path, key: CampaignPublicKey, appeal: Appeal, *, demo: bool, given: bool = False
) -> KioskStart:
    return KioskStart(Settings(data_dir=data_dir), appeal, key, demo=demo, appeal_given=given)


def _choose_another_appeal(data_dir: Path) -> None:
    """As a volunteer would: an appeal received at enrolment, chosen in the panel."""
    bundled = files("kiosk.resources").joinpath("appeals", "un-chechnya.toml").read_text("utf-8")
    other = bundled.replace('id = "un-chechnya-purge"', 'id = "river"', 1)
    (data_dir / APPEAL_FILE).write_text(other, "utf-8")
    vault = Vault.open(data_dir)
    try:
        AdminDesk(vault, data_dir, Settings(data_dir).sync, PinGuard(vault)).choose_appeal("river")
    finally:
        vault.close()


@pytest.mark.parametrize("given", [False, True], ids=["default", "--appeal"])
def test_open_shows_the_volunteers_choice_unless_an_appeal_was_given(
    data_dir: Path, campaign_public_key: CampaignPublicKey, appeal: Appeal, given: bool
) -> None:
    _choose_another_appeal(data_dir)
    start = _start(data_dir, campaign_public_key, appeal, demo=False, given=given)
    try:
        desks = start.open()
        assert desks.signatures.appeal.id == (appeal.id if given else "river")
        assert desks.signatures.count() == 0
        start.connect()  # not enrolled: no worker, nothing to connect to
        assert desks.admin.worker is None
        assert not desks.admin.board.current.enrolled
    finally:
        start.close()


def test_the_demo_enrols_with_its_own_server_and_syncs(
    data_dir: Path,
    campaign_public_key: CampaignPublicKey,
    appeal: Appeal,
    capsys: pytest.CaptureFixture[str],
) -> None:
    start = _start(data_dir, campaign_public_key, appeal, demo=True)
    try:
        desks = start.open()
        start.connect()
        worker = desks.admin.worker
        assert worker is not None and desks.admin.board.current.enrolled
        assert desks.admin.server_url().startswith("http://127.0.0.1:")
        assert (data_dir / DEMO_CENTRAL_DIR).is_dir()
        assert (
            f"kiosk: demo central server at {desks.admin.server_url()}" in capsys.readouterr().err
        )
    finally:
        start.close()
    assert desks.admin.worker is worker  # stopped, not replaced


def test_an_enrolled_kiosk_s_status_is_known_at_open_before_any_round(
    data_dir: Path, campaign_public_key: CampaignPublicKey, appeal: Appeal
) -> None:
    first = _start(data_dir, campaign_public_key, appeal, demo=True)
    try:
        first.open()
        first.connect()  # enrolled with the demo's server
    finally:
        first.close()
    again = _start(data_dir, campaign_public_key, appeal, demo=True)
    try:
        desks = again.open()  # no connect: no worker, no round, no network yet
        assert desks.admin.worker is None
        # The appeal's corner and the panel have this from the first paint after the vault.
        assert desks.admin.board.current.enrolled
        assert desks.admin.board.current.server_reachable is None
    finally:
        again.close()


def test_a_demo_server_that_will_not_enrol_the_kiosk_is_one_message(
    data_dir: Path,
    campaign_public_key: CampaignPublicKey,
    appeal: Appeal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(LocalServer, "issue_enrolment_code", lambda self, event: "NOT-A-CODE")
    start = _start(data_dir, campaign_public_key, appeal, demo=True)
    try:
        desks = start.open()
        with pytest.raises(UsageError, match=r"^the demo server did not enrol this kiosk: "):
            start.connect()
        assert desks.admin.worker is None
    finally:
        start.close()


def test_close_before_open_closes_nothing(
    data_dir: Path, campaign_public_key: CampaignPublicKey, appeal: Appeal
) -> None:
    # The window was closed before its first paint: nothing was opened, nothing to close.
    _start(data_dir, campaign_public_key, appeal, demo=True).close()
    assert not (data_dir / DEMO_CENTRAL_DIR).exists()


def test_kiosk_run_seals_to_the_key_its_keyset_names_and_follows_a_rotation(
    tmp_path: Path, data_dir: Path, campaign_public_key: CampaignPublicKey, appeal: Appeal
) -> None:
    signing = DeviceKey.generate()
    key_dir = tmp_path / "coordinator"
    write_coordinator_key(signing, PASSPHRASE, key_dir)
    with start_local_server(
        tmp_path / "central", campaign_public_key, coordinator=signing
    ) as server:
        vault = Vault.open(data_dir)
        try:
            enrol(vault, data_dir, server.issue_enrolment_code("Rally"), server.url)
        finally:
            vault.close()
        second = rotate(server.engine, key_dir, PASSPHRASE).keyset.primary_entry.fingerprint

        start = _start(data_dir, campaign_public_key, appeal, demo=False)
        try:
            desks = start.open()
            assert desks.admin.sealing_key() == (1, campaign_public_key.fingerprint)
            start.connect()  # the worker starts and syncs at once, and follows the keyset
            deadline = time.monotonic() + 20
            while desks.signatures.sealing.current()[2] != 2 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert desks.admin.sealing_key() == (2, second)
        finally:
            start.close()

        # Started again: key 2 from the first signature, before any sync.
        start = _start(data_dir, campaign_public_key, appeal, demo=False)
        try:
            assert start.open().signatures.sealing.current()[1:] == (second, 2)
        finally:
            start.close()
