"""The coordinator's keyring: the campaign private keys and the coordinator signing key, as files
in the coordinator's directory (never the server's), and which of them opens which record.

    campaign-private.pem, campaign-public.pem            key 1, made by `kiosk central init`
    campaign-private-2.pem, campaign-public-2.pem, ...   keys made by `kiosk central key rotate`
    campaign-recovery-sheet.html, ...-2.html, ...        their recovery sheets
    coordinator-signing.pem                              signs the keyset kiosks follow

Every key file is encrypted under its own passphrase (`rotate` uses the one the coordinator
types, normally the same for all). `shred` is what `key destroy` does to a key's files.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.crypto.campaign_key import CampaignPrivateKey, LockedCampaignKey
from kiosk.crypto.coordinator_key import coordinator_key_from_pem, coordinator_key_to_pem
from kiosk.crypto.device_key import DeviceKey
from kiosk.errors import KeyFileError
from kiosk.files import keys
from kiosk.files.atomic import write_atomic
from kiosk.files.recovery_sheet import SHEET_FILE
from kiosk.protocol.keyset import KeyEntry

COORDINATOR_KEY_FILE = "coordinator-signing.pem"
_PRIVATE = re.compile(r"^campaign-private(?:-(\d+))?\.pem$")
KEY_MISSING = "key missing"
KEY_DESTROYED = "key destroyed"


def private_key_name(key_id: int) -> str:
    return keys.PRIVATE_KEY_FILE if key_id == 1 else f"campaign-private-{key_id}.pem"


def public_key_name(key_id: int) -> str:
    return keys.PUBLIC_KEY_FILE if key_id == 1 else f"campaign-public-{key_id}.pem"


def sheet_name(key_id: int) -> str:
    return SHEET_FILE if key_id == 1 else f"campaign-recovery-sheet-{key_id}.html"


def private_key_files(directory: Path) -> list[Path]:
    """The campaign private key files in `directory`, by key id."""
    if not directory.is_dir():
        return []
    return sorted((p for p in directory.iterdir() if _PRIVATE.match(p.name)), key=_key_number)


def _key_number(path: Path) -> int:
    match = _PRIVATE.match(path.name)
    return int(match.group(1)) if match and match.group(1) else 1


def write_coordinator_key(key: DeviceKey, passphrase: str, directory: Path) -> Path:
    path = directory / COORDINATOR_KEY_FILE
    if path.exists():
        raise KeyFileError(
            f"{path} already exists. Move it somewhere safe first: it is the key kiosks trust "
            "to tell them of a new campaign key."
        )
    directory.mkdir(parents=True, exist_ok=True)
    write_atomic(path, coordinator_key_to_pem(key, passphrase), mode=0o600)
    return path


def ensure_coordinator_key(directory: Path, passphrase: str) -> DeviceKey:
    """The coordinator signing key in `directory`, made and written there if it has none (the
    demo's: kiosk.cli.launch)."""
    if (directory / COORDINATOR_KEY_FILE).exists():
        return load_coordinator_key(directory, passphrase)
    key = DeviceKey.generate()
    write_coordinator_key(key, passphrase, directory)
    return key


def load_coordinator_key(directory: Path, passphrase: str) -> DeviceKey:
    path = directory / COORDINATOR_KEY_FILE
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(
            f"No coordinator signing key at {path}. It is made by 'kiosk central init' beside the "
            "campaign private key: pass the directory that holds them with --key-dir."
        ) from None
    except OSError as exc:
        raise KeyFileError(f"{path} cannot be read ({exc.strerror}).") from None
    return coordinator_key_from_pem(data, passphrase, str(path))


_LARGEST_COPY = 8 * 2**20  # a key file or recovery sheet is kilobytes; larger files are not read
_LINE = 32  # a line of a key file's base64 body at least this long is that key's alone


def copies_of(
    directory: Path, key_files: list[bytes], keep: list[bytes]
) -> tuple[list[Path], list[Path]]:
    """The files under `directory` (its subfolders too, no symbolic link followed) that hold a
    line of the body of one of `key_files` (a copy under any name, with any line ends, or a
    recovery sheet, which holds the file as text): (to shred, those that also hold a line of
    one of `keep`, another key that must stay, which are left for the coordinator)."""
    lines = {line for pem in key_files for line in _body(pem)}
    kept_lines = {line for pem in keep for line in _body(pem)}
    found: list[Path] = []
    mixed: list[Path] = []
    if not lines:
        return found, mixed
    for root, _dirs, names in os.walk(directory, followlinks=False):
        for name in names:
            path = Path(root) / name
            try:
                if path.is_symlink() or not path.is_file() or path.stat().st_size > _LARGEST_COPY:
                    continue
                data = path.read_bytes()
            except OSError:
                continue
            if any(line in data for line in lines):
                (mixed if any(line in data for line in kept_lines) else found).append(path)
    return sorted(found), sorted(mixed)


def _body(pem: bytes) -> list[bytes]:
    """The base64 lines inside the file's BEGIN/END blocks (its text lines are every key's)."""
    lines, inside = [], False
    for raw in pem.splitlines():
        line = raw.strip()
        if line.startswith(b"-----"):
            inside = line.startswith(b"-----BEGIN")
        elif inside and len(line) >= _LINE:
            lines.append(line)
    return lines


def shred(path: Path) -> bool:
    """Overwrite a file with random bytes, flush it to the disk, then remove it; False if there
    was none. (On flash storage and copy-on-write file systems an overwrite may land elsewhere,
    which is why the records' safety rests on every copy of the key being gone, docs/crypto.md.)"""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW)
    except FileNotFoundError:
        return False
    try:
        size = os.fstat(fd).st_size
        written = 0
        while written < size:
            written += os.write(fd, secrets.token_bytes(min(65536, size - written)))
        os.fsync(fd)
    finally:
        os.close(fd)
    path.unlink()
    directory = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return True


@dataclass
class Keyring:
    """The private keys at hand, by fingerprint, and the keyset's states (from the server), to
    say why a record does not open: its key is destroyed, or not among the files given."""

    keys: dict[str, CampaignPrivateKey]
    entries: dict[str, KeyEntry] = field(default_factory=dict)
    # Keys of the keyset, not destroyed, that seal stored records but were not among the files
    # given: their records stay closed (kiosk.cli.keys.open_keyring says what to add).
    not_given: tuple[KeyEntry, ...] = ()

    @classmethod
    def of(cls, key: CampaignPrivateKey) -> Keyring:
        return cls({key.public_key().fingerprint: key})

    def key_for(self, fingerprint: str) -> CampaignPrivateKey | None:
        return self.keys.get(fingerprint)

    def why_not(self, fingerprint: str) -> str:
        entry = self.entries.get(fingerprint)
        return KEY_DESTROYED if entry is not None and entry.state == "destroyed" else KEY_MISSING

    def describe(self, fingerprint: str) -> str:
        entry = self.entries.get(fingerprint)
        return f"key {entry.id} ({fingerprint})" if entry is not None else f"key {fingerprint}"


def read_locked(paths: list[Path]) -> list[LockedCampaignKey]:
    """Each file read and checked before any passphrase is asked for (kiosk.crypto.pem)."""
    locked = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise KeyFileError(
                f"cannot read the campaign private key {path} ({exc.strerror}); pass the key "
                "files with --key FILE"
            ) from None
        locked.append(LockedCampaignKey.read(data, str(path)))
    return locked
