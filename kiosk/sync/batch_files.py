"""Batch files for removable storage: the same signed envelopes the upload sends."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.clock import to_hour, utc_now
from kiosk.files.atomic import write_atomic
from kiosk.sync.closer import BatchCloser
from kiosk.vault import Vault, outbox

log = logging.getLogger("kiosk.sync")

SUFFIX = ".kbatch"


def export_batches(vault: Vault, closer: BatchCloser, out_dir: Path) -> list[Path]:
    """Close every pending signature, then write each unacknowledged batch as
    `<batch_id>.kbatch`, each file whole or not at all. Rewriting a file gives the same bytes."""
    closer.close_all()
    written = []
    hour = to_hour(utc_now())  # the files' times say when they were exported, to the hour
    for batch in outbox.unacknowledged(vault):
        path = out_dir / f"{batch.id}{SUFFIX}"
        write_atomic(path, batch.envelope, mode=0o600, mtime=hour)
        written.append(path)
    log.info("exported %d batch files", len(written))
    return written
