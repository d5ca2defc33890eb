"""The kiosk's tables. Nothing here holds a personal field, a hash of one, or an index over one:
outside the sealed blob there are only ids, the device's sequence, the appeal and the hour."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, column_property, mapped_column


class Base(DeclarativeBase):
    pass


class Device(Base):
    """This kiosk's identity: one row, created with the vault; enrolment fills in the rest."""

    __tablename__ = "device"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    # The Ed25519 key's file name in the data directory (0600); the key itself is not in here.
    device_key_file: Mapped[str | None] = mapped_column(String(255))
    server_url: Mapped[str | None] = mapped_column(String(2048))
    event: Mapped[str | None] = mapped_column(String(255))
    campaign_key_fingerprint: Mapped[str | None] = mapped_column(String(32))
    enrolled_at: Mapped[datetime | None] = mapped_column(DateTime())
    receipt_key: Mapped[str | None] = mapped_column(String(64))  # hex, from the enrolment (0007)
    tls_pin: Mapped[str | None] = mapped_column(String(64))  # the server's key pin (0008)
    # The coordinator's Ed25519 signing key (hex), pinned at enrolment, and the campaign keyset
    # it signed that this kiosk follows (kiosk.protocol.keyset), as received (0011).
    coordinator_key: Mapped[str | None] = mapped_column(String(64))
    keyset_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    keyset_signature: Mapped[bytes | None] = mapped_column(LargeBinary)


class SignatureBatch(Base):
    """Which batch a signature is in: a row per signature, written with it (batch_id NULL
    while it is pending) and set once, in the transaction that closes the batch. Kept apart
    from the signature row so that closing a batch never rewrites a sealed record (0012)."""

    __tablename__ = "signature_batch"

    device_seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    batch_id: Mapped[str | None] = mapped_column(
        String(36), ForeignKey("batch.id", name="fk_signature_batch_batch"), index=True
    )


class StoredSignature(Base):
    __tablename__ = "signature"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # Per-device sequence, from 1 and gap-free: batches and the server's chain check rely on it.
    device_seq: Mapped[int] = mapped_column(Integer, unique=True)
    appeal_id: Mapped[str] = mapped_column(String(63), index=True)
    appeal_version: Mapped[int] = mapped_column(Integer)
    # Rounded down to the hour (UTC), so the row does not pin a signer to a moment in the queue.
    collected_hour: Mapped[datetime] = mapped_column(DateTime())
    key_fingerprint: Mapped[str] = mapped_column(String(32))
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # Read with the row (Vault.signatures): its batch, or None while it is pending.
    batch_id: Mapped[str | None] = column_property(
        select(SignatureBatch.batch_id)
        .where(SignatureBatch.device_seq == device_seq)
        .correlate_except(SignatureBatch)
        .scalar_subquery()
    )


class BatchState:
    PENDING = "pending"  # closed and signed, never offered to the server
    SENT = "sent"  # offered at least once; the server may or may not hold it
    ACKNOWLEDGED = "acknowledged"  # a 2xx receipt with this batch's hash came back


class StoredBatch(Base):
    """A closed batch and its delivery state: a small row, rewritten at each change of state.
    Its envelope is in BatchEnvelope, so those rewrites never copy the envelope's pages."""

    __tablename__ = "batch"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'sent', 'acknowledged')", name="ck_batch_state"),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, unique=True)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    appeal_id: Mapped[str] = mapped_column(String(63))
    appeal_version: Mapped[int] = mapped_column(Integer)
    record_count: Mapped[int] = mapped_column(Integer)
    # Highest signature device_seq in the batch: keeps the sequence gap-free after a purge.
    # Indexed, so the next sequence number is one lookup however many batches there are.
    last_device_seq: Mapped[int] = mapped_column(Integer, index=True)
    state: Mapped[str] = mapped_column(String(16), index=True, default=BatchState.PENDING)
    receipt: Mapped[str | None] = mapped_column(Text)  # the server's receipt, JSON
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime())
    sent_at: Mapped[datetime | None] = mapped_column(DateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime())
    purged_at: Mapped[datetime | None] = mapped_column(DateTime())  # its envelope is deleted


class BatchEnvelope(Base):
    """A closed batch's signed envelope but for its sealed records, which stay in the signature
    rows: the body's head (magic, header length, header) and the device's signature. Written
    once in the commit that closes the batch, never changed, and deleted when the batch is
    purged (the batch row and its receipt stay); outbox.envelope joins the bytes again (0012:
    before, the envelope was a second copy of every sealed record until the purge)."""

    __tablename__ = "batch_envelope"

    batch_id: Mapped[str] = mapped_column(
        String(36), ForeignKey("batch.id", name="fk_batch_envelope_batch"), primary_key=True
    )
    head: Mapped[bytes] = mapped_column(LargeBinary)
    signature: Mapped[bytes] = mapped_column(LargeBinary)


class KioskState(Base):
    """The volunteer's settings and the PIN guard's memory: one row (id 1), no supporter data.

    The PIN is kept only as its Argon2id hash (kiosk.crypto.pin_hash.hash_pin), with the failed
    attempts and the earliest next try, so a restart neither forgets a lockout nor resets the
    count."""

    __tablename__ = "kiosk_state"
    __table_args__ = (CheckConstraint("id = 1", name="ck_kiosk_state_single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    pin_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # No try is accepted before this moment (UTC): the growing delay, or a lockout.
    pin_locked_until: Mapped[datetime | None] = mapped_column(DateTime())
    event_name: Mapped[str | None] = mapped_column(String(255))
    appeal_id: Mapped[str | None] = mapped_column(String(63))  # the volunteer's chosen appeal
    # The number of the last heartbeat sent (0010): each new one is higher (kiosk.sync.heartbeat).
    heartbeat_seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DailyTally(Base):
    """How many signed, per UTC day, event and appeal. Counted in the transaction that stores
    each signature and never purged, so the counts outlive the sealed rows. A day is the finest
    time kept: the count cannot be matched to a person's moment at the table."""

    __tablename__ = "daily_tally"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    event: Mapped[str] = mapped_column(String(255), primary_key=True)  # "" for no event
    appeal_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    signatures: Mapped[int] = mapped_column(Integer)
