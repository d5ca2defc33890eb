"""The vault: this kiosk's durable store of sealed signatures."""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from kiosk.clock import to_hour, utc_now
from kiosk.errors import UnknownSchema, VaultError
from kiosk.files.datadir import VAULT_FILE as VAULT_FILE
from kiosk.message import QT_TRANSLATE_NOOP, Message
from kiosk.sql import disk_full, sqlite_code
from kiosk.vault import damage, schema, state
from kiosk.vault.engine import make_engine
from kiosk.vault.models import Device, SignatureBatch, StoredBatch, StoredSignature

log = logging.getLogger("kiosk.vault")


@dataclass(frozen=True)
class NewSignature:
    id: str
    appeal_id: str
    appeal_version: int
    collected_hour: datetime
    key_fingerprint: str
    sealed: bytes
    # The local day it counts towards in the panel's "Today" (kiosk.clock.local_day); None: the
    # collection hour's (UTC) day.
    day: date | None = None


class Vault:
    def __init__(self, engine: Engine, *, location: str) -> None:
        self._engine = engine
        self._location = location
        self.device_id = self._ensure_device()
        self.notice: Message | None = None

    @classmethod
    def open(cls, data_dir: Path, *, now: Callable[[], datetime] | None = None) -> Vault:
        """Open (or create) the vault in `data_dir`, after kiosk.vault.damage has looked at the
        files as they are; `notice` then says, in words, what a volunteer must know (a vault
        mended after damage, or signatures missing from it), or is None."""
        path = data_dir / VAULT_FILE
        notice = damage.before_open(path)
        engine = make_engine(path)
        try:
            with engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                assert isinstance(raw, sqlite3.Connection)
                problem = damage.quick_check(raw)
            if problem is not None:
                engine.dispose()
                raise damage.damaged_store(path, problem)
            schema.upgrade(engine)
            vault = cls(engine, location=str(path))
        except DatabaseError as exc:
            engine.dispose()
            if _damaged(exc):
                log.error("the vault file is damaged: %s", _reason(exc))
                raise damage.damaged_store(path, _reason(exc)) from None
            raise VaultError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "vault",
                        "The signature store {path} cannot be opened ({reason}). "
                        "Check that the data directory is writable and the disk is not full.",
                    ),
                    path=str(path),
                    reason=_reason(exc),
                )
            ) from None
        except UnknownSchema as exc:
            engine.dispose()
            raise VaultError(f"The signature store {path} cannot be opened: {exc}.") from None
        vault.notice = vault._notice(notice)
        return vault

    def _notice(self, found: damage.Notice | None) -> Message | None:
        parts = [found.text] if found is not None else []
        earlier = [
            p
            for p in damage.kept_earlier(Path(self._location))
            if found is None or p != found.preserved
        ]
        if earlier:
            parts.append(
                Message(
                    QT_TRANSLATE_NOOP(
                        "vault",
                        "Copies of a damaged signature store are kept in {folder} ({copies}): "
                        "give them to your coordinator, then move them off the kiosk.",
                    ),
                    folder=str(earlier[-1].parent),
                    copies=len(earlier),
                )
            )
        gaps = self.sequence_gaps()
        if gaps:
            missing = sum(b - a + 1 for a, b in gaps)
            named = damage.describe_gaps(gaps)
            log.error("device sequence numbers missing from the vault: %s", named)
            if missing == 1:
                template = QT_TRANSLATE_NOOP(
                    "vault",
                    "1 signature is missing from the signature store (device sequence number "
                    "{numbers}). Tell your coordinator.",
                )
            else:
                template = QT_TRANSLATE_NOOP(
                    "vault",
                    "{missing} signatures are missing from the signature store (device sequence "
                    "numbers {numbers}). Tell your coordinator.",
                )
            parts.append(Message(template, missing=missing, numbers=named))
        return Message.joined(parts) if parts else None

    def sequence_gaps(self) -> list[tuple[int, int]]:
        """Device sequence numbers that should be in the vault and are not (see damage)."""
        with self.session() as s:
            purged = (
                s.scalar(
                    select(func.max(StoredBatch.last_device_seq)).where(
                        StoredBatch.purged_at.is_not(None)
                    )
                )
                or 0
            )
            above = StoredSignature.device_seq > purged
            count, top = s.execute(
                select(func.count(), func.max(StoredSignature.device_seq)).where(above)
            ).one()
            if count == (top or purged) - purged:
                return []  # every number above the purged ones is there: the usual start
            present = list(s.scalars(select(StoredSignature.device_seq).where(above)))
        return damage.sequence_gaps(present, purged)

    def close(self) -> None:
        self._engine.dispose()

    @property
    def engine(self) -> Engine:
        """For tests that look inside the file. Kiosk code outside kiosk/vault never runs SQL
        (tests/test_layering.py: only the vault and the server import SQLAlchemy); the
        vault's own modules use `session`."""
        return self._engine

    @contextmanager
    def session(self, *, write: bool = False, expire_on_commit: bool = True) -> Iterator[Session]:
        """A session for the vault's own modules (outbox, batches, state, device); `write`
        commits at the end. Every database failure leaves as a VaultError whose message a
        volunteer can act on: the panel and the sync line show it, never a raw SQLAlchemy
        error."""
        try:
            with Session(self._engine, expire_on_commit=expire_on_commit) as s:
                if write:
                    with s.begin():
                        yield s
                else:
                    yield s
        except DatabaseError as exc:
            raise self._failed(exc) from None

    def checkpoint(self) -> None:
        """Copy the WAL into the database file and truncate it to zero bytes."""
        try:
            with self._engine.connect() as conn:
                # The raw connection: SQLAlchemy would wrap the pragma in a transaction, and a
                # checkpoint cannot complete from inside one.
                raw = conn.connection.dbapi_connection
                assert raw is not None
                raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except DatabaseError as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: DatabaseError) -> VaultError:
        log.error("the vault failed: %s", _reason(exc))
        if _damaged(exc):
            return VaultError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "vault",
                        "The signature store {path} is damaged ({reason}). Keep a copy of the "
                        "data directory as it is and contact your coordinator.",
                    ),
                    path=self._location,
                    reason=_reason(exc),
                )
            )
        return VaultError(
            Message(
                QT_TRANSLATE_NOOP(
                    "vault",
                    "The signature store cannot be used right now ({reason}). Check that the "
                    "disk is not full; nothing already saved is affected.",
                ),
                reason=_reason(exc),
            )
        )

    def _ensure_device(self) -> str:
        # A raw session: a failure here is Vault.open's, with open's message.
        with Session(self._engine) as s, s.begin():
            device = s.scalars(select(Device)).first()
            if device is None:
                device = Device(
                    id=str(uuid.uuid4()), created_at=to_hour(utc_now()).replace(tzinfo=None)
                )
                s.add(device)
                log.info("created device identity %s", device.id)
            return device.id

    def add(self, new: NewSignature) -> int:
        """Store one sealed signature durably; returns its device sequence number.

        Returns only after the commit reached the disk (WAL, synchronous=FULL).
        """
        try:
            # One connection, one BEGIN IMMEDIATE transaction, two statements (Core, not the ORM
            # unit of work: this is the path between "confirm" and the thank-you screen).
            with self._engine.begin() as conn:
                seq: int = conn.execute(
                    _INSERT_SIGNATURE,
                    {
                        "id": new.id,
                        "appeal_id": new.appeal_id,
                        "appeal_version": new.appeal_version,
                        "collected_hour": new.collected_hour,
                        "key_fingerprint": new.key_fingerprint,
                        "sealed": new.sealed,
                    },
                ).scalar_one()
                conn.execute(_INSERT_MEMBERSHIP, {"device_seq": seq})  # pending: no batch yet
                # Same transaction: the count can never drift from what was stored.
                state.count_signature(conn, new.day or new.collected_hour.date(), new.appeal_id)
        except DatabaseError as exc:
            log.error("storing a signature failed: %s", _reason(exc))
            if _damaged(exc):
                # Not "nothing already saved is affected": a damaged file may have lost some.
                raise VaultError(
                    Message(
                        QT_TRANSLATE_NOOP(
                            "vault",
                            "This signature could not be saved: the signature store is damaged "
                            "({reason}). Please ask a volunteer for help.",
                        ),
                        reason=_reason(exc),
                    )
                ) from None
            raise VaultError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "vault",
                        "This signature could not be saved ({reason}). "
                        "Please ask a volunteer for help; nothing already saved is affected.",
                    ),
                    reason=_reason(exc),
                )
            ) from None
        return seq

    def count(self, appeal_id: str | None = None, *, after_seq: int = 0) -> int:
        """Stored signatures (of one appeal), those after a device sequence number only."""
        query = select(func.count()).select_from(StoredSignature)
        if appeal_id is not None:
            query = query.where(StoredSignature.appeal_id == appeal_id)
        if after_seq:
            query = query.where(StoredSignature.device_seq > after_seq)
        with self.session() as s:
            return s.scalar(query) or 0

    def signatures(self) -> list[StoredSignature]:
        """Every stored row in device order, detached from the session."""
        with self.session(expire_on_commit=False) as s:
            return list(s.scalars(select(StoredSignature).order_by(StoredSignature.device_seq)))


