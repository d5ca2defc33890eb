"""Console sessions: a random token in an HttpOnly cookie, its SHA-256 in the database with the
account and the form (CSRF) token. A session unused for IDLE_TIMEOUT is gone; signing out
deletes it, so a copied cookie is worth nothing afterwards."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from kiosk.central.campaign import token_hash
from kiosk.central.console.tables import ConsoleSession
from kiosk.central.models import utcnow

IDLE_TIMEOUT = timedelta(minutes=30)
_TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at is written at most once a minute


@dataclass(frozen=True)
class SignedIn:
    account: str
    csrf_token: str


def start_session(engine: Engine, account: str) -> str:
    """A new session for `account`; returns the cookie's token."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    with Session(engine) as s, s.begin():
        s.execute(delete(ConsoleSession).where(ConsoleSession.last_seen_at < now - IDLE_TIMEOUT))
        s.add(
            ConsoleSession(
                token_hash=token_hash(token),
                account=account,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                last_seen_at=now,
            )
        )
    return token


def current_session(engine: Engine, token: str) -> SignedIn | None:
    """The session the cookie names, if it exists and has not been idle too long."""
    if not token:
        return None
    now = utcnow()
    with Session(engine) as s, s.begin():
        row = s.scalar(select(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token)))
        if row is None:
            return None
        if now - row.last_seen_at > IDLE_TIMEOUT:
            s.delete(row)
            return None
        if now - row.last_seen_at > _TOUCH_EVERY:
            row.last_seen_at = now
        return SignedIn(row.account, row.csrf_token)


def end_session(engine: Engine, token: str) -> None:
    with Session(engine) as s, s.begin():
        s.execute(delete(ConsoleSession).where(ConsoleSession.token_hash == token_hash(token)))
