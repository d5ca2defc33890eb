"""Enrolment from the kiosk's side, and reading back what enrolment stored.

The kiosk takes a one-time code from the coordinator, makes (or reuses) its Ed25519 device
key, registers the public half with the server, and keeps what the server hands back: the
campaign public key, the appeal, the event and the server's address.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.clock import to_hour, utc_now
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.errors import EnrolmentError, KeyFileError, SyncError
from kiosk.files import keys
from kiosk.files.atomic import write_atomic
from kiosk.petition.appeal import parse_appeal
from kiosk.protocol.enrolment_link import is_link, parse_link
from kiosk.sync import APPEAL_FILE
from kiosk.sync.client import CentralClient
from kiosk.vault import Vault, device, outbox

log = logging.getLogger("kiosk.sync")


@dataclass(frozen=True)
class Enrolled:
    server_url: str
    event: str
    device_key_file: Path
    campaign_key_fingerprint: str
    enrolled_at: datetime
    receipt_key: bytes  # the server's receipt key: only receipts it signed acknowledge a batch


def enrolled(vault: Vault, data_dir: Path) -> Enrolled | None:
    """What this kiosk's enrolment stored, or None if it was never enrolled."""
    stored = device.enrolment(vault)
    if stored is None:
        return None
    return Enrolled(
        server_url=stored.server_url,
        event=stored.event,
        device_key_file=data_dir / stored.device_key_file,
        campaign_key_fingerprint=stored.campaign_key_fingerprint,
        enrolled_at=stored.enrolled_at,
        receipt_key=stored.receipt_key,
    )


def enrol(
    vault: Vault,
    data_dir: Path,
    code: str,
    server_url: str | None = None,
    *,
    client: CentralClient | None = None,
) -> Enrolled:
    """Enrol with a code and the server's address, or with an enrolment link (`code` holding
    the whole link, `server_url` then None or the same server)."""
    expected: str | None = None
    if is_link(code):
        link = parse_link(code)
        if server_url and server_url.rstrip("/") != link.server_url.rstrip("/"):
            raise EnrolmentError(
                f"The link is for {link.server_url}, not {server_url}; use one or the other."
            )
        code, server_url, expected = link.code, link.server_url, link.campaign_fingerprint
    if not server_url:
        raise EnrolmentError("Give the server's address with the code, or the whole link.")
    server_url = server_url.rstrip("/")
    if not server_url.startswith(("http://", "https://")):
        raise EnrolmentError(f"{server_url!r} is not a server address; it starts with https://")
    device_key = keys.device_key(data_dir)
    own_client = client is None
    http = client or CentralClient(server_url)
    try:
        answer = http.enrol(code.strip(), vault.device_id, device_key.public_bytes)
    except SyncError as exc:
        raise EnrolmentError(str(exc)) from None
    finally:
        if own_client:
            http.close()
    if answer.device_id != vault.device_id:
        raise EnrolmentError("The server enrolled a different device id; nothing was changed.")
    try:
        campaign = CampaignPublicKey.from_pem(
            answer.campaign_public_key_pem.encode("utf-8"), "the server's campaign key"
        )
    except KeyFileError as exc:
        raise EnrolmentError(str(exc)) from None
    if campaign.fingerprint != answer.campaign_key_fingerprint:
        raise EnrolmentError(
            "The campaign key the server sent does not match its fingerprint; nothing was kept."
        )
    if expected is not None and campaign.fingerprint != expected:
        raise EnrolmentError(
            f"The server's campaign key is {campaign.fingerprint}, but the link names "
            f"{expected}: this is not the coordinator's campaign. Nothing was kept."
        )
    appeal_bytes = answer.appeal_toml.encode("utf-8")
    parse_appeal(appeal_bytes, "the appeal sent by the server")  # AppealError says what is wrong
    _refuse_key_change_with_unsent(vault, data_dir, campaign)

    keys.store_public_key(campaign, data_dir)
    write_atomic(data_dir / APPEAL_FILE, appeal_bytes, mode=0o644)
    now = to_hour(utc_now())
    device.record_enrolment(
        vault,
        device.Enrolment(
            server_url,
            answer.event,
            keys.DEVICE_KEY_FILE,
            campaign.fingerprint,
            now,
            answer.receipt_public_key,
        ),
    )
    log.info("enrolled for event %r with campaign key %s", answer.event, campaign.fingerprint)
    return Enrolled(
        server_url,
        answer.event,
        data_dir / keys.DEVICE_KEY_FILE,
        campaign.fingerprint,
        now,
        answer.receipt_public_key,
    )


def _refuse_key_change_with_unsent(vault: Vault, data_dir: Path, new: CampaignPublicKey) -> None:
    """Signatures sealed to one campaign must reach that campaign before the kiosk switches."""
    current = data_dir / keys.PUBLIC_KEY_FILE
    if not current.exists():
        return
    try:
        old = keys.load_public_key(current).fingerprint
    except KeyFileError:
        return
    if old != new.fingerprint and outbox.backlog(vault).waiting_total > 0:
        raise EnrolmentError(
            f"This kiosk still holds signatures for campaign key {old} that the server has not "
            "confirmed. Sync them, or export them with 'kiosk export-batches', before enrolling "
            "it for another campaign."
        )
