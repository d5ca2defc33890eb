"""The data directory: created if missing, and checked to be writable before anything else."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kiosk.errors import DataDirError


def prepare(path: Path) -> Path:
    """Create the directory (private to this user) and prove it takes writes."""
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        # The probe holds no data; it only shows that files can be created here.
        fd, probe = tempfile.mkstemp(prefix=".write-check-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise DataDirError(
            f"The data directory {path} cannot be written ({exc.strerror or exc}). "
            "Fix its permissions, or choose another one with --data-dir."
        ) from None
    return path
