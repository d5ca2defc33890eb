"""The kiosk's sync commands: `kiosk enroll`, `kiosk factory-reset` and `kiosk export-batches`."""

from __future__ import annotations

import argparse
import sys
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
    p.add_argument(
        "--release",
        help="to move a kiosk to another campaign: the release its current campaign's "
        "coordinator printed with 'kiosk central release DEVICE'",
    )
    add_data_dir(p)
    p.set_defaults(handler=_enroll)

    p = sub.add_parser(
        "factory-reset",
        help="wipe this kiosk's vault, keys and enrolment, to start it as new",
        description="Wipe the vault (signatures, counts, PIN), the device key, the campaign "
        "key and the enrolled appeal, so the kiosk can enrol with another campaign. Refused "
        "while any signature has not reached the server.",
    )
    add_data_dir(p)
    p.add_argument("--yes", action="store_true", help="do not ask to type RESET first")
    p.set_defaults(handler=_factory_reset)

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
        # EnrolmentError: one line
        done = enrol(vault, settings.data_dir, args.code, args.server, release=args.release)
    finally:
        vault.close()
    print(
        f"Enrolled for {done.event!r} at {done.server_url} "
        f"(campaign key {done.campaign_key_fingerprint}). 'kiosk run' now syncs signatures."
    )
    return 0


def _factory_reset(args: argparse.Namespace) -> int:
    from kiosk.sync.reset import factory_reset, refuse_reset_with_unsent, what_reset_removes

    data_dir = _settings(args).data_dir
    refuse_reset_with_unsent(data_dir)  # AdminError: one line, before anyone is asked
    doomed = what_reset_removes(data_dir)
    if not doomed:
        print(f"Nothing to reset in {data_dir}: the kiosk is already as new.")
        return 0
    print("A factory reset removes:\n" + "\n".join(f"  {path}" for path in doomed))
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError("give --yes to reset without a terminal to type RESET in")
        if input("Type RESET to remove them: ").strip() != "RESET":
            print("Nothing was removed.")
            return 1
    factory_reset(data_dir)
    print("Reset: this kiosk now starts as new, and can enrol with any campaign.")
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
