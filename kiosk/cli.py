"""The `kiosk` command: run (fullscreen, for events), demo (in a window), keygen (coordinators).

Every expected failure (a bad appeal file, a missing key, an unwritable directory, no display)
ends with one message that says what is wrong and what to do, and exit status 2.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kiosk import __version__, datadir, keys, logs
from kiosk.appeal import Appeal, AppealError, load_appeal, load_bundled_appeal
from kiosk.central import cli as central_cli
from kiosk.crypto import CampaignPrivateKey, CampaignPublicKey, KeyFileError
from kiosk.settings import Settings, default_data_dir
from kiosk.sync import APPEAL_FILE
from kiosk.sync import cli as sync_cli
from kiosk.vault import Vault, VaultError

EXIT_USAGE = 2
MIN_PASSPHRASE = 12
PASSPHRASE_ENV = "KIOSK_KEY_PASSPHRASE"
DEMO_CENTRAL_DIR = "demo-central"  # the demo's central server database, inside its data dir


class UserError(Exception):
    """Something the person running the command can fix; printed without a traceback."""


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        result: int = args.handler(args)
    except (UserError, AppealError, KeyFileError, VaultError, datadir.DataDirError) as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `kiosk central export | head`): stop quietly, as Unix
        # tools do, and keep Python from complaining again when it flushes stdout at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kiosk", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"kiosk {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--data-dir",
            type=Path,
            help="where the kiosk keeps its vault, keys and logs "
            "(default: the platform's user data directory)",
        )

    for name, helptext in (
        ("run", "run the kiosk fullscreen, for an event"),
        ("demo", "try the kiosk in a window with a demo campaign key"),
    ):
        p = sub.add_parser(name, help=helptext, description=helptext)
        common(p)
        p.add_argument("--appeal", type=Path, help="an appeal file (default: the bundled appeal)")
        p.add_argument("--window", action="store_true", help="a window instead of fullscreen")
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

    p = sub.add_parser("keygen", help="create a campaign key pair (for coordinators)")
    common(p)
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
    return parser


def _run(args: argparse.Namespace) -> int:
    settings = Settings(
        data_dir=datadir.prepare(args.data_dir or default_data_dir(demo=args.demo)),
        appeal_file=args.appeal,
        fullscreen=not (args.demo or args.window),
        on_screen_keyboard=args.on_screen_keyboard,
    )
    logs.setup(settings.data_dir)
    appeal = _appeal(settings)
    demo_notice = None
    if args.demo:
        demo = keys.ensure_demo_campaign(settings.data_dir)
        key = demo.public_key
        demo_notice = (
            f"DEMO KEY {key.fingerprint}: signatures taken here are for trying the kiosk only."
        )
        print(
            f"kiosk: demo mode. Signatures are sealed to a demo campaign key made for this "
            f"computer ({key.fingerprint}); its private key is {demo.private_key_file} "
            f"with the passphrase '{keys.DEMO_PASSPHRASE}'. Do not collect real signatures "
            "in demo mode.",
            file=sys.stderr,
        )
    else:
        key = _campaign_key(settings.data_dir, args.campaign_key)
    _require_display()
    vault = Vault.open(settings.data_dir)
    try:
        from kiosk.admin import AdminDesk, chosen_appeal
        from kiosk.pin import PinGuard
        from kiosk.signing import SignatureDesk
        from kiosk.sync import service as sync_service
        from kiosk.sync.status import StatusBoard
        from kiosk.ui.app import run_kiosk
        from kiosk.ui.keyboard import use_on_screen_keyboard

        if settings.on_screen_keyboard:
            missing = use_on_screen_keyboard(os.environ)
            if missing:
                print(f"kiosk: {missing}", file=sys.stderr)

        local_server = _demo_server(vault, settings.data_dir, key) if args.demo else None
        if args.appeal is None:  # the appeal a volunteer chose in the panel, if any
            appeal = chosen_appeal(vault, settings.data_dir) or appeal
        board = StatusBoard()
        worker = sync_service.start_sync(vault, settings.data_dir, settings.sync, board=board)
        # Enrolling from the panel starts (or restarts) the worker, on the same board.
        admin = AdminDesk(
            vault,
            settings.data_dir,
            settings.sync,
            PinGuard(vault),
            board=board,
            worker=worker,
            start_worker=lambda b: sync_service.start_sync(
                vault, settings.data_dir, settings.sync, board=b
            ),
        )

        def refresh(_: object) -> None:
            # The sync status follows each signature at once, not the worker's next round.
            current = admin.worker
            if current is not None:
                current.refresh()

        desk = SignatureDesk(appeal, vault, key, on_recorded=refresh)
        try:
            return run_kiosk(
                desk,
                fullscreen=settings.fullscreen,
                demo_notice=demo_notice,
                thanks_seconds=settings.thanks_seconds,
                idle_seconds=settings.idle_seconds,
                idle_countdown_seconds=settings.idle_countdown_seconds,
                quit_after_shown=args.quit_after_shown,
                sync_board=board if worker else None,
                admin=admin,
                admin_idle_seconds=settings.admin_idle_seconds,
                demo=args.demo,
            )
        finally:
            admin.stop()
            if local_server is not None:
                local_server.stop()
    finally:
        vault.close()


def _demo_server(vault: Vault, data_dir: Path, key: CampaignPublicKey) -> Any:
    """The demo's own central server on 127.0.0.1, with this kiosk enrolled to it."""
    from kiosk.central.embedded import start_local_server
    from kiosk.sync.enrol import EnrolmentError, enrol

    server = start_local_server(data_dir / DEMO_CENTRAL_DIR, key)
    try:
        # A new port on every start, so the kiosk enrols again (with its same device key).
        enrol(vault, data_dir, server.issue_enrolment_code("Demo event"), server.url)
    except EnrolmentError as exc:
        server.stop()
        raise UserError(f"the demo server did not enrol this kiosk: {exc}") from None
    print(f"kiosk: demo central server at {server.url}", file=sys.stderr)
    return server


