"""The data directory: created if missing, and checked to be writable before anything else."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from kiosk.errors import DataDirError

# The vault's file in the data directory (kiosk.vault opens it); named here, where looking for it
# costs no database library: a data directory without one is a first start.
VAULT_FILE = "vault.sqlite3"


def is_first_start(data_dir: Path) -> bool:
    """No vault yet: nothing was ever signed or set up here (no volunteer PIN either)."""
    return not (data_dir / VAULT_FILE).exists()


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
