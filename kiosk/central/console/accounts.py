"""Who may sign in to the console: the campaign's coordinator credential (`kiosk central init`,
kept as SHA-256 by kiosk.central.campaign) and named accounts (`kiosk central user add NAME`;
`user reissue NAME` gives one a new credential, `user remove NAME` takes it away, and both end
the account's open sessions at once).

A named account's credential is `ka_<id>_<secret>`: the id says which account to check, so the
secret can be kept as a salted Argon2id hash (kiosk.crypto.pin_hash) and still be found. The
coordinator credential is a 256-bit random token, for which SHA-256 is enough (campaign.py).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.central.campaign import credential_is_valid
from kiosk.central.console.tables import ConsoleAccount, ConsoleSession
from kiosk.central.errors import Conflict, Malformed, NotFound
from kiosk.central.models import utcnow
from kiosk.crypto.pin_hash import PinHashParams, hash_pin, verify_pin
from kiosk.errors import PinHashError

COORDINATOR = "coordinator"  # the account name of the credential from `kiosk central init`
_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}$")
_ACCOUNT_CREDENTIAL = re.compile(r"^ka_(\d{1,9})_([A-Za-z0-9_-]{20,100})$")


def add_account(engine: Engine, name: str, params: PinHashParams | None = None) -> str:
    """A new named account; returns its credential, which only exists now (its hash is kept)."""
    name = name.strip().lower()
    if not _NAME.fullmatch(name) or name == COORDINATOR:
        raise Malformed(
            "an account name is 1 to 32 lower-case letters, digits, '.', '_' or '-', starting "
            f"with a letter or digit, and not {COORDINATOR!r}"
        )
    secret = secrets.token_urlsafe(32)
    try:
        with Session(engine) as s, s.begin():
            row = ConsoleAccount(
                name=name,
                credential_hash=hash_pin(secret, params or PinHashParams()),
                created_at=utcnow(),
            )
            s.add(row)
            s.flush()
            account_id = row.id
    except IntegrityError:
        raise Conflict(
            f"there is already an account named {name!r}: 'kiosk central user reissue {name}' "
            "gives it a new credential (the old one stops working), or choose another name"
        ) from None
    return f"ka_{account_id}_{secret}"


@dataclass(frozen=True)
class Account:
    name: str
    created_at: datetime
    sessions: int  # browsers signed in with it now


def list_accounts(engine: Engine) -> list[Account]:
    """The named accounts, by name, with their open sessions."""
    open_sessions = (
        select(ConsoleSession.account, func.count().label("n"))
        .group_by(ConsoleSession.account)
        .subquery()
    )
    query = (
        select(ConsoleAccount.name, ConsoleAccount.created_at, func.coalesce(open_sessions.c.n, 0))
        .outerjoin(open_sessions, open_sessions.c.account == ConsoleAccount.name)
        .order_by(ConsoleAccount.name)
    )
    with Session(engine) as s:
        return [Account(name, created, n) for name, created, n in s.execute(query)]


def reissue_account(engine: Engine, name: str, params: PinHashParams | None = None) -> str:
    """A new credential for the account (a lost one, or one seen by someone else): the old
    one stops working and the account's sessions end. Returns the new credential."""
    secret = secrets.token_urlsafe(32)
    with Session(engine) as s, s.begin():
        row = _account(s, name)
        row.credential_hash = hash_pin(secret, params or PinHashParams())
        s.execute(delete(ConsoleSession).where(ConsoleSession.account == row.name))
        return f"ka_{row.id}_{secret}"


def remove_account(engine: Engine, name: str) -> int:
    """Take the account away: its credential stops working and its sessions end at once.
    Returns how many sessions ended. What it did stays in the audit log, under its name."""
    with Session(engine) as s, s.begin():
        row = _account(s, name)
        ended = s.execute(delete(ConsoleSession).where(ConsoleSession.account == row.name))
        s.delete(row)
        return int(getattr(ended, "rowcount", 0) or 0)


def _account(s: Session, name: str) -> ConsoleAccount:
    name = name.strip().lower()
    row = s.scalar(select(ConsoleAccount).where(ConsoleAccount.name == name))
    if row is None:
        hint = (
            f"{COORDINATOR!r} is the credential 'kiosk central init' printed, not an account"
            if name == COORDINATOR
            else "'kiosk central user list' shows the accounts there are"
        )
        raise NotFound(f"there is no console account named {name!r}: {hint}")
    return row


def account_key(credential: str) -> str:
    """What the per-account rate limit counts a sign-in attempt against."""
    match = _ACCOUNT_CREDENTIAL.fullmatch(credential.strip())
    return f"account {match.group(1)}" if match else COORDINATOR


def check_credential(engine: Engine, credential: str) -> str | None:
    """The name of the account `credential` belongs to, or None."""
    credential = credential.strip()
    match = _ACCOUNT_CREDENTIAL.fullmatch(credential)
    if match is None:
        return COORDINATOR if credential and credential_is_valid(engine, credential) else None
    with Session(engine) as s:
        row = s.scalar(select(ConsoleAccount).where(ConsoleAccount.id == int(match.group(1))))
        if row is None:
            return None
        name, stored = row.name, row.credential_hash
    try:
        return name if verify_pin(match.group(2), stored) else None
    except PinHashError:
        return None


def account_names(engine: Engine) -> list[str]:
    with Session(engine) as s:
        return list(s.scalars(select(ConsoleAccount.name).order_by(ConsoleAccount.name)))