# One past the highest sequence number ever given out, computed by the INSERT itself under the
# write lock (BEGIN IMMEDIATE). Purged signature rows leave their batch behind, so the batch
# remembers where the sequence stood: it never restarts or repeats after a purge. Both maxima
# are read from an index (the unique device_seq, ix_batch_last_device_seq).
_NEXT_DEVICE_SEQ = (
    func.max(
        func.coalesce(select(func.max(StoredSignature.device_seq)).scalar_subquery(), 0),
        func.coalesce(select(func.max(StoredBatch.last_device_seq)).scalar_subquery(), 0),
    )
    + 1
)
_INSERT_MEMBERSHIP = insert(SignatureBatch)
_INSERT_SIGNATURE = (
    insert(StoredSignature)
    .values(device_seq=_NEXT_DEVICE_SEQ)
    .returning(StoredSignature.device_seq)
)


def _reason(exc: DatabaseError) -> str:
    orig = exc.orig
    if disk_full(exc):
        return Message(QT_TRANSLATE_NOOP("vault", "the disk is full"))
    return str(orig) if isinstance(orig, sqlite3.Error) else type(orig).__name__


def _damaged(exc: DatabaseError) -> bool:
    """The file is not a database, or its pages do not hold together: damage, not a full disk,
    a read-only file or missing permissions (which the person at the kiosk can fix)."""
    return sqlite_code(exc) in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB)
