"""The kiosk's tables. Nothing here holds a personal field, a hash of one, or an index over one:
outside the sealed blob there are only ids, the device's sequence, the appeal and the hour."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, LargeBinary, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Device(Base):
    """This kiosk's identity: one row, created with the vault."""

    __tablename__ = "device"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime())


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
