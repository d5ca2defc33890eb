"""The campaign keyset on the server: the public keys and their states, and the keyset the
coordinator signed, which the server hands to kiosks unchanged (kiosk.protocol.keyset).

The server cannot change what kiosks seal to: they follow only a keyset signed by the
coordinator key they pinned at enrolment. `publish` also checks the signature itself, with the
coordinator key stored at `init`, so a keyset the coordinator did not sign is never stored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kiosk.central.errors import Conflict, NoCampaign, NotFound
from kiosk.central.models import Campaign, CampaignKey, StoredRecord, utcnow
from kiosk.errors import BadSignature
from kiosk.protocol.keyset import KeyEntry, Keyset, SignedKeyset


@dataclass(frozen=True)
class StoredKey:
    id: int
    fingerprint: str
    public_key_pem: str
    state: str
    created_at: datetime
    changed_at: datetime
    records: int  # stored records sealed to it

    @property
    def entry(self) -> KeyEntry:
        return KeyEntry(self.id, self.fingerprint, self.state)


def list_keys(engine: Engine) -> list[StoredKey]:
    """Every key of the keyset, by id, with how many stored records are sealed to each."""
    counts = (
        select(StoredRecord.key_fingerprint, func.count().label("n"))
        .group_by(StoredRecord.key_fingerprint)
        .subquery()
    )
    query = (
        select(CampaignKey, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.key_fingerprint == CampaignKey.fingerprint)
        .order_by(CampaignKey.id)
    )
    with Session(engine) as s:
        return [
            StoredKey(k.id, k.fingerprint, k.public_key_pem, k.state, k.created_at, k.changed_at, n)
            for k, n in s.execute(query)
        ]


def key_entries(engine: Engine) -> tuple[KeyEntry, ...]:
    return tuple(k.entry for k in list_keys(engine))


def signed_keyset(engine: Engine) -> SignedKeyset | None:
    """The keyset the coordinator last published; None for a campaign without one."""
    with Session(engine) as s:
        row = s.get(Campaign, 1)
        if row is None:
            raise NoCampaign("no campaign yet: run 'kiosk central init' first")
        if row.keyset_body is None or row.keyset_signature is None:
            return None
        return SignedKeyset(row.keyset_body, row.keyset_signature)


def coordinator_key(engine: Engine) -> bytes | None:
    with Session(engine) as s:
        row = s.get(Campaign, 1)
        if row is None:
            raise NoCampaign("no campaign yet: run 'kiosk central init' first")
        return row.coordinator_key


def publish(engine: Engine, signed: SignedKeyset, new_keys: dict[int, str]) -> Keyset:
    """Store a keyset the coordinator signed, one version after the stored one, with the public
    keys it adds (`new_keys`: id -> PEM). Conflict if it is not the next version or does not
    agree with the keys stored; the states follow the keyset's."""
    now = utcnow()
    with Session(engine) as s, s.begin():
        campaign = s.get(Campaign, 1, with_for_update=True)
        if campaign is None:
            raise NoCampaign("no campaign yet: run 'kiosk central init' first")
        if campaign.coordinator_key is None:
            raise Conflict(
                "this campaign has no coordinator signing key (it was made before keysets), so "
                "its kiosks cannot learn a new key"
            )
        try:
            keyset = signed.verify(campaign.coordinator_key)
        except BadSignature:
            raise Conflict("the keyset is not signed by this campaign's coordinator key") from None
        current = (
            SignedKeyset(campaign.keyset_body, campaign.keyset_signature).verify(
                campaign.coordinator_key
            )
            if campaign.keyset_body is not None and campaign.keyset_signature is not None
            else None
        )
        expected = 1 if current is None else current.version + 1
        if keyset.version != expected or keyset.campaign != campaign.key_fingerprint:
            raise Conflict(
                f"the keyset is version {keyset.version}; the server expects version {expected} "
                "of this campaign (another rotation may have happened meanwhile: run "
                "'kiosk central key list')"
            )
        stored = {k.id: k for k in s.scalars(select(CampaignKey))}
        for entry in keyset.keys:
            row = stored.get(entry.id)
            if row is None:
                pem = new_keys.get(entry.id)
                if pem is None:
                    raise Conflict(f"key {entry.id} is new, but its public key was not given")
                s.add(
                    CampaignKey(
                        id=entry.id,
                        fingerprint=entry.fingerprint,
                        public_key_pem=pem,
                        state=entry.state,
                        created_at=now,
                        changed_at=now,
                    )
                )
            elif row.fingerprint != entry.fingerprint:
                raise Conflict(f"key {entry.id} of the keyset is not the key stored as {entry.id}")
            elif row.state != entry.state:
                row.state, row.changed_at = entry.state, now
        if set(stored) - {e.id for e in keyset.keys}:
            raise Conflict("the keyset leaves out a key the server holds")
        campaign.keyset_body, campaign.keyset_signature = signed.body, signed.signature
    return keyset


@dataclass(frozen=True)
class LastSealed:
    """What the server knows of the key a kiosk seals to: the key of the newest signature it
    delivered (by its own sequence), and the hour that signature was collected. A kiosk takes
    a new keyset with its next sync, which the server does not record."""

    device_id: str
    fingerprint: str
    collected_hour: datetime


def last_sealed(engine: Engine) -> dict[str, LastSealed]:
    """By device: the key of its newest delivered record; kiosks that delivered none are not
    in it."""
    latest = (
        select(StoredRecord.device_id, func.max(StoredRecord.device_seq).label("seq"))
        .group_by(StoredRecord.device_id)
        .subquery()
    )
    query = select(
        StoredRecord.device_id, StoredRecord.key_fingerprint, StoredRecord.collected_hour
    ).join(
        latest,
        (StoredRecord.device_id == latest.c.device_id) & (StoredRecord.device_seq == latest.c.seq),
    )
    with Session(engine) as s:
        return {d: LastSealed(d, f, h) for d, f, h in s.execute(query)}


def devices_still_sealing_to(engine: Engine, key_id: int) -> list[str]:
    """The kiosks whose latest delivered record is sealed to key `key_id`: as far as the server
    knows, they have not followed a newer keyset yet, and may still be sealing to it."""
    with Session(engine) as s:
        key = s.get(CampaignKey, key_id)
        if key is None:
            raise NotFound(f"the campaign keyset has no key {key_id}")
        fingerprint = key.fingerprint
    return sorted(d for d, last in last_sealed(engine).items() if last.fingerprint == fingerprint)


def primary_and_version(engine: Engine) -> tuple[int, int | None]:
    """(the primary key's id, the keyset's version) of the keyset the coordinator signed; a
    campaign made before keysets has key 1 as its primary and no version."""
    signed = signed_keyset(engine)
    key = coordinator_key(engine)
    if signed is None or key is None:
        return 1, None
    keyset = signed.verify(key)
    return keyset.primary, keyset.version


def records_sealed_to(engine: Engine, key_id: int) -> int:
    with Session(engine) as s:
        key = s.get(CampaignKey, key_id)
        if key is None:
            raise NotFound(f"the campaign keyset has no key {key_id}")
        count = s.scalar(
            select(func.count())
            .select_from(StoredRecord)
            .where(StoredRecord.key_fingerprint == key.fingerprint)
        )
    return count or 0
