"""What the coordinator's commands say where they find no campaign, and where they look for the
coordinator's keys: no command but `init` makes a database (a command that only reads, such as
`audit` or `status`, would otherwise report an all-clear on an empty one), each says where it
looked and how to point it at the campaign's server (the demo's included); `deliver --verify`
says first that the pack cannot be read; `key list` looks for the private keys where they are."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_output import one_error_line
from coordinator import PASSPHRASE

from kiosk.central.deliver import MANIFEST_FORMAT
from kiosk.cli.main import main
from kiosk.crypto.campaign_key import CampaignPrivateKey

# Commands that need a campaign, the reading ones first; none may make a database to find out.
COMMANDS = [
    ["audit"],
    ["status"],
    ["key", "list"],
    ["review"],
    ["review", "--heuristics"],
    ["retention", "--dry-run"],
    ["erase", "--email", "ada@example.org", "--dry-run"],
    ["export", "--format", "csv"],
    ["deliver", "--out", "pack.pdf"],
    ["test-mode", "--event", "Rally"],
    ["enroll", "--event", "Rally"],
    ["revoke", "device-1"],
    ["user", "add", "maria"],
    ["serve"],
]


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The user data directories (Linux: $XDG_DATA_HOME), empty; no key passphrase is needed."""
    home = tmp_path / "xdg"
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.delenv("KIOSK_COORDINATOR_DIR", raising=False)
    monkeypatch.chdir(tmp_path)
    return home


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_no_command_makes_a_database_at_the_default_data_dir(
    xdg: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["central", *command]) == 2
    line = one_error_line(capsys.readouterr().err)
    default = xdg / "kiosk-central"
    demo = xdg / "kiosk-demo" / "demo-central"
    assert line == (
        f"kiosk: no campaign at {default}: run 'kiosk central init' there, or give --data-dir "
        f"of the campaign's server (the demo's is {demo})"
    )
    assert not default.exists()  # neither a database nor its directory


@pytest.mark.parametrize("command", [["audit"], ["status"], ["key", "list"]], ids=" ".join)
def test_a_data_dir_without_a_campaign_is_named_with_init_there(
    xdg: Path, tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    where = tmp_path / "typo"
    assert main(["central", *command, "--data-dir", str(where)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(
        f"kiosk: no campaign at {where}: run 'kiosk central init --data-dir {where}' there, "
        "or give --data-dir of the campaign's server"
    )
    assert not where.exists()


def test_audit_and_status_say_no_campaign_after_audit_made_nothing(
    xdg: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The newcomer's sequence: audit, then status, both at the default data directory. Neither
    reports an all-clear ("0 stored batches", "No kiosk is enrolled yet")."""
    assert main(["central", "audit"]) == 2
    assert main(["central", "status"]) == 2
    err = capsys.readouterr().err
    assert err.count("kiosk: no campaign at ") == 2
    assert "0 stored batches" not in err and "No kiosk is enrolled" not in err


@pytest.mark.parametrize("command", [["audit"], ["status"], ["key", "list"]], ids=" ".join)
def test_a_database_without_a_campaign_says_so_with_database_url(
    blank_database_url: str, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from kiosk.central.db import open_database

    open_database(blank_database_url).dispose()  # the schema, and no campaign in it
    assert main(["central", *command, "--database-url", blank_database_url]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith("kiosk: no campaign in the database at --database-url: run ")
    assert "give the --database-url of the campaign's server" in line


def test_verify_says_first_that_the_pack_cannot_be_read(
    central: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "pack.pdf"
    assert central("deliver", "--verify", missing) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line == f"kiosk: cannot read the pack {missing} (No such file or directory)"
    # an auditor's machine, no database and no key named: still the file first
    assert main(["central", "deliver", "--verify", str(missing)]) == 2
    assert "cannot read the pack" in capsys.readouterr().err


def _a_pack(tmp_path: Path) -> Path:
    """A readable pack and a manifest of the current format, to reach the signer check."""
    pack = tmp_path / "pack.pdf"
    pack.write_bytes(b"%PDF-1.7 not checked before the signer")
    manifest = {"format": MANIFEST_FORMAT, "coordinator_key": "", "signature": ""}
    (tmp_path / "pack.pdf.manifest.json").write_text(json.dumps(manifest), "utf-8")
    return pack


def test_verify_against_a_campaign_without_a_coordinator_key_says_exactly_that(
    central: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = _a_pack(tmp_path)
    assert central("deliver", "--verify", pack) == 2  # the fixture's campaign has none
    line = one_error_line(capsys.readouterr().err)
    assert "was made before coordinator signing keys, so it has no coordinator key to check" in (
        line
    )
    assert "give --expect-key FINGERPRINT" in line
    assert "(--data-dir, --database-url)" not in line  # not told to give what was given


def test_verify_with_a_data_dir_that_holds_no_campaign_names_it(
    xdg: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pack = _a_pack(tmp_path)
    where = tmp_path / "typo"
    assert main(["central", "deliver", "--verify", str(pack), "--data-dir", str(where)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"kiosk: no campaign at {where} to check the pack's signer against")
    assert "give --expect-key FINGERPRINT" in line
    assert not where.exists()


def test_deliver_on_a_campaign_without_a_coordinator_key_says_what_to_do(
    central: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert central("deliver", "--out", tmp_path / "pack.pdf") == 2
    line = one_error_line(capsys.readouterr().err)
    assert "made before coordinator signing keys" in line
    assert "'kiosk central export --out FILE'" in line
    assert "moving the demo's data directory away and starting 'kiosk demo' again" in line


def test_key_list_looks_for_the_private_keys_among_the_files_given(
    central: Any,
    campaign_private_key: CampaignPrivateKey,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    elsewhere = tmp_path / "stick"
    elsewhere.mkdir()
    key_file = elsewhere / "my-campaign.pem"
    key_file.write_bytes(campaign_private_key.to_pem(PASSPHRASE, scrypt_n=2**14))
    assert central("key", "list", "--key", key_file) == 0
    row = [line for line in capsys.readouterr().out.splitlines() if line.startswith("  1")]
    assert row and row[0].endswith(str(key_file))
    other = tmp_path / "other.pem"
    other.write_bytes(CampaignPrivateKey.generate().to_pem(PASSPHRASE, scrypt_n=2**14))
    assert central("key", "list", "--key", other) == 0
    assert "none among the --key files" in capsys.readouterr().out
