"""The kiosk's sync commands: `kiosk enroll` and `kiosk export-batches`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kiosk.cli.options import add_data_dir, counted
from kiosk.errors import UsageError
from kiosk.files import datadir
from kiosk.settings import Settings, default_data_dir


def register(sub: Any) -> None:
    """Add the sync commands to the `kiosk` parser's subcommands."""
    p = sub.add_parser(
        "enroll",
        help="enrol this kiosk with a central server, using a code from the coordinator",
        description="Enrol this kiosk: register its device key and receive the campaign key, "
        "the appeal and the event.",
    )
    p.add_argument("code", help="the enrolment link (kiosk-enrol:...), or the one-time code")
    p.add_argument(
        "--server", help="the central server, e.g. https://sign.example (with a code, not a link)"
    )
    add_data_dir(p)
    p.set_defaults(handler=_enroll)

    p = sub.add_parser(
        "export-batches",
        help="write every unsynced batch to a directory (a USB stick) for the coordinator",
        description="Close the signatures not yet in a batch, then write every batch the "
        "server has not acknowledged into DIR as <batch id>.kbatch files: signed and sealed, "
        "so the stick reveals no signer. For a kiosk without network: the coordinator loads "
        "them with 'kiosk central import'. Writing them again gives the same files.",
    )
    p.add_argument("dir", type=Path, help="the directory to write <batch id>.kbatch files into")
    add_data_dir(p)
    p.set_defaults(handler=_export)


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(data_dir=datadir.prepare(args.data_dir or default_data_dir(demo=False)))


def _enroll(args: argparse.Namespace) -> int:
    from kiosk.files import logs
    from kiosk.sync.enrol import enrol
    from kiosk.vault import Vault

    settings = _settings(args)
    logs.setup(settings.data_dir)
    vault = Vault.open(settings.data_dir)
    try:
        done = enrol(vault, settings.data_dir, args.code, args.server)  # EnrolmentError: one line
    finally:
        vault.close()
    print(
        f"Enrolled for {done.event!r} at {done.server_url} "
        f"(campaign key {done.campaign_key_fingerprint}). 'kiosk run' now syncs signatures."
    )
    return 0


def _export(args: argparse.Namespace) -> int:
    from kiosk.files import logs
    from kiosk.sync.batch_files import export_batches
    from kiosk.sync.enrol import enrolled
    from kiosk.sync.service import closer_for
    from kiosk.vault import Vault

    settings = _settings(args)
    logs.setup(settings.data_dir)
    out_dir: Path = args.dir
    if not out_dir.is_dir():
        raise UsageError(f"{out_dir} is not a directory. Insert the USB stick and give its path.")
    vault = Vault.open(settings.data_dir)
    try:
        enrolment = enrolled(vault, settings.data_dir)
        if enrolment is None:
            raise UsageError(
                "This kiosk is not enrolled, so its batches cannot be signed. Enrol it first "
                "with 'kiosk enroll CODE --server URL'."
            )
        try:
            written = export_batches(vault, closer_for(vault, enrolment, settings.sync), out_dir)
        except OSError as exc:
            raise UsageError(
                f"Cannot write to {out_dir} ({exc.strerror or exc}). Nothing already saved on "
                "this kiosk is affected; try another stick."
            ) from None
    finally:
        vault.close()
    print(f"Wrote {counted(len(written), 'batch file')} to {out_dir}.")
    return 0
