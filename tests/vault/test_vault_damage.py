"""A damaged vault file is named as damaged, left as it is, and never blamed on the disk; a file
the kiosk may not open is not called damaged. From the `kiosk` command: one line, exit 2."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from cli_output import one_error_line, run_kiosk
from sqlalchemy.exc import OperationalError

from kiosk.errors import VaultError
from kiosk.vault import VAULT_FILE, NewSignature, Vault, state
from kiosk.vault.damage import PRESERVED_DIR


def _new() -> NewSignature:
    return NewSignature(
        id=str(uuid.uuid4()),
        appeal_id="save-the-park",
        appeal_version=1,
        collected_hour=datetime(2026, 5, 1, 10),
        key_fingerprint="abcd-ef01-2345-6789-abcd",
        sealed=b"\x01" * 2000,
    )


def _export_batches(data_dir: Path, tmp_path: Path) -> tuple[int, str, str]:
    """`kiosk export-batches`, as a volunteer would run it: it opens the vault first."""
    usb = tmp_path / "usb"
    usb.mkdir()
    result = run_kiosk(["export-batches", str(usb), "--data-dir", str(data_dir)])
    return result.returncode, result.stdout, result.stderr


def _says_damaged(line: str, data_dir: Path, reason: str) -> None:
    assert f"The signature store {data_dir / VAULT_FILE} is damaged ({reason})" in line
    assert "did not change it" in line
    assert f"kept a copy in {data_dir / PRESERVED_DIR}/" in line
    assert "coordinator" in line and "new data directory (--data-dir)" in line
    # Not the disk's fault, and never a suggestion to throw the signatures away.
    assert "writable" not in line and "disk is not full" not in line
    assert not {"delete", "remove", "erase"} & set(line.lower().split())


def _preserved(data_dir: Path) -> bytes:
    (copy,) = (data_dir / PRESERVED_DIR).glob(f"*/{VAULT_FILE}")
    return copy.read_bytes()


def _a_vault_with_signatures(data_dir: Path) -> None:
    vault = Vault.open(data_dir)
    for _ in range(40):
        vault.add(_new())
    vault.close()


def test_a_file_that_is_not_a_database_is_damaged_and_left_alone(
    data_dir: Path, tmp_path: Path
) -> None:
    damaged = b"this is not a database, just some text. " * 100
    (data_dir / VAULT_FILE).write_bytes(damaged)
    code, out, err = _export_batches(data_dir, tmp_path)
    assert code == 2 and out == ""
    _says_damaged(one_error_line(err), data_dir, "file is not a database")
    assert (data_dir / VAULT_FILE).read_bytes() == damaged
    assert _preserved(data_dir) == damaged


def test_a_cut_short_vault_is_damaged_and_left_alone(data_dir: Path, tmp_path: Path) -> None:
    _a_vault_with_signatures(data_dir)
    whole = (data_dir / VAULT_FILE).read_bytes()
    (data_dir / VAULT_FILE).write_bytes(whole[: len(whole) // 2])
    code, out, err = _export_batches(data_dir, tmp_path)
    assert code == 2 and out == ""
    _says_damaged(one_error_line(err), data_dir, "the file is shorter than its own header says")
    assert (data_dir / VAULT_FILE).read_bytes() == whole[: len(whole) // 2]
    assert _preserved(data_dir) == whole[: len(whole) // 2]


def test_a_vault_that_cannot_be_opened_is_not_called_damaged(
    data_dir: Path, tmp_path: Path
) -> None:
    # SQLite cannot open it, as with a file the kiosk has no permission for: not damage, and
    # something the person at the kiosk can look into.
    (data_dir / VAULT_FILE).mkdir()
    code, out, err = _export_batches(data_dir, tmp_path)
    line = one_error_line(err)
    assert code == 2 and out == ""
    assert line == (
        f"kiosk: The signature store {data_dir / VAULT_FILE} cannot be opened (unable to open "
        "database file). Check that the data directory is writable and the disk is not full."
    )


def _sqlite_error(message: str, code: int) -> OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code
    return OperationalError("INSERT", {}, error)


@pytest.mark.parametrize(
    ("message", "code", "expected"),
    [
        (
            "database disk image is malformed",
            sqlite3.SQLITE_CORRUPT,
            "This signature could not be saved: the signature store is damaged (database disk "
            "image is malformed). Please ask a volunteer for help.",
        ),
        (
            "database or disk is full",
            sqlite3.SQLITE_FULL,
            "This signature could not be saved (the disk is full). Please ask a "
            "volunteer for help; nothing already saved is affected.",
        ),
    ],
)
def test_a_failed_save_says_whether_the_store_is_damaged(
    vault: Vault, monkeypatch: pytest.MonkeyPatch, message: str, code: int, expected: str
) -> None:
    def fails(*_args: object) -> None:
        raise _sqlite_error(message, code)

    monkeypatch.setattr(state, "count_signature", fails)
    with pytest.raises(VaultError) as info:
        vault.add(_new())
    assert str(info.value) == expected
    assert vault.count() == 0
