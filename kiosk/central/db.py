"""Database engines for the central server and its schema upgrades.

SQLite (the default, a file in the data directory) runs in WAL mode with `BEGIN IMMEDIATE`
write transactions, so several server processes on one file queue up instead of failing.
PostgreSQL (`postgresql+psycopg://...`) needs nothing special: every rule that matters for
concurrency (one batch per id, one batch per device and seq, one record per id, single-use
enrolment codes) is a constraint or a conditional UPDATE, not a check in Python.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from kiosk.central.errors import DatabaseError

log = logging.getLogger("kiosk.central")

DATABASE_FILE = "central.sqlite3"
# The newest migration in kiosk/central/migrations/versions; a test checks they agree.
SCHEMA_HEAD = "c0001"
_MIGRATION_LOCK = 0x6B696F736B  # pg_advisory_xact_lock key: one process migrates at a time

_SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",  # a receipt is a promise: the batch must survive a power cut
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


def default_url(data_dir: Path) -> str:
    return f"sqlite+pysqlite:///{data_dir / DATABASE_FILE}"


def make_engine(url: str) -> Engine:
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise DatabaseError(
            f"{url!r} is not a database URL; use e.g. postgresql+psycopg://user@host/db"
        ) from None
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, connect_args={"check_same_thread": False, "timeout": 10})

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # SQLAlchemy's pysqlite recipe, below
            cursor = dbapi_connection.cursor()
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(pragma)
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection: Any) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    if parsed.get_backend_name() == "postgresql":
        return create_engine(parsed, pool_pre_ping=True, pool_size=10, max_overflow=10)
    raise DatabaseError(f"the central server runs on SQLite or PostgreSQL, not {parsed.drivername}")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the schema to SCHEMA_HEAD; safe when several server processes start at once."""
    try:
        if current_revision(engine) == SCHEMA_HEAD:
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
