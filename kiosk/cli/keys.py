"""`kiosk central key list|rotate|destroy`, and the keyring `kiosk central export` opens.

The commands run on the coordinator's machine: they need the coordinator's directory (the
campaign private keys and the coordinator signing key, --key-dir) and the server's database
(--database-url, or the SQLite file in --data-dir), as `export` does.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.cli.options import counted
from kiosk.cli.passphrase import PASSPHRASE_ENV, existing_passphrase
from kiosk.errors import UsageError, WrongPassphrase

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from kiosk.central.export import ExportResult
    from kiosk.central.keyring import Keyring
    from kiosk.protocol.keyset import KeyEntry

SHOWN_UNOPENED = 20  # records named one by one; the rest are counted


def register_keys(
    command: Callable[..., Any],
    engine: Callable[[argparse.Namespace], Engine],
    coordinator_dir: Callable[[], Path],
) -> None:
    """Add `key` to `kiosk central` (`command` as in kiosk.cli.central.register)."""

    def run(args: argparse.Namespace) -> int:
        key_dir = (args.key_dir or coordinator_dir()).expanduser()
        if args.action == "list":
            return _list(engine(args), key_dir)
        if args.action == "rotate":
            return _rotate(engine(args), key_dir, args.passphrase_file)
        if args.key_id is None:
            raise UsageError("say which key to destroy: 'kiosk central key destroy KEYID'")
        return _destroy(engine(args), key_dir, args.passphrase_file, args.key_id)

    p = command(
        "key",
        "the campaign keyset: list its keys, rotate to a new key, destroy an old one",
        run,
    )
    p.add_argument(
        "action",
        choices=("list", "rotate", "destroy"),
        help="list: the keys and their states; rotate: a new key that kiosks seal to from "
        "their next sync; destroy KEYID: shred a retired key, so that no record sealed to it "
        "ever opens again",
    )
    p.add_argument("key_id", nargs="?", type=int, metavar="KEYID", help="the key to destroy")
    p.add_argument(
        "--key-dir",
        type=Path,
        help="the coordinator's directory with the campaign private keys and the coordinator "
        "signing key (default: $KIOSK_COORDINATOR_DIR or the user data directory "
        "'kiosk-coordinator')",
    )
    p.add_argument(
        "--passphrase-file",
        type=Path,
        help=f"the passphrase of the coordinator signing key (or ${PASSPHRASE_ENV})",
    )


def _list(engine: Engine, key_dir: Path) -> int:
    from kiosk.central.campaign import get_campaign
    from kiosk.central.keyset import list_keys, signed_keyset
    from kiosk.central.rotation import key_files_of

    campaign = get_campaign(engine)
    signed = signed_keyset(engine)
    primary, version = 1, None
    if signed is not None and campaign.coordinator_key is not None:
        keyset = signed.verify(campaign.coordinator_key)
        primary, version = keyset.primary, keyset.version
    print(
        f"Campaign {campaign.key_fingerprint}, appeal {campaign.appeal_id!r}: "
        + (f"keyset version {version}" if version else "no signed keyset (made before keysets)")
    )
    print(f"{'KEY':>3}  {'STATE':9}  {'FINGERPRINT':24}  {'RECORDS':>8}  PRIVATE KEY FILE")
    for key in list_keys(engine):
        state = key.state + (" *" if key.id == primary else "")
        files = key_files_of(key_dir, key.fingerprint)
        where = ", ".join(str(f) for f in files) if files else f"none in {key_dir}"
        print(f"{key.id:>3}  {state:9}  {key.fingerprint:24}  {key.records:>8}  {where}")
    print("* the primary key: kiosks seal new signatures to it")
    return 0


def _rotate(engine: Engine, key_dir: Path, passphrase_file: Path | None) -> int:
    from kiosk.central.keyring import COORDINATOR_KEY_FILE
    from kiosk.central.rotation import rotate

    passphrase = existing_passphrase(passphrase_file, key_dir / COORDINATOR_KEY_FILE)
    done = rotate(engine, key_dir, passphrase)
    keyset = done.keyset
    retired = [k.id for k in keyset.keys if k.state == "retired"]
    print(
        f"Key {keyset.primary} ({keyset.primary_entry.fingerprint}) is the campaign's primary "
        f"key (keyset version {keyset.version}); kiosks seal to it from their next sync, and "
        "kiosks enrolled from now on at once.\n"
        f"  private key (same passphrase; back it up with the others): {done.private_path}\n"
        f"  public key:                                                {done.public_path}\n"
        f"  recovery sheet (print it, keep it apart):                  {done.sheet}\n"
        + (
            f"Retired: key {', '.join(map(str, retired))}; records sealed to it still open "
            "with its private key, so keep it until they are exported."
            if retired
            else ""
        )
    )
    return 0


def _destroy(engine: Engine, key_dir: Path, passphrase_file: Path | None, key_id: int) -> int:
    from kiosk.central.campaign import get_campaign
    from kiosk.central.keyring import COORDINATOR_KEY_FILE
    from kiosk.central.rotation import destroy

    campaign = get_campaign(engine)
    passphrase = existing_passphrase(passphrase_file, key_dir / COORDINATOR_KEY_FILE)

    def confirm(entry: KeyEntry, records: int, kiosks: list[str]) -> bool:
        if kiosks:
            print(
                f"Warning: {counted(len(kiosks), 'kiosk')} last delivered signatures sealed to "
                f"key {entry.id} and may still be sealing to it until their next sync; what "
                "they seal to it from now on will not open either:"
                + "".join(f"\n  {device}" for device in kiosks)
            )
        print(
            f"Destroying key {entry.id} ({entry.fingerprint}) makes "
            f"{counted(records, 'stored record')} sealed to it unreadable for good: here, in "
            "every backup of the server and on every USB stick. It cannot be undone.\n"
            f"Type the campaign's name, {campaign.appeal_id}, to destroy it: ",
            end="",
            flush=True,
        )
        return sys.stdin.readline().strip() == campaign.appeal_id

    done = destroy(engine, key_dir, passphrase, key_id, confirm)
    if done is None:
        raise UsageError("the name typed is not the campaign's; nothing was destroyed")
    removed = "".join(f"\n  shredded {path}" for path in done.removed) or (
        f"\n  no file of it was in {key_dir}"
    )
    removed += "".join(
        f"\n  not shredded {path}: it holds another key of the campaign too; take key "
        f"{done.key.id} out of it by hand"
        for path in done.mixed
    )
    print(
        f"Key {done.key.id} is destroyed (keyset version {done.keyset.version}): "
        f"{counted(done.records, 'stored record')} sealed to it will never open again.{removed}\n"
        "Destroy every other copy of it too: backups of the coordinator's directory and its "
        "printed recovery sheet."
    )
    return 0


def open_keyring(
    engine: Engine, paths: list[Path], passphrase_file: Path | None
) -> tuple[Keyring, list[str]]:
    """The keys in `paths` that belong to this campaign's keyset, opened, and notes for the
    coordinator (a file holding a destroyed key is not used). The first passphrase given is
    tried on every file; at a terminal, a file it does not open asks for its own."""
    import getpass

    from kiosk.central.campaign import get_campaign, require_own_key
    from kiosk.central.keyring import Keyring, read_locked
    from kiosk.central.keyset import key_entries

    campaign = get_campaign(engine)
    entries = {e.fingerprint: e for e in key_entries(engine)}
    keyring, notes = Keyring({}, entries), []
    passphrase: str | None = None
    # Every file is read and checked before a passphrase is asked for.
    for locked in read_locked(paths):
        entry = entries.get(locked.fingerprint)
        if entry is None:
            require_own_key(campaign, locked)  # another campaign's key: said so, in one line
            continue
        if entry.state == "destroyed":
            notes.append(
                f"kiosk: {locked.source} holds key {entry.id}, which is destroyed: not used. "
                "Shred this copy too."
            )
            continue
        if passphrase is None:
            passphrase = existing_passphrase(passphrase_file, Path(locked.source))
        try:
            keyring.keys[locked.fingerprint] = locked.unlock(passphrase)
        except WrongPassphrase:
            if not sys.stdin.isatty():
                raise
            own = getpass.getpass(f"Passphrase for {locked.source}: ")
            keyring.keys[locked.fingerprint] = locked.unlock(own)
    return keyring, notes


def describe_unopened(result: ExportResult) -> list[str]:
    """Lines for the coordinator: how many records did not open, by key and reason, and the
    first ones by device, id and batch (no personal data: the record ids are the kiosk's)."""
    if not result.unopened:
        return []
    by_cause = Counter((u.key, u.reason) for u in result.unopened)
    lines = [
        f"kiosk: {counted(n, 'record')} sealed to {key} did not open: {reason}"
        for (key, reason), n in sorted(by_cause.items())
    ]
    for u in result.unopened[:SHOWN_UNOPENED]:
        lines.append(
            f"    device {u.device_id} record {u.signature_id} (batch {u.batch_id}): {u.reason}"
        )
    if len(result.unopened) > SHOWN_UNOPENED:
        lines.append(
            f"    and {len(result.unopened) - SHOWN_UNOPENED} more (--format json lists them all)"
        )
    return lines
