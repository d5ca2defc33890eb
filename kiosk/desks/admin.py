"""What the volunteer's admin panel does, without Qt: counts, event, appeal, sync, export, enrol.

The panel's widgets call these and show the result; everything that takes a while (export,
enrolment) is plain blocking code here, and the panel runs it on a worker thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from importlib.resources import files
from pathlib import Path

from kiosk.clock import local_day, utc_now
from kiosk.desks.pin import PinGuard
from kiosk.errors import AdminError, AppealError, EnrolmentError
from kiosk.message import QT_TRANSLATE_NOOP, Message, said
from kiosk.petition.appeal import Appeal, load_appeal, parse_appeal
from kiosk.settings import SyncSettings
from kiosk.sync import APPEAL_FILE
from kiosk.sync.enrol import Enrolled as Enrolled  # the desk's answer types, for the panel
from kiosk.sync.enrol import current_campaign, enrol, enrolled
from kiosk.sync.keyset import SealingKey
from kiosk.sync.status import StatusBoard
from kiosk.sync.worker import SyncWorker
from kiosk.vault import Vault
from kiosk.vault import state as state_row
from kiosk.vault.state import Counts as Counts

# The desk's own messages (AdminError carrying a Message) are marked in this context and
# translated on the panel (kiosk/ui/admin/layer.py).
TRANSLATION_CONTEXT = "admin"

log = logging.getLogger("kiosk.desks.admin")

EVENT_NAME_MAX = 120


@dataclass(frozen=True)
class AppealChoice:
    id: str
    title: str
    appeal: Appeal
    source: str  # "bundled" or "enrolment"


def installed_appeals(data_dir: Path) -> list[AppealChoice]:
    """The bundled appeals and the one received at enrolment, one per id (enrolment wins)."""
    found: dict[str, AppealChoice] = {}
    folder = files("kiosk.resources").joinpath("appeals")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        try:
            appeal = parse_appeal(entry.read_bytes(), f"bundled appeal {entry.name}")
        except AppealError as exc:
            log.warning("bundled appeal skipped: %s", exc)
            continue
        found[appeal.id] = AppealChoice(appeal.id, appeal.title, appeal, "bundled")
    received = data_dir / APPEAL_FILE
    if received.exists():
        try:
            appeal = load_appeal(received)
        except AppealError as exc:
            log.warning("enrolled appeal skipped: %s", exc)
        else:
            found[appeal.id] = AppealChoice(appeal.id, appeal.title, appeal, "enrolment")
    return list(found.values())


def chosen_appeal(vault: Vault, data_dir: Path) -> Appeal | None:
    """The appeal a volunteer chose in the panel, if it is still installed."""
    with state_row.edit(vault) as state:
        chosen = state.appeal_id
    if chosen is None:
        return None
    for choice in installed_appeals(data_dir):
        if choice.id == chosen:
            return choice.appeal
    return None


class AdminDesk:
    """The volunteer's operations over this kiosk's vault and sync worker."""

    def __init__(
        self,
        vault: Vault,
        data_dir: Path,
        sync_settings: SyncSettings,
        pin: PinGuard,
        *,
        board: StatusBoard | None = None,
        worker: SyncWorker | None = None,
        start_worker: Callable[[StatusBoard], SyncWorker | None] | None = None,
        clock: Callable[[], datetime] = utc_now,
        sealing: SealingKey | None = None,
    ) -> None:
        """`sealing`: the key the signing desk seals to, which the panel names."""
        self.vault = vault
        self._sealing = sealing
        self.data_dir = data_dir
        self.pin = pin
        self.board = board or (worker.board if worker else StatusBoard())
        self._sync_settings = sync_settings
        self._worker = worker
        self._start_worker = start_worker
        self._clock = clock
        self._lock = threading.Lock()  # enrolment replaces the worker from a worker thread

    @property
    def worker(self) -> SyncWorker | None:
        with self._lock:
            return self._worker

    # What the panel shows.

    def today(self) -> date:
        """The kiosk's local day, as the signatures' tallies count them."""
        return local_day(self._clock())

    def counts(self) -> Counts:
        return state_row.tallies(self.vault, self.today())

    def event_name(self) -> str:
        return state_row.event_name(self.vault)

    def set_event_name(self, name: str) -> str:
        name = " ".join(name.split())
        if len(name) > EVENT_NAME_MAX:
            raise AdminError(
                Message(
                    QT_TRANSLATE_NOOP("admin", "An event name has at most {most} characters."),
                    most=EVENT_NAME_MAX,
                )
            )
        with state_row.edit(self.vault) as state:
            state.event_name = name or None
        log.info("event name set")
        return self.event_name()

    def appeals(self) -> list[AppealChoice]:
        return installed_appeals(self.data_dir)

    def chosen_appeal_id(self) -> str | None:
        with state_row.edit(self.vault) as state:
            return state.appeal_id

    def choose_appeal(self, appeal_id: str) -> Appeal:
        for choice in self.appeals():
            if choice.id == appeal_id:
                with state_row.edit(self.vault) as state:
                    state.appeal_id = appeal_id
                log.info("appeal chosen: %s", appeal_id)
                return choice.appeal
        raise AdminError(
            Message(QT_TRANSLATE_NOOP("admin", "That appeal is no longer installed on this kiosk."))
        )

    def server_url(self) -> str:
        done = enrolled(self.vault, self.data_dir)
        return done.server_url if done else ""

    # What the panel does.

    def sync_now(self) -> bool:
        """Ask the worker for a sync now; False if this kiosk is not enrolled (no worker)."""
        worker = self.worker
        if worker is None:
            return False
        worker.sync_now()
        return True

    def export(self, out_dir: Path) -> list[Path]:
        """Write every unsynced batch to `out_dir` (blocking: run it off the GUI thread)."""
        from kiosk.sync.batch_files import export_batches
        from kiosk.sync.service import closer_for

        if not out_dir.is_dir():
            raise AdminError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "admin", "{folder} is not a folder. Insert the USB stick and choose it."
                    ),
                    folder=str(out_dir),
                )
            )
        enrolment = enrolled(self.vault, self.data_dir)
        if enrolment is None:
            raise AdminError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "admin",
                        "This kiosk is not enrolled, so its batches cannot be signed. "
                        "Enrol it first.",
                    )
                )
            )
        try:
            return export_batches(
                self.vault, closer_for(self.vault, enrolment, self._sync_settings), out_dir
            )
        except OSError as exc:
            raise AdminError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "admin",
                        "Cannot write to {folder} ({reason}). Nothing saved on this kiosk is "
                        "affected; try another stick.",
                    ),
                    folder=str(out_dir),
                    reason=str(exc.strerror or exc),
                )
            ) from None

    def campaign_fingerprint(self) -> str | None:
        """The campaign this kiosk seals to (its key's fingerprint), for the volunteer to compare
        with the coordinator's; None while it has no campaign key."""
        return current_campaign(self.data_dir)

    def sealing_key(self) -> tuple[int | None, str] | None:
        """The campaign key new signatures are sealed to: its id in the coordinator's keyset
        (None before the kiosk has followed one) and its fingerprint; None without a key."""
        if self._sealing is None:
            return None
        _key, fingerprint, key_id = self._sealing.current()
        return key_id, fingerprint

    def enrol(self, server_url: str, code: str, release: str = "") -> Enrolled:
        """Enrol with a code from the coordinator, then sync with that server (blocking). A kiosk
        that collects for a campaign moves to another only with `release` (kiosk.sync.enrol)."""
        if not code.strip():
            raise AdminError(
                Message(
                    QT_TRANSLATE_NOOP("admin", "Type the enrolment code the coordinator gave you.")
                )
            )
        try:
            done = enrol(
                self.vault,
                self.data_dir,
                code,
                server_url.strip() or None,
                release=release.strip() or None,
            )
        except EnrolmentError as exc:
            raise AdminError(said(exc)) from None
        self.start_sync()
        return done

    def start_sync(self) -> None:
        """(Re)start the sync worker, reporting on the board; it runs only on an enrolled kiosk
        (blocking: the worker's client is imported and made here)."""
        if self._start_worker is None:
            return
        with self._lock:
            old, self._worker = self._worker, None
        if old is not None:
            old.stop()
        new = self._start_worker(self.board)
        with self._lock:
            self._worker = new

    def stop(self) -> None:
        worker = self.worker
        if worker is not None:
            worker.stop()
