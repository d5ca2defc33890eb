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
from kiosk.cli.passphrase import PASSPHRASE_ENV, Passphrases, new_passphrase
from kiosk.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from kiosk.central.export import ExportResult
    from kiosk.central.keyring import Keyring
    from kiosk.central.keyset import StoredKey
    from kiosk.protocol.keyset import KeyEntry

SHOWN_UNOPENED = 20  # records named one by one; the rest are counted


def register_keys(
    command: Callable[..., Any],
    engine: Callable[[argparse.Namespace], Engine],
    coordinator_dir: Callable[[argparse.Namespace], Path],
) -> None:
    """Add `key` to `kiosk central` (`command` as in kiosk.cli.central.register;
    `coordinator_dir` is the coordinator's directory the command uses without --key-dir)."""

    def run(args: argparse.Namespace) -> int:
        given = args.key_dir or (args.key[0].parent if args.key else coordinator_dir(args))
        key_dir = given.expanduser()
        if args.action == "list":
            return _list(engine(args), key_dir, args.key)
        passphrases = Passphrases(args.passphrase_file)
        if args.action == "rotate":
            return _rotate(engine(args), key_dir, passphrases, args)
        if args.key_id is None:
            raise UsageError("say which key to destroy: 'kiosk central key destroy KEYID'")
        return _destroy(engine(args), key_dir, passphrases, args.key_id)

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
        "--new-passphrase",
        action="store_true",
        help="rotate: write the new key under a new passphrase, typed twice (a rotation because "
        "the old passphrase may be known); export then asks for each key's passphrase",
    )
    p.add_argument(
        "--new-passphrase-file",
        type=Path,
        help="rotate: the new key's passphrase, from a file (implies --new-passphrase)",
    )
    p.add_argument(
        "--key-dir",
        type=Path,
        help="the coordinator's directory with the campaign private keys and the coordinator "
        "signing key (default: $KIOSK_COORDINATOR_DIR or the user data directory "
        "'kiosk-coordinator'; the demo's demo-coordinator/ for its --data-dir)",
    )
    p.add_argument(
        "--key",
        type=Path,
        action="append",
        help="list: a campaign private key file to show, once per file (default: those in "
        "--key-dir); the directory of the first is the coordinator's directory",
    )
    p.add_argument(
        "--passphrase-file",
        type=Path,
        action="append",
        help=f"the passphrase of the coordinator signing key (or ${PASSPHRASE_ENV}); a new key "
        "is written under the same passphrase",
    )


def _list(engine: Engine, key_dir: Path, given: list[Path] | None) -> int:
    """The keyset, and where each key's private key file is: among the --key files `given`,
    else in `key_dir`."""
    from kiosk.central.campaign import get_campaign
    from kiosk.central.keyset import list_keys, primary_and_version
    from kiosk.central.rotation import key_files_among, key_files_of
    from kiosk.crypto.coordinator_key import coordinator_fingerprint

    campaign = get_campaign(engine)
    primary, version = primary_and_version(engine)
    print(
        f"Campaign {campaign.key_fingerprint}, appeal {campaign.appeal_id!r}: "
        + (f"keyset version {version}" if version else "no signed keyset (made before keysets)")
    )
    print(f"{'KEY':>3}  {'STATE':9}  {'FINGERPRINT':24}  {'RECORDS':>8}  PRIVATE KEY FILE")
    for key in list_keys(engine):
        state = key.state + (" *" if key.id == primary else "")
        if given:
            files = key_files_among(given, key.fingerprint)
            where = ", ".join(str(f) for f in files) if files else "none among the --key files"
        else:
            files = key_files_of(key_dir, key.fingerprint)
            where = ", ".join(str(f) for f in files) if files else f"none in {key_dir}"
        print(f"{key.id:>3}  {state:9}  {key.fingerprint:24}  {key.records:>8}  {where}")
    print("* the primary key: kiosks seal new signatures to it")
    if campaign.coordinator_key is not None:
        print(
            "Coordinator signing key (signs the keyset and every delivery manifest; kiosks "
            f"pinned it at enrolment): {coordinator_fingerprint(campaign.coordinator_key)}"
        )
    return 0


def signing_passphrase(key_dir: Path, passphrases: Passphrases) -> str:
    """The passphrase that opens the coordinator signing key in `key_dir`."""
    from kiosk.central.keyring import COORDINATOR_KEY_FILE, load_coordinator_key

    passphrases.open(
        "the coordinator signing key",
        str(key_dir / COORDINATOR_KEY_FILE),
        lambda passphrase: load_coordinator_key(key_dir, passphrase),
    )
    assert passphrases.last is not None  # set by a successful open
    return passphrases.last


