"""Each kiosk's latest heartbeat (kiosk.protocol.heartbeat): its status, overwritten by each
newer one, for the console's Kiosks page.

Revision ID: c0007
Revises: c0006
"""

import sqlalchemy as sa
from alembic import op

from kiosk.central.models import UTCDateTime

revision = "c0007"
down_revision = "c0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "device_heartbeat",
        sa.Column("device_id", sa.String(36), sa.ForeignKey("device.id"), primary_key=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("clock_offset_seconds", sa.BigInteger(), nullable=False),
        sa.Column("app_version", sa.String(40), nullable=False),
        sa.Column("appeal_id", sa.String(63), nullable=True),
        sa.Column("appeal_version", sa.BigInteger(), nullable=True),
        sa.Column("appeal_digest", sa.String(64), nullable=True),
        sa.Column("event", sa.String(255), nullable=False),
        sa.Column("pending_signatures", sa.BigInteger(), nullable=False),
        sa.Column("unacknowledged_batches", sa.BigInteger(), nullable=False),
        sa.Column("battery_percent", sa.Integer(), nullable=True),
        sa.Column("charging", sa.Boolean(), nullable=True),
        sa.Column("disk_free_bytes", sa.BigInteger(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("device_heartbeat")
