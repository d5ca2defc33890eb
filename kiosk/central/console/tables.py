"""The console's tables (migration c0005): named accounts, sessions, the audit log and the
kiosks' labels. Nothing here is about a signer; times in the audit log are to the hour."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.central.models import Base, UTCDateTime


class ConsoleAccount(Base):
    """A named coordinator: its credential is kept as an Argon2id hash (PHC string)."""

    __tablename__ = "console_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    credential_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ConsoleSession(Base):
    """A signed-in browser: the cookie holds a random token, the table only its SHA-256."""

    __tablename__ = "console_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account: Mapped[str] = mapped_column(String(64))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditEntry(Base):
    __tablename__ = "console_audit"

    id: Mapped[int] = mapped_column(primary_key=True)
    hour: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    account: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str | None] = mapped_column(String(200))


class DeviceLabel(Base):
    """The name a coordinator gave a kiosk ("Tablet 3, blue case")."""

    __tablename__ = "console_device_label"

    device_id: Mapped[str] = mapped_column(ForeignKey("device.id"), primary_key=True)
    label: Mapped[str] = mapped_column(String(80))
