"""Changing the campaign keyset, on the coordinator's machine: `kiosk central key rotate` makes a
new primary key, `kiosk central key destroy` shreds a key (crypto-shredding). Each signs the new
keyset with the coordinator signing key and publishes it to the server's database, which hands
it to kiosks with their next sync (kiosk.sync.keyset).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from kiosk.central.campaign import get_campaign
from kiosk.central.errors import Conflict, NotFound
from kiosk.central.keyring import (
    copies_of,
    load_coordinator_key,
    private_key_files,
    private_key_name,
    public_key_name,
    sheet_name,
    shred,
)
from kiosk.central.keyset import (
    devices_still_sealing_to,
    key_entries,
    publish,
    records_sealed_to,
    signed_keyset,
)
from kiosk.central.models import utcnow
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey, LockedCampaignKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.errors import KeyFileError, UsageError
from kiosk.files import keys
from kiosk.files.atomic import write_atomic
from kiosk.files.recovery_sheet import write_sheet
from kiosk.protocol.keyset import KeyEntry, Keyset


@dataclass(frozen=True)
class Rotated:
    keyset: Keyset
    private_path: Path
    public_path: Path
    sheet: Path


@dataclass(frozen=True)
class Destroyed:
    keyset: Keyset
    key: KeyEntry
    records: int  # stored records now unreadable for good
    removed: list[Path]
    # Files that hold the destroyed key beside another key that stays: left for the coordinator.
    mixed: list[Path] = field(default_factory=list)


def require_signing_key(engine: Engine) -> bytes:
    """The campaign's coordinator signing key (public); refused for a campaign without one."""
    campaign = get_campaign(engine)
    if campaign.coordinator_key is None:
        raise UsageError(
            "this campaign was made before campaign keysets, so it has no coordinator signing "
            "key and its kiosks cannot learn a new key; nothing was changed"
        )
    return campaign.coordinator_key


def _signing_key(engine: Engine, key_dir: Path, passphrase: str) -> DeviceKey:
    pinned = require_signing_key(engine)
    signing = load_coordinator_key(key_dir, passphrase)
    if signing.public_bytes != pinned:
        raise KeyFileError(
            f"the coordinator signing key in {key_dir} is not this campaign's; pass the "
            "directory that holds this campaign's keys with --key-dir"
        )
    return signing


def _current(engine: Engine) -> Keyset:
    signed = signed_keyset(engine)
    campaign = get_campaign(engine)
    if signed is None or campaign.coordinator_key is None:
        raise UsageError("this campaign has no keyset yet; nothing was changed")
    return signed.verify(campaign.coordinator_key)


def first_keyset(engine: Engine, signing: DeviceKey, public: CampaignPublicKey) -> Keyset:
    """Publish version 1, at `init`: the campaign's key as key 1, active and primary."""
    keyset = Keyset(
        campaign=public.fingerprint,
        version=1,
        primary=1,
        keys=(KeyEntry(1, public.fingerprint, "active"),),
        primary_public_key=public.to_pem().decode("ascii"),
        issued_at=utcnow(),
    )
    return publish(engine, keyset.sign(signing), {})


