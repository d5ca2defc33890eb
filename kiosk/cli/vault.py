"""`kiosk vault check`: a volunteer's or coordinator's look at a kiosk's signature store.

Opening the vault runs its damage checks (kiosk.vault.damage): a damaged WAL is preserved and
mended, a damaged file is preserved and refused. The command then says, in words, what the vault
holds and whether anything is missing. Exit status 0: healthy; 1: something to tell the
coordinator (printed); 2: the vault cannot be used (one line, as every refusal).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli.options import add_data_dir, counted
from kiosk.cli.progress import add_progress_option
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
    p = commands.add_parser(
        "salvage",
        help="write every sealed record that still reads from a damaged vault to DIR, as "
        "batch files for 'kiosk central import'",
        description="Read the vault and every copy in preserved/ (without changing them), and "
        "write the sealed records that still read, sealed to this kiosk's campaign key, as "
        "signed salvage batches in DIR.",
    )
    p.add_argument("out_dir", type=Path, metavar="DIR", help="where to write (e.g. a USB stick)")
    add_data_dir(p)
    add_progress_option(p)
    p.set_defaults(handler=_salvage)


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


def _salvage(args: argparse.Namespace) -> int:
    from kiosk.cli.progress import progress_for
    from kiosk.errors import UsageError
    from kiosk.files import keys, logs
    from kiosk.sync.salvage import write_salvage
    from kiosk.vault.damage import describe_gaps

    data_dir = datadir.prepare(args.data_dir or default_data_dir(demo=False))
    logs.setup(data_dir)
    if not args.out_dir.is_dir():
        raise UsageError(f"{args.out_dir} is not a folder; give the folder to write to")
    device_key = data_dir / keys.DEVICE_KEY_FILE
    if not device_key.exists():
        raise UsageError(
            f"{device_key} is missing: this kiosk was never enrolled, so it cannot sign a "
            "salvage batch. Give the data directory to the coordinator as it is."
        )
    campaign = keys.load_public_key(data_dir / keys.PUBLIC_KEY_FILE)  # KeyFileError: one line
    reading = progress_for(args, "salvage: reading", "vault files")
    writing = progress_for(args, "salvage: writing", "records")
    result = write_salvage(
        data_dir,
        keys.load_device_key(device_key),
        campaign,
        args.out_dir,
        reading=reading,
        writing=writing,
    )
    for shown in (reading, writing):
        if shown is not None:
            shown.finish()
    read, files = len(result.sources), len(result.files)
    print(
        f"Read {read} vault file{'' if read == 1 else 's'}: {result.records} sealed "
        f"record{'' if result.records == 1 else 's'} for campaign {campaign.fingerprint}, "
        f"written to {files} salvage batch file{'' if files == 1 else 's'} in {args.out_dir}."
    )
    for what, count in (
        ("sealed to another campaign's key, left out", result.other_campaign),
        ("rows that could not be read (damaged pages)", result.unreadable_rows),
        ("rows that are not a whole record, left out", result.malformed_rows),
    ):
        if count:
            print(f"  {count} {what}")
    if result.missing:
        print(
            "  Not in any file, their pages lost: the signatures with device sequence numbers "
            f"{describe_gaps(result.missing)}"
        )
    print("Give the files to the coordinator: 'kiosk central import FILE...' takes them.")
    return 0