def _appeal(settings: Settings) -> Appeal:
    if settings.appeal_file is None:
        enrolled = settings.data_dir / APPEAL_FILE  # received at enrolment
        return load_appeal(enrolled) if enrolled.exists() else load_bundled_appeal()
    return load_appeal(settings.appeal_file)


def _campaign_key(data_dir: Path, handed_over: Path | None) -> CampaignPublicKey:
    if handed_over is not None:
        return keys.install_public_key(handed_over, data_dir)
    return keys.load_public_key(data_dir / keys.PUBLIC_KEY_FILE)


def _require_display() -> None:
    """Say how to run without a screen, instead of letting Qt abort with a plugin error."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        raise UserError(
            "no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). Run the kiosk on a "
            "desktop session, or headless with QT_QPA_PLATFORM=offscreen (nothing is shown) "
            "or under a virtual display: xvfb-run kiosk demo"
        )


def _keygen(args: argparse.Namespace) -> int:
    passphrase = _new_passphrase(args.passphrase_file)
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


def _new_passphrase(passphrase_file: Path | None) -> str:
    if passphrase_file is not None:
        try:
            passphrase = passphrase_file.read_text(encoding="utf-8").strip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"cannot read the passphrase file {passphrase_file}: {exc}") from None
    elif os.environ.get(PASSPHRASE_ENV):
        passphrase = os.environ[PASSPHRASE_ENV]
    elif sys.stdin.isatty():
        passphrase = getpass.getpass("Passphrase for the new campaign private key: ")
        if getpass.getpass("The same passphrase again: ") != passphrase:
            raise UserError("the two passphrases differ; nothing was written. Try again.")
    else:
        raise UserError(
            f"no passphrase: run keygen in a terminal, or use --passphrase-file or ${PASSPHRASE_ENV}"
        )
    if len(passphrase) < MIN_PASSPHRASE:
        raise UserError(
            f"the passphrase is {len(passphrase)} characters; use at least {MIN_PASSPHRASE} "
            "(a few unrelated words work well). Nothing was written."
        )
    return passphrase


if __name__ == "__main__":
    sys.exit(main())
