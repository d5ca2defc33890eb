"""A damaged vault's signatures reach the coordinator: a kiosk synced some signatures, took
more offline, and its vault file was then cut short (a card pulled mid-write), or the signature
table's root page damaged (SQL then finds none of its rows), so the kiosk refuses it and keeps a
copy. `kiosk vault salvage DIR` reads back every sealed record that
still reads, `kiosk central import` stores the ones the server lacks, the chain report says
what salvage brought in, and the coordinator's export holds every signer once."""

from __future__ import annotations

import csv
import os
import re
import sqlite3
from pathlib import Path

import httpx
import pytest
from cli_output import one_error_line
from signing import sign, sync_once

from kiosk.central.console.counts import totals
from kiosk.central.embedded import start_local_server
from kiosk.cli.main import main
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.errors import VaultError
from kiosk.files import keys
from kiosk.petition.appeal import Appeal
from kiosk.sync.enrol import enrol, enrolled
from kiosk.vault import VAULT_FILE, Vault
from kiosk.vault.damage import PRESERVED_DIR

PASSPHRASE = "correct horse battery staple"
SYNCED = ["Ada", "Grace", "Hedy", "Joan"]
OFFLINE = ["Katherine", "Lise", "Marie", "Noether", "Emmy", "Rosalind", "Barbara", "Frances"]


def _cut_short(db: Path) -> None:
    os.truncate(db, db.stat().st_size - 2 * 4096)  # the last signature's pages


def _damage_the_tables_root(db: Path) -> None:
    conn = sqlite3.connect(db)
    query = "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'signature'"
    (root,) = conn.execute(query).fetchone()
    conn.close()
    with db.open("r+b") as f:  # its page type and cell pointers: SQL finds no row of it
        f.seek((root - 1) * 4096)
        f.write(b"\xff" * 64)


# How the vault was damaged, what the kiosk says, and how many records salvage can read back.
DAMAGES = {
    "cut short": (_cut_short, "shorter than its own header says", range(10, 12)),
    "the table's root page": (_damage_the_tables_root, "is damaged", range(12, 13)),
}


@pytest.mark.slow
@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_vaults_signatures_reach_the_export_through_salvage(
    damage: str,
    tmp_path: Path,
    data_dir: Path,
    vault: Vault,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server_dir = tmp_path / "central"
    coordinator = tmp_path / "coordinator"
    coordinator.mkdir()
    key_file = coordinator / keys.PRIVATE_KEY_FILE
    key_file.write_bytes(campaign_private_key.to_pem(PASSPHRASE, scrypt_n=2**14))
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(coordinator))
    with start_local_server(server_dir, campaign_public_key) as server:
        enrol(vault, data_dir, server.issue_enrolment_code("Rally"), server.url)
        state = enrolled(vault, data_dir)
        assert state is not None
        sign(vault, appeal, campaign_public_key, SYNCED)
        assert sync_once(vault, state).board.current.last_error is None
        sign(vault, appeal, campaign_public_key, OFFLINE)  # the network went away
        vault.close()

        damaged, refusal, readable = DAMAGES[damage]
        damaged(data_dir / VAULT_FILE)
        with pytest.raises(VaultError, match=refusal):
            Vault.open(data_dir)
        capsys.readouterr()
        assert main(["vault", "check", "--data-dir", str(data_dir)]) == 2  # said, in words
        assert refusal in one_error_line(capsys.readouterr().err)
        assert list((data_dir / PRESERVED_DIR).glob(f"*/{VAULT_FILE}"))

        stick = tmp_path / "stick"
        stick.mkdir()
        capsys.readouterr()
        assert main(["vault", "salvage", str(stick), "--data-dir", str(data_dir)]) == 0
        said = capsys.readouterr().out
        found = re.search(r"(\d+) sealed records? for campaign", said)
        assert found is not None, said
        total = int(found.group(1))
        assert total in readable, said
        files = sorted(stick.glob("salvage-*.kbatch"))
        assert len(files) == 1

        # Not an upload: the kiosk never sends salvage over the network.
        with httpx.Client(base_url=server.url) as http:
            refused = http.put("/api/v2/batches/x", content=files[0].read_bytes())
        assert refused.status_code == 422 and "kiosk central import" in refused.text

        central = ["--data-dir", str(server_dir)]
        assert main(["central", "import", *central, *map(str, files)]) == 0
        imported = capsys.readouterr().out
        new = total - len(SYNCED)
        assert f"{total} signatures read back from a damaged vault, {new} of them new" in imported
        assert main(["central", "import", *central, *map(str, files)]) == 0
        assert "already stored" in capsys.readouterr().out
        assert main(["central", "status", *central]) == 0
        status = capsys.readouterr().out
        assert f"salvaged: {new} signatures only a salvage brought in" in status
        # The console's tally counted the salvaged records once, the second import not again.
        assert totals(server.engine).campaign == len(SYNCED) + new

    export = tmp_path / "signatures.csv"
    assert main(["central", "export", *central, "--out", str(export)]) == 0
    with export.open(encoding="utf-8-sig", newline="") as f:
        names = sorted(r["first_name"] for r in csv.DictReader(f))
    assert names == sorted(SYNCED + OFFLINE[:new])  # all but those whose pages were cut
