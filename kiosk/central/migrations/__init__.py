"""Alembic migrations of the central server database (SQLite and PostgreSQL)."""
