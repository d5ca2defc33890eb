"""A database failure anywhere in the vault reaches its callers as a VaultError, with words a
volunteer can act on, never as a raw SQLAlchemy error (which a Qt slot would only print)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.clock import utc_now
from kiosk.crypto.pin_hash import PinHashParams
from kiosk.desks.admin import AdminDesk, chosen_appeal
from kiosk.desks.pin import PinGuard
from kiosk.errors import VaultError
from kiosk.settings import SyncSettings
from kiosk.sync.enrol import enrolled
from kiosk.vault import VAULT_FILE, Vault, batches, outbox


def _desk(vault: Vault, data_dir: Path) -> AdminDesk:
    return AdminDesk(
        vault, data_dir, SyncSettings(), PinGuard(vault, params=PinHashParams(64, 1, 1))
    )


CALLS: dict[str, Callable[[Vault, Path], Any]] = {
    "panel counts": lambda v, d: _desk(v, d).counts(),
    "event name": lambda v, d: _desk(v, d).set_event_name("Pride march"),
    "chosen appeal": lambda v, d: chosen_appeal(v, d),
    "PIN set?": lambda v, d: PinGuard(v).is_set(),
    "enrolment": lambda v, d: enrolled(v, d),
    "backlog": lambda v, d: outbox.backlog(v),
    "purge": lambda v, d: outbox.purge(v, timedelta(days=7), utc_now()),
    "batch closing": lambda v, d: batches.pending_counts(v),
    "signature count": lambda v, d: v.count(),
}


@pytest.mark.parametrize("call", CALLS.values(), ids=CALLS.keys())
def test_a_damaged_schema_is_a_vault_error(
    call: Callable[[Vault, Path], Any], vault: Vault, data_dir: Path
) -> None:
    # Another process (or a damaged page) takes the vault's tables away while the kiosk runs.
    with sqlite3.connect(data_dir / VAULT_FILE) as other:
        for table in ("kiosk_state", "device", "daily_tally", "batch_envelope", "batch"):
            other.execute(f"DROP TABLE IF EXISTS {table}")
        other.execute("DROP TABLE IF EXISTS signature")
    with pytest.raises(VaultError, match=r"^The signature store cannot be used right now \("):
        call(vault, data_dir)
