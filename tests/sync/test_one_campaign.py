"""A kiosk stays with the campaign it enrolled with. Tried as the issue's attacker did: a
volunteer's PIN and a second campaign's enrolment code. Only a release signed by the current
campaign's server, or a factory reset once everything has synced, moves it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from signing import sign, sync_once

from kiosk.central.embedded import LocalServer, start_local_server
from kiosk.central.enrolment import release
from kiosk.cli.main import main
from kiosk.clock import utc_now
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.errors import AdminError, EnrolmentError
from kiosk.files import keys
from kiosk.petition.appeal import Appeal
from kiosk.protocol.enrolment_link import EnrolmentLink
from kiosk.protocol.release import Release
from kiosk.sync.enrol import enrol, enrolled
from kiosk.sync.reset import factory_reset
from kiosk.vault import Vault, outbox


@pytest.fixture
def first(tmp_path: Path, campaign_public_key: CampaignPublicKey) -> Iterator[LocalServer]:
    with start_local_server(tmp_path / "first", campaign_public_key) as server:
        yield server


@pytest.fixture
def second(tmp_path: Path) -> Iterator[LocalServer]:
    other = CampaignPrivateKey.generate().public_key()
    with start_local_server(tmp_path / "second", other) as server:
        yield server


def _link(server: LocalServer) -> str:
    from kiosk.central.campaign import get_campaign

    fingerprint = get_campaign(server.engine).key_fingerprint
    return EnrolmentLink(server.url, server.issue_enrolment_code("Rally"), fingerprint).to_text()


def _sign_and_sync(vault: Vault, data_dir: Path, appeal: Appeal) -> None:
    state = enrolled(vault, data_dir)
    assert state is not None
    sign(vault, appeal, keys.load_public_key(data_dir / keys.PUBLIC_KEY_FILE), ["Ada"])
    assert sync_once(vault, state).board.current.last_error is None


def test_another_campaigns_code_does_not_move_an_enrolled_kiosk(
    first: LocalServer,
    second: LocalServer,
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
) -> None:
    enrol(vault, data_dir, _link(first))
    _sign_and_sync(vault, data_dir, appeal)  # nothing left unsent: the old loophole's case
    appeal_before = (data_dir / "appeal.toml").read_bytes()
    with pytest.raises(EnrolmentError, match=r"collects for campaign .* release") as by_link:
        enrol(vault, data_dir, _link(second))
    assert "Nothing was changed" in str(by_link.value)
    assert second.status() == []  # the link names its campaign: refused before the code is spent
    with pytest.raises(EnrolmentError, match="collects for campaign"):
        enrol(vault, data_dir, second.issue_enrolment_code("Rally"), second.url)
    assert keys.load_public_key(data_dir / keys.PUBLIC_KEY_FILE) == campaign_public_key
    assert (data_dir / "appeal.toml").read_bytes() == appeal_before
    state = enrolled(vault, data_dir)
    assert state is not None and state.server_url == first.url
    # Enrolling again with its own campaign (another event) stays a volunteer's task.
    assert enrol(vault, data_dir, _link(first)).server_url == first.url


def test_a_release_from_the_current_campaign_moves_it(
    first: LocalServer, second: LocalServer, vault: Vault, data_dir: Path, appeal: Appeal
) -> None:
    enrol(vault, data_dir, _link(first))
    _sign_and_sync(vault, data_dir, appeal)
    token = release(first.engine, vault.device_id)
    assert first.status()[0].revoked  # the old campaign takes no more batches from it
    done = enrol(vault, data_dir, _link(second), release=token)
    assert done.server_url == second.url
    _sign_and_sync(vault, data_dir, appeal)
    assert second.status()[0].signatures == 1


def test_a_release_for_another_kiosk_or_from_another_server_or_altered_is_refused(
    first: LocalServer,
    second: LocalServer,
    vault: Vault,
    data_dir: Path,
    tmp_path: Path,
    campaign_public_key: CampaignPublicKey,
) -> None:
    from kiosk.central.campaign import get_campaign

    enrol(vault, data_dir, _link(first))
    campaign = get_campaign(first.engine)
    other_kiosk = Release(
        "0" * 8 + "-0000-4000-8000-" + "0" * 12, campaign.key_fingerprint, utc_now()
    )
    with pytest.raises(EnrolmentError, match="not this one"):
        enrol(vault, data_dir, _link(second), release=other_kiosk.sign(campaign.receipt_key))
    foreign = get_campaign(second.engine).receipt_key  # a key this kiosk never pinned
    forged = Release(vault.device_id, campaign.key_fingerprint, utc_now()).sign(foreign)
    with pytest.raises(EnrolmentError, match="not signed by the server of the campaign"):
        enrol(vault, data_dir, _link(second), release=forged)
    good = Release(vault.device_id, campaign.key_fingerprint, utc_now()).sign(campaign.receipt_key)
    body, signature = good.split(".")
    altered = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + signature
    with pytest.raises(EnrolmentError):
        enrol(vault, data_dir, _link(second), release=altered)
    with pytest.raises(EnrolmentError, match="not a whole release"):
        enrol(vault, data_dir, _link(second), release="kiosk-release:nonsense")
    assert second.status() == []
    state = enrolled(vault, data_dir)
    assert state is not None and state.server_url == first.url


def test_a_factory_reset_waits_for_the_server_then_starts_the_kiosk_as_new(
    first: LocalServer, second: LocalServer, vault: Vault, data_dir: Path, appeal: Appeal
) -> None:
    enrol(vault, data_dir, _link(first))
    sign(vault, appeal, keys.load_public_key(data_dir / keys.PUBLIC_KEY_FILE), ["Ada"])
    vault.close()
    with pytest.raises(AdminError, match="holds 1 signature its campaign's server has not"):
        factory_reset(data_dir)
    assert (data_dir / "vault.sqlite3").exists()

    reopened = Vault.open(data_dir)
    state = enrolled(reopened, data_dir)
    assert state is not None
    assert sync_once(reopened, state).board.current.last_error is None
    assert outbox.backlog(reopened).waiting_total == 0
    reopened.close()

    removed = {p.name for p in factory_reset(data_dir)}
    assert {"vault.sqlite3", keys.DEVICE_KEY_FILE, keys.PUBLIC_KEY_FILE, "appeal.toml"} <= removed
    fresh = Vault.open(data_dir)
    try:
        assert enrolled(fresh, data_dir) is None and fresh.count() == 0
        assert enrol(fresh, data_dir, _link(second)).server_url == second.url
    finally:
        fresh.close()


def test_the_commands_a_coordinator_and_a_volunteer_type(
    first: LocalServer,
    second: LocalServer,
    vault: Vault,
    data_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    enrol(vault, data_dir, _link(first))
    device_id = vault.device_id
    vault.close()
    server_dir = Path(first.engine.url.database or "").parent
    assert main(["central", "release", device_id, "--data-dir", str(server_dir)]) == 0
    out = capsys.readouterr().out
    token = next(x.strip() for x in out.splitlines() if x.strip().startswith("kiosk-release:"))
    argv = ["enroll", _link(second), "--data-dir", str(data_dir)]
    assert main(argv) == 2
    assert "kiosk central release" in capsys.readouterr().err
    assert main([*argv, "--release", token]) == 0
    assert "Enrolled for 'Rally'" in capsys.readouterr().out
    assert main(["factory-reset", "--data-dir", str(data_dir), "--yes"]) == 0
    assert "starts as new" in capsys.readouterr().out
    assert not (data_dir / keys.DEVICE_KEY_FILE).exists()
