"""The central server's tables. Outside `record.sealed` nothing here is personal: ids, sequence
numbers, hours, hashes and the signed envelopes (whose records are sealed too)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Dialect,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as naive UTC (the same on SQLite and PostgreSQL), read back as aware UTC."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Campaign(Base):
    """The one campaign this server collects for: its public key and its appeal."""

    __tablename__ = "campaign"
    __table_args__ = (CheckConstraint("id = 1", name="ck_campaign_single"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    public_key_pem: Mapped[str] = mapped_column(Text)
    key_fingerprint: Mapped[str] = mapped_column(String(32))
    appeal_id: Mapped[str] = mapped_column(String(63))
    appeal_version: Mapped[int]
    appeal_toml: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The server's Ed25519 receipt key, PKCS#8 PEM (c0002): it signs every receipt.
    receipt_key_pem: Mapped[str | None] = mapped_column(Text)
    # How many records one device may deliver per hour (c0004; kiosk central init).
    records_per_hour: Mapped[int] = mapped_column(server_default=text("5000"))
    # The campaign's goal in signatures, set on the console's Events page (c0011); None: the
    # appeal file's `goal`, if it has one.
    goal: Mapped[int | None] = mapped_column(BigInteger)
    # The coordinator's Ed25519 signing key (raw 32 bytes) and the campaign keyset it signed,
    # as the coordinator's machine published it (c0010; kiosk.protocol.keyset). The server
    # only passes the keyset on: it cannot sign one.
    coordinator_key: Mapped[bytes | None] = mapped_column(LargeBinary)
    keyset_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    keyset_signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Retention (c0013; kiosk.central.retention): ciphertext is deleted this many months after
    # its hour of collection, or after the delivery to the target, whichever comes first.
    keep_months_after_collection: Mapped[int] = mapped_column(server_default=text("21"))
    keep_months_after_delivery: Mapped[int] = mapped_column(server_default=text("1"))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CampaignKey(Base):
    """One key of the campaign keyset: its public half and its state (c0010). The private half
    is on the coordinator's machine, never here. Key 1 is the key the campaign was made with;
    its fingerprint stays the campaign's name."""

    __tablename__ = "campaign_key"
    __table_args__ = (
        CheckConstraint("state IN ('active', 'retired', 'destroyed')", name="ck_key_state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    fingerprint: Mapped[str] = mapped_column(String(32), unique=True)
    public_key_pem: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)  # when its state last changed


class CoordinatorCredential(Base):
    __tablename__ = "coordinator_credential"

    id: Mapped[int] = mapped_column(primary_key=True)
    credential_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EnrolmentCode(Base):
    __tablename__ = "enrolment_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)  # the code's HKDF id (v2)
    mac_key: Mapped[str | None] = mapped_column(String(64))  # hex; None: a v1 code, unusable
    event: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    device_id: Mapped[str | None] = mapped_column(String(36))


class Device(Base):
    __tablename__ = "device"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary)
    event: Mapped[str] = mapped_column(String(200))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StoredBatch(Base):
    """A batch is known by its device and its id: ids are the kiosk's own choice and travel in
    the clear (batch files, the wire), so an id unique across devices would let one enrolled
    device squat another's ids and turn its honest uploads into conflicts."""

    __tablename__ = "batch"
    __table_args__ = (
        PrimaryKeyConstraint("device_id", "id", name="pk_batch"),
        UniqueConstraint("device_id", "seq", name="uq_batch_device_seq"),
    )

    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"))
    id: Mapped[str] = mapped_column(String(36))
    seq: Mapped[int] = mapped_column(BigInteger)  # from 1; a salvage batch's from -1 down (c0005)
    kind: Mapped[str] = mapped_column(String(8), server_default="chain")  # "chain" or "salvage"
    hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    appeal_id: Mapped[str] = mapped_column(String(63))
    appeal_version: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The envelope as received, for audit, but for its sealed records (the record rows'):
    # the body's head and the device's signature (c0012; kiosk.central.audit joins them).
    head: Mapped[bytes | None] = mapped_column(LargeBinary)
    signature: Mapped[bytes | None] = mapped_column(LargeBinary)
    record_count: Mapped[int]
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The event the kiosk signed into the batch (c0011); None from a kiosk that did not say.
    event: Mapped[str | None] = mapped_column(String(200))


class StoredRecord(Base):
    """A record is known by its device and its id, like its batch (c0003)."""

    __tablename__ = "record"
    __table_args__ = (
        PrimaryKeyConstraint("device_id", "id", name="pk_record"),
        ForeignKeyConstraint(
            ["device_id", "batch_id"], ["batch.device_id", "batch.id"], name="fk_record_batch"
        ),
        Index("ix_record_device_batch", "device_id", "batch_id"),
        Index("ix_record_collected_hour", "collected_hour"),  # c0013: retention, console
    )

    device_id: Mapped[str] = mapped_column(String(36))
    id: Mapped[str] = mapped_column(String(36))
    batch_id: Mapped[str] = mapped_column(String(36))
    device_seq: Mapped[int] = mapped_column(BigInteger)
    collected_hour: Mapped[datetime] = mapped_column(UTCDateTime)
    key_fingerprint: Mapped[str] = mapped_column(String(32))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)


