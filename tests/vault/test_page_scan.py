"""Salvage reads a vault whose signature table SQL can no longer walk: its root page damaged, and
then one of its leaf pages lost too. The page scan (kiosk.vault.page_scan) finds every record
still on a page, and what is gone is named by its device sequence numbers.

Where the table's pages are comes from SQLite itself (`sqlite_master.rootpage` and the `dbstat`
table), not from the scanner under test, and each salvaged record must open with the campaign's
private key as the signature that was recorded.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from signing import sign

from kiosk.cli.main import main
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.files import keys
from kiosk.petition.appeal import Appeal
from kiosk.petition.record import open_record, sealed_sizes
from kiosk.vault import VAULT_FILE, Vault
from kiosk.vault.salvage import SalvagedRecord, salvage

SIGNED = 40
NAMES = [f"Signer{i:02d}" for i in range(SIGNED)]
PAGE = 4096


def _pages(db: Path) -> tuple[int, list[tuple[int, int]]]:
    """The signature table's root page and its leaves (page, cells) in key order, by SQLite."""
    conn = sqlite3.connect(db)
    try:
        query = "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'signature'"
        (root,) = conn.execute(query).fetchone()
        leaves = conn.execute(
            "SELECT pageno, ncell FROM dbstat WHERE name = 'signature' AND pagetype = 'leaf' "
            "ORDER BY path"
        ).fetchall()
    finally:
        conn.close()
    return root, leaves


def _seqs(db: Path) -> list[int]:
    conn = sqlite3.connect(db)
    try:
        return [s for (s,) in conn.execute("SELECT device_seq FROM signature ORDER BY rowid")]
    finally:
        conn.close()


def _overwrite(db: Path, page: int, start: int, data: bytes) -> None:
    with db.open("r+b") as f:
        f.seek((page - 1) * PAGE + start)
        f.write(data)


def _sql_cannot_walk(db: Path) -> None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        for query in ("SELECT sealed FROM signature", "SELECT max(rowid) FROM signature"):
            with pytest.raises(sqlite3.DatabaseError):
                conn.execute(query).fetchall()
    finally:
        conn.close()


@pytest.fixture
def signed_vault(
    data_dir: Path, vault: Vault, appeal: Appeal, campaign_public_key: CampaignPublicKey
) -> Path:
    sign(vault, appeal, campaign_public_key, NAMES)
    vault.close()  # checkpointed: the table is in the database file alone
    db = data_dir / VAULT_FILE
    root, leaves = _pages(db)
    assert len(leaves) > 2 and root not in {page for page, _ in leaves}  # an interior root
    return db


def _opened_names(
    found: list[SalvagedRecord], key: CampaignPrivateKey, device_id: str
) -> list[str]:
    ids = [(r.sealed, {"appeal_id": r.appeal_id, "signature_id": r.id}) for r in found]
    return [
        open_record(sealed, key, device_id=device_id, **bound).fields["first_name"]
        for sealed, bound in ids
    ]


def test_salvage_reads_every_record_when_the_tables_root_page_is_damaged(
    signed_vault: Path,
    data_dir: Path,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
) -> None:
    device_id = _device_id(signed_vault)
    root, _ = _pages(signed_vault)
    _overwrite(signed_vault, root, 0, bytes(range(256)) * 2)  # header and cell pointers
    _sql_cannot_walk(signed_vault)

    found = salvage(data_dir, sealed_lengths=sealed_sizes(campaign_public_key))
    assert (len(found.records), found.unreadable_rows, found.missing) == (SIGNED, 0, [])
    assert [r.device_seq for r in found.records] == list(range(1, SIGNED + 1))
    assert _opened_names(found.records, campaign_private_key, device_id) == NAMES


def test_salvage_names_the_sequence_numbers_on_a_lost_leaf_page(
    signed_vault: Path,
    data_dir: Path,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    device_id = _device_id(signed_vault)
    seqs = _seqs(signed_vault)
    root, leaves = _pages(signed_vault)
    before = sum(cells for _, cells in leaves[:1])
    lost_page, lost_cells = leaves[1]  # a leaf in the middle: its neighbours bound the gap
    lost = seqs[before : before + lost_cells]
    _overwrite(signed_vault, root, 0, b"\xff" * 64)
    _overwrite(signed_vault, lost_page, 0, bytes(PAGE))
    _sql_cannot_walk(signed_vault)

    found = salvage(data_dir, sealed_lengths=sealed_sizes(campaign_public_key))
    kept = [s for s in seqs if s not in lost]
    assert [r.device_seq for r in found.records] == kept
    assert found.missing == [(lost[0], lost[-1])]
    names = _opened_names(found.records, campaign_private_key, device_id)
    assert names == [NAMES[s - 1] for s in kept]

    # And the volunteer's command says which signatures are lost.
    keys.store_public_key(campaign_public_key, data_dir)
    keys.device_key(data_dir)  # as at enrolment
    stick = data_dir.parent / "stick"
    stick.mkdir()
    capsys.readouterr()
    assert main(["vault", "salvage", str(stick), "--data-dir", str(data_dir)]) == 0
    said = capsys.readouterr().out
    assert f"{len(kept)} sealed records for campaign" in said
    gap = f"{lost[0]}-{lost[-1]}"
    assert f"the signatures with device sequence numbers {gap}" in said, said


def test_a_damaged_overflow_chain_is_counted_not_taken(
    signed_vault: Path, data_dir: Path, campaign_public_key: CampaignPublicKey
) -> None:
    conn = sqlite3.connect(signed_vault)
    try:
        (overflow,) = conn.execute(
            "SELECT pageno FROM dbstat WHERE name = 'signature' AND pagetype = 'overflow' "
            "ORDER BY path LIMIT 1"
        ).fetchone()
    finally:
        conn.close()
    root, _ = _pages(signed_vault)
    _overwrite(signed_vault, root, 0, b"\xff" * 64)
    _overwrite(signed_vault, overflow, 0, b"\xff\xff\xff\xff")  # its next page: past the file
    found = salvage(data_dir, sealed_lengths=sealed_sizes(campaign_public_key))
    assert len(found.records) == SIGNED - 1
    assert found.unreadable_rows == 1
    assert found.missing == [(1, 1)]  # the first record's chain, in key order


def _device_id(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        (device_id,) = conn.execute("SELECT id FROM device").fetchone()
    finally:
        conn.close()
    return str(device_id)


def test_salvage_shows_its_progress_only_when_asked(
    signed_vault: Path,
    data_dir: Path,
    campaign_public_key: CampaignPublicKey,
    capsys: pytest.CaptureFixture[str],
) -> None:
    keys.store_public_key(campaign_public_key, data_dir)
    keys.device_key(data_dir)  # as at enrolment
    stick = data_dir.parent / "stick"
    stick.mkdir()
    capsys.readouterr()
    assert main(["vault", "salvage", str(stick), "--data-dir", str(data_dir)]) == 0
    assert "[" not in capsys.readouterr().err  # not a terminal: the log gets results only
    again = data_dir.parent / "again"
    again.mkdir()
    args = ["vault", "salvage", str(again), "--data-dir", str(data_dir), "--progress"]
    assert main(args) == 0
    err = capsys.readouterr().err
    bar = r"\[[#-]{30}\] %s, [\d,]+/s, \d+ s left"
    assert re.search("salvage: reading: " + bar % r"1/1 vault files", err), err
    assert re.search("salvage: writing: " + bar % rf"{SIGNED}/{SIGNED} records", err), err