def rotate(
    engine: Engine, key_dir: Path, passphrase: str, new_passphrase: str | None = None
) -> Rotated:
    """A new campaign key becomes the primary; the old primary is retired (its records still
    open). `passphrase` opens the coordinator signing key; the new private key is written
    under `new_passphrase` (default: the same), read back and checked first."""
    signing = _signing_key(engine, key_dir, passphrase)
    passphrase = passphrase if new_passphrase is None else new_passphrase
    current = _current(engine)
    entries = key_entries(engine)
    new_id = max(e.id for e in entries) + 1
    private = CampaignPrivateKey.generate()
    public = private.public_key()
    private_path, public_path = (
        key_dir / private_key_name(new_id),
        key_dir / public_key_name(new_id),
    )
    for path in (private_path, public_path):
        if path.exists():
            raise KeyFileError(f"{path} already exists; move it away first. Nothing was changed.")
    write_atomic(private_path, private.to_pem(passphrase), mode=0o600)
    write_atomic(public_path, public.to_pem(), mode=0o644)
    try:
        keys.check_written_key(private_path, passphrase, public)
        sheet = write_sheet(
            private_path.read_bytes(), public.fingerprint, utcnow(), key_dir, sheet_name(new_id)
        )
        retired = tuple(
            KeyEntry(e.id, e.fingerprint, "retired" if e.id == current.primary else e.state)
            for e in entries
        )
        keyset = Keyset(
            campaign=current.campaign,
            version=current.version + 1,
            primary=new_id,
            keys=(*retired, KeyEntry(new_id, public.fingerprint, "active")),
            primary_public_key=public.to_pem().decode("ascii"),
            issued_at=utcnow(),
        )
        publish(engine, keyset.sign(signing), {new_id: public.to_pem().decode("ascii")})
    except BaseException:
        # Nothing is sealed to the new key yet: a failed rotation leaves no file behind.
        for path in (private_path, public_path, key_dir / sheet_name(new_id)):
            path.unlink(missing_ok=True)
        raise
    return Rotated(keyset, private_path, public_path, sheet)


def destroy(
    engine: Engine,
    key_dir: Path,
    passphrase: str,
    key_id: int,
    confirm: Callable[[KeyEntry, int, list[str]], bool],
) -> Destroyed | None:
    """Destroy key `key_id`: the keyset names it destroyed (published first), then its private
    key file and recovery sheet are shredded. `confirm(key, records, kiosks)` is asked in
    between with how many stored records that makes unreadable and which kiosks may still be
    sealing to it; None if it says no."""
    signing = _signing_key(engine, key_dir, passphrase)
    current = _current(engine)
    entry = current.entry(key_id)
    if entry is None:
        raise NotFound(f"the campaign keyset has no key {key_id}; 'kiosk central key list'")
    if key_id == current.primary:
        raise Conflict(
            f"key {key_id} is the primary key, which kiosks seal new signatures to: make a new "
            "one first with 'kiosk central key rotate', then destroy this one"
        )
    if entry.state == "destroyed":
        raise Conflict(f"key {key_id} is already destroyed")
    records = records_sealed_to(engine, key_id)
    if not confirm(entry, records, devices_still_sealing_to(engine, key_id)):
        return None
    keyset = Keyset(
        campaign=current.campaign,
        version=current.version + 1,
        primary=current.primary,
        keys=tuple(
            KeyEntry(e.id, e.fingerprint, "destroyed" if e.id == key_id else e.state)
            for e in current.keys
        ),
        primary_public_key=current.primary_public_key,
        issued_at=utcnow(),
    )
    publish(engine, keyset.sign(signing), {})
    named = [*key_files_of(key_dir, entry.fingerprint), key_dir / sheet_name(key_id)]
    others = [p.read_bytes() for p in private_key_files(key_dir) if p not in named]
    found, mixed = copies_of(key_dir, [p.read_bytes() for p in named[:-1]], others)
    removed = [path for path in dict.fromkeys([*named, *found]) if shred(path)]
    return Destroyed(keyset, entry, records, removed, mixed)


def key_files_of(key_dir: Path, fingerprint: str) -> list[Path]:
    """The private key files in `key_dir` that hold the key with `fingerprint`, by the
    fingerprint written in each (whatever its file name)."""
    return key_files_among(private_key_files(key_dir), fingerprint)


def key_files_among(paths: list[Path], fingerprint: str) -> list[Path]:
    """Those of `paths` that hold the key with `fingerprint` (a missing or damaged file holds
    none)."""
    found = []
    for path in paths:
        try:
            if LockedCampaignKey.read(path.read_bytes(), str(path)).fingerprint == fingerprint:
                found.append(path)
        except (OSError, KeyFileError):
            continue  # a damaged file is no key
    return found