class Event(Base):
    """An event of the campaign (a rally, a day at a market), with its goal in signatures. Its
    kiosks name it by any of its aliases (c0011)."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    goal: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EventAlias(Base):
    """A name that means an event: its name now and every name it had. Kiosks keep the name
    they were given (enrolment, the volunteer's panel), so a renamed event still owns the
    batches that arrive under its old name."""

    __tablename__ = "event_alias"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id"), index=True)


class HourTally(Base):
    """How many records each device delivered per collected hour and event name: kept by the
    transaction that stores the records (kiosk.central.tally), so the console counts without
    reading the record table. Counts and hours only (c0011)."""

    __tablename__ = "hour_tally"
    __table_args__ = (
        PrimaryKeyConstraint("device_id", "event", "hour", name="pk_hour_tally"),
        Index("ix_hour_tally_hour", "hour"),
    )

    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"))
    event: Mapped[str] = mapped_column(String(200))  # as the kiosk named it; "" for none
    hour: Mapped[datetime] = mapped_column(UTCDateTime)
    signatures: Mapped[int] = mapped_column(BigInteger)


class DeviceHeartbeat(Base):
    """A kiosk's latest heartbeat (kiosk.protocol.heartbeat), overwritten by each newer one: its
    status, never a history. `seen_at` is kept to the minute (the console's "silent for 15
    minutes" needs it); the kiosk's own clock is kept only as its offset from the server's."""

    __tablename__ = "device_heartbeat"

    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    clock_offset_seconds: Mapped[int] = mapped_column(BigInteger)  # kiosk minus server
    app_version: Mapped[str] = mapped_column(String(40))
    appeal_id: Mapped[str | None] = mapped_column(String(63))
    appeal_version: Mapped[int | None] = mapped_column(BigInteger)
    appeal_digest: Mapped[str | None] = mapped_column(String(64))
    event: Mapped[str] = mapped_column(String(255))
    pending_signatures: Mapped[int] = mapped_column(BigInteger)
    unacknowledged_batches: Mapped[int] = mapped_column(BigInteger)
    battery_percent: Mapped[int | None]
    charging: Mapped[bool | None] = mapped_column(Boolean)
    disk_free_bytes: Mapped[int | None] = mapped_column(BigInteger)


class DeletedRecord(Base):
    """A record whose ciphertext was deleted, erased at a supporter's request or by retention
    (c0013): its id stays so that the same record, uploaded again or imported from a USB stick
    found later, is dropped. Ids and an hour only: the server never learns whose it was."""

    __tablename__ = "deleted_record"
    __table_args__ = (PrimaryKeyConstraint("device_id", "id", name="pk_deleted_record"),)

    device_id: Mapped[str] = mapped_column(String(36))
    id: Mapped[str] = mapped_column(String(36))
    reason: Mapped[str] = mapped_column(String(16))  # "erased" or "retention"
    deleted_hour: Mapped[datetime] = mapped_column(UTCDateTime)


class RecordMark(Base):
    """The coordinator's review of a record (c0013): valid, invalid or test, with a reason."""

    __tablename__ = "record_mark"
    __table_args__ = (PrimaryKeyConstraint("device_id", "record_id", name="pk_record_mark"),)

    device_id: Mapped[str] = mapped_column(String(36))
    record_id: Mapped[str] = mapped_column(String(36))
    mark: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str] = mapped_column(String(200))
    marked_hour: Mapped[datetime] = mapped_column(UTCDateTime)


class InTestMode(Base):
    """A kiosk (kind "device") or an event (kind "event") in test mode (c0013): its signatures
    never count, in the status, the console's totals or the export."""

    __tablename__ = "test_mode"
    __table_args__ = (PrimaryKeyConstraint("kind", "name", name="pk_test_mode"),)

    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(200))
    since_hour: Mapped[datetime] = mapped_column(UTCDateTime)


# The console's tables (kiosk.central.console.tables) belong to the same metadata.
from kiosk.central.console import tables as _console_tables  # noqa: E402, F401
