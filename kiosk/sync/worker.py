"""The sync worker: a plain thread that closes batches, uploads them and purges old ones.

It wakes on a timer, when a pending batch may close (kiosk/sync/closer.py: at its minimum age,
once the table is quiet, or at its maximum age), when told of a new signature or a quiet table
(`wake`), and on "Sync now"; it never blocks its caller, and reports through a
StatusBoard. Transient failures (no network, timeouts, 5xx, cut or garbled answers) retry with
exponential backoff and full jitter; permanent ones (revoked kiosk, conflicting batch) stop the
uploads until someone presses "Sync now" or restarts the kiosk, and say why in words. When the
server asks for a wait (429 or 503 with Retry-After), nothing is uploaded before it is over,
not even on "Sync now", and the status says so (`SyncStatus.wait_until`).
"""

from __future__ import annotations

import enum
import logging
import random
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta

from kiosk.clock import utc_now
from kiosk.errors import KeysetRefused, SyncError, VaultError
from kiosk.message import QT_TRANSLATE_NOOP, Message, said
from kiosk.protocol.receipt import SignedReceipt
from kiosk.settings import SyncSettings
from kiosk.sync.backoff import MAX_SERVER_WAIT, retry_delay
from kiosk.sync.client import CentralClient
from kiosk.sync.closer import BatchCloser
from kiosk.sync.heartbeat import HeartbeatSender
from kiosk.sync.keyset import KeysetFollower
from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.vault import Vault, outbox

_Upload = tuple[outbox.OutgoingBatch, Future[SignedReceipt]]  # a batch and its request

log = logging.getLogger("kiosk.sync")

# Uploads in flight at once. Two keep both ends busy (the server storing one batch while the
# kiosk records the last receipt and sends the next) without letting a failure strand many.
IN_FLIGHT = 2


class Outcome(enum.Enum):
    DONE = "done"  # everything closed was acknowledged
    RETRY = "retry"  # a transient failure: back off and try again
    STOPPED = "stopped"  # a permanent failure: wait for a person


