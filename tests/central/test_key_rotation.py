"""A campaign key rotated mid-campaign, with the real commands, the real server and real kiosks
(SQLite and PostgreSQL): `kiosk central init`, `key rotate`, `key list`, `key destroy`,
`export`. One kiosk syncs before and after the rotation, another is offline through it and
catches up; every record opens at the export, sealed to whichever key it was; a destroyed key's
records are named as such."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import initialised_central  # type: ignore[import-not-found]
import pytest
from cli_output import succeeded
from signing import sign, sync_once
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, get_campaign
from kiosk.central.db import open_database
from kiosk.central.enrolment import enrolment_link, issue_code
from kiosk.central.keyring import private_key_name
from kiosk.central.models import CampaignKey
from kiosk.central.server import ServerThread
from kiosk.cli.main import main
from kiosk.files import keys
from kiosk.petition.appeal import Appeal
from kiosk.protocol.enrolment_link import parse_link
from kiosk.sync.enrol import enrol, enrolled
from kiosk.sync.keyset import SealingKey
from kiosk.vault import Vault
from kiosk.vault.models import StoredSignature

# The fixtures of a server `kiosk central init` set up (tests/central/initialised_central.py).
central = initialised_central.central
coordinator = initialised_central.coordinator
PASSPHRASE = initialised_central.PASSPHRASE


@dataclass
class Kiosk:
    vault: Vault
    data_dir: Path
    sealing: SealingKey

    def sign(self, appeal: Appeal, *names: str) -> None:
        sign(self.vault, appeal, self.sealing, list(names))

    def sync(self) -> None:
        state = enrolled(self.vault, self.data_dir)
        assert state is not None
        board = sync_once(self.vault, state, sealing=self.sealing).board.current
        assert board.last_error is None, board.last_error

    def fingerprints(self) -> list[str]:
        with self.vault.session() as s:
            rows = s.scalars(select(StoredSignature.key_fingerprint).order_by("device_seq"))
            return list(rows)


@pytest.fixture
def server(central: Any, database_url: str) -> Iterator[tuple[Engine, str]]:
    engine = open_database(database_url)
    with ServerThread(create_app(engine)) as thread:
        yield engine, thread.url
    engine.dispose()


@pytest.fixture
def new_kiosk(server: tuple[Engine, str], tmp_path: Path) -> Callable[..., Kiosk]:
    """A kiosk enrolled on the server (for event "Rally NAME", or with `link`), its data in
    tmp_path/NAME."""
    engine, url = server

    def make(name: str, link: str | None = None) -> Kiosk:
        data_dir = tmp_path / name
        data_dir.mkdir()
        vault = Vault.open(data_dir)
        if link is None:
            code = issue_code(engine, f"Rally {name}", timedelta(hours=1)).code
            link = enrolment_link(engine, url, code, None)
        enrol(vault, data_dir, link)
        key = keys.load_public_key(data_dir / keys.PUBLIC_KEY_FILE)
        return Kiosk(vault, data_dir, SealingKey.of_vault(vault, key))

    return make


def _export(central: Any, capsys: Any, *args: str | Path) -> tuple[dict[str, Any], str]:
    out, err = succeeded(central, capsys, "export", "--format", "json", *args)
    return json.loads(out), err


def test_a_rotation_mid_campaign_reaches_every_kiosk_and_every_record_exports(
    central: Any,
    server: tuple[Engine, str],
    new_kiosk: Callable[..., Kiosk],
    coordinator: Path,
    appeal: Appeal,
    capsys: Any,
) -> None:
    engine = server[0]
    first = get_campaign(engine).key_fingerprint
    online = new_kiosk("online")
    offline = new_kiosk("offline")
    online.sign(appeal, "Ada", "Ben")
    online.sync()
    offline.sign(appeal, "Cleo")
    offline.sync()

    said = succeeded(central, capsys, "key", "rotate").out
    assert "Key 2" in said and "keyset version 2" in said and "Retired: key 1" in said
    assert "Enrolment links made before this change name an older keyset version" in said
    assert "Hand out only links made from now on" in said and "name version 2." in said
    second = next(k.fingerprint for k in _keys(engine) if k.id == 2)
    assert (coordinator / private_key_name(2)).exists()

    # The online kiosk learns the new key with its next sync and seals to it from then on.
    online.sync()
    assert online.sealing.current()[1:] == (second, 2)
    online.sign(appeal, "Dora")
    # The other one was offline through the rotation: it still seals to key 1 (retired, whose
    # records still open), delivers them, learns key 2 and seals to it.
    offline.sign(appeal, "Emil")
    assert offline.sealing.current()[1:] == (first, 1)
    offline.sync()
    offline.sign(appeal, "Fay")
    online.sync()
    offline.sync()
    assert online.fingerprints() == [first, first, second]
    assert offline.fingerprints() == [first, first, second]

    # A kiosk enrolled after the rotation, with the link `enroll` prints now (it names
    # version 2), seals to key 2 from its first signature.
    printed = succeeded(central, capsys, "enroll", "--event", "Late", "--server-url", server[1])
    link = next(x.strip() for x in printed.out.splitlines() if x.strip().startswith("kiosk-"))
    assert parse_link(link).keyset == 2
    late = new_kiosk("late", link)
    late.sign(appeal, "Gus")
    late.sync()
    assert late.fingerprints() == [second]

    doc, err = _export(central, capsys)
    names = sorted(s["first_name"] for s in doc["signatures"])
    assert names == ["Ada", "Ben", "Cleo", "Dora", "Emil", "Fay", "Gus"]
    assert doc["unopened"] == [] and "did not open" not in err

    listed = succeeded(central, capsys, "key", "list").out
    assert f"  1  retired    {first}" in listed and f"  2  active *   {second}" in listed
    assert "version 2" in listed

    # Key 2 alone opens only its records; the others are named, with the reason.
    doc, err = _export(central, capsys, "--key", coordinator / private_key_name(2))
    assert sorted(s["first_name"] for s in doc["signatures"]) == ["Dora", "Fay", "Gus"]
    assert {(u["reason"], u["key"]) for u in doc["unopened"]} == {
        ("key missing", f"key 1 ({first})")
    }
    assert len(doc["unopened"]) == 4
    assert f"4 records sealed to key 1 ({first}) did not open: key missing" in err
    # ... and the file to add is named: it lies beside the one given.
    advice = (
        f"kiosk: key 1 ({first}) is not among the key files given, so the 4 stored records "
        f"sealed to it stay closed: add --key {coordinator / private_key_name(1)}, or leave "
        "--key out to use every key file in the coordinator's directory"
    )
    assert advice in err.splitlines()
    only_two = ("--key", coordinator / private_key_name(2))
    # A delivery pack without key 1's signatures would state a total that is not the count.
    pack = coordinator.parent / "pack.pdf"
    capsys.readouterr()
    assert central("deliver", *only_two, "--out", pack) == 2
    err = capsys.readouterr().err
    assert advice in err.splitlines()
    assert "the pack would leave out the signatures sealed to key 1 (above)" in err
    assert "nothing was written" in err and not pack.exists()
    # An erasure that could not open them says how to finish it once the key is given.
    erased = succeeded(central, capsys, "erase", *only_two, "--email", "ada@example.org")
    assert advice in erased.err.splitlines()
    assert "4 stored records did not open" in erased.out
    assert "run 'kiosk central erase --sweep' once every key file is given" in erased.out


def test_destroying_a_retired_key_asks_for_the_campaign_name_and_shreds_it(
    central: Any,
    server: tuple[Engine, str],
    new_kiosk: Callable[[str], Kiosk],
    coordinator: Path,
    appeal: Appeal,
    capsys: Any,
) -> None:
    engine = server[0]
    campaign = get_campaign(engine)
    kiosk = new_kiosk("kiosk")
    kiosk.sign(appeal, "Ada", "Ben")
    kiosk.sync()
    away = new_kiosk("away")  # it will not sync again before the destroy
    away.sign(appeal, "Cleo")
    away.sync()

    capsys.readouterr()
    assert central("key", "destroy", 1) == 2  # the primary: rotate first
    assert "primary key" in capsys.readouterr().err
    assert central("key", "rotate") == 0
    kiosk.sync()
    kiosk.sign(appeal, "Dora")
    kiosk.sync()

    capsys.readouterr()
    assert central("key", "destroy", 1, stdin="un-chechnya\n") == 2
    out, err = capsys.readouterr()
    assert "makes 3 stored records sealed to it unreadable for good" in out
    assert "Warning: 1 kiosk last delivered signatures sealed to key 1" in out
    assert away.vault.device_id in out and kiosk.vault.device_id not in out
    assert f"Type the campaign's name, {campaign.appeal_id}" in out
    assert "nothing was destroyed" in err
    assert (coordinator / keys.PRIVATE_KEY_FILE).exists()
    assert {k.id: k.state for k in _keys(engine)} == {1: "retired", 2: "active"}

    assert central("key", "destroy", 1, stdin=f"{campaign.appeal_id}\n") == 0
    out = capsys.readouterr().out
    assert "Key 1 is destroyed (keyset version 3): 3 stored records" in out
    assert "Hand out only links made from now on" in out and "name version 3." in out
    assert f"shredded {coordinator / keys.PRIVATE_KEY_FILE}" in out
    assert not (coordinator / keys.PRIVATE_KEY_FILE).exists()
    assert not (coordinator / "campaign-recovery-sheet.html").exists()
    assert {k.id: k.state for k in _keys(engine)} == {1: "destroyed", 2: "active"}

    # The kiosk follows the keyset that names key 1 destroyed, and keeps sealing to key 2.
    kiosk.sync()
    kiosk.sign(appeal, "Emil")
    kiosk.sync()

    doc, err = _export(central, capsys)
    assert sorted(s["first_name"] for s in doc["signatures"]) == ["Dora", "Emil"]
    assert {u["reason"] for u in doc["unopened"]} == {"key destroyed"}
    assert len(doc["unopened"]) == 3
    assert (
        f"3 records sealed to key 1 ({campaign.key_fingerprint}) did not open: key destroyed "
        "(as 'key destroy' meant them to: not named one by one)" in err
    )
    assert "    device " not in err  # gone by choice: not listed again at every export
    assert central("key", "destroy", 1, stdin=f"{campaign.appeal_id}\n") == 2
    assert "already destroyed" in capsys.readouterr().err


def _keys(engine: Engine) -> list[CampaignKey]:
    with Session(engine) as s:
        return list(s.scalars(select(CampaignKey).order_by(CampaignKey.id)))


def test_a_campaign_made_before_keysets_lists_its_key_and_cannot_rotate(
    database_url: str, campaign: CampaignInfo, tmp_path: Path, coordinator: Path, capsys: Any
) -> None:
    common = ["--data-dir", str(tmp_path / "central"), "--database-url", database_url]
    assert main(["central", "key", "list", *common]) == 0
    listed = capsys.readouterr().out
    assert "no signed keyset (made before keysets)" in listed
    assert f"  1  active *   {campaign.key_fingerprint}" in listed
    assert main(["central", "key", "rotate", *common]) == 2
    err = capsys.readouterr().err
    assert "made before campaign keysets" in err and "nothing was changed" in err
    assert not coordinator.exists()  # no key file was written


def test_an_erasure_holds_across_a_rotation_and_a_destroyed_key(
    central: Any,
    server: tuple[Engine, str],
    new_kiosk: Callable[[str], Kiosk],
    coordinator: Path,
    appeal: Appeal,
    capsys: Any,
) -> None:
    """The ledger is keyed by the coordinator signing key, not a campaign key: the supporter's
    new signature, sealed to key 2 after a rotation, stays out of the export, and still does
    once key 1 is destroyed."""
    engine = server[0]
    campaign = get_campaign(engine)
    kiosk = new_kiosk("kiosk")
    kiosk.sign(appeal, "Ada", "Ben")
    kiosk.sync()
    assert central("erase", "--email", "ada@example.org") == 0
    ledger = json.loads((coordinator / "erasure-ledger.json").read_text("ascii"))
    assert ledger["campaign_key"].startswith("coordinator ")
    assert central("key", "rotate") == 0
    kiosk.sync()
    kiosk.sign(appeal, "Ada")  # again, after the erasure, sealed to key 2
    kiosk.sync()
    assert kiosk.fingerprints()[-1] != campaign.key_fingerprint
    for destroyed in (False, True):
        if destroyed:
            assert central("key", "destroy", 1, stdin=f"{campaign.appeal_id}\n") == 0
        doc, err = _export(central, capsys)
        # Ben was sealed to key 1: once it is destroyed, he no longer opens; Ada's later
        # signature (key 2) opens, and the ledger still leaves it out.
        expected = [] if destroyed else ["Ben"]
        assert [s["first_name"] for s in doc["signatures"]] == expected
        assert "left out 1 erased signature" in err and "Traceback" not in err
