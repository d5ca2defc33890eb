"""The central schema: migrations reach the head on both databases, and the models agree."""

from __future__ import annotations

import sqlite3
from importlib.resources import files
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, inspect, text

from kiosk.central import db
from kiosk.central.errors import DatabaseError
from kiosk.central.models import Base
from kiosk.sql import alembic_revision


def test_migrations_head_matches_schema_head() -> None:
    versions = files("kiosk.central").joinpath("migrations", "versions")
    revisions = sorted(p.name for p in versions.iterdir() if p.name.endswith(".py"))
    assert revisions[-1].startswith(db.SCHEMA_HEAD + "_")


def test_migrated_schema_matches_the_models(engine: Engine) -> None:
    assert alembic_revision(engine) == db.SCHEMA_HEAD
    with engine.connect() as conn:
        context = MigrationContext.configure(conn)
        assert compare_metadata(context, Base.metadata) == []
    assert {"batch", "record", "device"} <= set(inspect(engine).get_table_names())


def test_upgrade_twice_changes_nothing(engine: Engine) -> None:
    db.upgrade(engine)
    assert alembic_revision(engine) == db.SCHEMA_HEAD


def test_unknown_database_kind_is_a_message() -> None:

    with pytest.raises(DatabaseError, match="SQLite or PostgreSQL"):
        db.make_engine("mysql://localhost/x")
    with pytest.raises(DatabaseError, match="not a database URL"):
        db.make_engine("nonsense")


def test_readers_on_sqlite_leave_the_write_lock_free(tmp_path: Path) -> None:
    """The export's workers read side by side: a reading engine's transaction must not take
    the write lock that make_engine's BEGIN IMMEDIATE takes (they would queue one by one)."""
    path = tmp_path / "central.sqlite3"
    url = f"sqlite+pysqlite:///{path}"
    db.open_database(url).dispose()

    def write_lock_is_free() -> bool:
        probe = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            probe.execute("BEGIN IMMEDIATE")
            probe.execute("ROLLBACK")
            return True
        except sqlite3.OperationalError:
            return False
        finally:
            probe.close()

    for engine, free in ((db.reading_engine(url), True), (db.make_engine(url), False)):
        try:
            with engine.connect() as reading:
                reading.execute(text("SELECT count(*) FROM record")).scalar()  # in a transaction
                assert write_lock_is_free() is free
        finally:
            engine.dispose()
