"""SQLite engine for the vault: WAL, synchronous=FULL, one writer at a time."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.pool import QueuePool

from kiosk.sql import sqlite_engine

# Applied to every connection. FULL makes each commit durable across a power cut in WAL mode;
# secure_delete overwrites freed pages so purged records do not linger in the file;
# temp_store keeps sorts and temp tables off the disk.
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA secure_delete=ON",
    "PRAGMA temp_store=MEMORY",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=5000",
)


def make_engine(path: Path) -> Engine:
    return sqlite_engine(f"sqlite+pysqlite:///{path}", PRAGMAS, poolclass=QueuePool, pool_size=2)
