"""Campaign key passphrases for the coordinator's commands: from a file, the environment or a
terminal prompt, in that order. `kiosk keygen` and `kiosk central init` choose a new one by the
same rules; the commands that open existing keys (export, deliver, erase, review, key) hold
them in one `Passphrases`, so each passphrase is typed once per command, however many key
files it opens (docs/crypto.md, "One passphrase, one file per key")."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from kiosk.errors import UsageError, WrongPassphrase

T = TypeVar("T")
TRIES = 3  # a passphrase mistyped at a terminal is asked again, this many times in all

PASSPHRASE_ENV = "KIOSK_KEY_PASSPHRASE"
MIN_PASSPHRASE = 12


def new_passphrase(passphrase_file: Path | None, what: str = "") -> str:
    """A passphrase for a new private key: typed twice at a terminal, at least 12 characters.
    With `what` (a rotation's new key), only from that file or the terminal: the environment
    holds the passphrase of the keys there are."""
    if what:
        passphrase = _read(passphrase_file) if passphrase_file is not None else None
        missing = (
            f"no passphrase for {what}: run the command in a terminal, or use --new-passphrase-file"
        )
    else:
        passphrase = _given(passphrase_file)
        missing = (
            "no passphrase: run keygen in a terminal, or use --passphrase-file or "
            f"${PASSPHRASE_ENV}"
        )
    if passphrase is None:
        if not sys.stdin.isatty():
            raise UsageError(missing)
        passphrase = getpass.getpass(f"Passphrase for {what or 'the new campaign private key'}: ")
        if getpass.getpass("The same passphrase again: ") != passphrase:
            raise UsageError("the two passphrases differ; nothing was written. Try again.")
    if len(passphrase) < MIN_PASSPHRASE:
        raise UsageError(
            f"the passphrase is {len(passphrase)} characters; use at least {MIN_PASSPHRASE} "
            "(a few unrelated words work well). Nothing was written."
        )
    return passphrase


def _given(passphrase_file: Path | None) -> str | None:
    """The passphrase from --passphrase-file or the environment, if either gives one."""
    if passphrase_file is not None:
        return _read(passphrase_file)
    return os.environ.get(PASSPHRASE_ENV) or None


def _read(passphrase_file: Path) -> str:
    try:
        return passphrase_file.read_text(encoding="utf-8").strip("\r\n")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the passphrase file {passphrase_file}: {exc}") from None


class Passphrases:
    """The passphrases of one command: those given (each --passphrase-file, then
    $KIOSK_KEY_PASSPHRASE) and those typed at the terminal so far. Each key file is tried with
    every one of them before anyone is asked, so a coordinator who keeps one passphrase for
    every key types it once; a key under another passphrase is asked for by name."""

    def __init__(self, files: Sequence[Path] | Path | None = None) -> None:
        given = [files] if isinstance(files, Path) else list(files or ())
        self.known: list[str] = [_read(f) for f in given]
        from_env = os.environ.get(PASSPHRASE_ENV)
        if from_env and from_env not in self.known:
            self.known.append(from_env)
        self.last: str | None = None  # the passphrase that opened the last file

    def open(self, what: str, source: str, unlock: Callable[[str], T]) -> T:
        """`unlock(passphrase)` with each known passphrase, then (at a terminal) with what the
        coordinator types for `what`, the key in file `source`. WrongPassphrase from `unlock`
        means: not this one."""
        refused: WrongPassphrase | None = None
        for passphrase in self.known:
            try:
                opened = unlock(passphrase)
            except WrongPassphrase as exc:
                refused = exc
                continue
            self.last = passphrase
            return opened
        if not sys.stdin.isatty():
            if refused is None:
                raise UsageError(
                    f"no passphrase for {what} ({source}): run the command in a terminal to be "
                    f"asked for it, or use --passphrase-file or ${PASSPHRASE_ENV}"
                )
            raise WrongPassphrase(
                f"{refused} It holds {what}: if that key has a passphrase of its own, give it "
                "with one more --passphrase-file FILE (each is tried on every key), or run the "
                "command in a terminal to be asked for it."
            )
        prompt = (
            f"Passphrase for {what} ({source}): "
            if not self.known
            else f"The passphrase does not open {what} ({source}). Its passphrase: "
        )
        tries = 1
        while True:
            typed = getpass.getpass(prompt)
            try:
                opened = unlock(typed)
            except WrongPassphrase:
                if tries == TRIES:
                    raise
                tries += 1
                prompt = f"That does not open {what} either; try again: "
                continue
            self.known.append(typed)
            self.last = typed
            return opened
