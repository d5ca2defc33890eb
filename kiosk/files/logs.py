"""Logging: one named logger per subsystem (kiosk.vault, kiosk.desks.signing, ...), to a file in the
data directory. Callers log ids, counts and errors only, never anything a supporter typed, and
no event tied to one supporter (kiosk.desks.activity counts those by the hour).

Every line is stamped with its hour only (UTC), like every other time the kiosk keeps in the
clear: a seized kiosk's log cannot put a minute on a signature, a batch closed just after it, or
an idle wipe. The order of lines within an hour is still the order of events.
"""

from __future__ import annotations

import logging
import logging.handlers
import time
from pathlib import Path

LOG_DIR = "logs"
LOG_FILE = "kiosk.log"


class HourFormatter(logging.Formatter):
    """`2026-12-03 15h UTC INFO kiosk.sync: ...`: the time of a line to its hour, no finer."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return time.strftime("%Y-%m-%d %Hh UTC", time.gmtime(record.created))


def setup(data_dir: Path, *, verbose: bool = False) -> Path:
    log_dir = data_dir / LOG_DIR
    log_dir.mkdir(exist_ok=True, mode=0o700)
    path = log_dir / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(HourFormatter())
    root = logging.getLogger("kiosk")
    for old in root.handlers:  # a second setup in one process (tests, several commands)
        old.close()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return path
