"""SQLite engines with one writer at a time, the Alembic revision of any database, and what a
database error means (damage, a full disk): what the kiosk's vault and the central server share,
so both take their locks and read their errors the same way.

Write transactions start with `BEGIN IMMEDIATE` (SQLAlchemy's documented pysqlite recipe): the
driver's own BEGIN is turned off and SQLAlchemy's "begin" event emits it, so a writer takes the
lock up front and a busy database waits (busy_timeout) instead of failing half-way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import Any

from sqlalchemy import URL, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import DBAPIError


def sqlite_engine(url: str | URL, pragmas: Iterable[str], **options: Any) -> Engine:
    """An engine whose every connection runs `pragmas` and whose transactions begin IMMEDIATE."""
    connect_args = {"check_same_thread": False, **options.pop("connect_args", {})}
    engine = create_engine(url, connect_args=connect_args, **options)
    statements = tuple(pragmas)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # BEGIN comes from "begin" below
        cursor = dbapi_connection.cursor()
        for pragma in statements:
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def alembic_revision(engine: Engine) -> str | None:
    """The revision Alembic last migrated this database to, or None before the first."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def sqlite_code(exc: DBAPIError) -> int | None:
    """SQLite's primary result code (the low byte of an extended one) of a database error, or
    None when SQLite did not raise it."""
    code = getattr(exc.orig, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def disk_full(exc: DBAPIError) -> bool:
    """SQLite's SQLITE_FULL, or PostgreSQL's disk_full (SQLSTATE 53100)."""
    code = sqlite_code(exc)
    if code is not None:
        return code == sqlite3.SQLITE_FULL
    return getattr(exc.orig, "sqlstate", None) == "53100"
