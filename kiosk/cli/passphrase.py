"""Campaign key passphrases for the coordinator's commands: from a file, the environment or a
terminal prompt, in that order. `kiosk keygen` and `kiosk central init` choose a new one by the
same rules; `kiosk central export` reads the existing one."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from kiosk.errors import UsageError

PASSPHRASE_ENV = "KIOSK_KEY_PASSPHRASE"
MIN_PASSPHRASE = 12


def new_passphrase(passphrase_file: Path | None) -> str:
    """A passphrase for a new private key: typed twice at a terminal, at least 12 characters."""
    passphrase = _given(passphrase_file)
    if passphrase is None:
        if not sys.stdin.isatty():
            raise UsageError(
                "no passphrase: run keygen in a terminal, or use --passphrase-file or "
                f"${PASSPHRASE_ENV}"
            )
        passphrase = getpass.getpass("Passphrase for the new campaign private key: ")
        if getpass.getpass("The same passphrase again: ") != passphrase:
            raise UsageError("the two passphrases differ; nothing was written. Try again.")
    if len(passphrase) < MIN_PASSPHRASE:
        raise UsageError(
            f"the passphrase is {len(passphrase)} characters; use at least {MIN_PASSPHRASE} "
            "(a few unrelated words work well). Nothing was written."
        )
    return passphrase


def existing_passphrase(passphrase_file: Path | None, key_path: Path) -> str:
    """The passphrase of the key file at `key_path`, to open it."""
    passphrase = _given(passphrase_file)
    if passphrase is not None:
        return passphrase
    if sys.stdin.isatty():
        return getpass.getpass(f"Passphrase for {key_path}: ")
    raise UsageError(
        f"no passphrase for {key_path}: run the command in a terminal to be asked for it, or use "
        f"--passphrase-file or ${PASSPHRASE_ENV}"
    )


def _given(passphrase_file: Path | None) -> str | None:
    """The passphrase from --passphrase-file or the environment, if either gives one."""
    if passphrase_file is not None:
        try:
            return passphrase_file.read_text(encoding="utf-8").strip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"cannot read the passphrase file {passphrase_file}: {exc}") from None
    return os.environ.get(PASSPHRASE_ENV) or None
