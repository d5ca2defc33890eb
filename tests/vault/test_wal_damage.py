"""The damage matrix: a kiosk killed mid-use, then one of its files damaged. For each case the
number of signatures lost silently is 0: they are all recovered, or the loss is told (a notice
or a refusal, in words) and the files as they were are kept in preserved/."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from cli_output import one_error_line, run_kiosk

from kiosk.errors import VaultError
from kiosk.vault import VAULT_FILE, Vault, page_scan
from kiosk.vault.damage import PRESERVED_DIR
from kiosk.vault.salvage import salvage
from kiosk.vault.wal import FRAME_HEADER, WAL_HEADER

SIGNED = 60  # about 500 frames: under SQLite's automatic checkpoint, so one WAL generation
KILLED_MID_USE = f"""
import os, signal, sys, uuid
from datetime import datetime
from pathlib import Path
from kiosk.vault import NewSignature, Vault
vault = Vault.open(Path(sys.argv[1]))
for _ in range({SIGNED}):
    hour = datetime(2026, 5, 1, 10)
    vault.add(NewSignature(str(uuid.uuid4()), "a", 1, hour, "ab", os.urandom(8304)))
os.kill(os.getpid(), signal.SIGKILL)  # an unclean stop: the WAL stays, never checkpointed
"""


@pytest.fixture(scope="module")
def killed_kiosk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory as a kiosk killed after SIGNED signatures left it."""
    data_dir = tmp_path_factory.mktemp("killed")
    done = subprocess.run(
        [sys.executable, "-c", KILLED_MID_USE, str(data_dir)], timeout=120, check=False
    )
    assert done.returncode == -signal.SIGKILL
    assert (data_dir / f"{VAULT_FILE}-wal").stat().st_size > 100 * 4096
    return data_dir


def _wal(data_dir: Path) -> Path:
    return data_dir / f"{VAULT_FILE}-wal"


def _flip(path: Path, offset: int) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x10
    path.write_bytes(data)


def _frame(data_dir: Path, index: int) -> int:
    """The offset of a WAL frame's page content (index may count from the end)."""
    size = FRAME_HEADER + 4096
    frames = (_wal(data_dir).stat().st_size - WAL_HEADER) // size
    return WAL_HEADER + (index % frames) * size + FRAME_HEADER


def _plain_sqlite_count(data_dir: Path, tmp: Path) -> int:
    """What SQLite alone keeps of a copy: the silent loss the kiosk must prevent."""
    copy = tmp / "plain"
    shutil.copytree(data_dir, copy)
    conn = sqlite3.connect(copy / VAULT_FILE)
    try:
        return int(conn.execute("SELECT count(*) FROM signature").fetchone()[0])
    except sqlite3.Error:
        return 0
    finally:
        conn.close()


