"""The volunteer's side: kiosk state (PIN hash and guard, event, chosen appeal) and daily tallies.

Tallies are backfilled from what the vault still holds: the signature rows (by the day of their
collection hour) and, for batches already purged, the batch's count on the day it was closed.
Both count under the event the kiosk was enrolled for, if any.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "kiosk_state",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("pin_hash", sa.String(255), nullable=True),
        sa.Column("pin_failures", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("pin_locked_until", sa.DateTime(), nullable=True),
        sa.Column("event_name", sa.String(255), nullable=True),
        sa.Column("appeal_id", sa.String(63), nullable=True),
        sa.CheckConstraint("id = 1", name="ck_kiosk_state_single_row"),
    )
    op.create_table(
        "daily_tally",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("event", sa.String(255), primary_key=True),
        sa.Column("appeal_id", sa.String(63), primary_key=True),
        sa.Column("signatures", sa.Integer(), nullable=False),
    )
    op.execute(
        """
        INSERT INTO daily_tally (day, event, appeal_id, signatures)
        SELECT day, event, appeal_id, SUM(n) FROM (
            SELECT date(collected_hour) AS day,
                   COALESCE((SELECT event FROM device LIMIT 1), '') AS event,
                   appeal_id, COUNT(*) AS n
            FROM signature GROUP BY date(collected_hour), appeal_id
            UNION ALL
            SELECT date(created_at), COALESCE((SELECT event FROM device LIMIT 1), ''),
                   appeal_id, SUM(record_count)
            FROM batch WHERE purged_at IS NOT NULL GROUP BY date(created_at), appeal_id
        ) GROUP BY day, event, appeal_id
        """
    )


def downgrade() -> None:
    op.drop_table("daily_tally")
    op.drop_table("kiosk_state")
