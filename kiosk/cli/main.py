"""The `kiosk` command: run (fullscreen, for events), demo (in a window), keygen (coordinators).

Every expected failure (a bad appeal file, a missing key, an unwritable directory, no display)
ends with one message that says what is wrong and what to do, and exit status 2.

This module is the parser only, so that `kiosk --help` and the first moments of a start stay
quick: each command imports what it needs when it runs (`run` and `demo` in kiosk/cli/launch.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from kiosk import __version__
from kiosk.cli import central as central_cli
from kiosk.cli import sync as sync_cli
from kiosk.cli import vault as vault_cli
from kiosk.cli.options import add_data_dir
from kiosk.cli.passphrase import PASSPHRASE_ENV, new_passphrase
from kiosk.errors import KioskError

EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        result: int = args.handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `kiosk central export | head`): stop quietly, as Unix
        # tools do, and keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except KioskError as exc:  # the one error printer of every command; others are bugs
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    for name, helptext in (
        ("run", "run the kiosk fullscreen, for an event"),
        ("demo", "try the kiosk in a window with a demo campaign key"),
    ):
        p = sub.add_parser(name, help=helptext, description=helptext)
        add_data_dir(p)
        p.add_argument("--appeal", type=Path, help="an appeal file (default: the bundled appeal)")
        if name == "run":  # the demo is always a window
            p.add_argument("--window", action="store_true", help="a window instead of fullscreen")
        else:
            p.set_defaults(window=True)
        p.add_argument("--quit-after-shown", action="store_true", help=argparse.SUPPRESS)
        p.add_argument(
            "--on-screen-keyboard",
            action="store_true",
            help="show Qt's on-screen keyboard, for systems without one "
            "(needs the 'keyboard' extra, PySide6-Addons)",
        )
        p.set_defaults(handler=_run, demo=name == "demo")
        if name == "run":
            p.add_argument(
                "--campaign-key",
                type=Path,
                help="the campaign public key file from your coordinator; kept for next time",
            )

    p = sub.add_parser(
        "keygen",
        help="create a campaign key pair (for coordinators)",
        description="Create a campaign key pair in --out: campaign-private.pem, encrypted with "
        "a passphrase of at least 12 characters (keep it offline, with a backup: without it no "
        "signature sealed to the key can be read), and campaign-public.pem, for every kiosk "
        "('kiosk run --campaign-key campaign-public.pem'). Existing key files are never "
        "overwritten.",
    )
    add_data_dir(p)
    p.add_argument(
        "--out", type=Path, default=Path("."), help="directory for the two key files (default: .)"
    )
    p.add_argument(
        "--passphrase-file",
        type=Path,
        help=f"read the passphrase from a file (or ${PASSPHRASE_ENV})",
    )
    p.set_defaults(handler=_keygen)
    central_cli.register(sub)
    sync_cli.register(sub)
    vault_cli.register(sub)
    return parser


def _run(args: argparse.Namespace) -> int:
    from kiosk.cli.launch import run

    return run(args)


def _keygen(args: argparse.Namespace) -> int:
    from kiosk.crypto.campaign_key import CampaignPrivateKey
    from kiosk.files import keys

    passphrase = new_passphrase(args.passphrase_file)
    private = CampaignPrivateKey.generate()
    private_path, public_path = keys.write_key_pair(private, passphrase, args.out)
    fingerprint = private.public_key().fingerprint
    print(
        f"Campaign key {fingerprint}\n"
        f"  private (keep offline, with its passphrase): {private_path}\n"
        f"  public (give to every kiosk):                {public_path}\n"
        "Without the private key and its passphrase, no signature sealed to this key can be "
        "read by anyone. Keep a backup of both somewhere safe."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
