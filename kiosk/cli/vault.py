"""`kiosk vault check`: a volunteer's or coordinator's look at a kiosk's signature store.

Opening the vault runs its damage checks (kiosk.vault.damage): a damaged WAL is preserved and
mended, a damaged file is preserved and refused. The command then says, in words, what the vault
holds and whether anything is missing. Exit status 0: healthy; 1: something to tell the
coordinator (printed); 2: the vault cannot be used (one line, as every refusal).
"""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli.options import add_data_dir, counted
from kiosk.files import datadir
from kiosk.settings import default_data_dir


def register(sub: Any) -> None:
    vault = sub.add_parser("vault", help="check this kiosk's signature store")
    commands = vault.add_subparsers(required=True, metavar="COMMAND")
    p = commands.add_parser(
        "check",
        help="check the signature store: damage, missing signatures, what waits to sync",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    add_data_dir(p)
    p.set_defaults(handler=_check)


def _check(args: argparse.Namespace) -> int:
    from kiosk.files import logs
    from kiosk.vault import VAULT_FILE, Vault, outbox

    data_dir = datadir.prepare(args.data_dir or default_data_dir(demo=False))
    logs.setup(data_dir)
    vault = Vault.open(data_dir)  # VaultError: one line, exit 2
    try:
        stored = vault.count()
        backlog = outbox.backlog(vault)
        notice = vault.notice
    finally:
        vault.close()
    print(f"Signature store {data_dir / VAULT_FILE}: it opens and SQLite's quick check passes.")
    unsent = counted(backlog.unsent_batches, "batch", "batches")
    print(
        f"  {counted(stored, 'signature')} stored; {backlog.pending_signatures} not yet in a "
        f"batch, {backlog.unsent_signatures} in {unsent} not yet acknowledged."
    )
    if notice is None:
        print("  Nothing is missing: the device sequence has no gaps.")
        return 0
    print(f"  {notice}")
    return 1
