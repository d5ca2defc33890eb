"""Sync: closed batches, each signature's batch, and the device's enrolment.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batch",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False, unique=True),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        sa.Column("appeal_id", sa.String(63), nullable=False),
        sa.Column("appeal_version", sa.Integer(), nullable=False),
        sa.Column("record_count", sa.Integer(), nullable=False),
        sa.Column("last_device_seq", sa.Integer(), nullable=False),
        sa.Column("envelope", sa.LargeBinary(), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("receipt", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("purged_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("state IN ('pending', 'sent', 'acknowledged')", name="ck_batch_state"),
    )
    op.create_index("ix_batch_state", "batch", ["state"])
    with op.batch_alter_table("signature") as table:
        table.add_column(sa.Column("batch_id", sa.String(36), nullable=True))
        table.create_foreign_key("fk_signature_batch", "batch", ["batch_id"], ["id"])
        table.create_index("ix_signature_batch_id", ["batch_id"])
    with op.batch_alter_table("device") as table:
        table.add_column(sa.Column("device_key_file", sa.String(255), nullable=True))
        table.add_column(sa.Column("server_url", sa.String(2048), nullable=True))
        table.add_column(sa.Column("event", sa.String(255), nullable=True))
        table.add_column(sa.Column("campaign_key_fingerprint", sa.String(32), nullable=True))
        table.add_column(sa.Column("enrolled_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("device") as table:
        for column in (
            "enrolled_at",
            "campaign_key_fingerprint",
            "event",
            "server_url",
            "device_key_file",
        ):
            table.drop_column(column)
    with op.batch_alter_table("signature") as table:
        table.drop_index("ix_signature_batch_id")
        table.drop_constraint("fk_signature_batch", type_="foreignkey")
        table.drop_column("batch_id")
    op.drop_index("ix_batch_state", "batch")
    op.drop_table("batch")
