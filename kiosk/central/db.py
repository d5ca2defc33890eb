"""Database engines for the central server and its schema upgrades.

SQLite (the default, a file in the data directory) runs in WAL mode with `BEGIN IMMEDIATE`
write transactions, so several server processes on one file queue up instead of failing.
PostgreSQL (`postgresql+psycopg://...`) needs nothing special: every rule that matters for
concurrency (one batch per device and id, one per device and seq, one record per device and
id, single-use enrolment codes) is a constraint or a conditional UPDATE, not a check in Python.
"""

from __future__ import annotations

import logging
import shlex
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from kiosk.central.errors import DatabaseError
from kiosk.sql import alembic_revision, sqlite_engine

log = logging.getLogger("kiosk.central")

DATABASE_FILE = "central.sqlite3"
# The newest migration in kiosk/central/migrations/versions; a test checks they agree.
SCHEMA_HEAD = "c0013"
_MIGRATION_LOCK = 0x6B696F736B  # pg_advisory_xact_lock key: one process migrates at a time

BUSY_TIMEOUT_MS = 10000
_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",  # a receipt is a promise: the batch must survive a power cut
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    # A deleted record (erasure, retention) is overwritten with zeros, not left in a free page
    # for whoever reads the file (kiosk.central.deletion checkpoints the WAL after it).
    "PRAGMA secure_delete=ON",
)


def default_url(data_dir: Path) -> str:
    return f"sqlite+pysqlite:///{data_dir / DATABASE_FILE}"


def database_options(engine: Engine) -> str:
    """The `kiosk central` options that reach this engine's database, as a shell line: the
    data directory for the SQLite database `default_url` names, else --database-url (with ***
    for a password, which a page must not show)."""
    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database:
        path = Path(url.database)
        if path.name == DATABASE_FILE:
            return f"--data-dir {shlex.quote(str(path.parent))}"
    return f"--database-url {shlex.quote(url.render_as_string(hide_password=True))}"


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"{url!r} is not a database URL; use e.g. postgresql+psycopg://user@host/db"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        return sqlite_engine(parsed, _SQLITE_PRAGMAS, connect_args={"timeout": 10})
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=10)
    raise DatabaseError(f"the central server runs on SQLite or PostgreSQL, not {parsed.drivername}")


def reading_engine(url: str) -> Engine:
    """An engine for reading only, beside others that read at the same time (the export's
    worker processes): on SQLite its transactions begin DEFERRED, so readers share the file
    (WAL) instead of queueing for the write lock that `make_engine`'s BEGIN IMMEDIATE takes."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return create_engine(parsed, connect_args={"timeout": 10}, poolclass=NullPool)
    return make_engine(url)


def upgrade(engine: Engine) -> None:
    """Bring the schema to SCHEMA_HEAD; safe when several server processes start at once."""
    try:
        if alembic_revision(engine) == SCHEMA_HEAD:
            return
        from alembic import command
        from alembic.config import Config

        config = Config()
        config.set_main_option("script_location", "kiosk.central:migrations")
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            log.info("upgrading the central schema to %s", SCHEMA_HEAD)
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        raise DatabaseError(
            f"cannot open the database {engine.url!r}: {exc.__class__.__name__}: "
            f"{str(exc.orig if hasattr(exc, 'orig') else exc).strip()}"
        ) from None


def open_database(url: str) -> Engine:
    engine = make_engine(url)
    try:
        upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    return engine
