"""The kiosk's settings: one declared, typed set of options with their defaults."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "kiosk"


def default_data_dir(*, demo: bool) -> Path:
    # The demo keeps its own directory so demo signatures never mix with a real campaign's.
    return user_data_path(f"{APP_NAME}-demo" if demo else APP_NAME, appauthor=False)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    appeal_file: Path | None = None  # None: the bundled appeal
    fullscreen: bool = True
    thanks_seconds: int = 8  # the thank-you screen returns to the appeal by itself
    idle_seconds: int = 60  # on the form, no touch or key for this long asks "Still there?"
    idle_countdown_seconds: int = 10  # ... and this long after, everything entered is wiped
    admin_idle_seconds: int = 60  # the volunteer's panel locks itself after this long untouched
    on_screen_keyboard: bool = False  # Qt Virtual Keyboard, where the OS has no keyboard of its own
    sync: SyncSettings = field(default_factory=lambda: SyncSettings())


@dataclass(frozen=True)
class SyncSettings:
    # Signatures per batch (at most kiosk.protocol.batch.MAX_RECORDS); a batch of large records
    # closes sooner, at kiosk.sync.closer.MAX_BATCH_BYTES. A backlog goes up in few requests.
    batch_size: int = 1000
    batch_max_age: timedelta = timedelta(minutes=10)  # a batch closes when its first is this old
    # ... or already this old, when the server answers and no supporter is at the form: a
    # signature reaches the server within about a minute, without anyone pressing Sync now.
    # Not zero, so that a batch does not time one signature to the second (docs/crypto.md).
    batch_min_age: timedelta = timedelta(seconds=30)
    sync_interval: timedelta = timedelta(seconds=30)  # how often the worker looks for work
    retention: timedelta = timedelta(days=7)  # sealed rows stay this long after acknowledgement
    backoff_base: timedelta = timedelta(seconds=2)
    backoff_max: timedelta = timedelta(minutes=5)
    request_timeout: timedelta = timedelta(seconds=20)


# `kiosk demo`: a newcomer who signs sees "synced" within seconds. Its server is on this
# computer, so nobody learns anything from when its batches arrive.
DEMO_SYNC = SyncSettings(batch_min_age=timedelta(seconds=2))
