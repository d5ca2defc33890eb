"""The kiosk's heartbeat: its signed status (kiosk.protocol.heartbeat), sent by the sync worker
after every round that delivered a batch, on "Sync now", and at least every five minutes while
the server answers. Never more often than every ten seconds, never while the server asked for a
wait (Retry-After), and never in the way of an upload: a heartbeat that fails is only logged,
and the next one says the same, newer.

The machine's readings (battery, free disk) are taken at every round, on the worker's thread
(a battery read can be slow on some hardware), and published with the sync status for the
volunteer's panel.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from kiosk import __version__
from kiosk.clock import utc_now
from kiosk.crypto.device_key import DeviceKey
from kiosk.errors import SyncError
from kiosk.files import machine
from kiosk.petition.appeal import Appeal, appeal_digest
from kiosk.protocol.heartbeat import AppealInUse, Battery, Heartbeat
from kiosk.sync.backoff import MAX_SERVER_WAIT
from kiosk.sync.client import CentralClient
from kiosk.sync.status import SyncStatus
from kiosk.vault import Vault, outbox
from kiosk.vault import state as state_row

log = logging.getLogger("kiosk.sync")

EVERY = timedelta(minutes=5)  # at least this often while the server answers
MIN_GAP = timedelta(seconds=10)  # at most this often (the server takes 12 a minute)
# How far the server's latest number may pull this kiosk's count forward (a vault restored from
# an older copy is behind); a bound, so that no answer can push it to the end of the numbers.
MAX_CATCH_UP = 1_000_000


class HeartbeatSender:
    def __init__(
        self,
        vault: Vault,
        key: DeviceKey,
        client: CentralClient,
        data_dir: Path,
        *,
        appeal: Callable[[], Appeal | None] = lambda: None,
        clock: Callable[[], datetime] = utc_now,
        power_supply: Path = machine.POWER_SUPPLY,
    ) -> None:
        """`appeal`: the appeal on screen now (kiosk.desks.signing.SignatureDesk.appeal)."""
        self._vault = vault
        self._key = key
        self._client = client
        self._data_dir = data_dir
        self._appeal = appeal
        self._clock = clock
        self._power_supply = power_supply
        self._last_sent: datetime | None = None
        self._hold_until: datetime | None = None  # the server's Retry-After for heartbeats
        self._server_seq = 0  # the newest number the server said it holds
        self._refused: str | None = None  # a permanent refusal: no more until a restart

    def read_machine(self, status: SyncStatus) -> SyncStatus:
        reading = machine.battery(self._power_supply)
        return replace(
            status,
            battery_percent=reading.percent if reading else None,
            charging=reading.charging if reading else None,
            disk_free_bytes=machine.disk_free(self._data_dir),
        )

    def due(self, *, delivered: bool, forced: bool, server_wait: datetime | None) -> bool:
        """Whether to send one now: after a delivery or on "Sync now", else every EVERY; never
        within MIN_GAP of the last, nor before a wait the server asked for."""
        now = self._clock()
        if self._refused is not None:
            return False
        for hold in (self._hold_until, server_wait):
            if hold is not None and now < hold:
                return False
        if self._last_sent is not None and now - self._last_sent < MIN_GAP:
            return False
        return delivered or forced or self._last_sent is None or now - self._last_sent >= EVERY

    def send(self, status: SyncStatus) -> SyncStatus:
        """Send the heartbeat; the status it returns carries the server's view of the clock.
        Never raises for the server's sake: a failure is logged and the status kept."""
        now = self._clock()
        self._last_sent = now
        beat = self.build(status, now)
        try:
            reply = self._client.put_heartbeat(beat.device_id, beat.sign(self._key).to_bytes())
        except SyncError as exc:
            if exc.retry_after is not None:
                wait = min(exc.retry_after, MAX_SERVER_WAIT)
                self._hold_until = now + timedelta(seconds=wait)
            if exc.permanent:
                self._refused = str(exc)
            log.info("heartbeat %d not delivered: %s", beat.seq, exc)
            return status
        if beat.seq < reply.latest_seq <= beat.seq + MAX_CATCH_UP:
            self._server_seq = reply.latest_seq  # the next one goes above it
            return status
        return replace(status, clock_offset_seconds=reply.clock_offset_seconds)

    def build(self, status: SyncStatus, now: datetime) -> Heartbeat:
        """The heartbeat for now, with the next number (committed to the vault first)."""
        appeal = self._appeal()
        backlog = outbox.backlog(self._vault)
        battery = status.battery_percent
        return Heartbeat(
            device_id=self._vault.device_id,
            seq=state_row.next_heartbeat_seq(self._vault, after=self._server_seq),
            clock=now.replace(microsecond=0),
            app_version=__version__,
            appeal=None
            if appeal is None
            else AppealInUse(appeal.id, appeal.version, appeal_digest(appeal)),
            event="".join(c for c in state_row.event_name(self._vault) if c.isprintable())[:255],
            pending_signatures=backlog.pending_signatures,
            unacknowledged_batches=backlog.unsent_batches,
            battery=None if battery is None else Battery(battery, bool(status.charging)),
            disk_free_bytes=status.disk_free_bytes,
        )
