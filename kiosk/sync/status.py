"""What the sync worker tells the UI: a plain snapshot, handed to subscribers' callbacks.

Callbacks run on the worker's thread. A Qt observer must hop to the GUI thread itself (see
kiosk/ui/sync_status.py); nothing here knows about Qt.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

log = logging.getLogger("kiosk.sync")


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool = False
    pending_signatures: int = 0  # collected, not yet closed into a batch
    unsent_batches: int = 0  # closed, not yet acknowledged by the server
    unsent_signatures: int = 0  # signatures inside those batches
    last_success: datetime | None = None  # when the server last acknowledged a batch
    # In words, for a volunteer (a kiosk.message.Message the panel translates); None after a
    # clean sync.
    last_error: str | None = None
    server_reachable: bool | None = None  # None: not tried yet
    syncing: bool = False
    # The server asked for a wait (429/503 with Retry-After): no upload before this time.
    wait_until: datetime | None = None
    # The campaign's total as the server last reported it, and how far this kiosk's own
    # signatures were in it: every one up to this device sequence number had been
    # acknowledged when the server counted (see kiosk.desks.tally).
    campaign_appeal_id: str | None = None
    campaign_total: int | None = None
    counted_through_seq: int = 0
    # The machine, read at each round (kiosk.files.machine) and sent in the heartbeat: None
    # where the OS does not say. The clock's offset is the server's answer to the last one.
    battery_percent: int | None = None
    charging: bool | None = None
    disk_free_bytes: int | None = None
    clock_offset_seconds: int | None = None  # this kiosk's clock minus the server's

    @property
    def waiting(self) -> int:
        """Signatures on this kiosk that the server has not confirmed."""
        return self.pending_signatures + self.unsent_signatures


Subscriber = Callable[[SyncStatus], None]


class StatusBoard:
    """Holds the latest status and calls every subscriber when it changes."""

    def __init__(self, initial: SyncStatus | None = None) -> None:
        self._lock = threading.Lock()
        self._status = initial or SyncStatus()
        self._subscribers: list[Subscriber] = []

    @property
    def current(self) -> SyncStatus:
        with self._lock:
            return self._status

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Call `callback` with each new status (and once now); returns an unsubscribe."""
        with self._lock:
            self._subscribers.append(callback)
            status = self._status
        self._call(callback, status)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, status: SyncStatus) -> None:
        with self._lock:
            if status == self._status:
                return
            self._status = status
            subscribers = list(self._subscribers)
        for callback in subscribers:
            self._call(callback, status)

    @staticmethod
    def _call(callback: Subscriber, status: SyncStatus) -> None:
        try:
            callback(status)
        except Exception:  # an observer's bug must not stop the sync
            log.exception("a sync status subscriber failed")
