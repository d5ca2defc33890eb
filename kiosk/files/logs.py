"""Logging: one named logger per subsystem (kiosk.vault, kiosk.desks.signing, ...), to a file in the
data directory. Callers log ids, counts and errors only, never anything a supporter typed."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

LOG_DIR = "logs"
LOG_FILE = "kiosk.log"


def setup(data_dir: Path, *, verbose: bool = False) -> Path:
    log_dir = data_dir / LOG_DIR
    log_dir.mkdir(exist_ok=True, mode=0o700)
    path = log_dir / LOG_FILE
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=1_000_000, backupCount=3, encoding="utf-8"
    )
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("kiosk")
    for old in root.handlers:  # a second setup in one process (tests, several commands)
        old.close()
    root.handlers[:] = [handler]
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    return path