def _rotate(
    engine: Engine, key_dir: Path, passphrases: Passphrases, args: argparse.Namespace
) -> int:
    from kiosk.central.rotation import require_signing_key, rotate

    require_signing_key(engine)  # before a passphrase is asked for
    signing = signing_passphrase(key_dir, passphrases)
    new = None
    if args.new_passphrase or args.new_passphrase_file is not None:
        new = new_passphrase(args.new_passphrase_file, "the new campaign key")
    done = rotate(engine, key_dir, signing, new)
    keyset = done.keyset
    retired = [k.id for k in keyset.keys if k.state == "retired"]
    print(
        f"Key {keyset.primary} ({keyset.primary_entry.fingerprint}) is the campaign's primary "
        f"key (keyset version {keyset.version}); kiosks seal to it from their next sync, and "
        "kiosks enrolled from now on at once.\n"
        f"  private key ({'its own' if new else 'same'} passphrase; back it up with the "
        f"others): {done.private_path}\n"
        f"  public key:                                                {done.public_path}\n"
        f"  recovery sheet (print it, keep it apart):                  {done.sheet}\n"
        + (
            f"Retired: key {', '.join(map(str, retired))}; records sealed to it still open "
            "with its private key, so keep it until they are exported."
            if retired
            else ""
        )
    )
    print(_links_from_now_on(keyset.version))
    return 0


def _destroy(engine: Engine, key_dir: Path, passphrases: Passphrases, key_id: int) -> int:
    from kiosk.central.campaign import get_campaign
    from kiosk.central.rotation import destroy, require_signing_key

    campaign = get_campaign(engine)
    require_signing_key(engine)  # before a passphrase is asked for
    passphrase = signing_passphrase(key_dir, passphrases)

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
    print(_links_from_now_on(done.keyset.version))
    return 0


def _links_from_now_on(version: int) -> str:
    """A new kiosk refuses a keyset older than its link names (kiosk.sync.enrol); a link made
    before this change names the one before, which a server taken over could still serve."""
    return (
        "Enrolment links made before this change name an older keyset version: a kiosk "
        "enrolled with one would still take that older keyset from a server that was taken "
        "over. Hand out only links made from now on ('kiosk central enroll --server-url URL' "
        f"or the console's Enrol page), which name version {version}."
    )


def open_keyring(
    engine: Engine, paths: list[Path], passphrases: Passphrases
) -> tuple[Keyring, list[str]]:
    """The keys in `paths` that belong to this campaign's keyset, opened, and notes for the
    coordinator (a file holding a destroyed key is not used). Every passphrase known to
    `passphrases` is tried on every file; at a terminal, a file none of them opens is asked
    for by its key's id and fingerprint."""
    from kiosk.central.campaign import get_campaign, require_own_key
    from kiosk.central.keyring import Keyring, read_locked
    from kiosk.central.keyset import list_keys

    campaign = get_campaign(engine)
    stored = list_keys(engine)
    entries = {k.fingerprint: k.entry for k in stored}
    keyring, notes = Keyring({}, entries), []
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
        what = f"campaign key {entry.id} ({entry.fingerprint})"
        keyring.keys[locked.fingerprint] = passphrases.open(what, locked.source, locked.unlock)
    closed = [
        k
        for k in stored
        if k.state != "destroyed" and k.records and k.fingerprint not in keyring.keys
    ]
    keyring.not_given = tuple(entries[k.fingerprint] for k in closed)
    notes += [_not_given_note(k, paths) for k in closed]
    return keyring, notes


def _not_given_note(key: StoredKey, paths: list[Path]) -> str:
    """What to add for a key whose records stay closed: its file, if it lies beside a --key
    file given (a rotation writes it there), or any copy of it (its recovery sheet)."""
    from kiosk.central.keyring import private_key_name

    beside = [p.parent / private_key_name(key.id) for p in paths]
    found = next((p for p in beside if p.is_file() and p not in paths), None)
    add = (
        f"add --key {found}"
        if found is not None
        else "add its key file with --key FILE (typed back from its recovery sheet if the file "
        "is lost)"
    )
    return (
        f"kiosk: key {key.id} ({key.fingerprint}) is not among the key files given, so the "
        f"{counted(key.records, 'stored record')} sealed to it stay closed: {add}, or leave "
        "--key out to use every key file in the coordinator's directory"
    )


def describe_unopened(result: ExportResult) -> list[str]:
    """Lines for the coordinator: how many records did not open, by key and reason, and the
    first ones by device, id and batch (no personal data: the record ids are the kiosk's)."""
    from kiosk.central.keyring import KEY_DESTROYED

    if not result.unopened:
        return []
    by_cause = Counter((u.key, u.reason) for u in result.unopened)
    lines = [
        f"kiosk: {counted(n, 'record')} sealed to {key} did not open: {reason}"
        + (
            " (as 'key destroy' meant them to: not named one by one)"
            if reason == KEY_DESTROYED
            else ""
        )
        for (key, reason), n in sorted(by_cause.items())
    ]
    # A destroyed key's records are gone by the coordinator's choice: every export would list
    # them all again. The others each need a look.
    named = [u for u in result.unopened if u.reason != KEY_DESTROYED]
    for u in named[:SHOWN_UNOPENED]:
        lines.append(
            f"    device {u.device_id} record {u.signature_id} (batch {u.batch_id}): {u.reason}"
        )
    if len(named) > SHOWN_UNOPENED:
        lines.append(f"    and {len(named) - SHOWN_UNOPENED} more (--format json lists them all)")
    return lines
