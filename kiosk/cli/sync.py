"""The kiosk's sync commands: `kiosk enroll` and `kiosk export-batches`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

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
    p.add_argument("code", help="the one-time enrolment code")
    p.add_argument("--server", required=True, help="the central server, e.g. https://sign.example")
    _data_dir(p)
    p.set_defaults(handler=_one_line(_enroll))

    p = sub.add_parser(
        "export-batches",
        help="write every unsynced batch to a directory (a USB stick) for the coordinator",
    )
    p.add_argument("dir", type=Path, help="the directory to write <batch id>.kbatch files into")
    _data_dir(p)
    p.set_defaults(handler=_one_line(_export))


EXIT_USAGE = 2


class _Refused(Exception):
    """A sync command's expected failure: printed as one line, exit status 2."""


def _one_line(handler: Any) -> Any:
    def run(args: argparse.Namespace) -> int:
        try:
            result: int = handler(args)
        except _Refused as exc:
            print(f"kiosk: {exc}", file=sys.stderr)
            return EXIT_USAGE
        return result

    return run


def _data_dir(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--data-dir",
        type=Path,
        help="where the kiosk keeps its vault, keys and logs "
        "(default: the platform's user data directory)",
    )


def _settings(args: argparse.Namespace) -> Settings:
    return Settings(data_dir=datadir.prepare(args.data_dir or default_data_dir(demo=False)))


def _enroll(args: argparse.Namespace) -> int:
    from kiosk.files import logs
    from kiosk.sync.enrol import EnrolmentError, enrol
    from kiosk.vault import Vault

    settings = _settings(args)
    logs.setup(settings.data_dir)
    vault = Vault.open(settings.data_dir)
    try:
        done = enrol(vault, settings.data_dir, args.code, args.server)
    except EnrolmentError as exc:
        raise _Refused(str(exc)) from None
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
        raise _Refused(f"{out_dir} is not a directory. Insert the USB stick and give its path.")
    vault = Vault.open(settings.data_dir)
    try:
        enrolment = enrolled(vault, settings.data_dir)
        if enrolment is None:
            raise _Refused(
                "This kiosk is not enrolled, so its batches cannot be signed. Enrol it first "
                "with 'kiosk enroll CODE --server URL'."
            )
        try:
            written = export_batches(vault, closer_for(vault, enrolment, settings.sync), out_dir)
        except OSError as exc:
            raise _Refused(
                f"Cannot write to {out_dir} ({exc.strerror or exc}). Nothing already saved on "
                "this kiosk is affected; try another stick."
            ) from None
    finally:
        vault.close()
    noun = "batch file" if len(written) == 1 else "batch files"
    print(f"Wrote {len(written)} {noun} to {out_dir}.")
    return 0
