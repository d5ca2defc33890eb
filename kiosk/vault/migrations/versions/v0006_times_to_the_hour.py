"""Batch and device times to the hour: a vault written before kept them to the microsecond,
which timed single signatures (one signature per batch at a quiet table) even after the purge.

Rounds what is there, receipts' `received_at` included; from now on the kiosk writes whole hours
only (kiosk.clock.to_hour). secure_delete overwrites the old values' pages.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# SQLAlchemy's SQLite DateTime text: "YYYY-MM-DD HH:MM:SS.ffffff".
_HOUR = "strftime('%Y-%m-%d %H:00:00.000000', {0})"
_TIMES = {
    "batch": ("created_at", "sent_at", "acknowledged_at", "purged_at"),
    "device": ("created_at", "enrolled_at"),
}


def upgrade() -> None:
    for table, columns in _TIMES.items():
        settings = ", ".join(f"{c} = {_HOUR.format(c)}" for c in columns)
        op.execute(f"UPDATE {table} SET {settings}")  # strftime(NULL) stays NULL
    op.execute(
        "UPDATE batch SET receipt = json_set(receipt, '$.received_at', "
        "substr(json_extract(receipt, '$.received_at'), 1, 13) || ':00:00+00:00') "
        "WHERE json_valid(receipt) AND json_type(receipt, '$.received_at') = 'text'"
    )


def downgrade() -> None:
    """Nothing to undo: the finer times are gone on purpose, and hours are valid times."""
