"""`kiosk run` and `kiosk demo`: the checks before any window, the window, then the rest.

A cold start puts the appeal on screen first, and starts what that first paint does not need
right after it (docs/performance.md: the appeal visible in under a second).

- Before any window, each failure one message and exit status 2: the data directory, the log,
  the appeal, the campaign key (or the demo's), a display.
- Once the appeal is painted, off the GUI thread (kiosk/ui/startup.py runs the steps of
  `KioskStart` in order): `open` the vault, take the volunteer's chosen appeal and make the
  desks, after which signatures can be recorded; then `connect`: the demo's own central server
  and the enrolment to it, or this kiosk's sync worker if it is enrolled. A failure in either
  closes the window, and one the person can fix (a vault that will not open, a demo server that
  will not enrol) ends as the checks do: one message, exit status 2.

Only those steps import SQLAlchemy, httpx and FastAPI, which take longer to load than the
window takes to show.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.errors import UsageError
from kiosk.files import core_dumps, datadir, keys, logs
from kiosk.petition.appeal import Appeal, load_appeal, load_bundled_appeal
from kiosk.settings import DEMO_SYNC, Settings, SyncSettings, default_data_dir
from kiosk.sync import APPEAL_FILE

if TYPE_CHECKING:
    from kiosk.central.embedded import LocalServer
    from kiosk.crypto.campaign_key import CampaignPublicKey
    from kiosk.desks.admin import AdminDesk
    from kiosk.desks.signing import Recorded, SignatureDesk
    from kiosk.sync.status import StatusBoard
    from kiosk.sync.worker import SyncWorker
    from kiosk.ui.app import Desks
    from kiosk.vault import Vault

log = logging.getLogger("kiosk.cli")

DEMO_CENTRAL_DIR = "demo-central"  # the demo's central server database, inside its data dir
DEMO_EVENT = "Demo event"


def run(args: argparse.Namespace) -> int:
    """`kiosk run` and `kiosk demo` (the parser is kiosk/cli/main.py)."""
    no_dumps = core_dumps.forbid()  # before anything a supporter types can be in memory
    settings = Settings(
        data_dir=datadir.prepare(args.data_dir or default_data_dir(demo=args.demo)),
        appeal_file=args.appeal,
        fullscreen=not (args.demo or args.window),
        on_screen_keyboard=args.on_screen_keyboard,
        sync=DEMO_SYNC if args.demo else SyncSettings(),
    )
    logs.setup(settings.data_dir)
    log.info("core dumps: %s", ", ".join(no_dumps))
    appeal = _appeal(settings)
    if args.demo:
        # Before the demo key is made (a deliberate half-second of scrypt) and announced. A
        # campaign key handed to `kiosk run` is installed first, so it is kept all the same.
        _require_display()
        demo = keys.ensure_demo_campaign(settings.data_dir)
        key = demo.public_key
        print(
            f"kiosk: demo mode. Signatures are sealed to a demo campaign key made for this "
            f"computer ({key.fingerprint}), or to the one a 'key rotate' made since; the "
            f"private keys are in {demo.private_key_file.parent}, beside the demo's coordinator "
            f"signing key, all with the passphrase '{keys.DEMO_PASSPHRASE}'. The coordinator's "
            f"commands work on the demo with --data-dir {settings.data_dir / DEMO_CENTRAL_DIR} "
            "(they use every key file there). Do not collect real signatures in demo mode.",
            file=sys.stderr,
        )
    else:
        key = _campaign_key(settings.data_dir, args.campaign_key)
        _require_display()

    from kiosk.ui import crash_log
    from kiosk.ui.app import run_kiosk
    from kiosk.ui.keyboard import use_on_screen_keyboard

    if settings.on_screen_keyboard:
        missing = use_on_screen_keyboard(os.environ)
        if missing:
            print(f"kiosk: {missing}", file=sys.stderr)
    restore = crash_log.install()  # Qt's warnings and uncaught exceptions: into the log
    try:
        return run_kiosk(
            appeal,
            KioskStart(settings, appeal, key, demo=args.demo, appeal_given=args.appeal is not None),
            fullscreen=settings.fullscreen,
            demo_key=key.fingerprint if args.demo else None,
            thanks_seconds=settings.thanks_seconds,
            idle_seconds=settings.idle_seconds,
            idle_countdown_seconds=settings.idle_countdown_seconds,
            quit_after_shown=args.quit_after_shown,
            admin_idle_seconds=settings.admin_idle_seconds,
            demo=args.demo,
            first_start=datadir.is_first_start(settings.data_dir),
        )
    finally:
        restore()


class KioskStart:
    """What the kiosk opens once its appeal is on screen, and closes at the end.

    `open` and then `connect` run one after the other on a thread of their own (blocking, no Qt);
    `run_kiosk` calls `close` at the end, once both have returned or failed.
    """

    def __init__(
        self,
        settings: Settings,
        appeal: Appeal,
        key: CampaignPublicKey,
        *,
        demo: bool,
        appeal_given: bool,
    ) -> None:
        self._settings = settings
        self._appeal = appeal
        self._key = key
        self._demo = demo
        self._appeal_given = appeal_given  # --appeal: shown whatever a volunteer chose
        self._vault: Vault | None = None
        self._admin: AdminDesk | None = None
        self._desk: SignatureDesk | None = None
        self._server: LocalServer | None = None
        self._forget_quiet: Callable[[], None] = lambda: None

    def open(self) -> Desks:
        """The vault, the appeal to show, and the desks that record signatures and serve the
        volunteer's panel. Enrolment from the panel starts the worker through the same desk."""
        from kiosk.desks.admin import AdminDesk, chosen_appeal
        from kiosk.desks.pin import MIN_DIGITS, RUN_MIN_DIGITS, PinGuard
        from kiosk.desks.signing import SignatureDesk
        from kiosk.sync.keyset import SealingKey
        from kiosk.sync.service import status_at_start
        from kiosk.sync.status import StatusBoard
        from kiosk.ui.app import Desks
        from kiosk.vault import Vault

        data_dir = self._settings.data_dir
        self._vault = vault = Vault.open(data_dir)
        # The coordinator's keyset, once the kiosk follows one, names the key to seal to.
        sealing = SealingKey.of_vault(vault, self._key)
        appeal = self._appeal
        if not self._appeal_given:
            appeal = chosen_appeal(vault, data_dir) or appeal
        self._admin = admin = AdminDesk(
            vault,
            data_dir,
            self._settings.sync,
            # The demo lets anyone try the panel with any short PIN; a rally's kiosk does not.
            PinGuard(vault, min_digits=MIN_DIGITS, refuse_easy=False)
            if self._demo
            else PinGuard(vault, min_digits=RUN_MIN_DIGITS),
            # What the vault says until the worker's first round: the corner is never blank.
            board=StatusBoard(status_at_start(vault, data_dir)),
            start_worker=self._start_worker,
            sealing=sealing,
        )
        self._desk = desk = SignatureDesk(appeal, vault, sealing, on_recorded=self._recorded)
        return Desks(desk, admin)

    def connect(self) -> None:
        """Sync: in the demo, with its own central server, which this kiosk enrols with;
        otherwise with the server it is enrolled with, if any."""
        admin = self._admin
        assert admin is not None, "open() comes first"
        if not self._demo:
            admin.start_sync()
            return
        from kiosk.central.embedded import start_local_server
        from kiosk.central.keyring import ensure_coordinator_key
        from kiosk.errors import AdminError

        data_dir = self._settings.data_dir
        coordinator_dir = data_dir / keys.DEMO_DIR
        # As `kiosk central init` does: a coordinator signing key beside the campaign private
        # key, under the demo passphrase, and the first signed keyset, so that `deliver`,
        # `key list|rotate` and the console's Keys page work on the demo too. Made only with
        # a new demo campaign.
        self._server = server = start_local_server(
            data_dir / DEMO_CENTRAL_DIR,
            self._key,
            coordinator=lambda: ensure_coordinator_key(coordinator_dir, keys.DEMO_PASSPHRASE),
        )
        if server.campaign.coordinator_key is None:
            print(f"kiosk: {old_demo_notice(data_dir)}", file=sys.stderr)
        try:
            # A new port on every start, so the kiosk enrols again (with its same device key).
            admin.enrol(server.url, server.issue_enrolment_code(DEMO_EVENT))
        except AdminError as exc:
            raise UsageError(f"the demo server did not enrol this kiosk: {exc}") from None
        print(f"kiosk: demo central server at {server.url}", file=sys.stderr)
        # The coordinator's side too: a newcomer opens it in a browser next to the kiosk.
        print(
            f"kiosk: the coordinators' console is at {server.console_url} ; sign in with "
            f"{server.console_credential()} (a credential for this demo server only)",
            file=sys.stderr,
        )

    def close(self) -> None:
        if self._desk is not None:
            self._desk.activity.flush()  # the hour so far: its counts, in the one summary line
        if self._admin is not None:
            self._admin.stop()
        if self._server is not None:
            self._server.stop()
        if self._vault is not None:
            self._vault.close()

    def _start_worker(self, board: StatusBoard) -> SyncWorker | None:
        from kiosk.sync.service import start_sync

        assert self._vault is not None and self._desk is not None
        presence = self._desk.presence
        desk = self._desk
        worker = start_sync(
            self._vault,
            self._settings.data_dir,
            self._settings.sync,
            board=board,
            quiet=presence.quiet,
            appeal=lambda: desk.appeal,  # the one on screen (a volunteer may choose another)
            sealing=self._desk.sealing,
        )
        self._forget_quiet()  # the worker this one replaces (an enrolment from the panel)
        if worker is not None:
            # A batch waiting for the table to be quiet closes as soon as it is.
            self._forget_quiet = presence.on_quiet(worker.wake)
        return worker

    def _recorded(self, _: Recorded) -> None:
        # The sync status follows each signature at once, not the worker's next round, and
        # the worker starts timing the new signature's batch now.
        worker = self._admin.worker if self._admin is not None else None
        if worker is not None:
            worker.refresh()
            worker.wake()


def old_demo_notice(data_dir: Path) -> str:
    """What to do with demo data made by a version before coordinator signing keys (the demo
    runs on, but nothing can sign its keyset or delivery manifest). It is not replaced here:
    it may hold signatures someone is looking at."""
    return (
        f"the demo data in {data_dir} was made by an older version of kiosk, before coordinator "
        "signing keys: 'kiosk central deliver', 'kiosk central key rotate' and the console's "
        f"keyset do not work on it. To try them, quit the demo, move {data_dir} away (it holds "
        "only demo data) and run 'kiosk demo' again: it makes a new demo campaign."
    )


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
        raise UsageError(
            "no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). Run the kiosk on a "
            "desktop session, or headless with QT_QPA_PLATFORM=offscreen (nothing is shown) "
            "or under a virtual display: xvfb-run -a make run (in the checkout), or "
            "xvfb-run -a kiosk demo"
        )
