"""An index on batch.last_device_seq, so storing a signature finds the highest sequence number
a purged batch gave out by one index lookup, not by reading every batch.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_batch_last_device_seq", "batch", ["last_device_seq"])


def downgrade() -> None:
    op.drop_index("ix_batch_last_device_seq", "batch")
