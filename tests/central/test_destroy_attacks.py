"""`kiosk central key destroy` against a thief who takes the coordinator's directory later: no
copy of the destroyed key that the coordinator left in that directory survives (a backup with
another name, a download's "(1)" copy, a copy in a subfolder, a copied recovery sheet), while
every other key and the ledger stay. SQLite and PostgreSQL (CI=true)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import initialised_central  # type: ignore[import-not-found]

from kiosk.central.campaign import get_campaign
from kiosk.central.db import open_database
from kiosk.files import keys

# The fixtures of a server `kiosk central init` set up (tests/central/initialised_central.py).
central = initialised_central.central
coordinator = initialised_central.coordinator
PASSPHRASE = initialised_central.PASSPHRASE


def _body_lines(pem: bytes) -> list[bytes]:
    """The base64 of the key file's blocks (its text lines, the same in every key file, not)."""
    blocks = pem.split(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")[1:]
    lines = [line for b in blocks for line in b.split(b"-----END")[0].split()]
    assert len(lines) >= 4
    return lines


def test_every_copy_of_a_destroyed_key_in_the_coordinators_directory_is_shredded(
    central: Any, database_url: str, coordinator: Path, capsys: Any
) -> None:
    assert central("key", "rotate") == 0
    key1 = (coordinator / keys.PRIVATE_KEY_FILE).read_bytes()
    key2 = (coordinator / "campaign-private-2.pem").read_bytes()
    sheet1 = coordinator / "campaign-recovery-sheet.html"
    # What a coordinator leaves about: copies under other names, in a subfolder, with Windows
    # line ends, a copied recovery sheet; and a backup of key 2, which must stay.
    (coordinator / "backup").mkdir()
    copies = {
        coordinator / "campaign-private.pem.bak": key1,
        coordinator / "campaign-private (1).pem": key1,
        coordinator / "backup" / "key-one.pem": key1,
        coordinator / "key1-windows.txt": key1.replace(b"\n", b"\r\n"),
    }
    for path, data in copies.items():
        path.write_bytes(data)
    shutil.copyfile(sheet1, coordinator / "backup" / "recovery sheet copy.html")
    both = coordinator / "both-keys.pem"  # one file holding key 1 and key 2: left, and named
    both.write_bytes(key1 + key2)
    kept = {
        coordinator / "backup" / "key-two.pem": key2,
        coordinator / "notes.txt": b"the rally is on Saturday\n",
    }
    for path, data in kept.items():
        path.write_bytes(data)
    before = {p for p in coordinator.rglob("*") if p.is_file()}

    engine = open_database(database_url)
    campaign = get_campaign(engine)
    engine.dispose()
    capsys.readouterr()
    assert central("key", "destroy", 1, stdin=f"{campaign.appeal_id}\n") == 0
    out = capsys.readouterr().out
    left = {p for p in coordinator.rglob("*") if p.is_file()}
    shredded = before - left
    assert shredded == {
        *copies,
        coordinator / keys.PRIVATE_KEY_FILE,
        sheet1,
        coordinator / "backup" / "recovery sheet copy.html",
    }
    for path in shredded:
        assert f"shredded {path}" in out
    assert f"not shredded {both}: it holds another key of the campaign too" in out
    left.discard(both)
    # Nothing of key 1 is left in any file; key 2, its sheet, the signing key, notes stay.
    needles = _body_lines(key1)
    for path in left:
        data = path.read_bytes()
        assert not any(n in data for n in needles), path
    for path, data in kept.items():
        assert path.read_bytes() == data
    assert (coordinator / "campaign-private-2.pem").read_bytes() == key2
    assert (coordinator / "campaign-recovery-sheet-2.html").exists()
    assert (coordinator / "coordinator-signing.pem").exists()
