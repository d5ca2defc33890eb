"""Where the campaign key files live, and loading them with messages a person can act on."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.errors import KeyFileError, KioskError, OtherCampaignKey
from kiosk.files.atomic import write_atomic

log = logging.getLogger("kiosk.files.keys")

PUBLIC_KEY_FILE = "campaign-public.pem"
PRIVATE_KEY_FILE = "campaign-private.pem"
DEVICE_KEY_FILE = "device-key.pem"  # this kiosk's Ed25519 batch-signing key, made at enrolment
DEMO_DIR = "demo-coordinator"  # in a demo data directory: the coordinator's half, for the demo
DEMO_PASSPHRASE = "demo only - not for real signatures"


def load_public_key(path: Path) -> CampaignPublicKey:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(
            f"No campaign key at {path}. Ask your coordinator for the campaign public key "
            "(made by 'kiosk keygen') and pass it once with --campaign-key FILE, "
            "or try the kiosk with 'kiosk demo'."
        ) from None
    except OSError as exc:
        raise KeyFileError(f"The campaign key {path} cannot be read ({exc.strerror}).") from None
    return CampaignPublicKey.from_pem(data, str(path))


def install_public_key(source: Path, data_dir: Path) -> CampaignPublicKey:
    """Check a key file handed over by a coordinator, then keep a copy in the data directory.

    Refuses another campaign's key where one is installed: the signatures already sealed here
    belong to that campaign, and must reach it before the kiosk collects for another."""
    key = load_public_key(source)
    installed = data_dir / PUBLIC_KEY_FILE
    current = _installed_fingerprint(installed)
    if current is not None and current != key.fingerprint:
        raise OtherCampaignKey(
            f"{source} is the key of campaign {key.fingerprint}, but this kiosk collects for "
            f"campaign {current} ({installed}). To move it to the other campaign, first sync "
            "its signatures (or export them with 'kiosk export-batches'), then remove "
            f"{installed} and start it again; or give it a data directory of its own with "
            "--data-dir."
        )
    write_atomic(installed, key.to_pem(), mode=0o644)
    log.info("installed campaign key %s", key.fingerprint)
    return key


def _installed_fingerprint(path: Path) -> str | None:
    """The fingerprint of the key installed at `path`; None if there is none or it is damaged
    (a good copy handed over then replaces it)."""
    try:
        return CampaignPublicKey.from_pem(path.read_bytes(), str(path)).fingerprint
    except (OSError, KeyFileError):
        return None


def store_public_key(key: CampaignPublicKey, data_dir: Path) -> None:
    """Keep a campaign key received at enrolment, where `kiosk run` looks for it."""
    write_atomic(data_dir / PUBLIC_KEY_FILE, key.to_pem(), mode=0o644)
    log.info("installed campaign key %s", key.fingerprint)


def device_key(data_dir: Path) -> DeviceKey:
    """This kiosk's device key, created (0600) the first time it is needed."""
    path = data_dir / DEVICE_KEY_FILE
    if path.exists():
        return load_device_key(path)
    key = DeviceKey.generate()
    write_atomic(path, key.to_pem(), mode=0o600)
    log.info("created a device key")
    return key


def load_device_key(path: Path) -> DeviceKey:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(
            f"The device key {path} cannot be read ({exc.strerror}). Enrol the kiosk again "
            "with a new code from the coordinator."
        ) from None
    return DeviceKey.from_pem(data, str(path))


def write_key_pair(
    private: CampaignPrivateKey, passphrase: str, out_dir: Path
) -> tuple[Path, Path]:
    """Write a new key pair; refuses to overwrite, since losing a private key loses signatures."""
    private_path, public_path = out_dir / PRIVATE_KEY_FILE, out_dir / PUBLIC_KEY_FILE
    for path in (private_path, public_path):
        if path.exists():
            raise KeyFileError(
                f"{path} already exists. Move it somewhere safe first: "
                "signatures sealed to it can only be opened with it."
            )
    out_dir.mkdir(parents=True, exist_ok=True)
    write_atomic(private_path, private.to_pem(passphrase), mode=0o600)
    write_atomic(public_path, private.public_key().to_pem(), mode=0o644)
    return private_path, public_path


def check_written_key(private_path: Path, passphrase: str, public: CampaignPublicKey) -> None:
    """Read the new key file back from disk, open it with the passphrase and open a record
    sealed to its public key: a key that was written wrong is found now, not at export."""
    from kiosk.crypto.campaign_key import LockedCampaignKey
    from kiosk.crypto.seal import open_sealed, seal

    probe = b"kiosk key check"
    binding = b"kiosk/key-check\x00" + public.fingerprint.encode("ascii")
    try:
        opened = LockedCampaignKey.read(private_path.read_bytes(), str(private_path))
        key = opened.unlock(passphrase)
        if key.public_key().fingerprint != public.fingerprint:
            raise KeyFileError(f"{private_path} holds another key than the one just made.")
        if open_sealed(seal(probe, public, binding), key, binding) != probe:
            raise KeyFileError(f"{private_path} does not open a record sealed to its key.")
    except (OSError, KioskError) as exc:
        raise KeyFileError(
            f"The new campaign key did not read back correctly ({exc}); nothing was created. "
            "Check the disk, and run the command again."
        ) from None


@dataclass(frozen=True)
class DemoCampaign:
    public_key: CampaignPublicKey
    private_key_file: Path


def ensure_demo_campaign(data_dir: Path) -> DemoCampaign:
    """The demo's own campaign key pair, made on first use; never a real campaign's."""
    demo_dir = data_dir / DEMO_DIR
    public_path = data_dir / PUBLIC_KEY_FILE
    if public_path.exists() and not demo_dir.exists():
        raise KeyFileError(
            f"{data_dir} holds a real campaign's key. The demo needs a data directory of its "
            "own: leave out --data-dir, or give it an empty directory."
        )
    if not (demo_dir / PRIVATE_KEY_FILE).exists():
        private = CampaignPrivateKey.generate()
        write_key_pair(private, DEMO_PASSPHRASE, demo_dir)
        write_atomic(public_path, private.public_key().to_pem(), mode=0o644)
        log.info("created demo campaign key %s", private.public_key().fingerprint)
    return DemoCampaign(load_public_key(public_path), demo_dir / PRIVATE_KEY_FILE)
