"""The campaign this server collects for: its public key, its appeal, the coordinator credential.

Credentials and enrolment codes are random tokens of 128+ bits, so their SHA-256 is as safe to
store as a slow hash would be (nobody can guess through 2**128) and, unlike a salted hash, can be
looked up by value: that is what lets an enrolment code be consumed by one conditional UPDATE.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.central.errors import Conflict, Malformed, NoCampaign, words
from kiosk.central.models import Campaign, CampaignKey, CoordinatorCredential, utcnow
from kiosk.central.ratelimit import DEFAULT_RECORDS_PER_HOUR, MAX_RECORDS_PER_HOUR
from kiosk.crypto.campaign_key import CampaignPublicKey, LockedCampaignKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.crypto.digest import sha256_hex
from kiosk.errors import OtherCampaignKey
from kiosk.petition.appeal import parse_appeal


@dataclass(frozen=True)
class CampaignInfo:
    public_key_pem: str
    key_fingerprint: str
    appeal_id: str
    appeal_version: int
    appeal_toml: str
    receipt_key_pem: str  # the server's receipt signing key (private, PEM)
    records_per_hour: int = DEFAULT_RECORDS_PER_HOUR  # one device's quota (kiosk.central.ratelimit)
    coordinator_key: bytes | None = None  # signs the campaign keyset (kiosk.central.keyset)

    @property
    def receipt_key(self) -> DeviceKey:
        return DeviceKey.from_pem(self.receipt_key_pem.encode("ascii"), "the receipt key")


def token_hash(token: str) -> str:
    return sha256_hex(token)


def create_campaign(
    engine: Engine,
    public_key: CampaignPublicKey,
    appeal_toml: str,
    *,
    records_per_hour: int = DEFAULT_RECORDS_PER_HOUR,
    coordinator_key: bytes | None = None,
) -> CampaignInfo:
    """Store the campaign, its key as key 1 of its keyset, and the coordinator's signing key
    (public half) if it has one; raises Conflict if this database already has one."""
    if not 1 <= records_per_hour <= MAX_RECORDS_PER_HOUR:
        raise Malformed(
            f"the record quota is 1 to {MAX_RECORDS_PER_HOUR:,} records per device and hour, "
            f"not {records_per_hour}"
        )
    appeal = parse_appeal(appeal_toml.encode("utf-8"), "the campaign's appeal")
    row = Campaign(
        id=1,
        public_key_pem=public_key.to_pem().decode("ascii"),
        key_fingerprint=public_key.fingerprint,
        appeal_id=appeal.id,
        appeal_version=appeal.version,
        appeal_toml=appeal_toml,
        created_at=utcnow(),
        receipt_key_pem=DeviceKey.generate().to_pem().decode("ascii"),
        records_per_hour=records_per_hour,
        coordinator_key=coordinator_key,
    )
    first_key = CampaignKey(
        id=1,
        fingerprint=row.key_fingerprint,
        public_key_pem=row.public_key_pem,
        state="active",
        created_at=row.created_at,
        changed_at=row.created_at,
    )
    try:
        with Session(engine) as s, s.begin():
            s.add(row)
            s.flush()
            s.add(first_key)
    except IntegrityError:
        raise Conflict(
            "this database already holds a campaign; one server collects for one campaign"
        ) from None
    return get_campaign(engine)


def get_campaign(engine: Engine) -> CampaignInfo:
    with Session(engine) as s:
        row = s.get(Campaign, 1)
        if row is None:
            raise NoCampaign(words("no campaign yet: run 'kiosk central init' first"))
        return CampaignInfo(
            row.public_key_pem,
            row.key_fingerprint,
            row.appeal_id,
            row.appeal_version,
            row.appeal_toml,
            row.receipt_key_pem or "",
            row.records_per_hour,
            row.coordinator_key,
        )


def require_own_key(campaign: CampaignInfo, key: LockedCampaignKey) -> None:
    """Refuse another campaign's private key before its passphrase is asked for: none of the
    signatures stored here would open with it."""
    if key.fingerprint != campaign.key_fingerprint:
        raise OtherCampaignKey(
            f"{key.source} is the private key of campaign {key.fingerprint}, but this server "
            f"collects for campaign {campaign.key_fingerprint}, so no signature here opens with "
            "it. Use the private key made with this campaign: 'kiosk central init' wrote it as "
            "campaign-private.pem in the server's data directory."
        )


def find_campaign(engine: Engine) -> CampaignInfo | None:
    try:
        return get_campaign(engine)
    except NoCampaign:
        return None


def issue_credential(engine: Engine) -> str:
    """A new coordinator credential; only its hash is kept, so show it now or lose it."""
    credential = "kc_" + secrets.token_urlsafe(32)
    with Session(engine) as s, s.begin():
        s.add(CoordinatorCredential(credential_hash=token_hash(credential), created_at=utcnow()))
    return credential


def credential_is_valid(engine: Engine, credential: str) -> bool:
    with Session(engine) as s:
        found = s.scalar(
            select(CoordinatorCredential.id).where(
                CoordinatorCredential.credential_hash == token_hash(credential)
            )
        )
    return found is not None
