"""The server is trusted less than the coordinator's machine: with its database in hand it must
not be able to make kiosks seal to a key of its choosing. Each attack writes what a server
that was taken over could serve (its own keyset signed with its receipt key, another
campaign's, an older one of this campaign's, one that brings back a retired key, a coordinator
key of its own) straight into the real server's database; the real kiosk syncs over HTTP,
refuses, says why on its panel, and keeps sealing to the right key. A new kiosk, which has no
keyset to compare with, refuses one older than its enrolment link names."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from importlib.resources import files
from pathlib import Path

import pytest
from signing import sign, sync_once
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, create_campaign
from kiosk.central.enrolment import enrolment_link, issue_code
from kiosk.central.errors import Conflict
from kiosk.central.keyring import write_coordinator_key
from kiosk.central.keyset import publish, signed_keyset
from kiosk.central.models import Campaign
from kiosk.central.rotation import first_keyset, rotate
from kiosk.central.server import ServerThread
from kiosk.clock import utc_now
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.errors import EnrolmentError
from kiosk.files import keys
from kiosk.petition.appeal import DEFAULT_APPEAL, Appeal
from kiosk.protocol.enrolment_link import parse_link
from kiosk.protocol.keyset import KeyEntry, Keyset, SignedKeyset
from kiosk.sync import APPEAL_FILE
from kiosk.sync.enrol import enrol, enrolled
from kiosk.sync.keyset import SealingKey
from kiosk.vault import Vault
from kiosk.vault.keyset import followed as followed_keyset
from kiosk.vault.models import StoredSignature

PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def signing() -> DeviceKey:
    return DeviceKey.generate()


@pytest.fixture
def key_dir(tmp_path: Path, signing: DeviceKey) -> Path:
    directory = tmp_path / "coordinator"
    write_coordinator_key(signing, PASSPHRASE, directory)
    return directory


@pytest.fixture
def campaign(
    engine: Engine, campaign_public_key: CampaignPublicKey, signing: DeviceKey
) -> CampaignInfo:
    made = create_campaign(
        engine,
        campaign_public_key,
        files("kiosk.resources").joinpath("appeals", DEFAULT_APPEAL).read_text("utf-8"),
        coordinator_key=signing.public_bytes,
    )
    first_keyset(engine, signing, campaign_public_key)
    return made


@pytest.fixture
def url(engine: Engine, campaign: CampaignInfo) -> Iterator[str]:
    with ServerThread(create_app(engine)) as server:
        yield server.url


@pytest.fixture
def sealing(
    engine: Engine, url: str, vault: Vault, data_dir: Path, campaign_public_key: CampaignPublicKey
) -> SealingKey:
    enrol(vault, data_dir, _link(engine, url))
    return SealingKey.of_vault(vault, campaign_public_key)


def _link(engine: Engine, url: str) -> str:
    code = issue_code(engine, "Rally", timedelta(hours=1)).code
    return enrolment_link(engine, url, code, None)


def _serve(engine: Engine, signed: SignedKeyset) -> None:
    """What a server taken over can do: serve any keyset it likes."""
    with Session(engine) as s, s.begin():
        s.execute(
            update(Campaign).values(keyset_body=signed.body, keyset_signature=signed.signature)
        )


def _round(vault: Vault, data_dir: Path, sealing: SealingKey) -> str | None:
    state = enrolled(vault, data_dir)
    assert state is not None
    return sync_once(vault, state, sealing=sealing).board.current.last_error


def _last_sealed_to(vault: Vault, data_dir: Path, appeal: Appeal, sealing: SealingKey) -> str:
    sign(vault, appeal, sealing, ["Ada"])
    with vault.session() as s:
        return (
            s.scalars(
                select(StoredSignature.key_fingerprint).order_by(StoredSignature.device_seq.desc())
            ).first()
            or ""
        )


def _keyset(
    campaign: str, version: int, primary: int, keys_: list[KeyEntry], key: CampaignPublicKey
) -> Keyset:

    return Keyset(campaign, version, primary, tuple(keys_), key.to_pem().decode(), utc_now())


def test_a_keyset_the_server_signs_with_its_own_key_is_refused(
    engine: Engine,
    campaign: CampaignInfo,
    sealing: SealingKey,
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
) -> None:
    own = CampaignPrivateKey.generate().public_key()  # the server's, whose private half it keeps
    forged = _keyset(
        campaign.key_fingerprint,
        2,
        2,
        [KeyEntry(1, campaign.key_fingerprint, "retired"), KeyEntry(2, own.fingerprint, "active")],
        own,
    )
    _serve(engine, forged.sign(campaign.receipt_key))
    error = _round(vault, data_dir, sealing)
    assert error is not None and "coordinator did not sign" in error
    assert _last_sealed_to(vault, data_dir, appeal, sealing) == campaign.key_fingerprint
    # The server's own publishing path refuses it too.
    with pytest.raises(Conflict, match="not signed by this campaign's coordinator"):
        publish(engine, forged.sign(campaign.receipt_key), {2: own.to_pem().decode()})


def test_another_campaigns_keyset_is_refused(
    engine: Engine,
    campaign: CampaignInfo,
    sealing: SealingKey,
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
) -> None:
    other_key = CampaignPrivateKey.generate().public_key()
    other_signing = DeviceKey.generate()  # the other campaign's coordinator, genuinely signed
    theirs = _keyset(
        other_key.fingerprint, 5, 1, [KeyEntry(1, other_key.fingerprint, "active")], other_key
    )
    _serve(engine, theirs.sign(other_signing))
    error = _round(vault, data_dir, sealing)
    assert error is not None and "coordinator did not sign" in error
    assert _last_sealed_to(vault, data_dir, appeal, sealing) == campaign.key_fingerprint


def test_another_campaign_named_in_a_keyset_signed_by_the_pinned_key_is_refused(
    engine: Engine,
    campaign: CampaignInfo,
    signing: DeviceKey,
    sealing: SealingKey,
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
) -> None:
    other_key = CampaignPrivateKey.generate().public_key()
    theirs = _keyset(
        other_key.fingerprint, 5, 1, [KeyEntry(1, other_key.fingerprint, "active")], other_key
    )
    _serve(engine, theirs.sign(signing))
    error = _round(vault, data_dir, sealing)
    assert error is not None and f"keyset of campaign {other_key.fingerprint}" in error
    assert _last_sealed_to(vault, data_dir, appeal, sealing) == campaign.key_fingerprint


def test_an_older_keyset_replayed_and_a_rollback_to_a_retired_key_are_refused(
    engine: Engine,
    campaign: CampaignInfo,
    signing: DeviceKey,
    key_dir: Path,
    sealing: SealingKey,
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
) -> None:
    version_1 = signed_keyset(engine)
    assert version_1 is not None
    rotated = rotate(engine, key_dir, PASSPHRASE).keyset
    assert _round(vault, data_dir, sealing) is None
    second = rotated.primary_entry.fingerprint
    assert sealing.current()[1:] == (second, 2)

    _serve(engine, version_1)  # genuine, signed by the coordinator, but older
    error = _round(vault, data_dir, sealing)
    assert error is not None and "older than the version 2" in error
    assert _last_sealed_to(vault, data_dir, appeal, sealing) == second

    # Signed by the coordinator key and newer, but key 1 back to active and primary.
    back = replace(
        rotated,
        version=3,
        primary=1,
        keys=(
            KeyEntry(1, campaign.key_fingerprint, "active"),
            replace(rotated.keys[1], state="retired"),
        ),
        primary_public_key=rotated.primary_public_key,
    )
    first_pem = (
        CampaignPublicKey.from_pem((data_dir / keys.PUBLIC_KEY_FILE).read_bytes(), "first")
        .to_pem()
        .decode()
    )
    _serve(engine, replace(back, primary_public_key=first_pem).sign(signing))
    error = _round(vault, data_dir, sealing)
    assert error is not None and "makes key 1 active again after it was retired" in error
    assert _last_sealed_to(vault, data_dir, appeal, sealing) == second

    # Key 1 still retired but made primary: not a key to seal to either.
    retired_primary = replace(
        back,
        keys=(KeyEntry(1, campaign.key_fingerprint, "retired"), rotated.keys[1]),
        primary_public_key=first_pem,
    )
    _serve(engine, retired_primary.sign(signing))
    error = _round(vault, data_dir, sealing)
    assert error is not None and "primary key 1 is retired" in error
    assert _last_sealed_to(vault, data_dir, appeal, sealing) == second


def test_a_coordinator_key_swapped_by_the_server_is_refused_at_enrolment_and_after(
    engine: Engine,
    url: str,
    campaign: CampaignInfo,
    sealing: SealingKey,
    vault: Vault,
    data_dir: Path,
    tmp_path: Path,
    appeal: Appeal,
) -> None:
    link = enrolment_link(engine, url, issue_code(engine, "Rally", timedelta(hours=1)).code, None)
    # The server puts a coordinator key of its own in place and signs its own keyset with it.
    own_signing = DeviceKey.generate()
    own = CampaignPrivateKey.generate().public_key()
    with Session(engine) as s, s.begin():
        s.execute(update(Campaign).values(coordinator_key=own_signing.public_bytes))
    forged = _keyset(
        campaign.key_fingerprint,
        2,
        2,
        [KeyEntry(1, campaign.key_fingerprint, "retired"), KeyEntry(2, own.fingerprint, "active")],
        own,
    )
    _serve(engine, forged.sign(own_signing))
    # The enrolled kiosk pinned the coordinator's key: the forged keyset does not verify.
    error = _round(vault, data_dir, sealing)
    assert error is not None and "coordinator did not sign" in error
    assert _last_sealed_to(vault, data_dir, appeal, sealing) == campaign.key_fingerprint
    # Enrolling it again (another event) does not swap the key it pinned.
    again = enrolment_link(engine, url, issue_code(engine, "Next", timedelta(hours=1)).code, None)
    with pytest.raises(
        EnrolmentError, match="another coordinator key than the one this kiosk pinned"
    ):
        enrol(vault, data_dir, again)
    # A new kiosk with the link the coordinator printed before finds the swap out.
    new_dir = tmp_path / "new"
    new_dir.mkdir()
    new_vault = Vault.open(new_dir)
    try:
        with pytest.raises(EnrolmentError, match="not the one the enrolment link names"):
            enrol(new_vault, new_dir, link)
        assert enrolled(new_vault, new_dir) is None
    finally:
        new_vault.close()


def _kept_nothing(vault: Vault, data_dir: Path) -> None:
    assert enrolled(vault, data_dir) is None
    assert followed_keyset(vault) is None
    assert not (data_dir / keys.PUBLIC_KEY_FILE).exists()
    assert not (data_dir / APPEAL_FILE).exists()


def test_a_new_kiosk_given_a_keyset_older_than_its_link_names_is_refused(
    engine: Engine,
    url: str,
    campaign: CampaignInfo,
    key_dir: Path,
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
) -> None:
    """Key 1 was rotated away (its private key leaked, say): the server, taken over, serves the
    genuine version 1 again to a kiosk that has no keyset to compare it with. The link the
    coordinator made after the rotation names version 2, so the kiosk keeps nothing."""
    version_1 = signed_keyset(engine)
    assert version_1 is not None
    second = rotate(engine, key_dir, PASSPHRASE).keyset.primary_entry.fingerprint
    link = _link(engine, url)
    assert parse_link(link).keyset == 2
    honest = signed_keyset(engine)
    assert honest is not None

    _serve(engine, version_1)
    with pytest.raises(EnrolmentError) as refused:
        enrol(vault, data_dir, link)
    assert str(refused.value) == (
        "The server sent an older campaign key (keyset version 1) than the enrolment link names "
        "(version 2): the server may have been taken over. This kiosk kept nothing and is not "
        "enrolled; ask the coordinator."
    )
    _kept_nothing(vault, data_dir)

    # No keyset at all, with a link that names one: refused the same way.
    with Session(engine) as s, s.begin():
        s.execute(update(Campaign).values(keyset_body=None, keyset_signature=None))
    with pytest.raises(EnrolmentError, match="sent no campaign keyset, but the enrolment link"):
        enrol(vault, data_dir, link)
    _kept_nothing(vault, data_dir)

    # The honest server: the same kiosk, with the coordinator's next link, seals to key 2.
    _serve(engine, honest)
    enrol(vault, data_dir, _link(engine, url))
    sealing = SealingKey.of_vault(vault, campaign_key_of(data_dir))
    assert sealing.current()[1:] == (second, 2)
    assert _last_sealed_to(vault, data_dir, appeal, sealing) == second


def test_a_link_from_before_links_named_the_keyset_still_enrols(
    engine: Engine,
    url: str,
    campaign: CampaignInfo,
    key_dir: Path,
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
) -> None:
    """An old link (no `keyset=`) enrols as before, without the check: the documented limit
    (docs/crypto.md), which `key rotate` tells the coordinator about."""
    second = rotate(engine, key_dir, PASSPHRASE).keyset.primary_entry.fingerprint
    link = replace(parse_link(_link(engine, url)), keyset=None)
    assert "keyset=" not in link.to_text()
    enrol(vault, data_dir, link.to_text())
    sealing = SealingKey.of_vault(vault, campaign_key_of(data_dir))
    assert _last_sealed_to(vault, data_dir, appeal, sealing) == second


def campaign_key_of(data_dir: Path) -> CampaignPublicKey:
    return keys.load_public_key(data_dir / keys.PUBLIC_KEY_FILE)