CASES: dict[str, Callable[[Path], None]] = {
    "a flipped bit in the WAL header": lambda d: _flip(_wal(d), 17),
    "a flipped bit in a frame": lambda d: _flip(_wal(d), _frame(d, 40) + 3000),
    "a flipped bit in the last frame": lambda d: _flip(_wal(d), _frame(d, -1) + 100),
    "a truncated WAL": lambda d: os.truncate(_wal(d), _wal(d).stat().st_size * 2 // 3),
}


@pytest.mark.parametrize("case", CASES)
def test_a_damaged_wal_loses_no_signature_silently(
    case: str, killed_kiosk: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(killed_kiosk, data_dir)
    CASES[case](data_dir)
    damaged = {p.name: p.read_bytes() for p in data_dir.iterdir()}
    plain = _plain_sqlite_count(data_dir, tmp_path)
    assert plain < SIGNED, "SQLite alone lost nothing: this case proves nothing"

    vault = Vault.open(data_dir)
    try:
        kept = vault.count()
        notice = vault.notice
    finally:
        vault.close()
    (preserved,) = (data_dir / PRESERVED_DIR).iterdir()
    assert {p.name: p.read_bytes() for p in preserved.iterdir() if p.is_file()} == damaged
    assert notice is not None and str(preserved) in notice
    if case == "a truncated WAL":  # the frames are gone from the disk: told, not recovered
        assert kept == plain
        assert "could not be recovered" in notice
    else:
        assert kept == SIGNED, notice
        assert "Every change in it was recovered" in notice


def test_a_clean_stop_is_left_alone(killed_kiosk: Path, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(killed_kiosk, data_dir)
    vault = Vault.open(data_dir)
    assert (vault.count(), vault.notice) == (SIGNED, None)
    vault.close()
    assert not (data_dir / PRESERVED_DIR).exists()


def _closed_vault(killed_kiosk: Path, tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    shutil.copytree(killed_kiosk, data_dir)
    Vault.open(data_dir).close()  # replays and checkpoints the WAL: one database file
    assert not _wal(data_dir).exists()
    return data_dir


def test_a_truncated_database_is_refused_and_kept(killed_kiosk: Path, tmp_path: Path) -> None:
    data_dir = _closed_vault(killed_kiosk, tmp_path)
    path = data_dir / VAULT_FILE
    os.truncate(path, path.stat().st_size // 2)
    cut = path.read_bytes()
    with pytest.raises(VaultError, match="shorter than its own header says") as refused:
        Vault.open(data_dir)
    assert "kept a copy in" in str(refused.value)
    assert path.read_bytes() == cut
    (copy,) = (data_dir / PRESERVED_DIR).glob(f"*/{VAULT_FILE}")
    assert copy.read_bytes() == cut


def _flip_root_byte(path: Path, root: int) -> None:
    _flip(path, (root - 1) * 4096 + 5)  # where the cell content starts: SQL still finds rows


def _overwrite_root_header(path: Path, root: int) -> None:
    with path.open("r+b") as f:  # the page type and the cell pointers: SQL finds no row
        f.seek((root - 1) * 4096)
        f.write(b"\xff" * 64)


@pytest.mark.parametrize("damage", [_flip_root_byte, _overwrite_root_header])
def test_a_damaged_page_stops_the_vault_and_salvage_reads_every_record(
    killed_kiosk: Path, tmp_path: Path, damage: Callable[[Path, int], None]
) -> None:
    data_dir = _closed_vault(killed_kiosk, tmp_path)
    path = data_dir / VAULT_FILE
    conn = sqlite3.connect(path)
    query = "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = 'signature'"
    (root,) = conn.execute(query).fetchone()
    conn.close()
    damage(path, root)  # the signature table's root page
    flipped = path.read_bytes()
    with pytest.raises(VaultError, match="is damaged") as refused:
        Vault.open(data_dir)
    assert "Traceback" not in str(refused.value)
    assert path.read_bytes() == flipped
    (copy,) = (data_dir / PRESERVED_DIR).glob(f"*/{VAULT_FILE}")
    assert copy.read_bytes() == flipped
    # Through SQL where it still walks the table, off the pages where it does not.
    found = salvage(data_dir)
    assert (len(found.records), found.unreadable_rows, found.missing) == (SIGNED, 0, [])
    assert path.read_bytes() == flipped and copy.read_bytes() == flipped


def test_a_gap_in_the_device_sequence_is_named(killed_kiosk: Path, tmp_path: Path) -> None:
    data_dir = _closed_vault(killed_kiosk, tmp_path)
    conn = sqlite3.connect(data_dir / VAULT_FILE)
    conn.execute("DELETE FROM signature WHERE device_seq IN (7, 8, 9, 30)")
    conn.commit()
    conn.close()
    vault = Vault.open(data_dir)
    try:
        assert vault.sequence_gaps() == [(7, 9), (30, 30)]
        assert vault.notice == (
            "4 signatures are missing from the signature store (device sequence numbers "
            "7-9, 30). Tell your coordinator."
        )
    finally:
        vault.close()


def test_kiosk_vault_check_tells_a_volunteer_what_it_found(
    killed_kiosk: Path, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    shutil.copytree(killed_kiosk, data_dir)
    CASES["a truncated WAL"](data_dir)
    told = run_kiosk(["vault", "check", "--data-dir", str(data_dir)])
    assert told.returncode == 1, told.stderr
    assert "quick check passes" in told.stdout
    assert "could not be recovered" in told.stdout and str(data_dir / PRESERVED_DIR) in told.stdout

    # Told again at every start while the copies are on the kiosk; then the vault is healthy.
    again = run_kiosk(["vault", "check", "--data-dir", str(data_dir)])
    assert again.returncode == 1, again.stderr
    assert f"Copies of a damaged signature store are kept in {data_dir / PRESERVED_DIR} (1)" in (
        again.stdout
    )
    shutil.move(data_dir / PRESERVED_DIR, tmp_path / "for the coordinator")
    healthy = run_kiosk(["vault", "check", "--data-dir", str(data_dir)])
    assert healthy.returncode == 0, healthy.stdout
    assert "Nothing is missing" in healthy.stdout

    (data_dir / VAULT_FILE).write_bytes(b"not a database" * 100)
    refused = run_kiosk(["vault", "check", "--data-dir", str(data_dir)])
    assert refused.returncode == 2
    assert "is damaged (file is not a database)" in one_error_line(refused.stderr)


def test_the_page_scan_reads_the_signatures_in_a_wal_sqlite_ignores(
    killed_kiosk: Path, tmp_path: Path
) -> None:
    # Every signature is in the WAL alone; its header damaged, SQLite would replay none.
    data_dir = tmp_path / "data"
    shutil.copytree(killed_kiosk, data_dir)
    _flip(_wal(data_dir), 3)
    # The table's columns in their stored order (batch membership has its own table since 0012).
    columns = ["id", "device_seq", "appeal_id", "appeal_version", "collected_hour"]
    columns += ["key_fingerprint", "sealed"]
    scanned = page_scan.scan(data_dir / VAULT_FILE, columns)
    seqs = {row.values["device_seq"] for row in scanned.rows}
    assert seqs == set(range(1, SIGNED + 1)) and scanned.broken == frozenset()
    assert all(len(row.values["sealed"]) == 8304 for row in scanned.rows)  # type: ignore[arg-type]


@pytest.mark.parametrize("case", [c for c in CASES if "flipped bit" in c])
def test_a_preserved_copy_alone_gives_back_every_signature(
    killed_kiosk: Path, tmp_path: Path, case: str
) -> None:
    # The kiosk kept a copy and mended its vault; then the mended vault was lost as well. SQL
    # alone reads the copy's WAL up to its damage (0, 1 and 59 of 60 signatures); the pages,
    # read before SQLite replays and deletes the WAL, hold every one. (A WAL cut short has no
    # pages for what was cut: the kiosk tells that loss at open, test above.)
    data_dir = tmp_path / "data"
    shutil.copytree(killed_kiosk, data_dir)
    CASES[case](data_dir)
    Vault.open(data_dir).close()
    for part in data_dir.glob(f"{VAULT_FILE}*"):
        part.unlink()
    found = salvage(data_dir)
    assert (len(found.records), found.unreadable_rows, found.missing) == (SIGNED, 0, [])