class SyncWorker:
    def __init__(
        self,
        vault: Vault,
        closer: BatchCloser,
        client: CentralClient,
        settings: SyncSettings,
        *,
        board: StatusBoard | None = None,
        clock: Callable[[], datetime] = utc_now,
        rng: random.Random | None = None,
        quiet: Callable[[], bool] | None = None,
        heartbeat: HeartbeatSender | None = None,
        keyset: KeysetFollower | None = None,
    ) -> None:
        """`quiet` says whether no supporter is at the form now (by default: always).
        `heartbeat` sends the kiosk's status after the rounds that call for it. `keyset`
        follows the coordinator's campaign keyset after each round that delivered everything
        (kiosk.sync.keyset)."""
        self._vault = vault
        self._closer = closer
        self._client = client
        self._settings = settings
        self.board = board or StatusBoard()
        self._clock = clock
        self._rng = rng or random.SystemRandom()
        self._quiet = quiet or (lambda: True)
        self._heartbeat = heartbeat
        self._keyset = keyset
        self._backing_off = False  # after a transient failure: `wake` waits for the backoff
        self._stopping = threading.Event()
        self._wake = threading.Event()
        self._requested = threading.Event()
        self._thread: threading.Thread | None = None
        self._stopped_by: str | None = None  # the permanent error that paused uploads
        self._failures = 0
        self._wait_until: datetime | None = None  # the server's Retry-After, on self._clock
        # When this process last had a batch acknowledged, to the second, for "last sync 2 min
        # ago"; the vault keeps only the hour (outbox._hour), which stands in after a restart.
        self._last_success: datetime | None = None
        # Held while a status is computed from the vault and published, by the worker and by
        # refresh() alike: a count read before the other's publish can never land after it.
        self._publishing = threading.Lock()
        self.board.publish(self._snapshot(replace(self.board.current, enrolled=True)))

    # The caller's side: each returns at once.

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="kiosk-sync", daemon=True)
            self._thread.start()

    def sync_now(self) -> None:
        """Close what is pending and upload it as soon as possible, retrying a stopped sync."""
        self._requested.set()
        self._wake.set()

    def wake(self) -> None:
        """Look for work now (a signature was recorded, the table became quiet), without
        forcing a batch to close; during a backoff after a failure, the backoff stands."""
        if not self._backing_off:
            self._wake.set()

    def refresh(self) -> None:
        """Recount what waits to sync and publish it now, on the caller's thread: two counting
        queries on the vault, no network, no round. For whoever records a signature, so the
        pending count follows it at once instead of after the next round. Never raises."""
        try:
            with self._publishing:
                self.board.publish(self._snapshot(self.board.current))
        except Exception:  # the count only decorates the screen; the next round retries it
            log.exception("sync status refresh failed")

    def stop(self, timeout: float = 10.0) -> None:
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._client.close()

    # The worker's side.

    def _loop(self) -> None:
        while not self._stopping.is_set():
            force = self._requested.is_set()
            self._requested.clear()
            outcome = self.run_once(force=force)
            delay = self.next_delay(outcome)
            self._backing_off = outcome is Outcome.RETRY
            self._wake.wait(delay)
            self._wake.clear()

    def next_delay(self, outcome: Outcome) -> float:
        """Seconds until the next round after `outcome`: the sync interval (or less, when a
        pending batch falls due sooner), or after a failure the backoff, and never less than
        what the server asked for (at most an hour)."""
        if outcome is not Outcome.RETRY:
            self._failures = 0
            # Sooner when a pending batch may close then (its minimum or maximum age).
            due = self._closer.seconds_until_due()
            interval = self._settings.sync_interval.total_seconds()
            return interval if due is None else min(interval, due)
        self._failures += 1
        delay = retry_delay(
            self._failures,
            base=self._settings.backoff_base.total_seconds(),
            cap=self._settings.backoff_max.total_seconds(),
            rng=self._rng,
        )
        if self._wait_until is not None:
            asked = (self._wait_until - self._clock()).total_seconds()
            delay = max(delay, min(asked, MAX_SERVER_WAIT))
        return delay

    def run_once(self, *, force: bool = False) -> Outcome:
        """One round: close due batches (all, if forced), upload, purge. Never raises."""
        with self._publishing:
            self.board.publish(replace(self.board.current, syncing=True))
            status = replace(self.board.current, syncing=False)
        try:
            if force:
                self._stopped_by = None
                self._closer.close_all()
            else:
                # Early only while the server answers (a batch that cannot go anyway may as
                # well gather more) and nobody is typing at the form.
                reachable = self.board.current.server_reachable is not False
                self._closer.close_due(quiet=reachable and self._quiet())
            delivered_before = self._last_success
            waiting = self._wait_until is not None and self._clock() < self._wait_until
            if self._stopped_by is not None:
                outcome, status = Outcome.STOPPED, replace(status, last_error=self._stopped_by)
            elif waiting:  # the server asked for it: no request, the last words stay shown
                outcome = Outcome.RETRY
            else:
                self._wait_until = None
                outcome, status = self._upload(replace(status, wait_until=None))
            if outcome is Outcome.DONE:
                status = self._fetch_total(status)
                status = self._follow_keyset(status)
            status = self._beat(
                status,
                outcome,
                delivered=self._last_success != delivered_before,
                forced=force,
            )
            outbox.purge(self._vault, self._settings.retention, self._clock())
        except VaultError as exc:  # the vault failing (disk full, locked): its words, retry later
            log.warning("sync round failed: the signature store could not be used")
            outcome = Outcome.RETRY
            status = replace(status, last_error=said(exc))
        except Exception as exc:
            log.exception("sync round failed")
            outcome = Outcome.RETRY
            status = replace(
                status,
                last_error=Message(
                    QT_TRANSLATE_NOOP("sync", "Sync could not run ({error})."),
                    error=type(exc).__name__,
                ),
            )
        with self._publishing:
            self.board.publish(self._snapshot(status))
        return outcome

    def _upload(self, status: SyncStatus) -> tuple[Outcome, SyncStatus]:
        """Upload every unacknowledged batch, oldest first, with up to IN_FLIGHT requests at a
        time: the server takes in one batch while the kiosk records the previous receipt.
        Receipts are recorded in chain order only, each in the commit that marks the next batch
        to go sent, before its request; after a failure, later batches stay unacknowledged
        even if they arrived (the next round sends them again, and the server answers the
        identical batch with the same receipt)."""
        batches = outbox.unacknowledged(self._vault)
        if not batches:
            return Outcome.DONE, replace(status, last_error=None)
        ahead = min(IN_FLIGHT, len(batches))
        outbox.mark_sent(
            self._vault, batches[0].id, self._clock(), *[b.id for b in batches[1:ahead]]
        )
        with ThreadPoolExecutor(ahead, thread_name_prefix="kiosk-upload") as requests:

            def send(batch: outbox.OutgoingBatch) -> _Upload:
                return batch, requests.submit(self._client.put_batch, batch.id, batch.envelope)

            waiting = deque(send(b) for b in batches[:ahead])
            following = iter(batches[ahead:])
            while waiting:
                batch, request = waiting.popleft()
                try:
                    receipt = request.result()
                    if not receipt.receipt.confirms(batch.id, batch.hash):
                        raise SyncError(
                            Message(
                                QT_TRANSLATE_NOOP(
                                    "sync",
                                    "The server's receipt does not match the batch this kiosk "
                                    "sent. Ask the coordinator to check the server.",
                                )
                            ),
                            permanent=True,
                            reached_server=True,
                        )
                except SyncError as exc:
                    log.warning("batch #%d not delivered: %s", batch.seq, exc)
                    outbox.record_error(self._vault, batch.id, str(exc))
                    if exc.retry_after is not None:
                        self._wait_until = self._clock() + timedelta(seconds=exc.retry_after)
                    status = replace(
                        status,
                        last_error=said(exc),
                        server_reachable=exc.reached_server,
                        wait_until=self._wait_until,
                    )
                    if exc.permanent:
                        self._stopped_by = said(exc)
                        return Outcome.STOPPED, status
                    return Outcome.RETRY, status
                after = None if self._stopping.is_set() else next(following, None)
                now = self._clock()
                self._last_success = now
                outbox.mark_acknowledged(
                    self._vault,
                    receipt,
                    now,
                    send_next=after.id if after else None,
                )
                if after is not None:
                    waiting.append(send(after))
                log.info("batch #%d acknowledged (%d signatures)", batch.seq, batch.record_count)
                status = replace(status, server_reachable=True)
        if self._stopping.is_set() and next(following, None) is not None:
            return Outcome.RETRY, status
        return Outcome.DONE, replace(status, last_error=None)

    def _beat(
        self, status: SyncStatus, outcome: Outcome, *, delivered: bool, forced: bool
    ) -> SyncStatus:
        """Read the machine and, when it is due, send the heartbeat, while the server answers.
        It never changes the round's outcome."""
        sender = self._heartbeat
        if sender is None:
            return status
        try:
            status = sender.read_machine(status)
            # Also while uploads are stopped (a conflict to look at): the console then sees a
            # kiosk that is alive. A server that refuses the heartbeat itself (a revoked kiosk)
            # is not asked again (HeartbeatSender).
            if status.server_reachable is not False and sender.due(
                delivered=delivered, forced=forced, server_wait=self._wait_until
            ):
                status = sender.send(status)
        except Exception:  # the status only decorates; the uploads must go on
            log.exception("heartbeat failed")
        return status

    def _fetch_total(self, status: SyncStatus) -> SyncStatus:
        """Ask for the campaign's total, right after every batch was acknowledged: the server's
        count then holds exactly this kiosk's signatures up to the last acknowledged one. On
        failure the last total stays: it only decorates the appeal screen, so nothing about it
        may turn a round that delivered everything into a failed one; but a server that cannot
        be reached at all is noted (reachable, and the volunteer's error line), since batches
        close early only while it answers."""
        try:
            total = self._client.campaign_summary()
        except SyncError as exc:
            log.info("no campaign total this round: %s", exc)
            if exc.reached_server:
                return replace(status, server_reachable=True)
            # Nothing was waiting to go, but the volunteer still learns the server is away.
            return replace(status, server_reachable=False, last_error=said(exc))
        except Exception:
            log.exception("asking for the campaign total failed")
            return status
        return replace(
            status,
            server_reachable=True,
            campaign_appeal_id=total.appeal_id,
            campaign_total=total.signatures,
            counted_through_seq=outbox.acknowledged_through(self._vault),
        )

    def _follow_keyset(self, status: SyncStatus) -> SyncStatus:
        """Learn a new campaign key, if the coordinator signed one; a refused keyset is said on
        the panel (the kiosk keeps sealing to its key), a server that cannot say is tried again
        next round."""
        if self._keyset is None:
            return status
        try:
            self._keyset.follow(self._client)
        except KeysetRefused as exc:
            log.warning("campaign keyset refused: %s", exc)
            return replace(status, last_error=said(exc))
        except SyncError as exc:
            log.info("no campaign keyset this round: %s", exc)
        return status

    def _snapshot(self, status: SyncStatus) -> SyncStatus:
        return with_backlog(self._vault, status, self._last_success)


def with_backlog(
    vault: Vault, status: SyncStatus, last_success: datetime | None = None
) -> SyncStatus:
    """`status` with the vault's backlog (what waits to be batched, sent, acknowledged) and the
    last acknowledgement: `last_success`, or the vault's record of it."""
    backlog = outbox.backlog(vault)
    return replace(
        status,
        pending_signatures=backlog.pending_signatures,
        unsent_batches=backlog.unsent_batches,
        unsent_signatures=backlog.unsent_signatures,
        last_success=last_success or outbox.last_acknowledged_at(vault),
    )
