"""The factory reset: the way to move a kiosk to another campaign without its coordinator's
release. It wipes what ties the kiosk to its campaign (the vault with its signatures, counts and
PIN, the device key, the campaign key, the enrolled appeal, preserved copies of a damaged
vault), so the kiosk starts as new. Refused while any signature has not reached the campaign's
server: a reset must never be the way signatures are lost.

Deleting files does not erase flash storage; what stays on it is sealed to the campaign key,
which the kiosk never held (docs/crypto.md, "What a seized kiosk shows").
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kiosk.errors import AdminError
from kiosk.files import keys
from kiosk.sync import APPEAL_FILE
from kiosk.vault import VAULT_FILE, Vault, outbox
from kiosk.vault.damage import PRESERVED_DIR

VAULT_COMPANIONS = ("-wal", "-shm", "-journal")


def what_reset_removes(data_dir: Path) -> list[Path]:
    """The files and folders a reset would remove, those that exist."""
    vault = data_dir / VAULT_FILE
    paths = [vault, *(vault.with_name(vault.name + end) for end in VAULT_COMPANIONS)]
    paths += [
        data_dir / name
        for name in (keys.DEVICE_KEY_FILE, keys.PUBLIC_KEY_FILE, APPEAL_FILE, PRESERVED_DIR)
    ]
    return [p for p in paths if p.exists() or p.is_symlink()]


def refuse_reset_with_unsent(data_dir: Path) -> None:
    if not (data_dir / VAULT_FILE).exists():
        return
    vault = Vault.open(data_dir)
    try:
        backlog = outbox.backlog(vault)
    finally:
        vault.close()
    if backlog.waiting_total > 0:
        count = backlog.waiting_total
        raise AdminError(
            f"This kiosk holds {count} signature{'' if count == 1 else 's'} its campaign's "
            "server has not confirmed, so it is not reset. Sync it first. If it cannot reach "
            "the server, export them to a USB stick ('kiosk export-batches') for the "
            "coordinator; the reset waits until the server has confirmed them."
        )


def factory_reset(data_dir: Path) -> list[Path]:
    """Remove everything `what_reset_removes` lists, once nothing is left to sync."""
    refuse_reset_with_unsent(data_dir)
    removed = what_reset_removes(data_dir)
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    return removed
