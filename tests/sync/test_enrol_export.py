"""Enrolment from the kiosk's side, and batch files for a USB stick (library and command)."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from dataclasses import replace
from importlib.resources import files
from pathlib import Path

import pytest
from fake_central import FakeCentral, serve  # type: ignore[import-not-found]
from hypothesis import given
from hypothesis import strategies as st
from sync_types import AddSignatures  # type: ignore[import-not-found]

from kiosk.cli.main import main
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.errors import EnrolmentError
from kiosk.files import keys
from kiosk.petition.appeal import load_appeal
from kiosk.protocol.batch import parse
from kiosk.protocol.enrolment_link import EnrolmentLink, parse_link
from kiosk.sync.closer import BatchCloser
from kiosk.sync.enrol import APPEAL_FILE, enrol, enrolled
from kiosk.vault import Vault, outbox

APPEAL_TOML = files("kiosk.resources").joinpath("appeals", "un-chechnya.toml").read_text("utf-8")


@pytest.fixture
def central(campaign_public_key: CampaignPublicKey) -> Iterator[tuple[FakeCentral, str]]:
    fake = FakeCentral(
        campaign_public_pem=campaign_public_key.to_pem().decode(),
        campaign_fingerprint=campaign_public_key.fingerprint,
        appeal_toml=APPEAL_TOML,
        codes={"CODE-1": "Rally at the square", "CODE-2": "Second rally"},
    )
    with serve(fake.app()) as url:
        yield fake, url


def test_enrolment_keeps_key_appeal_event_and_server(
    vault: Vault,
    data_dir: Path,
    central: tuple[FakeCentral, str],
    campaign_public_key: CampaignPublicKey,
) -> None:
    fake, url = central
    assert enrolled(vault, data_dir) is None
    done = enrol(vault, data_dir, " CODE-1\n", url + "/")
    assert (done.event, done.server_url) == ("Rally at the square", url)
    assert enrolled(vault, data_dir) == done

    device_key = keys.load_device_key(data_dir / keys.DEVICE_KEY_FILE)
    assert fake.devices[vault.device_id] == device_key.public_bytes
    assert stat.S_IMODE((data_dir / keys.DEVICE_KEY_FILE).stat().st_mode) == 0o600
    stored = keys.load_public_key(data_dir / keys.PUBLIC_KEY_FILE)
    assert stored.fingerprint == campaign_public_key.fingerprint
    assert load_appeal(data_dir / APPEAL_FILE).id == "un-chechnya-purge"

    # Enrolling again (a new event) keeps the same device key.
    enrol(vault, data_dir, "CODE-2", url)
    assert (
        keys.load_device_key(data_dir / keys.DEVICE_KEY_FILE).public_bytes
        == device_key.public_bytes
    )
    assert enrolled(vault, data_dir).event == "Second rally"  # type: ignore[union-attr]


def test_a_used_code_is_refused_with_the_servers_words(
    vault: Vault, data_dir: Path, central: tuple[FakeCentral, str]
) -> None:
    _fake, url = central
    enrol(vault, data_dir, "CODE-1", url)
    with pytest.raises(EnrolmentError, match="unknown, used or expired"):
        enrol(vault, data_dir, "CODE-1", url)


def test_a_server_sending_a_key_unlike_its_fingerprint_is_refused(
    vault: Vault, data_dir: Path, central: tuple[FakeCentral, str]
) -> None:
    fake, url = central
    fake.campaign_fingerprint = "0000-0000-0000-0000-0000"
    with pytest.raises(EnrolmentError, match="does not match its fingerprint"):
        enrol(vault, data_dir, "CODE-1", url)
    assert enrolled(vault, data_dir) is None
    assert not (data_dir / keys.PUBLIC_KEY_FILE).exists()


def test_enroll_and_export_commands(
    vault: Vault,
    data_dir: Path,
    tmp_path: Path,
    central: tuple[FakeCentral, str],
    add_signatures: AddSignatures,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fake, url = central
    stick = tmp_path / "stick"
    stick.mkdir()
    assert main(["export-batches", str(stick), "--data-dir", str(data_dir)]) == 2
    assert "not enrolled" in capsys.readouterr().err

    assert main(["enroll", "CODE-1", "--server", url, "--data-dir", str(data_dir)]) == 0
    assert "Rally at the square" in capsys.readouterr().out
    assert main(["enroll", "CODE-1", "--server", url, "--data-dir", str(data_dir)]) == 2
    assert "kiosk: The enrolment code was refused" in capsys.readouterr().err

    added = add_signatures(50)
    BatchCloser(vault, keys.load_device_key(data_dir / keys.DEVICE_KEY_FILE)).close_all()
    added += add_signatures(100)  # closed by the command: two batches in all
    assert main(["export-batches", str(stick), "--data-dir", str(data_dir)]) == 0
    assert "Wrote 2 batch files" in capsys.readouterr().out
    written = sorted(stick.glob("*.kbatch"))
    device_key = keys.load_device_key(data_dir / keys.DEVICE_KEY_FILE)
    by_id = {b.id: b.envelope for b in outbox.unacknowledged(vault)}
    ids = []
    for path in written:
        signed = parse(path.read_bytes())
        signed.verify(device_key.public_bytes)
        assert path.name == f"{signed.batch.batch_id}.kbatch"
        assert path.read_bytes() == by_id[signed.batch.batch_id]  # the upload's exact bytes
        assert path.stat().st_mtime % 3600 == 0  # the file's time is the export's hour
        assert signed.batch.created_at.minute == signed.batch.created_at.second == 0
        ids += [r.id for r in signed.batch.records]
    assert sorted(ids) == sorted(a.id for a in added)

    before = {p.name: p.read_bytes() for p in written}
    assert main(["export-batches", str(stick), "--data-dir", str(data_dir)]) == 0
    assert {p.name: p.read_bytes() for p in stick.glob("*.kbatch")} == before
    assert not list(stick.glob(".*"))  # no temporary files left behind

    assert main(["export-batches", str(tmp_path / "nope"), "--data-dir", str(data_dir)]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_an_enrolment_link_carries_server_code_and_campaign(
    vault: Vault,
    data_dir: Path,
    central: tuple[FakeCentral, str],
    campaign_public_key: CampaignPublicKey,
) -> None:
    _fake, url = central
    link = EnrolmentLink(url, "CODE-1", campaign_public_key.fingerprint)
    assert parse_link(link.to_text()) == link
    assert link.to_text().startswith("kiosk-enrol:?server=http%3A%2F%2F127.0.0.1%3A")
    done = enrol(vault, data_dir, link.to_text())
    assert (done.server_url, done.event) == (url, "Rally at the square")


def test_a_link_naming_another_campaign_keeps_nothing(
    vault: Vault, data_dir: Path, central: tuple[FakeCentral, str]
) -> None:
    _fake, url = central
    link = EnrolmentLink(url, "CODE-1", "0000-0000-0000-0000-0000").to_text()
    with pytest.raises(EnrolmentError, match="not the coordinator's campaign"):
        enrol(vault, data_dir, link)
    assert enrolled(vault, data_dir) is None
    assert not (data_dir / keys.PUBLIC_KEY_FILE).exists()
    with pytest.raises(EnrolmentError, match="incomplete"):
        enrol(vault, data_dir, "kiosk-enrol:?server=" + url)


def test_a_link_names_the_keyset_version_and_reads_back_whole() -> None:
    link = EnrolmentLink(
        "https://192.168.1.20:8443",
        "ABCD-EFGH",
        "1a2b-3c4d-5e6f-7a8b-9c0d",
        "9f" * 16,
        "3c" * 16,
        12,
    )
    assert link.to_text().endswith(f"&coordinator={'3c' * 16}&keyset=12")
    assert parse_link(link.to_text()) == link
    assert parse_link(replace(link, keyset=None).to_text()).keyset is None  # an older link


@given(st.integers(min_value=1, max_value=10**18 - 1))
def test_any_keyset_version_reads_back_as_printed(version: int) -> None:
    link = EnrolmentLink("https://192.168.1.20:8443", "ABCD-EFGH", keyset=version)
    assert parse_link(link.to_text()).keyset == version


def test_a_link_with_a_damaged_keyset_version_is_refused_before_anything_is_sent(
    vault: Vault, data_dir: Path, central: tuple[FakeCentral, str]
) -> None:
    fake, url = central
    whole = EnrolmentLink(url, "CODE-1").to_text()
    for damaged in ("", "0", "-1", "two", "1.5", "01", "+2", "%202", "1" * 19):
        with pytest.raises(EnrolmentError) as refused:
            enrol(vault, data_dir, f"{whole}&keyset={damaged}")
        assert str(refused.value) == (
            "This enrolment link's campaign keyset version is damaged: copy or scan it again."
        )
    assert fake.devices == {} and enrolled(vault, data_dir) is None
    with pytest.raises(EnrolmentError, match="coordinator fingerprint is damaged"):
        parse_link(f"{whole}&coordinator=3c1f")


def test_kiosk_enroll_takes_the_whole_link(
    data_dir: Path,
    central: tuple[FakeCentral, str],
    campaign_public_key: CampaignPublicKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _fake, url = central
    link = EnrolmentLink(url, "CODE-2", campaign_public_key.fingerprint).to_text()
    assert main(["enroll", link, "--data-dir", str(data_dir)]) == 0
    assert "Second rally" in capsys.readouterr().out
