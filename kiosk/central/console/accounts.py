"""Who may sign in to the console: the campaign's coordinator credential (`kiosk central init`,
kept as SHA-256 by kiosk.central.campaign) and named accounts (`kiosk central user add NAME`).

A named account's credential is `ka_<id>_<secret>`: the id says which account to check, so the
secret can be kept as a salted Argon2id hash (kiosk.crypto.pin_hash) and still be found. The
coordinator credential is a 256-bit random token, for which SHA-256 is enough (campaign.py).
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kiosk.central.campaign import credential_is_valid
from kiosk.central.console.tables import ConsoleAccount
from kiosk.central.errors import Conflict, Malformed
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
        raise Conflict(f"there is already an account named {name!r}") from None
    return f"ka_{account_id}_{secret}"


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
